import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import type { LayerSpec } from '../../src/core/model/types';
import { simulateDense } from '../../src/core/sim/dense-engine';
import { setEventEngineWasm, simulateEvents, type SimOptions } from '../../src/core/sim/event-engine';
import { framesInput, imageInput, type SpikeInput } from '../../src/core/sim/input';
import type { NeuronParams } from '../../src/core/sim/neuron';
import type { SimResult } from '../../src/core/sim/result';
import { isWasmSimdAvailable } from '../../src/core/sim/wasm-kernel';
import type { ModelWeights } from '../../src/core/sim/weights';
import { frames, linearOfCounts, net, randomNet, w } from './sim-helpers';

type Model = ReturnType<typeof net>;

/** The comparable part of a result: counts per layer, per neuron and per step, output, SynOps. */
function plain(r: SimResult) {
  return {
    layers: r.layers.map((l) => ({ name: l.name, counts: [...l.counts], perStep: [...l.perStep], max: l.maxPerNeuronStep })),
    values: [...r.output.values], perStep: [...r.output.perStep], ties: r.output.ties, current: [...r.output.current],
    synops: r.synops.map((s) => s.synops),
  };
}

/**
 * Runs the event-driven engine (WebAssembly kernel and plain loops, which must agree bit for bit) and the
 * dense engine; asserts that all three agree and returns the event-driven result.
 */
async function both(model: Model, weights: ModelWeights, input: SpikeInput, opts: SimOptions = {}): Promise<SimResult> {
  const ev = simulateEvents(model, weights, input, opts);
  if (isWasmSimdAvailable()) {
    setEventEngineWasm(false);
    try { assert.deepEqual(plain(simulateEvents(model, weights, input, opts)), plain(ev), 'event engine: plain loops vs WebAssembly'); } finally { setEventEngineWasm(true); }
  }
  const de = await simulateDense(model, weights, input, opts);
  assert.deepEqual(plain(de), plain(ev), 'dense engine vs event-driven engine');
  return ev;
}

/** Both engines must refuse `opts` with an error whose message matches every pattern. */
async function refuse(model: Model, weights: ModelWeights, input: SpikeInput, opts: SimOptions, ...patterns: RegExp[]): Promise<void> {
  const check = (e: unknown) => { for (const p of patterns) assert.match((e as Error).message, p); return true; };
  assert.throws(() => simulateEvents(model, weights, input, opts), check);
  await assert.rejects(simulateDense(model, weights, input, opts), check);
}

const NEURONS: Partial<NeuronParams>[] = [
  { spike: 'multi', reset: 'subtract' }, { spike: 'single', reset: 'subtract' },
  { spike: 'multi', reset: 'zero' }, { spike: 'single', reset: 'zero', minVMem: -1 },
];

before(async () => { await tf.setBackend('cpu'); await tf.ready(); });
after(() => setEventEngineWasm(true));

