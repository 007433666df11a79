/**
 * The spike bookkeeping of a shared integration step done by the threads that ran its chunks
 * (`KernelPool.iaf` with a `BookArgs`, `book` in `wasm-threads.ts`) against the caller's reference: the
 * kernel's records of one call over all positions on the calling thread, taken as
 * `IafLayer.takeCandidates` takes them. Random positions, channels, potentials, currents and neuron modes.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { kernelModule, simKernel, type SimKernel } from '../../src/core/sim/wasm-kernel';
import { KernelPool, type BookArgs } from '../../src/core/sim/wasm-threads';

const skip = kernelModule(true) !== null ? false : 'no WebAssembly SIMD with shared memory here';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
}

/** A memory laid out for one integration step of `P` positions of `C` neurons, `nPos` of them listed. */
function layout(P: number, C: number, nPos: number) {
  const size = P * C;
  const stride = (size + 1) & ~1;
  let at = 64;
  const take = (bytes: number) => { const x = at; at += (bytes + 15) & ~15; return x; };
  const m = { pos: take(4 * nPos), buf: take(8 * size), v: take(8 * size), cand: take(16 * size), chunkCounts: take(4 * 4096), counts: take(8 * size), staging: take(16 * stride), stats: take(32 * 4096) };
  return { ...m, stride, size, bytes: at };
}

interface Booked { idx: number[]; val: number[]; next: number[]; counts: number[]; sum: number; max: number }

/** The reference: one kernel call on this thread, its records taken in order as `takeCandidates` does. */
function reference(k: SimKernel, L: ReturnType<typeof layout>, nPos: number, C: number, th: number, mv: number, mode: number): Booked {
  const i32 = new Int32Array(k.memory.buffer), f64 = new Float64Array(k.memory.buffer);
  const r = k.iaf(L.pos, nPos, C, L.buf, L.v, th, mv, mode, L.cand, 0);
  const out: Booked = { idx: [], val: [], next: [], counts: new Array<number>(L.size).fill(0), sum: 0, max: 0 };
  for (let c = 0; c < r; c++) {
    const j = i32[(L.cand >> 2) + 4 * c];
    if (j < 0) { out.next.push(~j); continue; }
    const n = f64[(L.cand >> 3) + 2 * c + 1];
    out.idx.push(j); out.val.push(n); out.counts[j] += n; out.sum += n; out.max = Math.max(out.max, n);
    if (i32[(L.cand >> 2) + 4 * c + 1] !== 0) out.next.push(j);
  }
  return out;
}

/** What the threads booked, chunk by chunk (as `IafLayer.takeChunks` copies it). */
function booked(k: SimKernel, L: ReturnType<typeof layout>, nChunks: number, chunk: number, C: number): Booked {
  const i32 = new Int32Array(k.memory.buffer), f64 = new Float64Array(k.memory.buffer);
  const out: Booked = { idx: [], val: [], next: [], counts: [...f64.subarray(L.counts >> 3, (L.counts >> 3) + L.size)], sum: 0, max: 0 };
  for (let q = 0; q < nChunks; q++) {
    const s = (L.stats >> 2) + 8 * q, off = q * chunk * C;
    const ns = i32[s], nn = i32[s + 1];
    out.idx.push(...i32.subarray((L.staging >> 2) + off, (L.staging >> 2) + off + ns));
    out.val.push(...f64.subarray(((L.staging + 4 * L.stride) >> 3) + off, ((L.staging + 4 * L.stride) >> 3) + off + ns));
    out.next.push(...i32.subarray(((L.staging + 12 * L.stride) >> 2) + off, ((L.staging + 12 * L.stride) >> 2) + off + nn));
    if (ns > 0) { out.sum += f64[(s >> 1) + 1]; out.max = Math.max(out.max, f64[(s >> 1) + 2]); }
  }
  return out;
}

