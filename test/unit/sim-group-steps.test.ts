import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { memorySource } from '../../src/core/data/bytes';
import { encodeNmnist } from '../../src/core/data/nmnist';
import type { ModelFile } from '../../src/core/model/types';
import { simulateEvents } from '../../src/core/sim/event-engine';
import { groupSteps, imageInput } from '../../src/core/sim/input';
import { evaluateSnn } from '../../src/core/train/evaluate';
import type { SampleSet } from '../../src/core/train/samples';
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

  it('evaluateSnn with bins simulates each sample on that many steps', async () => {
    // One N-MNIST recording: an event at (0, 0) at 0 µs, one at (20, 0) at 1,000 µs: on the 34×34 sensor summed
    // into the model's [1, 1, 2] input (17-pixel halves), input 0 at step 0 and input 1 at step 1. The
    // transient crossing above: relu 1 spike on the 2 ms steps, 0 with bins 1; the output b (weight 2) gets
    // 2 from that spike, else nothing.
    const bytes = encodeNmnist({ x: [0, 20], y: [0, 0], t: [0, 1000], p: [1, 1] });
    const base = net([{ type: 'flatten', name: 'f' }, { type: 'linear', name: 'a', outFeatures: 1 }, { type: 'relu', name: 'r' }, { type: 'linear', name: 'b', outFeatures: 1 }], [1, 1, 2], true);
    // One chunk of the recording's 2 events.
    const model = { ...base, input: { kind: 'events', shape: [1, 1, 2], chunkEvents: 2, dtMs: 1 }, name: 'bins', format: 'synops-model', version: 1 } as ModelFile;
    const weights = w({ a: { shape: [1, 2], data: [1.2, -0.5] }, b: { shape: [1, 1], data: [2] } });
    const set: SampleSet = { shape: [1, 1, 2], n: 1, x: new Float32Array(2), y: Int32Array.from([0]), refs: [{ file: 'rec.bin', source: memorySource('rec.bin', bytes), recording: 'rec', chunk: 0 }] };
    const fine = await evaluateSnn(model, weights, set, {});
    const one = await evaluateSnn(model, weights, set, { bins: 1 });
    assert.deepEqual([fine.meanSteps, fine.layers?.[0].spikes, fine.totalSynops], [2, 1, 2 + 1]);
    // Summed: 2 input events × fan-out 1 = 2 SynOps, and no relu spike to send on.
    assert.deepEqual([one.meanSteps, one.layers?.[0].spikes, one.totalSynops], [1, 0, 2]);
  });
});
