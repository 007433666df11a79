import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { setParallelMinSynops } from '../../src/core/sim/event-conv';
import { setParallelMinNeurons } from '../../src/core/sim/event-iaf-params';
import { setFusedIntegration, simulateEvents } from '../../src/core/sim/event-engine';
import { framesInput } from '../../src/core/sim/input';
import type { NeuronParams } from '../../src/core/sim/neuron';
import type { SimResult } from '../../src/core/sim/result';
import { kernelModule, simKernel } from '../../src/core/sim/wasm-kernel';
import { KernelPool } from '../../src/core/sim/wasm-threads';
import { net, randomEventNet } from './sim-helpers';

const sharedKernel = kernelModule(true) !== null;
const skip = sharedKernel ? false : 'no WebAssembly SIMD with shared memory here';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
}

function plain(r: SimResult) {
  return { layers: r.layers.map((l) => ({ counts: [...l.counts], perStep: [...l.perStep], max: l.maxPerNeuronStep })), out: [...r.output.perStep], current: [...r.output.current] };
}

/** conv 2→64 (8×8, scatter) → relu → conv 64→48 3×3 (gather, 8×8 rows) → relu → flatten → linear 10; random weights, frames of spikes. */
function mediumNet(seed: number) {
  const rand = lcg(seed);
  const model = net([
    { type: 'conv2d', name: 'c1', outChannels: 64, kernel: 3, padding: 1 }, { type: 'relu', name: 'r1' },
    { type: 'conv2d', name: 'c2', outChannels: 48, kernel: 3, padding: 1 }, { type: 'relu', name: 'r2' },
    { type: 'flatten', name: 'f' }, { type: 'linear', name: 'fc', outFeatures: 10 },
  ], [2, 8, 8], true);
  const weight = (n: number) => Float32Array.from({ length: n }, () => Math.fround((rand() * 2 - 0.7) * 0.6));
  const weights = {
    c1: { shape: [64, 2, 3, 3], weight: weight(64 * 2 * 9) },
    c2: { shape: [48, 64, 3, 3], weight: weight(48 * 64 * 9) },
    fc: { shape: [10, 48 * 64], weight: weight(10 * 48 * 64) },
  };
  const steps = 12;
  const input = framesInput(Array.from({ length: steps * 2 * 64 }, () => (rand() < 0.4 ? 1 + Math.floor(rand() * 2) : 0)), [2, 8, 8], steps);
  return { model, weights, input };
}

