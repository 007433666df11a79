import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { setEventEngineWasm, simulateEvents } from '../../src/core/sim/event-engine';
import { framesInput, imageInput } from '../../src/core/sim/input';
import type { NeuronParams } from '../../src/core/sim/neuron';
import type { SimResult } from '../../src/core/sim/result';
import { simKernel, isWasmSimdAvailable } from '../../src/core/sim/wasm-kernel';
import { gatherLoop } from '../../src/core/sim/event-conv';
import { frames, net, randomNet, w } from './sim-helpers';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
}

describe('WebAssembly multiply-add kernel', () => {
  it('gives the same bits as the scalar loop, for even and odd row lengths', { skip: !isWasmSimdAvailable() }, () => {
    const rand = lcg(7);
    for (const C of [1, 2, 3, 4, 5, 8, 10, 12, 96, 97, 192]) {
      const rows = 6;
      const nRec = 200;
      const bufAt = 0;
      const wAt = rows * C * 8;
      const listAt = (wAt + rows * C * 8 + 15) & ~15;
      const k = simKernel(listAt + nRec * 16)!;
      const f64 = new Float64Array(k.memory.buffer);
      const i32 = new Int32Array(k.memory.buffer);
      const ref = new Float64Array(rows * C);
      for (let i = 0; i < rows * C; i++) f64[(wAt >> 3) + i] = Math.fround(rand() * 2 - 1);
      for (let r = 0; r < nRec; r++) {
        const row = Math.floor(rand() * rows);
        const wRow = Math.floor(rand() * rows);
        const a = r % 3 === 0 ? Math.fround(rand() - 0.5) : 1 + Math.floor(rand() * 3);
        i32[(listAt >> 2) + 4 * r] = bufAt + row * C * 8;
        i32[(listAt >> 2) + 4 * r + 1] = wAt + wRow * C * 8;
        f64[(listAt >> 3) + 2 * r + 1] = a;
        for (let o = 0; o < C; o++) ref[row * C + o] += a * f64[(wAt >> 3) + wRow * C + o];
      }
      k.axpy(listAt, nRec, (C >> 1) * 16, C & 1);
      assert.deepEqual([...f64.subarray(0, rows * C)], [...ref], `C = ${C}`);
    }
  });
});

