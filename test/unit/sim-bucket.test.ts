/**
 * The WebAssembly bucketing of a gather's inputs (`bucket` in `wasm-bucket.ts`, used by `ConvOp.bucketRuns`)
 * against an independent implementation of its rule: inputs grouped by position, each run one bucket of
 * 8-byte entries (weight row, float32 value), the inputs whose float32 value is 1 first, each part in
 * input order; a position that comes back after another one gives `−1 − positions so far`.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isWasmSimdAvailable, simKernel } from '../../src/core/sim/wasm-kernel';

const skip = isWasmSimdAvailable() ? false : 'no WebAssembly SIMD here';

interface Bucketed { r: number; entries: [number, number][]; inList: number[]; startOf: number[]; ones: number[]; cnt: number[] }

/** The rule, written from its description (not from the kernel or `bucketRuns`). */
function reference(idx: number[], val: number[], cin: number, wBytes: number, ciBytes: number): Bucketed {
  const out: Bucketed = { r: 0, entries: [], inList: [], startOf: [], ones: [], cnt: [] };
  let k = 0;
  while (k < idx.length) {
    const at = Math.floor(idx[k] / cin);
    if (out.inList.includes(at)) return { ...out, r: -1 - out.inList.length };
    const run: { row: number; a: number }[] = [];
    for (; k < idx.length && Math.floor(idx[k] / cin) === at; k++) run.push({ row: wBytes + (idx[k] - at * cin) * ciBytes, a: Math.fround(val[k]) });
    const ones = run.filter((e) => e.a === 1), others = run.filter((e) => e.a !== 1);
    out.inList.push(at); out.startOf.push(out.entries.length); out.ones.push(ones.length); out.cnt.push(run.length);
    for (const e of [...ones, ...others]) out.entries.push([e.row, e.a]);
  }
  return { ...out, r: out.inList.length };
}

const arb = fc.record({
  P: fc.integer({ min: 1, max: 12 }), cin: fc.integer({ min: 1, max: 40 }), seed: fc.integer({ min: 1, max: 2 ** 30 }), repeat: fc.boolean(),
});

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
}

describe('WebAssembly bucketing of a gather\'s inputs', { skip }, () => {
  it('gives the buckets of the rule on random runs (values 1, 1 + 1e-9 which is 1 in float32, and others), and −1 − positions when a position comes back', () => {
    const k = simKernel(1 << 20)!;
    const i32 = new Int32Array(k.memory.buffer), f32 = new Float32Array(k.memory.buffer), f64 = new Float64Array(k.memory.buffer);
    let negative = 0;
    fc.assert(fc.property(arb, ({ P, cin, seed, repeat }) => {
      const rand = lcg(seed);
      // Positions in a random order, each a run of some of its channels in increasing or shuffled order.
      const positions = Array.from({ length: P }, (_, q) => q).filter(() => rand() < 0.7).sort(() => rand() - 0.5);
      if (repeat && positions.length >= 2) positions.push(positions[0]);
      const idx: number[] = [], val: number[] = [];
      for (const q of positions) {
        const chans = Array.from({ length: cin }, (_, c) => c).filter(() => rand() < 0.5);
        if (chans.length === 0) chans.push(0);
        if (rand() < 0.3) chans.sort(() => rand() - 0.5);
        for (const c of chans) { idx.push(q * cin + c); val.push([1, 1 + 1e-9, 2, 0.3, 3][Math.floor(rand() * 5)]); }
      }
      const want = reference(idx, val, cin, 4096, 4 * 96);
      // Arena: inputs at 0 / 16384, entries from 65536, tables of P positions from 131072 (seen all 0: stamp 7 is new).
      const IDX = 0, VAL = 16384, E0 = 65536, T = 131072, XR = 196608, XV = 200704;
      const tab = (i: number) => T + 4096 * i;
      i32.fill(0, T >> 2, (T >> 2) + 7 * 1024);
      i32.set(idx, IDX >> 2); f64.set(val, VAL >> 3);
      const r = k.bucket(IDX, VAL, idx.length, cin, 4096, 4 * 96, E0, tab(0), tab(1), tab(2), tab(3), tab(4), XR, XV, 7);
      assert.equal(r, want.r);
      const inList = [...i32.subarray(tab(1) >> 2, (tab(1) >> 2) + want.inList.length)];
      assert.deepEqual(inList, want.inList);
      if (r < 0) { negative++; return; }
      const at = (t: number) => want.inList.map((q) => i32[(tab(t) >> 2) + q]);
      assert.deepEqual(at(2), want.startOf);
      assert.deepEqual(at(3), want.ones);
      assert.deepEqual(at(4), want.cnt);
      assert.deepEqual(want.inList.map((q) => i32[(tab(0) >> 2) + q]), want.inList.map(() => 7), 'each position stamped');
      const entries = want.entries.map((_, e) => [i32[(E0 >> 2) + 2 * e], f32[(E0 >> 2) + 2 * e + 1]]);
      assert.deepEqual(entries, want.entries);
    }), { numRuns: 200, seed: 31 });
    assert.ok(negative >= 20, `only ${negative} runs with a position coming back`);
  });
});
