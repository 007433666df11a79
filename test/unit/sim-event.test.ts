import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { simulateEvents } from '../../src/core/sim/event-engine';
import { binEvents, imageInput, inputTotals } from '../../src/core/sim/input';
import { frames, net, w } from './sim-helpers';

describe('event-driven engine, hand-checked', () => {
  it('3×3 input, 2×2 kernel, 5 channels: diagonal input spikes cost (1+4+1)·5 = 30 SynOps', () => {
    const model = net([{ type: 'conv2d', name: 'c', outChannels: 5, kernel: 2 }, { type: 'relu', name: 'r' }], [1, 3, 3]);
    const weights = w({ c: { shape: [5, 1, 2, 2], data: Array(20).fill(0.25) } });
    const r = simulateEvents(model, weights, frames([[1, 0, 0, 0, 1, 0, 0, 0, 1]], [1, 3, 3]));
    assert.equal(r.synops[0].synops, 30);
    // Output (0,0) window holds (0,0) and (1,1): 0.25 + 0.25 = 0.5, no spike; nothing reaches 1.
    assert.equal(r.layers[0].total, 0);
  });

  it('spikes flow layer to layer within one step; the class is the output with most spikes', () => {
    // 1 input → linear [2, 1] → relu → linear [2, 2] → spiking output.
    // Step 0: input 1 → currents (1.5, 0.5) → relu spikes (1, 0), v = (0.5, 0.5)
    //         → output currents = W2·(1, 0) = (1, 2) → output spikes (1, 2) in the same step.
    const model = net([{ type: 'linear', name: 'a', outFeatures: 2 }, { type: 'relu', name: 'r' }, { type: 'linear', name: 'b', outFeatures: 2 }], [1], true);
    const weights = w({ a: { shape: [2, 1], data: [1.5, 0.5] }, b: { shape: [2, 2], data: [1, 0, 2, 0] } });
    const r = simulateEvents(model, weights, frames([[1]], [1]));
    assert.deepEqual([...r.layers[0].counts], [1, 0]);
    assert.deepEqual([...r.layers[1].counts], [1, 2]);
    assert.equal(r.layers[1].name, 'spike_output');
    assert.equal(r.output.predicted, 1);
    assert.deepEqual(r.output.ties, [1]);
    // SynOps: input 1 spike × fan-out 2 = 2; relu 1 spike × 2 = 2
    assert.deepEqual(r.synops.map((s) => s.synops), [2, 2]);
  });

  it('reports ties', () => {
    const model = net([{ type: 'linear', name: 'a', outFeatures: 3 }], [1], true);
    const r = simulateEvents(model, w({ a: { shape: [3, 1], data: [1, 1, 0] } }), frames([[1]], [1]));
    assert.deepEqual(r.output.ties, [0, 1]);
    assert.equal(r.output.predicted, 0);
  });

  it('average pooling before a weight layer: a spike is worth 1/4, and counts once per receiving connection', () => {
    // [1, 2, 2] spikes → relu → avgpool 2 → linear [1, 1] weight 2.
    // Input: the 4 pixels each get 1 in step 0, weight layer 'c' (1×1 conv, weight 1) → 4 relu spikes.
    // Pool: (1+1+1+1)/4 = 1 → linear current 2 → 2 output spikes.
    const model = net([
      { type: 'conv2d', name: 'c', outChannels: 1, kernel: 1 }, { type: 'relu', name: 'r' },
      { type: 'avgpool', name: 'p', kernel: 2 }, { type: 'flatten', name: 'f' }, { type: 'linear', name: 'l', outFeatures: 1 },
    ], [1, 2, 2], true);
    const weights = w({ c: { shape: [1, 1, 1, 1], data: [1] }, l: { shape: [1, 1], data: [2] } });
    const r = simulateEvents(model, weights, frames([[1, 1, 1, 1]], [1, 2, 2]));
    assert.equal(r.layers[0].total, 4);
    assert.equal(r.layers[1].total, 2);
    // relu → l: 4 spikes × 1 connection each = 4 SynOps (the pooling factor is undone)
    assert.equal(r.synops[1].synops, 4);
  });

  it('sum pooling after the last spiking layer gives the output (the CIFAR head)', () => {
    const model = net([{ type: 'conv2d', name: 'c', outChannels: 2, kernel: 1 }, { type: 'relu', name: 'r' }, { type: 'sumpool', name: 's', kernel: 2 }, { type: 'flatten', name: 'f' }], [1, 2, 2]);
    const weights = w({ c: { shape: [2, 1, 1, 1], data: [1, 2] } });
    // One input spike per pixel → channel 0 spikes 1 per pixel (4), channel 1 spikes 2 per pixel (8).
    const r = simulateEvents(model, weights, frames([[1, 1, 1, 1]], [1, 2, 2]));
    assert.deepEqual([...r.output.values], [4, 8]);
    assert.equal(r.output.predicted, 1);
  });

  it('stride and padding: a 3×3 kernel, stride 2, padding 1 on 4×4', () => {
    // Output 2×2; input (0,0) is seen by output (0,0) only at tap (1,1): current = w[1][1] = 1 → 1 spike.
    const data = [0, 0, 0, 0, 1, 0, 0, 0, 0];
    const model = net([{ type: 'conv2d', name: 'c', outChannels: 1, kernel: 3, stride: 2, padding: 1 }, { type: 'relu', name: 'r' }], [1, 4, 4]);
    const input = Array(16).fill(0); input[0] = 1;
    const r = simulateEvents(model, w({ c: { shape: [1, 1, 3, 3], data } }), frames([input], [1, 4, 4]));
    assert.deepEqual([...r.layers[0].counts], [1, 0, 0, 0]);
    // fan-out of (0,0): rows covering y=0: only oy=0 (window −1..1) → 1·1 = 1
    assert.equal(r.synops[0].synops, 1);
  });

  it('state is reset per sample: two runs give the same counts', () => {
    const model = net([{ type: 'linear', name: 'a', outFeatures: 1 }, { type: 'relu', name: 'r' }], [1]);
    const weights = w({ a: { shape: [1, 1], data: [0.75] } });
    const input = frames([[1], [1]], [1]); // 0.75, 1.5 → 1 spike, v = 0.5
    assert.equal(simulateEvents(model, weights, input).layers[0].total, 1);
    assert.equal(simulateEvents(model, weights, input).layers[0].total, 1);
  });

  it('records spikes up to a cap and says so when it is hit', () => {
    const model = net([{ type: 'linear', name: 'a', outFeatures: 3 }, { type: 'relu', name: 'r' }], [1]);
    const r = simulateEvents(model, w({ a: { shape: [3, 1], data: [1, 1, 1] } }), frames([[1], [1]], [1]), { recordCap: 4 });
    assert.equal(r.record!.n, 4);
    assert.equal(r.record!.truncated, true);
    assert.match(r.record!.message!, /cap of 4/);
    assert.equal(r.layers[0].total, 6); // counts stay complete
  });
});