describe('initial membrane potential', () => {
  // [1, 1, 2] input → 1×1 conv (1 channel, weight 0.6) → relu "r" → flatten → linear "out" [1, 2] (weights 1, 1) → spike_output.
  const model = net([
    { type: 'conv2d', name: 'c', outChannels: 1, kernel: 1 }, { type: 'relu', name: 'r' },
    { type: 'flatten', name: 'f' }, { type: 'linear', name: 'out', outFeatures: 1 },
  ], [1, 1, 2], true);
  const weights = w({ c: { shape: [1, 1, 1, 1], data: [0.6] }, out: { shape: [1, 2], data: [1, 1] } });
  const input = frames([[1, 0]], [1, 1, 2]);

  it('v0 = 0.5 lifts a hidden input of 0.6 over the threshold: 0 spikes from 0, 1 spike from 0.5', async () => {
    for (const neuron of NEURONS) {
      // Pixel 0 gets 0.6: from v0 = 0, 0.6 < 1, no spike; pixel 1 gets nothing.
      const zero = await both(model, weights, input, { neuron });
      assert.deepEqual([...zero.layers[0].counts], [0, 0], JSON.stringify(neuron));
      assert.deepEqual([...zero.output.values], [0]);
      // From v0 = 0.5: 0.5 + 0.6 = 1.1 ≥ 1 → 1 spike (leaving 0.1, or 0 with reset to zero); pixel 1 stays
      // at 0.5 with no input and must not fire (the event engine never visits it).
      const half = await both(model, weights, input, { neuron, initialMembrane: { r: 0.5 } });
      assert.deepEqual([...half.layers[0].counts], [1, 0], JSON.stringify(neuron));
      // The relu spike reaches the output with weight 1 in the same step: 1 output spike, current 1.
      assert.deepEqual([...half.output.values], [1]);
      assert.deepEqual([...half.output.current], [1]);
    }
  });

  it('a start just below the threshold never fires without input, over many steps, in every mode', async () => {
    const quiet = frames(Array.from({ length: 6 }, () => [0, 0]), [1, 1, 2]);
    for (const neuron of NEURONS) {
      const r = await both(model, weights, quiet, { neuron, initialMembrane: { r: 0.999, spike_output: 0.999 } });
      assert.equal(r.layers[0].total + r.layers[1].total, 0, JSON.stringify(neuron));
    }
  });

  it('a start below the lower bound is raised at step 0 even without input (both engines)', async () => {
    // v0 = −3, minVMem = −1, weight 0.5 at pixel 0 from step 1 on:
    // step 0 (no input): relu(−3 + 1) − 1 = −1; steps 1–4: −0.5, 0, 0.5, 1 → 1 spike at step 4.
    // (Left at −3 until the first input, the neuron would have −2.5 → −1 at step 1 and no spike by step 4.)
    const w5 = w({ c: { shape: [1, 1, 1, 1], data: [0.5] }, out: { shape: [1, 2], data: [1, 1] } });
    const late = frames([[0, 0], [1, 0], [1, 0], [1, 0], [1, 0]], [1, 1, 2]);
    const r = await both(model, w5, late, { neuron: { minVMem: -1 }, initialMembrane: { r: -3 } });
    assert.deepEqual([...r.layers[0].perStep], [0, 0, 0, 0, 1]);
    assert.deepEqual([...r.layers[0].counts], [1, 0]);
    // The same with 2 channels (an even channel count takes the WebAssembly integration): counts
    // channels-first [c0 p0, c0 p1, c1 p0, c1 p1].
    const m2 = net([{ type: 'conv2d', name: 'c', outChannels: 2, kernel: 1 }, { type: 'relu', name: 'r' }], [1, 1, 2]);
    const r2 = await both(m2, w({ c: { shape: [2, 1, 1, 1], data: [0.5, 0.5] } }), late, { neuron: { minVMem: -1 }, initialMembrane: { r: [-3, -3] } });
    assert.deepEqual([...r2.layers[0].perStep], [0, 0, 0, 0, 2]);
    assert.deepEqual([...r2.layers[0].counts], [1, 0, 1, 0]);
    // A positive bound m = 0.5 raises the default start 0 the same way: step 0 (no input) relu(0 − 0.5) + 0.5
    // = 0.5; step 1: 0.5 + 0.5 = 1 → 1 spike, where a neuron left at 0 would reach only 0.5.
    const raised = await both(model, w5, frames([[0, 0], [1, 0]], [1, 1, 2]), { neuron: { minVMem: 0.5 } });
    assert.deepEqual([...raised.layers[0].perStep], [0, 1]);
  });

  it('absent, empty and all-zero starts give the same result', async () => {
    const ref = plain(await both(model, weights, input));
    assert.deepEqual(plain(await both(model, weights, input, { initialMembrane: {} })), ref);
    assert.deepEqual(plain(await both(model, weights, input, { neuron: { minVMem: -1 }, initialMembrane: { r: [0], spike_output: 0 } })),
      plain(await both(model, weights, input, { neuron: { minVMem: -1 } })));
  });

  it('a per-channel start changes only its own channel', async () => {
    // 1×1 conv with 2 channels, both weights 0.6; input at pixel 0 → both channels' pixel-0 neurons get 0.6.
    // Counts channels-first: [c0 p0, c0 p1, c1 p0, c1 p1].
    const m2 = net([{ type: 'conv2d', name: 'c', outChannels: 2, kernel: 1 }, { type: 'relu', name: 'r' }], [1, 1, 2]);
    const w2 = w({ c: { shape: [2, 1, 1, 1], data: [0.6, 0.6] } });
    for (const neuron of NEURONS) {
      // Channel 0 from 0.5: 1.1 → 1 spike; channel 1 from 0: 0.6, none.
      assert.deepEqual([...(await both(m2, w2, input, { neuron, initialMembrane: { r: [0.5, 0] } })).layers[0].counts], [1, 0, 0, 0]);
      assert.deepEqual([...(await both(m2, w2, input, { neuron, initialMembrane: { r: [0, 0.5] } })).layers[0].counts], [0, 0, 1, 0]);
    }
  });

  it('a start on spike_output changes the output spikes but not output.current', async () => {
    // 1 input → linear "a" [2, 1] (0.75, 0.25) → spike_output; one input spike: currents (0.75, 0.25).
    const m1 = net([{ type: 'linear', name: 'a', outFeatures: 2 }], [1], true);
    const w1 = w({ a: { shape: [2, 1], data: [0.75, 0.25] } });
    const one = frames([[1]], [1]);
    const base = await both(m1, w1, one);
    assert.deepEqual([...base.output.values], [0, 0]);
    assert.deepEqual([...base.output.current], [0.75, 0.25]);
    // From 0.5: 1.25 → 1 spike, 0.75 → none.
    const lifted = await both(m1, w1, one, { initialMembrane: { spike_output: 0.5 } });
    assert.deepEqual([...lifted.output.values], [1, 0]);
    assert.equal(lifted.output.predicted, 0);
    assert.deepEqual([...lifted.output.current], [0.75, 0.25]);
    // Per feature (0.25, 0.75): 1.0 and 1.0 → one spike each, a tie.
    const tied = await both(m1, w1, one, { initialMembrane: { spike_output: [0.25, 0.75] } });
    assert.deepEqual([...tied.output.values], [1, 1]);
    assert.deepEqual(tied.output.ties, [0, 1]);
    assert.deepEqual([...tied.output.current], [0.75, 0.25]);
  });
});

