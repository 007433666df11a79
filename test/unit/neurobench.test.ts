import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { neuroBenchReport, nonzeroFanout } from '../../src/core/energy/neurobench';
import { isNeuroBenchReport } from '../../src/protocol/neurobench';
import { layerStats } from '../../src/core/model/shapes';
import { simulateDense } from '../../src/core/sim/dense-engine';
import { simulateEvents } from '../../src/core/sim/event-engine';
import { framesInput, imageInput } from '../../src/core/sim/input';
import type { SimResult } from '../../src/core/sim/result';
import type { ModelWeights } from '../../src/core/sim/weights';
import type { LayerSpec } from '../../src/core/model/types';
import { frames, net, randomNet, w } from './sim-helpers';

before(async () => { await tf.setBackend('cpu'); });

/**
 * conv 2×2 (1 → 1 channel, stride 1, no padding, W = [[1, 0], [2, −1]]) on a 3×3 input → relu r1 → flatten →
 * linear fc (4 → 1, W = [1, 1, 1, 1]); no biases; 2 steps. Input step 0: (0,0) = 1, (1,1) = 1; step 1:
 * (0,1) = 1, (2,2) = 2 (two events in one pixel).
 *
 * Non-zero weights each input meets (`nonzeroFanout`), taps (ky, kx) with output (y − ky, x − kx) in [0, 1]²:
 *   (0,0): tap (0,0)=1 → 1;  (0,1): taps (0,0)=1, (0,1)=0 → 1;  (0,2): tap (0,1)=0 → 0;
 *   (1,0): taps (0,0)=1, (1,0)=2 → 2;  (1,1): taps (0,0)=1, (0,1)=0, (1,0)=2, (1,1)=−1 → 3 (4 connections);
 *   (1,2): taps (0,1)=0, (1,1)=−1 → 1;  (2,0): tap (1,0) → 1;  (2,1): taps (1,0), (1,1) → 2;  (2,2): tap (1,1) → 1.
 * input → c1: step 0 all inputs in {0,1}: ACs 1 + 3 = 4; step 1 has a 2: MACs 1 + 1 = 2.
 *   Dense = 2 steps × (4 outputs × 4 taps) = 32. Our SynOps = 1·1 + 1·4 + 1·2 + 2·1 = 9.
 * c1 currents, step 0: o(0,0) = 1·1 + 2·0 − 1·1 = 0, o(0,1) = 0·1 + 2·1 = 2, o(1,0) = 0, o(1,1) = 1·1 = 1 →
 *   r1 (threshold 1, multi-spike, subtract) emits 2 at (0,1), 1 at (1,1).
 *   step 1: o(0,1) = 1·x(0,1) = 1 → 1 spike; o(1,1) = −1·2 = −2 → none; others 0.
 * r1 → fc: step 0 entries {2, 1}: a 2 → MACs 1 + 1 = 2; step 1 {1}: ACs 1. Dense = 2 × 4 = 8.
 *   Our SynOps = (2 + 1 + 1) spikes × 1 = 4.
 * ActivationSparsity (r1): 3 (neuron, step) pairs spiked of 4 × 2 = 8 → 5/8 = 0.625.
 * ConnectionSparsity: 1 zero of 8 weights = 0.125. Footprint: 8 float32 = 32 bytes.
 */
const handModel = net([
  { type: 'conv2d', name: 'c1', outChannels: 1, kernel: 2, bias: false },
  { type: 'relu', name: 'r1' },
  { type: 'flatten', name: 'f' },
  { type: 'linear', name: 'fc', outFeatures: 1, bias: false },
], [1, 3, 3]);
const handWeights = w({ c1: { shape: [1, 1, 2, 2], data: [1, 0, 2, -1] }, fc: { shape: [1, 4], data: [1, 1, 1, 1] } });
const handInput = frames([[1, 0, 0, 0, 1, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0, 0, 2]], [1, 3, 3]);

