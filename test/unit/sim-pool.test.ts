/**
 * Pooling's entries written straight into a scatter's input records (`PoolOp.applyInto`, which `applyOps`
 * uses before a conv that scatters in WebAssembly) against its own sparse output (`apply`), and `apply`
 * against a reference that visits every window: the same indices and values in the same order. Random
 * shapes, windows that overlap or not (one table look-up per entry when not), both input layouts.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { clToCf, PoolOp, type Sparse } from '../../src/core/sim/event-ops';
import type { LayerStats } from '../../src/core/model/shapes';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
}

const arb = fc.record({
  c: fc.integer({ min: 1, max: 12 }), h: fc.integer({ min: 2, max: 13 }), w: fc.integer({ min: 2, max: 13 }),
  k: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 3 }), avg: fc.boolean(), cl: fc.boolean(), seed: fc.integer({ min: 1, max: 2 ** 30 }),
});

describe('pooling into a scatter\'s input records', () => {
  it('writes the entries apply returns, in the same order (random shapes, layouts and windows)', () => {
    fc.assert(fc.property(arb, (p) => {
      fc.pre(p.k <= p.h && p.k <= p.w);
      const rand = lcg(p.seed);
      const oh = Math.floor((p.h - p.k) / p.stride) + 1, ow = Math.floor((p.w - p.k) / p.stride) + 1;
      const st = { inShape: [p.c, p.h, p.w], outShape: [p.c, oh, ow] } as unknown as LayerStats;
      const inShape: [number, number, number] = [p.c, p.h, p.w];
      const pool = new PoolOp({ type: p.avg ? 'avgpool' : 'sumpool', name: 'p', kernel: p.k, stride: p.stride }, st, { shape: inShape, perm: p.cl ? clToCf(inShape) : null });
      const size = p.c * p.h * p.w;
      const idx = Int32Array.from(Array.from({ length: size }, (_, i) => i).filter(() => rand() < 0.3).sort(() => rand() - 0.5));
      const val = Float64Array.from(idx, () => (rand() < 0.5 ? 1 : Math.floor(rand() * 4) + rand()));
      const sig = (): Sparse => ({ kind: 'sparse', idx, val, lo: 0, hi: idx.length });
      const want = pool.apply(sig()) as Sparse;
      const wantIdx = [...want.idx.subarray(want.lo, want.hi)], wantVal = [...want.val.subarray(want.lo, want.hi)];
      // A reference: each entry added, in order, to every window that holds it (channels-last outputs, in
      // order of first touch), each sum divided by k² for an average.
      const sums = new Map<number, number>();
      for (let e = 0; e < idx.length; e++) {
        const i = idx[e];
        const [ci, y, x] = p.cl ? [i % p.c, Math.floor(i / p.c / p.w), Math.floor(i / p.c) % p.w] : [Math.floor(i / (p.h * p.w)), Math.floor(i / p.w) % p.h, i % p.w];
        for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
          if (y < oy * p.stride || y >= oy * p.stride + p.k || x < ox * p.stride || x >= ox * p.stride + p.k) continue;
          const o = (oy * ow + ox) * p.c + ci;
          sums.set(o, (sums.get(o) ?? 0) + val[e]);
        }
      }
      const div = p.avg ? p.k * p.k : 1;
      assert.deepEqual(wantIdx, [...sums.keys()], 'apply: the windows in order of first touch');
      assert.deepEqual(wantVal, [...sums.values()].map((v) => v / div), 'apply: the sums');
      const buf = new ArrayBuffer(16 * (wantIdx.length + 2));
      const i32 = new Int32Array(buf), f64 = new Float64Array(buf);
      const n = pool.applyInto(sig(), i32, f64, 16);
      assert.equal(n, wantIdx.length);
      assert.deepEqual(Array.from({ length: n }, (_, e) => i32[4 + 4 * e]), wantIdx);
      assert.deepEqual(Array.from({ length: n }, (_, e) => f64[2 + 2 * e + 1]), wantVal);
      // Both leave the sums cleared: a second apply gives the same again.
      const again = pool.apply(sig()) as Sparse;
      assert.deepEqual([...again.val.subarray(again.lo, again.hi)], wantVal);
    }), { numRuns: 300, seed: 11 });
  });
});