describe('gather kernel and its plain loop', () => {
  // Layout of one call: weight rows (float32), entries (i32 weight offset, f32 a), segments (i32 first entry,
  // i32 n1, i32 tap offset, i32 nX: n1 entries of value 1, then nX others), groups (i32 row offset, i32
  // first segment, i32 count), output rows (float64).
  it('sum each output value in float32, segment by segment, entry by entry, then add it widened to the float64 row', { skip: !isWasmSimdAvailable() }, () => {
    const rand = lcg(11);
    let differsFromFloat64 = 0;
    for (const C of [1, 3, 4, 6, 31, 32, 34, 96, 97, 192]) {
      const wRows = 12, rows = 5, nSeg = 15, maxEnt = nSeg * 8;
      const wAt = 0;
      const entAt = (wAt + wRows * C * 4 + 15) & ~15;
      const segAt = entAt + maxEnt * 8;
      const grpAt = segAt + nSeg * 16;
      const bufAt = grpAt + rows * 16;
      const k = simKernel(bufAt + rows * C * 8)!;
      const { buffer } = k.memory;
      const f32 = new Float32Array(buffer), f64 = new Float64Array(buffer), i32 = new Int32Array(buffer);
      for (let i = 0; i < wRows * C; i++) f32[(wAt >> 2) + i] = (rand() * 2 - 1) * 2 ** Math.floor(rand() * 8 - 4);
      // Segments: up to 4 entries of value 1, then up to 3 others (counts and fractions); taps of 0 or 1 row.
      const segs: { ent: { w: number; a: number }[]; tap: number }[] = [];
      let nEnt = 0;
      for (let sg = 0; sg < nSeg; sg++) {
        const n1 = Math.floor(rand() * 5), nX = Math.floor(rand() * 4);
        const tap = rand() < 0.5 ? 0 : C * 4;
        const ent = Array.from({ length: n1 + nX }, (_, e) => ({ w: wAt + Math.floor(rand() * (wRows - 1)) * C * 4, a: e < n1 ? 1 : rand() < 0.5 ? 2 : Math.fround(rand() * 3) }));
        i32.set([entAt + 8 * nEnt, n1, tap, nX], (segAt >> 2) + 4 * sg);
        for (const { w: wo, a } of ent) { i32[(entAt >> 2) + 2 * nEnt] = wo; f32[(entAt >> 2) + 2 * nEnt + 1] = a; nEnt++; }
        segs.push({ ent, tap });
      }
      // Groups: rows in a shuffled order, each with a run of segments (one with none); rows start non-zero.
      const ref = new Float64Array(rows * C), wide = new Float64Array(rows * C);
      for (let g = 0; g < rows; g++) {
        const row = (g * 3) % rows;
        const s0 = Math.floor(rand() * nSeg);
        const ns = g === 2 ? 0 : Math.floor(rand() * (nSeg - s0 + 1));
        i32.set([bufAt + row * C * 8, segAt + 16 * s0, ns], (grpAt >> 2) + 4 * g);
        for (let o = 0; o < C; o++) {
          const start = rand() - 0.5;
          f64[(bufAt >> 3) + row * C + o] = start;
          let sum = 0, sum64 = 0;
          for (const { ent, tap } of segs.slice(s0, s0 + ns)) {
            for (const { w: wo, a } of ent) {
              const wt = f32[(wo + tap) / 4 + o];
              sum = Math.fround(sum + Math.fround(a * wt));
              sum64 += a * wt;
            }
          }
          ref[row * C + o] = start + sum;
          wide[row * C + o] = start + sum64;
        }
      }
      // The engine's plain loop, on a copy of the memory, and the kernel.
      const copy = buffer.slice(0);
      const plainMem = { i32: new Int32Array(copy), f32: new Float32Array(copy), f64: new Float64Array(copy), groupsAt: grpAt, rowScratch: (n: number) => new Float32Array(n) };
      gatherLoop(plainMem, rows, C);
      assert.deepEqual([...plainMem.f64.subarray(bufAt >> 3, (bufAt >> 3) + rows * C)], [...ref], `plain loop, C = ${C}`);
      k.gather(grpAt, rows, C * 8);
      const got = [...f64.subarray(bufAt >> 3, (bufAt >> 3) + rows * C)];
      assert.deepEqual(got, [...ref], `kernel, C = ${C}`);
      differsFromFloat64 += got.filter((x, i) => x !== wide[i]).length;
    }
    // The float32 sums are not float64 ones in disguise: many values differ from a float64 sum.
    assert.ok(differsFromFloat64 > 100, `only ${differsFromFloat64} values differ from float64 sums`);
  });
});

/**
 * Random conv nets with bias, padding, stride, pooling before or after the spiking layer, flatten → linear;
 * a second conv of 32 or more channels takes the gather path.
 */
const arbNet = fc.record({
  c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 3, max: 8 }), w: fc.integer({ min: 3, max: 8 }),
  k: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 2 }), pad: fc.integer({ min: 0, max: 1 }),
  oc: fc.integer({ min: 1, max: 5 }), bias: fc.boolean(), pool: fc.constantFrom('none', 'avg-after', 'avg-before', 'sum-after'),
  second: fc.boolean(), oc2: fc.constantFrom(3, 32, 34), classes: fc.integer({ min: 2, max: 4 }), steps: fc.integer({ min: 1, max: 6 }),
  image: fc.boolean(), density: fc.double({ min: 0.1, max: 0.7, noNaN: true }),
  neuron: fc.record({ spike: fc.constantFrom('multi', 'single'), reset: fc.constantFrom('subtract', 'zero'), minVMem: fc.constantFrom(null, -1), threshold: fc.constantFrom(1, 0.75) }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
});

