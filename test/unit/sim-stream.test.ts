import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { setStreamedScatter, simulateEvents } from '../../src/core/sim/event-engine';
import { ScatterStream } from '../../src/core/sim/event-stream';
import { KernelPool } from '../../src/core/sim/wasm-threads';
import { mayIntegrate, STEP_MASK, STREAM, streamStep } from '../../src/core/sim/wasm-stream';
import { setParallelMinNeurons } from '../../src/core/sim/event-iaf-params';
import type { NeuronParams } from '../../src/core/sim/neuron';
import type { SimResult } from '../../src/core/sim/result';
import { kernelModule } from '../../src/core/sim/wasm-kernel';
import { StreamChoice } from '../../src/core/sim/stream-choice';
import { randomEventNet } from './sim-helpers';

const skip = kernelModule(true) !== null ? false : 'no WebAssembly SIMD with shared memory here';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
}

function plain(r: SimResult) {
  return {
    layers: r.layers.map((l) => ({ counts: [...l.counts], perStep: [...l.perStep], max: l.maxPerNeuronStep, total: l.total })),
    out: [...r.output.perStep], current: [...r.output.current], synops: r.synops.map((s) => s.synops),
    record: r.record ? { n: r.record.n, truncated: r.record.truncated, neuron: [...r.record.neuron.subarray(0, r.record.n)], step: [...r.record.step.subarray(0, r.record.n)] } : null,
    counts: r.counts ? JSON.stringify(r.counts) : null,
  };
}

/** Steps the streamed segments took (`ScatterStream.take`), to check that the threaded runs did stream. */
let taken = 0;
const take = ScatterStream.prototype.take;
ScatterStream.prototype.take = function (this: ScatterStream, ...a: Parameters<typeof take>) { taken++; return take.apply(this, a); };

/**
 * Random event networks whose convs both scatter (c1 with 1–5 channels, c2 with 2–6: fewer than a gather's
 * 32), pooling before or after the first spiking layer, optional bias, every neuron mode; up to 20 steps
 * (more than the ring's 8 slots), some of them empty.
 */
const arb = fc.record({
  c: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 3, max: 9 }), w: fc.integer({ min: 3, max: 9 }), k: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }), pad: fc.integer({ min: 0, max: 1 }), oc: fc.integer({ min: 1, max: 5 }), bias: fc.boolean(),
  pool: fc.constantFrom('none' as const, 'avg-after' as const, 'avg-before' as const, 'sum-after' as const), oc2: fc.integer({ min: 2, max: 6 }), classes: fc.integer({ min: 2, max: 4 }),
  steps: fc.integer({ min: 1, max: 20 }), density: fc.constantFrom(0, 0.05, 0.3, 0.8), seed: fc.integer({ min: 1, max: 2 ** 30 }),
  neuron: fc.record({ spike: fc.constantFrom('multi' as const, 'single' as const), reset: fc.constantFrom('subtract' as const, 'zero' as const), minVMem: fc.constantFrom(null, -1, 0.25), threshold: fc.constantFrom(1, 0.75) }),
});

function build(p: typeof arb extends fc.Arbitrary<infer T> ? T : never) {
  const built = randomEventNet({ ...p, second: true }, lcg(p.seed), 0.7, p.density);
  if (!built) return null;
  return { ...built, neuron: p.neuron as Partial<NeuronParams> };
}