describe('event-driven engine on helper threads', { skip }, () => {
  after(() => { setParallelMinSynops(131072); setParallelMinNeurons(16384); });
  /** Every gather and integration step shared, however small. */
  const shareAll = () => { setParallelMinSynops(0); setParallelMinNeurons(0); };

  it('gives the same spikes, output and current with 1, 2 and 3 threads, every step shared', () => {
    shareAll();
    for (const seed of [1, 2, 3]) {
      const { model, weights, input } = mediumNet(seed);
      const one = plain(simulateEvents(model, weights, input, { threads: 1 }));
      assert.ok(one.layers[1].counts.some((c) => c > 0), 'the gathered layer spikes');
      for (const threads of [2, 3]) assert.deepEqual(plain(simulateEvents(model, weights, input, { threads })), one, `seed ${seed}, ${threads} threads`);
    }
  });

  /** Random networks: a conv (scatter) → relu → conv of 32 or 34 channels (a gather) → relu …, frames of spikes. */
  const arbRandom = fc.record({
    c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 3, max: 8 }), w: fc.integer({ min: 3, max: 8 }), k: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }), pad: fc.integer({ min: 0, max: 1 }), oc: fc.integer({ min: 1, max: 5 }), bias: fc.boolean(),
    pool: fc.constantFrom('none' as const, 'avg-after' as const, 'sum-after' as const), oc2: fc.constantFrom(32, 34), classes: fc.integer({ min: 2, max: 4 }),
    steps: fc.integer({ min: 1, max: 6 }), seed: fc.integer({ min: 1, max: 2 ** 30 }),
    neuron: fc.record({ spike: fc.constantFrom('multi' as const, 'single' as const), minVMem: fc.constantFrom(null, -1), threshold: fc.constantFrom(1, 0.75) }),
  });
  function buildRandom(p: typeof arbRandom extends fc.Arbitrary<infer T> ? T : never) {
    const built = randomEventNet({ ...p, second: true }, lcg(p.seed), 0.8, 0.5);
    if (!built) return null;
    return { ...built, neuron: p.neuron as Partial<NeuronParams> };
  }

  it('agrees with one thread on random networks (gathers of 32 and 34 channels, every neuron mode), steps of every size shared', () => {
    shareAll();
    fc.assert(fc.property(arbRandom, (p) => {
      const b = buildRandom(p);
      if (!b) return;
      const one = plain(simulateEvents(b.model, b.weights, b.input, { neuron: b.neuron, threads: 1 }));
      assert.deepEqual(plain(simulateEvents(b.model, b.weights, b.input, { neuron: b.neuron, threads: 2 })), one);
    }), { numRuns: 40, seed: 777 });
  });

  it('the gather and integration in one pipelined pass (gatherIaf) give the spikes of the two passes, at 2 and 3 threads, steps shared or not', () => {
    let fused = 0;
    try {
      fc.assert(fc.property(arbRandom, (p) => {
        const b = buildRandom(p);
        if (!b) return;
        setFusedIntegration(false);
        const twoPasses = plain(simulateEvents(b.model, b.weights, b.input, { neuron: b.neuron, threads: 1 }));
        setFusedIntegration(true);
        // Every step shared with the helpers, then none (these steps are small: each runs on the calling thread).
        for (const share of [true, false]) {
          if (share) shareAll(); else { setParallelMinSynops(131072); setParallelMinNeurons(16384); }
          for (const threads of [2, 3]) assert.deepEqual(plain(simulateEvents(b.model, b.weights, b.input, { neuron: b.neuron, threads })), twoPasses, `${threads} threads, shared ${share}`);
        }
        fused++; // c2 (no bias, an even channel count) and r2 run as one pass
      }), { numRuns: 40, seed: 4711 });
    } finally {
      setFusedIntegration(true);
    }
    assert.ok(fused >= 20, `only ${fused} of 40 random networks were valid`);
  });

  it('refuses a thread count that is not a whole number from 1 to 64', () => {
    const { model, weights, input } = mediumNet(1);
    for (const threads of [0, 1.5, -1, 65, Number.NaN]) assert.throws(() => simulateEvents(model, weights, input, { threads }), /threads must be a whole number from 1 to 64/);
  });

  it('a kernel fault during a shared step throws, and the next simulation runs on a fresh pool', () => {
    const k = simKernel(1 << 16, true)!;
    const i32 = new Int32Array(k.memory.buffer);
    // 64 groups whose row offset lies past the end of the 64 KiB memory: the first add traps on any thread.
    for (let g = 0; g < 64; g++) i32.set([1 << 20, 1024, 1], 4 * g);
    i32.set([2048, 1, 0, 0], 256);
    const pool = new KernelPool(1);
    try {
      assert.throws(() => pool.gather(k, 0, 64, 8 * 32, 4), /out of bounds|helper thread failed/);
    } finally {
      pool.close();
    }
    shareAll();
    const { model, weights, input } = mediumNet(2);
    assert.deepEqual(plain(simulateEvents(model, weights, input, { threads: 2 })), plain(simulateEvents(model, weights, input, { threads: 1 })));
  });

  it('idle helper threads do not keep the process alive', () => {
    const sim = (f: string) => JSON.stringify(join(__dirname, '..', '..', 'src', 'core', 'sim', f));
    // conv 1→32 → relu → conv 32→32 (a gather) → relu, every step shared with the helper.
    const code = `
      const { simulateEvents } = require(${sim('event-engine.ts')});
      const { setParallelMinSynops } = require(${sim('event-conv.ts')});
      const { setParallelMinNeurons } = require(${sim('event-iaf-params.ts')});
      const { framesInput } = require(${sim('input.ts')});
      setParallelMinSynops(0);
      setParallelMinNeurons(0);
      const conv = (name, outChannels) => ({ type: 'conv2d', name, outChannels, kernel: 3, padding: 1 });
      const model = { input: { kind: 'events', shape: [1, 4, 4], chunkEvents: 1, dtMs: 1 }, layers: [conv('a', 32), { type: 'relu', name: 'r' }, conv('b', 32), { type: 'relu', name: 's' }] };
      const weights = { a: { shape: [32, 1, 3, 3], weight: new Float32Array(288).fill(0.5) }, b: { shape: [32, 32, 3, 3], weight: new Float32Array(9216).fill(0.125) } };
      const r = simulateEvents(model, weights, framesInput(new Array(16).fill(2), [1, 4, 4], 1), { threads: 2 });
      console.log('spikes', r.layers.map((l) => l.total).join(' '));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.error, undefined, 'the process ended by itself within 60 s');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /spikes [1-9]\d* [1-9]\d*/);
  });
});