describe('summed output current', () => {
  // [1, 1, 2] → 1×1 conv (weight 1) → relu "r" → flatten → linear "out" [2, 2] → spike_output.
  // The relu repeats its input: one input event → current 1 → one spike, v back to 0.
  const layers = (bias: boolean): LayerSpec[] => [
    { type: 'conv2d', name: 'c', outChannels: 1, kernel: 1 }, { type: 'relu', name: 'r' },
    { type: 'flatten', name: 'f' }, { type: 'linear', name: 'out', outFeatures: 2, bias },
  ];
  const W = [0.5, 0.25, -1, 2];
  const input = frames([[1, 1], [0, 1], [1, 0]], [1, 1, 2]);

  it('is Σ_t W·spikes_t over 3 steps, not the output spikes', async () => {
    // Relu spikes per step: (1,1), (0,1), (1,0). W = [[0.5, 0.25], [−1, 2]]:
    //   t0: (0.75, 1)   t1: (0.25, 2)   t2: (0.5, −1)   Σ = (1.5, 2).
    // Output 0: v 0.75, 1.0 → spike (v 0), 0.5 → 1 spike. Output 1: 1 → spike, 2 → 2 spikes, −1 → 3 spikes.
    const r = await both(net(layers(false), [1, 1, 2], true), w({ c: { shape: [1, 1, 1, 1], data: [1] }, out: { shape: [2, 2], data: W } }), input);
    assert.deepEqual([...r.layers[0].counts], [2, 2]);
    assert.deepEqual([...r.output.values], [1, 3]);
    assert.deepEqual([...r.output.current], [1.5, 2]);
  });

  it('includes the bias of every step, also of a step without input', async () => {
    // Bias (0.125, 0) over 4 steps (the last one empty): (1.5 + 4 · 0.125, 2 + 0) = (2, 2).
    const four = frames([[1, 1], [0, 1], [1, 0], [0, 0]], [1, 1, 2]);
    const r = await both(net(layers(true), [1, 1, 2], true), w({ c: { shape: [1, 1, 1, 1], data: [1] }, out: { shape: [2, 2], data: W, bias: [0.125, 0] } }), four);
    assert.deepEqual([...r.output.current], [2, 2]);
  });

  it('a model ending in relu: the relu\'s input current; stateless ops after it: equal to values', async () => {
    // 1 input → linear [2, 1] (0.75, 1.5) → relu, 2 steps of 1 input spike: current (1.5, 3);
    // spikes: 0.75, 1.5 → 1; 1.5 → 1 (v 0.5), 2.0 → 2 → 3.
    const relu = await both(net([{ type: 'linear', name: 'a', outFeatures: 2 }, { type: 'relu', name: 'r' }], [1]),
      w({ a: { shape: [2, 1], data: [0.75, 1.5] } }), frames([[1], [1]], [1]));
    assert.deepEqual([...relu.output.values], [1, 3]);
    assert.deepEqual([...relu.output.current], [1.5, 3]);
    // [1, 1, 2] → 1×1 conv, 2 channels (0.5, 2) → relu; input steps (1, 0), (1, 1). Channels-first
    // [c0 p0, c0 p1, c1 p0, c1 p1]: currents (0.5 + 0.5, 0.5, 2 + 2, 2) = (1, 0.5, 4, 2); spikes (1, 0, 4, 2).
    const conv = await both(net([{ type: 'conv2d', name: 'c', outChannels: 2, kernel: 1 }, { type: 'relu', name: 'r' }], [1, 1, 2]),
      w({ c: { shape: [2, 1, 1, 1], data: [0.5, 2] } }), frames([[1, 0], [1, 1]], [1, 1, 2]));
    assert.deepEqual([...conv.output.values], [1, 0, 4, 2]);
    assert.deepEqual([...conv.output.current], [1, 0.5, 4, 2]);
    // The CIFAR head: conv → relu → sumpool → flatten; the output is pooled spikes, so current = values.
    const pooled = await both(net([{ type: 'conv2d', name: 'c', outChannels: 2, kernel: 1 }, { type: 'relu', name: 'r' }, { type: 'sumpool', name: 's', kernel: 2 }, { type: 'flatten', name: 'f' }], [1, 2, 2]),
      w({ c: { shape: [2, 1, 1, 1], data: [1, 2] } }), frames([[1, 1, 1, 1]], [1, 2, 2]));
    assert.deepEqual([...pooled.output.values], [4, 8]);
    assert.deepEqual([...pooled.output.current], [4, 8]);
  });
});