describe('NeuroBench metrics', () => {
  it('count a 2×2 conv on a 3×3 input over 2 steps as computed by hand, in both engines', async () => {
    assert.deepEqual([...nonzeroFanout(handModel, layerStats(handModel), handWeights, 0)], [1, 1, 0, 2, 3, 1, 1, 2, 1]);
    for (const r of [simulateEvents(handModel, handWeights, handInput, { counts: true }), await simulateDense(handModel, handWeights, handInput, { counts: true })]) {
      const nb = neuroBenchReport(handModel, handWeights, [r])!;
      const [c1, fcRow] = nb.layers;
      assert.deepEqual([c1.effectiveAcs, c1.effectiveMacs, c1.dense, c1.synops, c1.nonBinarySteps, c1.nonBinaryEntries, c1.maxInput], [4, 2, 32, 9, 1, 1, 2], r.engine);
      assert.deepEqual([fcRow.effectiveAcs, fcRow.effectiveMacs, fcRow.dense, fcRow.synops, fcRow.nonBinarySteps], [1, 2, 8, 4, 1], r.engine);
      assert.equal(nb.activations[0].nonzero, 3);
      assert.equal(nb.totals.activationSparsity, 0.625);
      assert.equal(nb.totals.connectionSparsity, 0.125);
      assert.equal(nb.totals.footprintBytes, 32);
      assert.deepEqual([nb.totals.effectiveAcs, nb.totals.effectiveMacs, nb.totals.dense, nb.totals.synops], [5, 4, 40, 13]);
      assert.match(nb.notes[0], /c1 \(1 of its steps, inputs up to 2\), fc \(1 of its steps, inputs up to 2\)/);
    }
    // Without `counts` the engines keep none (they cost a pass over the spikes), and the tally says how to get them.
    const plain = simulateEvents(handModel, handWeights, handInput);
    assert.equal(plain.counts, undefined);
    assert.throws(() => neuroBenchReport(handModel, handWeights, [plain]), /no NeuroBench counters: simulate with \{ counts: true \}/);
  });

  /**
   * input [1, 2, 2] → sumpool 2 → flatten → linear (1 → 1, W = [1]) over 2 steps; step 0 three pixels 1,
   * step 1 only pixel (0,0). The pooled input is 3 at step 0 (outside {−1,0,1}: MACs 1) and 1 at step 1 (ACs 1);
   * our SynOps count every spike: 3 + 1 = 4. With an average pooling the pooled values are 3/4 and 1/4: both MACs.
   */
  it('count a pooled input once per pooled entry, as MACs when the pooled value is not 0 or ±1', () => {
    for (const type of ['sumpool', 'avgpool'] as const) {
      const model = net([{ type, name: 'p', kernel: 2 }, { type: 'flatten', name: 'f' }, { type: 'linear', name: 'fc', outFeatures: 1, bias: false }], [1, 2, 2]);
      const weights = w({ fc: { shape: [1, 1], data: [1] } });
      const r = simulateEvents(model, weights, frames([[1, 1, 1, 0], [1, 0, 0, 0]], [1, 2, 2]), { counts: true });
      const row = neuroBenchReport(model, weights, [r])!.layers[0];
      assert.deepEqual([row.effectiveAcs, row.effectiveMacs, row.dense, row.synops], type === 'sumpool' ? [1, 1, 2, 4] : [0, 2, 2, 4], type);
    }
  });

  it('a report read back (a notebook output, a result file) is checked entry by entry before it is drawn', () => {
    const nb = neuroBenchReport(handModel, handWeights, [simulateEvents(handModel, handWeights, handInput, { counts: true })])!;
    const back = JSON.parse(JSON.stringify(nb));
    assert.equal(isNeuroBenchReport(back), true);
    for (const bad of [{ ...back, layers: [null] }, { ...back, layers: [{ ...back.layers[0], effectiveMacs: '2' }] }, { ...back, totals: { ...back.totals, dense: undefined } }, { ...back, activations: [{}] }, null]) {
      assert.equal(isNeuroBenchReport(bad), false, JSON.stringify(bad)?.slice(0, 80));
    }
  });

  it('count an analog image input as MACs and average over samples', () => {
    const model = net([{ type: 'flatten', name: 'f' }, { type: 'linear', name: 'fc', outFeatures: 2, bias: true }], [1, 1, 2], true);
    const weights = w({ fc: { shape: [2, 2], data: [0.5, 0, 0.25, 0.5], bias: [0, 0] } });
    // x = [1, 0.5] over 2 steps: current x/2 = [0.5, 0.25] each step; input 0 meets 2 non-zero weights, input 1 one.
    const a = simulateEvents(model, weights, imageInput([1, 0.5], [1, 1, 2], 2), { counts: true });
    const b = simulateEvents(model, weights, imageInput([0, 1], [1, 1, 2], 2), { counts: true });
    const nb = neuroBenchReport(model, weights, [a, b])!;
    // Sample a: (2 + 1) × 2 steps = 6 MACs; sample b: 1 × 2 = 2 MACs; mean 4. Dense 4 × 2 steps = 8 each.
    assert.deepEqual([nb.layers[0].effectiveMacs, nb.layers[0].effectiveAcs, nb.layers[0].dense], [4, 0, 8]);
    // Footprint: 4 weights + 2 biases = 24 bytes; 1 zero weight of 4.
    assert.deepEqual([nb.totals.footprintBytes, nb.totals.connectionSparsity], [24, 0.25]);
  });
});