describe('event-driven engine: a scattering conv streamed to a helper thread', { skip }, () => {
  // Streamed whatever the times of earlier runs (`stream-choice.ts`), unless a test says otherwise.
  before(() => setStreamedScatter(true));
  after(() => { setStreamedScatter('auto'); setParallelMinNeurons(16384); });

  it('gives the spikes, counts, SynOps, output, current, records and counters of one thread, at 2 and 3 threads, on random networks', () => {
    let valid = 0;
    taken = 0;
    fc.assert(fc.property(arb, fc.constantFrom(0, 5, 1000), (p, recordCap) => {
      const b = build(p);
      if (!b) return;
      valid++;
      const opts = { neuron: b.neuron, recordCap, counts: true };
      const one = plain(simulateEvents(b.model, b.weights, b.input, { ...opts, threads: 1 }));
      setStreamedScatter(false);
      const unstreamed = plain(simulateEvents(b.model, b.weights, b.input, { ...opts, threads: 2 }));
      setStreamedScatter(true);
      assert.deepEqual(unstreamed, one, 'two threads, not streamed');
      for (const threads of [2, 3]) assert.deepEqual(plain(simulateEvents(b.model, b.weights, b.input, { ...opts, threads })), one, `${threads} threads, streamed`);
    }), { numRuns: 60, seed: 2512 });
    assert.ok(valid >= 30, `only ${valid} of 60 random networks were valid`);
    assert.ok(taken > 0, 'the threaded runs streamed their convs');
  });

  it('a helper far ahead of the bookkeeping integrates a step only where the bookkeeping before it changes no potential', () => {
    // No helper thread: before each booking, the steps a helper would run are run here, as far ahead as the
    // protocol lets a helper go (what a helper does when the caller is slow), so the order is the worst case.
    const { startStream, endStream } = KernelPool.prototype;
    const take = ScatterStream.prototype.take;
    KernelPool.prototype.startStream = () => {};
    KernelPool.prototype.endStream = () => {};
    let ahead = 0;
    ScatterStream.prototype.take = function (this: ScatterStream, ...a: Parameters<typeof take>) {
      const { i32, f64, kernel } = this.arena;
      const { d } = this;
      for (let w = i32[d + STREAM.CLAIM], c = w & STEP_MASK; c < i32[d + STREAM.READY] && mayIntegrate(i32, d, c); c++) {
        i32[d + STREAM.CLAIM] = ++w;
        streamStep(kernel, i32, f64, d, c);
        if (c > a[0]) ahead++;
      }
      return take.apply(this, a);
    };
    let spiked = 0;
    try {
      fc.assert(fc.property(arb, (p) => {
        // Single spikes, or a lower bound, leave neurons above threshold (fired by the caller); dense input makes it likely.
        const b = build({ ...p, density: 0.8, neuron: { ...p.neuron, spike: 'single' } });
        if (!b) return;
        const one = simulateEvents(b.model, b.weights, b.input, { neuron: b.neuron, threads: 1 });
        if (one.layers.some((l) => l.maxPerNeuronStep > 0)) spiked++;
        assert.deepEqual(plain(simulateEvents(b.model, b.weights, b.input, { neuron: b.neuron, threads: 2 })), plain(one));
      }), { numRuns: 40, seed: 99 });
    } finally {
      KernelPool.prototype.startStream = startStream;
      KernelPool.prototype.endStream = endStream;
      ScatterStream.prototype.take = take;
    }
    assert.ok(spiked >= 15 && ahead > 100, `${spiked} networks spiked, ${ahead} steps ran ahead`);
  });

  it('a run cancelled mid-segment leaves no current behind: the next run gives the same spikes', () => {
    const b = build({ c: 1, h: 8, w: 8, k: 3, stride: 1, pad: 1, oc: 4, bias: false, pool: 'avg-after', oc2: 4, classes: 3, steps: 20, density: 0.3, seed: 9,
      neuron: { spike: 'multi', reset: 'subtract', minVMem: null, threshold: 1 } })!;
    const one = plain(simulateEvents(b.model, b.weights, b.input, { threads: 1 }));
    for (const stopAt of [1, 3, 12, 25, 33]) {
      // A signal that reads as aborted from its `stopAt`-th look on (the engine looks once per step and
      // segment); before it says so it waits 30 ms, so that the helper has scattered the steps fed ahead.
      let looks = 0;
      const aborted = () => {
        if (++looks < stopAt) return false;
        for (const t0 = Date.now(); Date.now() - t0 < 30;);
        return true;
      };
      const signal = { get aborted() { return aborted(); }, reason: new Error('stop here') } as unknown as AbortSignal;
      assert.throws(() => simulateEvents(b.model, b.weights, b.input, { threads: 2, signal }), /stop here/);
      assert.deepEqual(plain(simulateEvents(b.model, b.weights, b.input, { threads: 2 })), one, `after a stop at look ${stopAt}`);
    }
  });

  it('large integration steps stay on the calling thread while the helper streams (same spikes)', () => {
    setParallelMinNeurons(0);
    const b = build({ c: 2, h: 9, w: 9, k: 3, stride: 1, pad: 1, oc: 4, bias: true, pool: 'sum-after', oc2: 6, classes: 4, steps: 17, density: 0.3, seed: 3,
      neuron: { spike: 'multi', reset: 'subtract', minVMem: -1, threshold: 0.75 } })!;
    const one = plain(simulateEvents(b.model, b.weights, b.input, { neuron: b.neuron, threads: 1 }));
    assert.deepEqual(plain(simulateEvents(b.model, b.weights, b.input, { neuron: b.neuron, threads: 2 })), one);
  });
});