describe('refusals', () => {
  const model = net([{ type: 'conv2d', name: 'c', outChannels: 2, kernel: 1 }, { type: 'relu', name: 'r' }, { type: 'flatten', name: 'f' }, { type: 'linear', name: 'out', outFeatures: 1 }], [1, 1, 2], true);
  const weights = w({ c: { shape: [2, 1, 1, 1], data: [1, 1] }, out: { shape: [1, 4], data: [1, 1, 1, 1] } });
  const input = frames([[1, 0]], [1, 1, 2]);

  it('a value that is not finite', async () => {
    await refuse(model, weights, input, { initialMembrane: { r: NaN } }, /"r"/, /NaN/, /finite/);
    await refuse(model, weights, input, { initialMembrane: { spike_output: -Infinity } }, /"spike_output"/, /-Infinity/);
    await refuse(model, weights, input, { initialMembrane: { r: [0, Infinity] } }, /"r"/, /Infinity at channel 1/);
  });

  it('a value at or above the threshold, saying why', async () => {
    await refuse(model, weights, input, { initialMembrane: { r: 1 } }, /"r" is 1\b/, /threshold 1/, /fire with no input/, /skips neurons without input/);
    await refuse(model, weights, input, { neuron: { spike: 'single' }, initialMembrane: { r: [0.5, 1.5] } }, /"r" is 1.5 at channel 1/);
    await refuse(model, weights, input, { neuron: { threshold: 2 }, initialMembrane: { spike_output: 2 } }, /"spike_output" is 2/, /threshold 2/);
    // Below a threshold of 2 is fine.
    assert.equal(simulateEvents(model, weights, input, { neuron: { threshold: 2 }, initialMembrane: { spike_output: 1.5 } }).layers.length, 2);
  });

  it('a per-channel array of the wrong length', async () => {
    await refuse(model, weights, input, { initialMembrane: { r: [0.1, 0.2, 0.3] } }, /"r" has 3 values/, /2 channels/);
    await refuse(model, weights, input, { initialMembrane: { spike_output: [0.1, 0.2] } }, /"spike_output" has 2 values/, /1 features/);
  });

  it('an unknown layer name, listing the valid ones', async () => {
    await refuse(model, weights, input, { initialMembrane: { nope: 0.1 } }, /"nope"/, /"r", "spike_output"/);
    await refuse(model, weights, input, { initialMembrane: { out: 0.1 } }, /"out", which is not a spiking layer/);
  });
});

/**
 * Random small networks (`randomNet`: conv → relu → pooling → [conv → relu] → flatten → linear →
 * spike_output) with weights, biases, inputs and starts in eighths (exact in float32 and float64), plus
 * starts of 0.1 and 0.3, which a lower bound of −1 moves by a last bit (`(0.1 + 1) − 1 ≠ 0.1`); event
 * inputs may leave the first step empty.
 */