/** Spike frames per spiking layer (channels-first, `[T][size]`) rebuilt from a complete spike record. */
function framesOf(r: SimResult): Float32Array[] {
  const rec = r.record!;
  assert.equal(rec.truncated, false);
  const out = r.layers.map((l) => new Float32Array(r.steps * l.size));
  for (let k = 0; k < rec.n; k++) out[rec.layer[k]][rec.step[k] * r.layers[rec.layer[k]].size + rec.neuron[k]] += rec.count[k];
  return out;
}

/**
 * NeuroBench's procedure itself, in tfjs: each weight layer's input per step (the emitter's frame through the
 * pooling, as tfjs pools), binarized, through the layer with binarized weights and no bias; the sum of the
 * output is the step's operations, ACs if the input was all in {−1, 0, 1}, else MACs.
 */
function reference(model: ReturnType<typeof net>, weights: ModelWeights, inputFrames: Float32Array, r: SimResult): { acs: number; macs: number }[] {
  const stats = layerStats(model);
  const spikes = framesOf(r);
  const out: { acs: number; macs: number }[] = [];
  let emitterFrames = inputFrames;
  let slot = 0;
  const frameOf = (t: number, shape: number[]): tf.Tensor => {
    const size = shape.reduce((a, b) => a * b, 1);
    return tf.tensor(emitterFrames.slice(t * size, (t + 1) * size), shape);
  };
  model.layers.forEach((l: LayerSpec, i) => {
    if (l.type === 'relu' || l.type === 'qrelu') { emitterFrames = spikes[slot++]; return; }
    if (l.type !== 'conv2d' && l.type !== 'linear') return;
    // Ops from the emitter to this layer: replay them per step.
    const opsBefore: LayerSpec[] = [];
    for (let j = i - 1; j >= 0 && model.layers[j].type !== 'relu' && model.layers[j].type !== 'qrelu'; j--) opsBefore.unshift(model.layers[j]);
    const firstIdx = i - opsBefore.length;
    const emShape = firstIdx === 0 ? model.input.shape : stats[firstIdx - 1].outShape;
    let acs = 0, macs = 0;
    for (let t = 0; t < r.steps; t++) {
      const inp = tf.tidy(() => {
        let y = frameOf(t, emShape);
        for (const op of opsBefore) {
          if (op.type === 'avgpool' || op.type === 'sumpool') {
            const hwc = tf.transpose(y, [1, 2, 0]) as tf.Tensor3D;
            let p = tf.avgPool(hwc, op.kernel, op.stride ?? op.kernel, 'valid');
            if (op.type === 'sumpool') p = tf.mul(p, op.kernel * op.kernel);
            y = tf.transpose(p, [2, 0, 1]);
          } else if (op.type === 'flatten') y = tf.reshape(y, [-1]);
        }
        return y;
      });
      const vals = inp.dataSync();
      const binary = vals.every((v) => v === 0 || v === 1 || v === -1);
      const ops = tf.tidy(() => {
        const xb = tf.cast(tf.notEqual(inp, 0), 'float32');
        const lw = weights[l.name];
        const wb = tf.cast(tf.notEqual(tf.tensor(lw.weight, lw.shape), 0), 'float32');
        if (l.type === 'linear') return tf.sum(tf.matMul(wb as tf.Tensor2D, tf.reshape(xb, [-1, 1]) as tf.Tensor2D));
        const p = l.padding ?? 0;
        const pad: 'valid' | [[number, number], [number, number], [number, number], [number, number]] = p === 0 ? 'valid' : [[0, 0], [p, p], [p, p], [0, 0]];
        return tf.sum(tf.conv2d(tf.expandDims(tf.transpose(xb, [1, 2, 0]), 0) as tf.Tensor4D, tf.transpose(wb, [2, 3, 1, 0]) as tf.Tensor4D, l.stride ?? 1, pad));
      });
      const n = ops.dataSync()[0];
      inp.dispose(); ops.dispose();
      if (binary) acs += n; else macs += n;
    }
    out.push({ acs, macs });
  });
  return out;
}