type NetCase = typeof arbNet extends fc.Arbitrary<infer T> ? T : never;

function buildNet(p: NetCase) {
  const rand = lcg(p.seed);
  const built = randomNet(p, (l, shape) => ({
    shape,
    weight: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.fround((rand() * 2 - 0.8) * 0.9)),
    bias: (l.type === 'conv2d' || l.type === 'linear') && l.bias ? Float32Array.from({ length: shape[0] }, () => Math.fround(rand() * 0.2 - 0.05)) : undefined,
  }), p.bias);
  if (!built) return undefined;
  const { model, weights } = built;
  const size = p.c * p.h * p.w;
  const input = p.image
    ? imageInput(Array.from({ length: size }, () => rand() * 2 - 1), [p.c, p.h, p.w], p.steps)
    : framesInput(Array.from({ length: p.steps * size }, () => (rand() < p.density ? 1 + Math.floor(rand() * 2) : 0)), [p.c, p.h, p.w], p.steps);
  return { model, weights, input };
}

function plain(r: SimResult) {
  return {
    layers: r.layers.map((l) => ({ counts: [...l.counts], perStep: [...l.perStep], total: l.total, max: l.maxPerNeuronStep })),
    synops: r.synops.map((s) => s.synops),
    out: [...r.output.perStep],
    record: r.record ? { layer: [...r.record.layer.subarray(0, r.record.n)], neuron: [...r.record.neuron.subarray(0, r.record.n)], step: [...r.record.step.subarray(0, r.record.n)], count: [...r.record.count.subarray(0, r.record.n)], truncated: r.record.truncated } : undefined,
  };
}

describe('event-driven engine: WebAssembly and plain loops', () => {
  after(() => setEventEngineWasm(true));

  it('give identical results (the same float64 and float32 sums in the same order) on random networks, events and images', { skip: !isWasmSimdAvailable() }, () => {
    let ran = 0;
    fc.assert(fc.property(arbNet, (p) => {
      const built = buildNet(p);
      if (!built) return;
      ran++;
      const opts = { neuron: p.neuron as Partial<NeuronParams>, recordCap: 50 };
      setEventEngineWasm(true);
      const a = plain(simulateEvents(built.model, built.weights, built.input, opts));
      setEventEngineWasm(false);
      const b = plain(simulateEvents(built.model, built.weights, built.input, opts));
      setEventEngineWasm(true);
      assert.deepEqual(a, b);
      // A second run on the reused plan gives the same again (state and buffers reset per sample).
      assert.deepEqual(plain(simulateEvents(built.model, built.weights, built.input, opts)), a);
    }), { numRuns: 80, seed: 4242 });
    assert.ok(ran >= 50, `only ${ran} of 80 random networks were valid`);
  });

  it('a run cancelled between steps of an analog image (the first layer\'s current kept in place) leaves nothing behind', () => {
    // conv (bias) → relu → linear → relu on a 2×3×3 image, 5 steps: the conv's output is the kept current.
    const model = net([
      { type: 'conv2d', name: 'c', outChannels: 4, kernel: 3, stride: 1, padding: 1, bias: true }, { type: 'relu', name: 'r1' },
      { type: 'flatten', name: 'f' }, { type: 'linear', name: 'l', outFeatures: 3 }, { type: 'relu', name: 'r2' },
    ], [2, 3, 3]);
    const rand = lcg(5);
    const weights = w({
      c: { shape: [4, 2, 3, 3], data: Array.from({ length: 72 }, () => rand() - 0.3), bias: [0.1, -0.05, 0.2, 0] },
      l: { shape: [3, 36], data: Array.from({ length: 108 }, () => rand() - 0.4) },
    });
    const input = imageInput(Array.from({ length: 18 }, () => rand() * 2 - 1), [2, 3, 3], 5);
    for (const wasm of [true, false]) {
      setEventEngineWasm(wasm);
      const whole = plain(simulateEvents(model, weights, input));
      assert.ok(whole.layers[0].total > 0 && whole.layers[1].total > 0, 'both layers spike');
      for (const stopAt of [1, 2, 4]) {
        // A signal that reads as aborted from its (stopAt + 1)-th check on: the run stops before step stopAt.
        let checks = 0;
        const signal = { get aborted() { return ++checks > stopAt; }, reason: new Error('stop') } as unknown as AbortSignal;
        assert.throws(() => simulateEvents(model, weights, input, { signal }), /stop/);
        assert.deepEqual(plain(simulateEvents(model, weights, input)), whole, `wasm ${wasm}, stopped before step ${stopAt}`);
      }
    }
    setEventEngineWasm(true);
  });

  it('notices weights changed in place between calls', () => {
    const model = net([{ type: 'linear', name: 'a', outFeatures: 1 }, { type: 'relu', name: 'r' }], [1]);
    const weights = w({ a: { shape: [1, 1], data: [0.5] } });
    const input = frames([[1], [1], [1], [1]], [1]);
    assert.equal(simulateEvents(model, weights, input).layers[0].total, 2);
    weights.a.weight[0] = 1;
    assert.equal(simulateEvents(model, weights, input).layers[0].total, 4);
  });
});

