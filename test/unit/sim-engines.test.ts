import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { simulateDense } from '../../src/core/sim/dense-engine';
import { simulateEvents } from '../../src/core/sim/event-engine';
import { framesInput, imageInput } from '../../src/core/sim/input';
import type { NeuronParams } from '../../src/core/sim/neuron';
import { net, randomNet } from './sim-helpers';

/**
 * Random small networks (the first conv with or without bias; event frames or an analog image): conv → relu → (pool before or after the relu) → [conv → relu] → flatten →
 * linear → spiking output. Weights are multiples of 1/8 in [−1.5, 1.5], so every current is exact in
 * float32 (dense engine, tfjs) and float64 (event engine) alike: the engines must agree neuron by neuron.
 */
const arbCase = fc.record({
  c: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 4, max: 7 }), w: fc.integer({ min: 4, max: 7 }),
  k: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 2 }), pad: fc.integer({ min: 0, max: 1 }), oc: fc.integer({ min: 1, max: 3 }),
  pool: fc.constantFrom('none', 'avg-after', 'avg-before', 'sum-after'),
  second: fc.boolean(), oc2: fc.constantFrom(2, 32), classes: fc.integer({ min: 2, max: 4 }),
  steps: fc.integer({ min: 1, max: 5 }), density: fc.double({ min: 0.1, max: 0.6, noNaN: true }),
  neuron: fc.record({ spike: fc.constantFrom('multi', 'single'), reset: fc.constantFrom('subtract', 'zero'), minVMem: fc.constantFrom(null, -1) }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  bias: fc.boolean(), image: fc.boolean(),
});

type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

function build(p: Case) {
  let s = p.seed;
  const rand = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
  const built = randomNet(p, (l, shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const bias = l.type === 'conv2d' && l.bias ? Float32Array.from({ length: shape[0] }, () => (Math.floor(rand() * 9) - 3) / 8) : undefined;
    return { shape, weight: Float32Array.from({ length: n }, () => (Math.floor(rand() * 25) - 12) / 8), bias };
  });
  if (!built) return undefined;
  const { model, weights } = built;
  const size = p.c * p.h * p.w;
  if (p.image) {
    // Pixels in eighths over 1, 2 or 4 steps: every current is exact in float32 too.
    const steps = [1, 2, 4][p.steps % 3];
    return { model, weights, input: imageInput(Array.from({ length: size }, () => (Math.floor(rand() * 17) - 8) / 8), [p.c, p.h, p.w], steps) };
  }
  const framesData = Array.from({ length: p.steps * size }, () => (rand() < p.density ? 1 + Math.floor(rand() * 2) : 0));
  return { model, weights, input: framesInput(framesData, [p.c, p.h, p.w], p.steps) };
}

describe('event-driven and dense engines agree', () => {
  before(async () => { await tf.setBackend('cpu'); await tf.ready(); });

  it('identical spike counts per neuron, per step, SynOps and output on random small networks', async () => {
    let ran = 0;
    let spikes = 0;
    await fc.assert(fc.asyncProperty(arbCase, async (p) => {
      const built = build(p);
      if (!built) return;
      ran++;
      const neuron = p.neuron as Partial<NeuronParams>;
      const ev = simulateEvents(built.model, built.weights, built.input, { neuron });
      const de = await simulateDense(built.model, built.weights, built.input, { neuron });
      assert.equal(ev.layers.length, de.layers.length);
      ev.layers.forEach((l, i) => {
        assert.deepEqual([...l.counts], [...de.layers[i].counts], `layer ${l.name} per neuron`);
        assert.deepEqual([...l.perStep], [...de.layers[i].perStep], `layer ${l.name} per step`);
      });
      assert.deepEqual(ev.synops.map((s) => s.synops), de.synops.map((s) => s.synops));
      assert.deepEqual([...ev.output.values], [...de.output.values]);
      assert.deepEqual(ev.output.ties, de.output.ties);
      spikes += ev.layers.reduce((a, l) => a + l.total, 0);
    }), { numRuns: 60, seed: 20201 });
    // Most cases must be valid networks that actually spike, or the property says little.
    assert.ok(ran >= 40, `only ${ran} of 60 random networks were valid`);
    assert.ok(spikes > 100, `only ${spikes} spikes in all runs`);
  });

  it('a gathered conv whose inputs do not come position by position (after a sum pooling; single-spike neurons firing again)', async () => {
    // conv 2→32 (scatter) → relu → sum pool 2 → conv 32→32 2×2 (gather) → relu → linear → spiking output. The
    // pooled spikes come window by window, and single-spike neurons left above threshold fire again after the
    // others, so a position's inputs are split: the gather's buckets must still hold all of them.
    let s = 99;
    const rand = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
    const eighths = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => (lo + Math.floor(rand() * (hi - lo + 1))) / 8);
    const model = net([
      { type: 'conv2d', name: 'c1', outChannels: 32, kernel: 3, padding: 1 }, { type: 'relu', name: 'r1' }, { type: 'sumpool', name: 'p', kernel: 2 },
      { type: 'conv2d', name: 'c2', outChannels: 32, kernel: 2, padding: 1 }, { type: 'relu', name: 'r2' },
      { type: 'flatten', name: 'f' }, { type: 'linear', name: 'fc', outFeatures: 4 },
    ], [2, 6, 6], true);
    const weights = {
      c1: { shape: [32, 2, 3, 3], weight: eighths(32 * 2 * 9, -2, 6) },
      c2: { shape: [32, 32, 2, 2], weight: eighths(32 * 32 * 4, -3, 4) },
      fc: { shape: [4, 32 * 4 * 4], weight: eighths(4 * 512, -4, 4) },
    };
    const input = framesInput(Array.from({ length: 6 * 72 }, () => (rand() < 0.5 ? 1 + Math.floor(rand() * 3) : 0)), [2, 6, 6], 6);
    for (const spike of ['multi', 'single'] as const) {
      const ev = simulateEvents(model, weights, input, { neuron: { spike } });
      const de = await simulateDense(model, weights, input, { neuron: { spike } });
      assert.ok(ev.layers[1].total > 50, `${spike}: the gathered layer spikes (${ev.layers[1].total})`);
      ev.layers.forEach((l, i) => assert.deepEqual([...l.counts], [...de.layers[i].counts], `${spike}: layer ${l.name}`));
    }
  });
});