const arb = fc.record({
  c: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 4, max: 6 }), w: fc.integer({ min: 4, max: 6 }),
  k: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 2 }), pad: fc.integer({ min: 0, max: 1 }), oc: fc.integer({ min: 1, max: 3 }),
  pool: fc.constantFrom('none', 'avg-after', 'avg-before', 'sum-after'),
  second: fc.boolean(), oc2: fc.constantFrom(2, 3), classes: fc.integer({ min: 2, max: 3 }),
  steps: fc.integer({ min: 1, max: 4 }), density: fc.double({ min: 0.1, max: 0.6, noNaN: true }),
  spike: fc.constantFrom('multi', 'single'), zeros: fc.boolean(), counts: fc.boolean(),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
});

function build(p: typeof arb extends fc.Arbitrary<infer T> ? T : never) {
  let s = p.seed;
  const rand = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
  const nonzero = (): number => { const v = Math.floor(rand() * 24) - 12; return (v >= 0 ? v + 1 : v) / 8; };
  const built = randomNet({ ...p, bias: false }, (_l, shape) => ({
    shape, weight: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (p.zeros && rand() < 0.3 ? 0 : nonzero())),
  }));
  if (!built) return undefined;
  const size = p.c * p.h * p.w;
  const data = Float32Array.from({ length: p.steps * size }, () => (rand() < p.density ? (p.counts ? 1 + Math.floor(rand() * 2) : 1) : 0));
  return { ...built, data, input: framesInput(data, [p.c, p.h, p.w], p.steps) };
}

describe('NeuroBench SynapticOperations against NeuroBench\'s own procedure and our SynOps', () => {
  it('match a binarized tfjs forward pass per layer and step, in both engines', async () => {
    let checked = 0;
    for (const p of fc.sample(arb, { numRuns: 40, seed: 16 })) {
      const b = build(p);
      if (!b) continue;
      const neuron = { spike: p.spike };
      const ev = simulateEvents(b.model, b.weights, b.input, { neuron, recordCap: 1e6, counts: true });
      const de = await simulateDense(b.model, b.weights, b.input, { neuron, counts: true });
      assert.deepEqual(de.counts, ev.counts, JSON.stringify(p));
      const ref = reference(b.model, b.weights, b.data, ev);
      assert.deepEqual(ev.counts!.connections.map((c) => ({ acs: c.acs, macs: c.macs })), ref, JSON.stringify(p));
      checked++;
    }
    assert.ok(checked >= 20, `only ${checked} cases had a valid network`);
  });

  /**
   * Where the definitions coincide — every input entry 0 or 1 (one event per pixel and step, single-spike
   * neurons), no zero weight, no pooling between an emitter and its weight layer — Effective_ACs equal our
   * SynOps connection by connection, and there are no MACs.
   */
  it('equal our SynOps where the definitions coincide', () => {
    let checked = 0;
    for (const p of fc.sample(arb, { numRuns: 40, seed: 61 })) {
      const b = build({ ...p, pool: 'none', spike: 'single', zeros: false, counts: false });
      if (!b) continue;
      const r = simulateEvents(b.model, b.weights, b.input, { neuron: { spike: 'single' }, counts: true });
      const nb = neuroBenchReport(b.model, b.weights, [r])!;
      nb.layers.forEach((l, i) => {
        assert.equal(l.effectiveMacs, 0);
        assert.equal(l.effectiveAcs, r.synops[i].synops, `${l.name}: ${JSON.stringify(p)}`);
      });
      assert.equal(nb.totals.effectiveAcs, r.totalSynops);
      checked++;
    }
    assert.ok(checked >= 20);
  });
});