describe('event-driven engine: spike record', () => {
  // 1 input → linear [3, 1] → relu → linear [2, 3] → spiking output; spikes in both layers at every step.
  const model = net([{ type: 'linear', name: 'a', outFeatures: 3 }, { type: 'relu', name: 'r' }, { type: 'linear', name: 'b', outFeatures: 2 }], [1], true);
  const weights = w({ a: { shape: [3, 1], data: [1, 0.5, 2] }, b: { shape: [2, 3], data: [1, 0, 0, 0.5, 0.5, 0.5] } });
  const input = frames([[1], [1], [1], [1]], [1]);

  it('lists spikes step by step, layer by layer within a step', () => {
    const r = simulateEvents(model, weights, input, { recordCap: 1000 });
    const rec = r.record!;
    assert.equal(rec.truncated, false);
    const total = r.layers.reduce((a, l) => a + l.perStep.reduce((x, y) => x + (y > 0 ? 1 : 0), 0), 0);
    assert.ok(rec.n >= total);
    for (let k = 1; k < rec.n; k++) {
      const before = rec.step[k - 1] * 10 + rec.layer[k - 1];
      const now = rec.step[k] * 10 + rec.layer[k];
      assert.ok(before <= now, `entry ${k} out of order`);
    }
    let sum = 0;
    for (let k = 0; k < rec.n; k++) sum += rec.count[k];
    assert.equal(sum, r.layers[0].total + r.layers[1].total);
  });

  it('a capped record is the start of the full one, cut where a step-by-step run would cut it', () => {
    const full = simulateEvents(model, weights, input, { recordCap: 1000 }).record!;
    for (const cap of [1, 2, 3, 5, 8]) {
      const rec = simulateEvents(model, weights, input, { recordCap: cap }).record!;
      assert.equal(rec.n, Math.min(cap, full.n));
      assert.deepEqual([...rec.neuron.subarray(0, rec.n)], [...full.neuron.subarray(0, rec.n)]);
      assert.deepEqual([...rec.layer.subarray(0, rec.n)], [...full.layer.subarray(0, rec.n)]);
      assert.deepEqual([...rec.step.subarray(0, rec.n)], [...full.step.subarray(0, rec.n)]);
      assert.equal(rec.truncated, full.n > cap);
      if (full.n > cap) assert.match(rec.message!, new RegExp(`step ${full.step[cap]}\\)`));
    }
  });
});
