/**
 * The spike bookkeeping of a shared integration step done by the threads that ran its chunks (`book` in
 * `wasm-book.ts`): where they leave it in the arena, and how the spiking layer takes it (`IafLayer.takeChunks`).
 */
import type { Arena } from './event-signals';
import type { Train } from './event-train';
import type { SimKernel } from './wasm-kernel';

/** Chunk stats of a shared step (`KernelPool.iaf`'s chunks, at most 4095): as many as its chunk counts. */
const CHUNK_STATS = 4096;

/**
 * Where the helper threads leave a shared step's spikes (`book` in `wasm-book.ts`), in the arena
 * (byte offsets): per chunk, its spikes' internal indices (int32, from `at`) and counts (float64, from
 * `at + 4·stride`) and the neurons left above threshold (int32, from `at + 12·stride`), each at the chunk's
 * first neuron; `stats`: per chunk 32 bytes (int32 spikes, int32 left above, float64 sum of n, float64 max n).
 * `stride` (even): neurons of the largest spiking layer.
 */
export interface Booking { at: number; stride: number; stats: number }

/** Reserves in `arena` the `Booking` of spiking layers of at most `maxSize` neurons: its staging and its chunk stats. */
export function reserveBooking(arena: Arena, maxSize: number): Booking {
  const stride = (maxSize + 1) & ~1;
  return { at: arena.reserve(2 * stride) * 8, stride, stats: arena.reserve(4 * CHUNK_STATS) * 8 };
}

/**
 * Zeroes `a`, a view into the arena: with the kernel `memory.fill` (`zero`), because `fill` on a view of
 * shared memory (the arena with helper threads) goes element by element in Node 20 (2.2 ms per CIFAR image
 * for the potentials and counts, in a CPU profile at load 7, against about 0.1 ms).
 */
export function zero(a: Float64Array, kernel: SimKernel | null): void {
  if (kernel !== null) kernel.zero(a.byteOffset, a.byteLength);
  else a.fill(0);
}

/**
 * The booked spikes of a shared step of `nChunks` chunks of `chunk` positions (groups) of `C` neurons,
 * in chunk order (`IafLayer.takeChunks`): each chunk's spikes (index, n) appended to `train`, its neurons
 * left above threshold to `next` from `nNext`. Returns the new `nNext`, the spikes' sum and their largest n.
 */
export function copyBooked(arena: Arena, booking: Booking, chunk: number, nChunks: number, C: number, train: Train, next: Int32Array, nNext: number): { nNext: number; sum: number; max: number } {
  const { i32, f64 } = arena;
  const ib = booking.at >> 2, vb = (booking.at + 4 * booking.stride) >> 3, nb = (booking.at + 12 * booking.stride) >> 2;
  let on = train.n, sum = 0, max = 0;
  for (let k = 0; k < nChunks; k++) {
    const s = (booking.stats >> 2) + 8 * k;
    const ns = i32[s], nn = i32[s + 1];
    const off = k * chunk * C;
    if (ns > 0) {
      // Element loops: a subarray per chunk and list (thousands per sample) cost more than the copies.
      const ti = train.idx, tv = train.val;
      for (let e = 0; e < ns; e++) { ti[on + e] = i32[ib + off + e]; tv[on + e] = f64[vb + off + e]; }
      on += ns;
      sum += f64[(s >> 1) + 1];
      const mx = f64[(s >> 1) + 2];
      if (mx > max) max = mx;
    }
    for (let e = 0; e < nn; e++) next[nNext++] = i32[nb + off + e];
  }
  train.n = on;
  return { nNext, sum, max };
}
