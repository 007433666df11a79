/**
 * The spike bookkeeping that the helper threads of `wasm-threads.ts` do for a shared integration step, as
 * one text of JavaScript: the helpers evaluate it in their own code, the calling thread makes a function of
 * the same text, so the two cannot drift apart.
 */

/**
 * `book`: the records `rec … rec + 16·r` of one chunk (`iaf` in `wasm-iaf.ts`) turned into what the
 * spiking layer takes from them (`IafLayer.takeChunks`), as `IafLayer.takeCandidates` would: each firing
 * neuron j's spikes n added to its count (float64 at `counts + 8j`) and listed (index, n) in the staging
 * of `Booking` at the chunk's first neuron `off`, each neuron left above threshold listed there too, and
 * the chunk's numbers, sum and largest n in its 32 bytes of `stats`. The same code runs on the caller.
 */
export const BOOK_CODE = `function book(mem32, mem64, rec, r, off, k, counts, at, stride, stats) {
  const ib = (at >> 2) + off, vb = ((at + 4 * stride) >> 3) + off, nb = ((at + 12 * stride) >> 2) + off, cb = counts >> 3;
  let ns = 0, nn = 0, sum = 0, max = 0;
  for (let c = 0, q = rec >> 2; c < r; c++, q += 4) {
    const j = mem32[q];
    if (j < 0) { mem32[nb + nn++] = ~j; continue; }
    const n = mem64[(q >> 1) + 1];
    mem32[ib + ns] = j; mem64[vb + ns] = n; ns++;
    mem64[cb + j] += n;
    sum += n;
    if (n > max) max = n;
    if (mem32[q + 1] !== 0) mem32[nb + nn++] = j;
  }
  const s = (stats >> 2) + 8 * k;
  mem32[s] = ns; mem32[s + 1] = nn; mem64[(s >> 1) + 1] = sum; mem64[(s >> 1) + 2] = max;
}`;

type BookFn = (mem32: Int32Array, mem64: Float64Array, rec: number, r: number, off: number, k: number, counts: number, at: number, stride: number, stats: number) => void;
// The caller's copy of the helpers' `book` (one text, so the two cannot drift apart).
export const book = new Function(`${BOOK_CODE}; return book;`)() as BookFn;

/**
 * Where a shared integration step books its spikes (`Booking` in `event-booking.ts`), with the byte offset of
 * the layer's spike counts; null: the caller takes the records itself.
 */
export interface BookArgs { counts: number; at: number; stride: number; stats: number }

export function bookArgs(b: BookArgs | null): number[] {
  return b === null ? [0, 0, 0, 0, 0] : [b.counts, b.at, b.stride, b.stats, 1];
}
