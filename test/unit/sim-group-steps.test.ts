import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { simulateEvents } from '../../src/core/sim/event-engine';
import { groupSteps, imageInput } from '../../src/core/sim/input';
import { frames, net, w } from './sim-helpers';

describe('groupSteps: the same input on coarser steps', () => {
  it('sums step t of T into step ⌊t·bins/T⌋, hand-checked', () => {
    // Two inputs over 4 steps: (1, 0), (2, 1), (0, 3), (0, 0). Into 2 bins: steps 0, 1 → (3, 1); steps 2, 3 → (0, 3).
    const input = frames([[1, 0], [2, 1], [0, 3], [0, 0]], [2]);
    const g = groupSteps(input, 2);
    assert.equal(g.steps, 2);
    assert.deepEqual([...g.stepStart], [0, 2, 3]);
    assert.deepEqual([...g.index], [0, 1, 1]);
    assert.deepEqual([...g.value], [3, 1, 3]);
    // One bin is the whole sample summed: (3, 4).
    const one = groupSteps(input, 1);
    assert.deepEqual([one.steps, [...one.index], [...one.value]], [1, [0, 1], [3, 4]]);
    // As many bins as steps, or more, and a constant image: the input itself.
    assert.equal(groupSteps(input, 4), input);
    assert.equal(groupSteps(input, 9), input);
    const image = imageInput([0.5], [1], 10);
    assert.equal(groupSteps(image, 2), image);
    for (const bad of [0, 1.5, NaN]) assert.throws(() => groupSteps(input, bad), /whole number/);
  });

  it('a transient crossing spikes on fine steps and not on the summed input', () => {
    // Input 0 then input 1, one step each, into one non-leaky neuron with weights (1.2, −0.5):
    // fine: v = 1.2 → a spike, v = 0.2; then v = 0.2 − 0.5 = −0.3, no spike: 1 spike in all.
    // summed (1 step): v = 1.2 − 0.5 = 0.7 < 1: no spike, as the quantized ANN (⌊0.7⌋ = 0) counts.
    const model = net([{ type: 'linear', name: 'a', outFeatures: 1 }, { type: 'relu', name: 'r' }], [2]);
    const weights = w({ a: { shape: [1, 2], data: [1.2, -0.5] } });
    const input = frames([[1, 0], [0, 1]], [2]);
    assert.equal(simulateEvents(model, weights, input).layers[0].total, 1);
    assert.equal(simulateEvents(model, weights, groupSteps(input, 1)).layers[0].total, 0);
  });
});
