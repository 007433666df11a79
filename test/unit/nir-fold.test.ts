// A foreign IF's r and v_threshold folded into the weights before it (src/core/nir/fold.ts): hand-computed
// small cases, the simulator's own threshold as an independent check of the algebra (the same spikes from
// threshold θ with W as from threshold 1 with W/θ), and what is not exact refused at its place.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { foldScale, ifScale } from '../../src/core/nir/fold';
import { loadNirModel } from '../../src/io/nir/load';
import { simulateEvents } from '../../src/core/sim/event-engine';
import { binEvents } from '../../src/core/sim/input';
import type { NeuronParams } from '../../src/core/sim/neuron';
import { convGraph, tinyGraph, tmp, writeRaw } from './nir-files';

describe('folding IF r and v_threshold into the weights', () => {
  it('ifScale: r/θ per neuron, one value broadcast; θ ≤ 0 is a reason', () => {
    // r = [1, 0.5], θ = 2 (one value): s = [1/2, 0.5/2] = [0.5, 0.25].
    assert.deepEqual([...(ifScale([1, 0.5], [2], 2) as Float64Array)], [0.5, 0.25]);
    assert.match(ifScale([1], [1, 0], 2) as string, /v_threshold = 0 at neuron 1; a threshold must be positive/);
  });

  it('foldScale: a linear row per neuron, a conv channel per output channel, new arrays', () => {
    // Linear [2, 2] W = [[1, 2], [3, 4]], b = [1, 1], s = [0.5, 2]: [[0.5, 1], [6, 8]], b = [0.5, 2].
    const w = Float32Array.from([1, 2, 3, 4]);
    const f = foldScale(w, Float32Array.from([1, 1]), [2, 2], [2], Float64Array.from([0.5, 2])) as { weight: Float32Array; bias: Float32Array };
    assert.deepEqual([...f.weight], [0.5, 1, 6, 8]);
    assert.deepEqual([...f.bias], [0.5, 2]);
    assert.deepEqual([...w], [1, 2, 3, 4], 'the input weights are not changed');
    // Conv [2, 1, 1, 1] (W = [3, 5]) over a 1×2 map: neurons [2, 1, 2], s = [0.25, 0.25, 4, 4] → W = [0.75, 20].
    const c = foldScale(Float32Array.from([3, 5]), undefined, [2, 1, 1, 1], [2, 1, 2], Float64Array.from([0.25, 0.25, 4, 4])) as { weight: Float32Array; bias?: Float32Array };
    assert.deepEqual([...c.weight], [0.75, 20]);
    assert.equal(c.bias, undefined);
    // Channel 1's two positions differ (4 and 2): a shared filter cannot hold both.
    assert.match(foldScale(Float32Array.from([3, 5]), undefined, [2, 1, 1, 1], [2, 1, 2], Float64Array.from([1, 1, 4, 2])) as string, /differs between the positions of channel 1 \(4 and 2\)/);
  });

  it('per-neuron thresholds of a Linear → IF: each row divided by its own θ, threshold 1', async () => {
    const g = tinyGraph();
    g.nodes.spk.v_threshold = new Float32Array([1, 2]);
    const r = await loadNirModel(await writeRaw(join(tmp(), 'th.nir'), g));
    // W = [[0.25, 1.5, 0, 0], [0, 0.5, 0, 0]]: row 0 / 1, row 1 / 2 → [[0.25, 1.5, 0, 0], [0, 0.25, 0, 0]].
    assert.deepEqual([...r.weights.fc.weight], [0.25, 1.5, 0, 0, 0, 0.25, 0, 0]);
    assert.equal(r.neuron.threshold, 1);
    assert.ok(r.notes.some((n) => /r\/v_threshold of spk folded into the weights/.test(n)), r.notes.join(' | '));
  });

  it('r = 0.5 (uniform θ = 2) and a Conv2d with per-channel θ: weights and bias scaled by r/θ', async () => {
    const t = tinyGraph();
    t.nodes.spk.r = new Float32Array([0.5, 0.5]);
    t.nodes.spk.v_threshold = new Float32Array([2, 2]);
    const tr = await loadNirModel(await writeRaw(join(tmp(), 'r.nir'), t));
    // s = 0.5 / 2 = 0.25: [0.25, 1.5, 0, 0, 0, 0.5, 0, 0] · 0.25.
    assert.deepEqual([...tr.weights.fc.weight], [0.0625, 0.375, 0, 0, 0, 0.125, 0, 0]);
    const g = convGraph();
    // IF [2, 2, 2]: channel 0 θ = 2 at its 4 positions, channel 1 θ = 0.5 → s = [0.5, 2] per channel.
    g.nodes.if1.v_threshold = { data: Float32Array.from([2, 2, 2, 2, 0.5, 0.5, 0.5, 0.5]), shape: [2, 2, 2] };
    const r = await loadNirModel(await writeRaw(join(tmp(), 'conv.nir'), g));
    // W_i = (i − 9)/8: channel 0 (i < 9) · 0.5, channel 1 · 2; bias [0.125 · 0.5, −0.25 · 2] = [0.0625, −0.5].
    assert.deepEqual([...r.weights.conv.weight], Array.from({ length: 18 }, (_, i) => ((i - 9) / 8) * (i < 9 ? 0.5 : 2)));
    assert.deepEqual([...r.weights.conv.bias!], [0.0625, -0.5]);
    assert.deepEqual([...r.weights.fc.weight], [1, 2, 3, 4, 5, 6], 'the layer after the IF is untouched');
  });

  for (const neuron of [{ spike: 'multi', reset: 'subtract' }, { spike: 'single', reset: 'subtract' }, { spike: 'multi', reset: 'zero' }, { spike: 'single', reset: 'zero' }] as Partial<NeuronParams>[]) {
    it(`the same spikes as the simulator's own threshold θ on the unfolded weights (${neuron.spike} spike, ${neuron.reset} reset)`, async () => {
      // θ = 4 on a random tiny network and 200 random events over 40 steps: the simulator with threshold 4
      // and W against the import (W / 4, threshold 1). Powers of two: bit for bit.
      let seed = 7;
      const next = (): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
      const weight = Float32Array.from({ length: 8 }, () => Math.fround(next() * 6 - 1));
      const g = tinyGraph(weight);
      g.nodes.spk.v_threshold = new Float32Array([4, 4]);
      const r = await loadNirModel(await writeRaw(join(tmp(), 'eq.nir'), g));
      const plain = await loadNirModel(await writeRaw(join(tmp(), 'plain.nir'), tinyGraph(weight)));
      const events = { x: [] as number[], y: [] as number[], t: [] as number[] };
      for (let i = 0; i < 200; i++) { events.x.push(Math.floor(next() * 2)); events.y.push(Math.floor(next() * 2)); events.t.push(Math.floor(next() * 40_000)); }
      const input = binEvents(events, [1, 2, 2], { dtMs: 1, steps: 40, t0: 0 });
      const folded = simulateEvents(r.model, r.weights, input, { neuron: { ...neuron, threshold: 1 } });
      const direct = simulateEvents(plain.model, plain.weights, input, { neuron: { ...neuron, threshold: 4 } });
      assert.ok(direct.output.values.some((v) => v > 0), 'the reference network spikes at all');
      assert.deepEqual([...folded.output.values], [...direct.output.values]);
      assert.deepEqual(folded.layers.map((l) => [...l.perStep]), direct.layers.map((l) => [...l.perStep]));
    });
  }

  it('what does not fold exactly is refused at its place, saying why', async () => {
    const cases: [(g: ReturnType<typeof convGraph>) => void, RegExp][] = [
      // Channel 0's positions have θ 1 and 2: one shared filter cannot hold both.
      [(g) => { g.nodes.if1.v_threshold = { data: Float32Array.from([1, 2, 1, 1, 1, 1, 1, 1]), shape: [2, 2, 2] }; }, /\/node\/nodes\/if1\/v_threshold: node "if1" \(IF\): r\/v_threshold differs between the positions of channel 0 \(1 and 0\.5\)/],
      [(g) => { g.nodes.if1.v_reset = { data: new Float32Array(8).fill(0.5), shape: [2, 2, 2] }; }, /\/node\/nodes\/if1\/v_reset: .*v_reset = 0\.5; the simulator resets by subtracting the threshold \(or to 0\)/],
      [(g) => { g.nodes.if1.v_threshold = { data: new Float32Array(8).fill(-1), shape: [2, 2, 2] }; }, /\/node\/nodes\/if1\/v_threshold: .*v_threshold = -1 at neuron 0; a threshold must be positive/],
    ];
    for (const [edit, want] of cases) {
      const g = convGraph();
      edit(g);
      await assert.rejects(loadNirModel(await writeRaw(join(tmp(), 'x.nir'), g)), want);
    }
    // An IF after a pooling (no weights right before it) with θ = 2.
    const g = convGraph();
    g.nodes.if2 = { type: 'IF', r: new Float32Array(2).fill(1), v_threshold: new Float32Array(2).fill(2) };
    g.nodes.if2.r = { data: new Float32Array(2).fill(1), shape: [2, 1, 1] };
    g.nodes.if2.v_threshold = { data: new Float32Array(2).fill(2), shape: [2, 1, 1] };
    g.edges = [['input', 'conv'], ['conv', 'if1'], ['if1', 'pool'], ['pool', 'if2'], ['if2', 'flat'], ['flat', 'fc'], ['fc', 'output']];
    await assert.rejects(loadNirModel(await writeRaw(join(tmp(), 'pool.nir'), g)), /\/node\/nodes\/if2\/r: node "if2" \(IF\): r\/v_threshold is not 1 \(0\.5 at neuron 0\) and the node before it, "pool" \(SumPool2d\), has no weights to fold it into/);
  });
});