const arb = fc.record({
  P: fc.integer({ min: 1, max: 40 }), C: fc.constantFrom(2, 4, 6, 12), chunk: fc.integer({ min: 1, max: 5 }), seed: fc.integer({ min: 1, max: 2 ** 30 }),
  th: fc.constantFrom(1, 0.75), minV: fc.constantFrom(null, -1, 1.5), single: fc.boolean(), zeroReset: fc.boolean(),
});

describe('spike bookkeeping on the helper threads', { skip }, () => {
  /** Fills the step's memory, runs it shared with booking (`helpersOnly`: the helpers run every chunk), then the reference. */
  function check(p: typeof arb extends fc.Arbitrary<infer T> ? T : never, pool: KernelPool, helpersOnly: boolean): void {
    const rand = lcg(p.seed);
    const { P, C } = p;
    const order = Array.from({ length: P }, (_, q) => q).filter(() => rand() < 0.8).sort(() => rand() - 0.5);
    const nPos = order.length;
    const L = layout(P, C, nPos);
    const k = simKernel(L.bytes, true)!;
    const i32 = new Int32Array(k.memory.buffer), f64 = new Float64Array(k.memory.buffer);
    i32.set(order, L.pos >> 2);
    const buf = Float64Array.from({ length: L.size }, () => (rand() < 0.3 ? 0 : rand() * 4 - 1));
    const v = Float64Array.from({ length: L.size }, () => rand() * 1.7 - 0.5);
    const useDiv = p.th !== 1;
    const mode = (useDiv ? 1 : 0) | (p.minV !== null ? 2 : 0) | (p.single ? 4 : 0) | (p.zeroReset ? 8 : 0);
    const m = p.minV ?? 0;
    f64.set(buf, L.buf >> 3); f64.set(v, L.v >> 3);
    const args: BookArgs = { counts: L.counts, at: L.staging, stride: L.stride, stats: L.stats };
    let chunk: number;
    if (helpersOnly) {
      // The job started, the caller asleep until the helper has run every chunk, then joined.
      chunk = p.chunk;
      (pool as unknown as { start: (...a: unknown[]) => void }).start(k, 2, nPos, chunk, [L.pos, C, L.buf, L.v, mode, L.cand, L.chunkCounts, args.counts, args.at, args.stride, args.stats, 1], p.th, m);
      const fin = new Int32Array((pool as unknown as { ctrl: Int32Array }).ctrl.buffer, 4, 1);
      for (let waited = 0; Atomics.load(fin, 0) < nPos && waited < 100; waited++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      assert.equal(Atomics.load(fin, 0), nPos, 'the helper ran every chunk');
      pool.join();
    } else {
      chunk = pool.iaf(k, L.pos, nPos, C, L.buf, L.v, p.th, m, mode, L.cand, L.chunkCounts, p.chunk, args);
    }
    const got = booked(k, L, Math.ceil(nPos / chunk), chunk, C);
    const vAfter = f64.slice(L.v >> 3, (L.v >> 3) + L.size);
    f64.set(buf, L.buf >> 3); f64.set(v, L.v >> 3);
    const want = reference(k, L, nPos, C, p.th, m, mode);
    assert.deepEqual(got, want);
    assert.deepEqual(vAfter, f64.slice(L.v >> 3, (L.v >> 3) + L.size), 'the same potentials');
  }

  it('books what the caller would take: the same spikes, counts, neurons left above threshold, sums and largest n', () => {
    const pool = new KernelPool(1);
    try {
      let spiking = 0;
      fc.assert(fc.property(arb, (p) => { check(p, pool, false); spiking++; }), { numRuns: 60, seed: 2024 });
      assert.equal(spiking, 60);
    } finally {
      pool.close();
    }
  });

  it('the helper threads\' own copy of the bookkeeping books the same (every chunk run by a helper)', () => {
    const pool = new KernelPool(2);
    try {
      fc.assert(fc.property(arb, (p) => check(p, pool, true)), { numRuns: 25, seed: 99 });
    } finally {
      pool.close();
    }
  });
});