describe('inputs', () => {
  it('bins events at dt and sums 2×2 blocks of a 4×4 sensor into 2×2', () => {
    // Events at µs 0, 500, 1000, 2999: bins 0, 0, 1, 2 (dt 1 ms). (0,0),(1,1) → pixel (0,0); (3,3) → (1,1).
    const ev = { x: [0, 1, 3, 3], y: [0, 1, 3, 0], t: [0, 500, 1000, 2999] };
    const inp = binEvents(ev, [1, 2, 2], { sensor: [4, 4] });
    assert.equal(inp.steps, 3);
    assert.deepEqual([...inp.stepStart], [0, 1, 2, 3]);
    assert.deepEqual([...inp.index], [0, 3, 1]);
    assert.deepEqual([...inp.value], [2, 1, 1]);
  });

  it('two channels keep polarity apart: OFF → channel 0, ON → channel 1', () => {
    const inp = binEvents({ x: [0, 0], y: [0, 0], t: [0, 0], p: [1, 0] }, [2, 1, 1]);
    assert.deepEqual([...inputTotals(inp)], [1, 1]);
  });

  it('an analog image is injected as fround(x/N) for N steps', () => {
    const inp = imageInput([0.5, -1, 0], [1, 1, 3], 10);
    assert.equal(inp.steps, 10);
    assert.equal(inp.constant, true);
    assert.deepEqual([...inp.value.subarray(0, 2)], [Math.fround(0.05), Math.fround(-0.1)]);
    assert.equal(inp.stepStart[10], 20); // zeros dropped: 2 entries × 10 steps
  });
});