describe('choosing whether to stream by the runs\' times', () => {
  // Streamed 3 ms a run, not streamed 4 ms; the first run of every burst (compiling, or a helper asleep and
  // caches full of the other form's data) takes 50 ms and is not counted.
  const last = new WeakMap<StreamChoice, boolean>();
  const runs = (c: StreamChoice, n: number): boolean[] => {
    const forms: boolean[] = [];
    for (let i = 0; i < n; i++) {
      const f = c.next();
      c.record(f, last.get(c) !== f ? 50 : f ? 3 : 4);
      last.set(c, f);
      forms.push(f);
    }
    return forms;
  };

  it('warms each form in a burst of 4 (3 timed), then runs the faster 8, 16, 32, 64, 64… times with the other 4 times between', () => {
    const c = new StreamChoice();
    assert.deepEqual(runs(c, 8), [false, false, false, false, true, true, true, true]);
    const other = [false, false, false, false];
    assert.deepEqual(runs(c, 8 + 4 + 16 + 4 + 32 + 4 + 64 + 4 + 64),
      [...Array(8).fill(true), ...other, ...Array(16).fill(true), ...other, ...Array(32).fill(true), ...other, ...Array(64).fill(true), ...other, ...Array(64).fill(true)]);
  });

  it('looks at a slower streamed form in bursts of 8 (it takes a few runs to reach its pace)', () => {
    const c = new StreamChoice();
    const forms: boolean[] = [];
    for (let i = 0; i < 4 + 4 + 8 + 8 + 16; i++) {
      const f = c.next();
      c.record(f, f ? 5 : 4);
      forms.push(f);
    }
    assert.deepEqual(forms, [...Array(4).fill(false), ...Array(4).fill(true), ...Array(8).fill(false), ...Array(8).fill(true), ...Array(16).fill(false)]);
  });

  it('does not count the first run after a switch: a slow first streamed run does not turn the choice', () => {
    const c = new StreamChoice();
    runs(c, 8 + 8 + 4);
    // Back to streaming after the look at the other form: its first run takes 50 ms. Counted, the streamed
    // time would be 50 > 4 and the next run would not stream.
    assert.equal(c.next(), true);
    c.record(true, 50);
    assert.equal(c.next(), true);
  });

  it('times a form afresh at each burst: slow runs while it compiled do not hold the choice', () => {
    // Streamed runs take 40 ms while warming (compiling), 3 ms after; not streamed 4 ms throughout. Averaged
    // across bursts, the streamed time after its second burst would be still 40·¾³ + 3·(1 − ¾³) ≈ 18.6 > 4.
    const c = new StreamChoice();
    const forms: boolean[] = [];
    for (let i = 0; i < 8 + 8 + 4 + 8; i++) {
      const f = c.next();
      c.record(f, f ? (i < 8 ? 40 : 3) : 4);
      forms.push(f);
    }
    // warm: 4 not streamed, 4 streamed (40 ms); 8 not streamed; a burst of 4 streamed (3 ms); then streamed.
    assert.deepEqual(forms, [...Array(4).fill(false), ...Array(4).fill(true), ...Array(8).fill(false), ...Array(4).fill(true), ...Array(8).fill(true)]);
  });

  it('leaves the faster form early when its runs slow down (a loaded machine), not on one slow run', () => {
    const c = new StreamChoice();
    runs(c, 8 + 5);
    // Streamed runs 3, 3, 3, 3 ms; one of 9 leaves the median of the last 5 at 3 < 4: it still streams.
    assert.equal(c.next(), true);
    c.record(true, 9);
    assert.equal(c.next(), true);
    c.record(true, 9);
    assert.equal(c.next(), true);
    // A third: the last 5 are 3, 3, 9, 9, 9, median 9 > 4: the next run does not stream.
    c.record(true, 9);
    assert.equal(c.next(), false);
  });

  it('does not leave on the slow runs that start a burst: the second run after a switch may be cold too', () => {
    const c = new StreamChoice();
    runs(c, 8 + 8 + 4);
    // Back to streaming: the first run is not timed, the second takes 9 ms (> 4), then 3 ms runs.
    assert.equal(c.next(), true);
    c.record(true, 50);
    assert.equal(c.next(), true);
    c.record(true, 9);
    assert.equal(c.next(), true, 'one timed run is no median');
    c.record(true, 3);
    assert.equal(c.next(), true);
    c.record(true, 3);
    assert.equal(c.next(), true, 'median of 9, 3, 3 is 3');
  });
});