const arbCase = fc.record({
  c: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 4, max: 7 }), w: fc.integer({ min: 4, max: 7 }),
  k: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 2 }), pad: fc.integer({ min: 0, max: 1 }), oc: fc.integer({ min: 1, max: 4 }),
  pool: fc.constantFrom('none', 'avg-after', 'avg-before', 'sum-after'),
  second: fc.boolean(), oc2: fc.constantFrom(2, 3, 32), classes: fc.integer({ min: 2, max: 4 }),
  steps: fc.integer({ min: 1, max: 5 }), density: fc.double({ min: 0.1, max: 0.6, noNaN: true }),
  neuron: fc.record({ spike: fc.constantFrom('multi', 'single'), reset: fc.constantFrom('subtract', 'zero'), minVMem: fc.constantFrom(null, -1), threshold: fc.constantFrom(1, 2) }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }), bias: fc.boolean(), linearBias: fc.boolean(), image: fc.boolean(), perChannel: fc.boolean(), quietStart: fc.boolean(),
});

type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

function build(p: Case) {
  let s = p.seed;
  const rand = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
  const eighths = (lo: number, hi: number) => (lo + Math.floor(rand() * (hi - lo + 1))) / 8;
  const built = randomNet(p, (l, shape) => ({
    shape,
    weight: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => eighths(-12, 12)),
    bias: (l.type === 'conv2d' || l.type === 'linear') && l.bias ? Float32Array.from({ length: shape[0] }, () => eighths(-3, 5)) : undefined,
  }), p.linearBias);
  if (!built) return undefined;
  const size = p.c * p.h * p.w;
  const input = p.image
    ? imageInput(Array.from({ length: size }, () => eighths(-8, 8)), [p.c, p.h, p.w], [1, 2, 4][p.steps % 3])
    : framesInput(Array.from({ length: p.steps * size }, (_, i) => (i >= size * +p.quietStart && rand() < p.density ? 1 + Math.floor(rand() * 2) : 0)), [p.c, p.h, p.w], p.steps);
  // Starts in [−2θ, θ): eighths of θ, now and then 0.1 or 0.3. With a quiet first step the neurons whose
  // start is below the bound (or moved by it) must be updated without input.
  const th = p.neuron.threshold;
  const start = () => (rand() < 0.15 ? (rand() < 0.5 ? 0.1 : 0.3) : eighths(-16, 7) * th);
  const initialMembrane: Record<string, number | number[]> = {};
  for (const l of [...built.model.layers.filter((x) => x.type === 'relu'), { name: 'spike_output' }]) {
    if (rand() < 0.2) continue;
    const channels = l.name === 'spike_output' ? p.classes : l.name === 'r1' ? p.oc : p.oc2;
    initialMembrane[l.name] = p.perChannel ? Array.from({ length: channels }, start) : start();
  }
  return { ...built, input, initialMembrane };
}

describe('random networks', () => {
  it('event == dense for all counts and output.current with random starts; current = last weights · previous counts', async () => {
    let ran = 0;
    let spikes = 0;
    let lifted = 0;
    await fc.assert(fc.asyncProperty(arbCase, async (p) => {
      const built = build(p);
      if (!built) return;
      ran++;
      const neuron = p.neuron as Partial<NeuronParams>;
      const r = await both(built.model, built.weights, built.input, { neuron, initialMembrane: built.initialMembrane });
      // The reference: fc applied to the previous spiking layer's counts (pooled when a pooling follows r1 directly).
      const prev = r.layers[r.layers.length - 2];
      const pool = p.second || p.pool === 'none' || p.pool === 'avg-before' ? null : p.pool === 'avg-after' ? 'avg' : 'sum';
      assert.deepEqual([...r.output.current], linearOfCounts(prev.counts, prev.shape, pool, built.weights.fc, built.input.steps));
      const zero = simulateEvents(built.model, built.weights, built.input, { neuron });
      spikes += r.layers.reduce((a, l) => a + l.total, 0);
      if (r.layers.some((l, i) => l.total !== zero.layers[i].total)) lifted++;
    }), { numRuns: 60, seed: 1 });
    assert.ok(ran >= 40, `only ${ran} of 60 random networks were valid`);
    assert.ok(spikes > 100, `only ${spikes} spikes in all runs`);
    assert.ok(lifted > 5, `the starts changed the spike counts in only ${lifted} networks`);
  });
});
