/**
 * Steps 1–2 of a gathering conv's step (`ConvOp.applyGather`, `event-conv.ts`): its inputs bucketed by
 * position into the arena's gather entries (8 bytes: int32 weight row of the input channel, float32
 * value), each bucket the inputs of value 1 first, then the others, each part in input order; with the
 * per-position tables the groups are built from (`cnt`, `ones`, `startOf`, `inList`). Channels-last inputs
 * grouped by position (a spiking layer's spikes) are bucketed by the WebAssembly kernel (`bucket`).
 */
import type { Arena, Sparse } from './event-signals';

export class InputBuckets {
  // Per input position, in the arena once it exists (`bind`), so that the WebAssembly bucketing fills them.
  cnt: Int32Array; ones: Int32Array; startOf: Int32Array; inList: Int32Array;
  private nextOne: Int32Array; private nextX: Int32Array;
  /** `runs`: the step that last saw a position, and a run's inputs other than 1 (weight row, value). */
  private seen: Int32Array; private epoch = 0;
  private xRow: Int32Array; private xVal: Float32Array;
  /** Byte offsets of the seven per-position tables and the two per-channel scratch rows. */
  private readonly tablesAt: number; private readonly xAt: number;

  /**
   * For a conv's input of `cin` channels over `hw` positions, channels-last (`cl`) or not, weight rows
   * `ciStride` float32 values apart per input channel; `used`: false for a conv that scatters (no tables).
   */
  constructor(private readonly arena: Arena, private readonly cin: number, private readonly hw: number, private readonly cl: boolean,
    private readonly ciStride: number, used: boolean) {
    const perPos = () => new Int32Array(used ? hw : 0);
    this.cnt = perPos(); this.ones = perPos(); this.startOf = perPos(); this.nextOne = perPos(); this.nextX = perPos(); this.inList = perPos();
    this.seen = perPos();
    this.xRow = new Int32Array(used ? cin : 0); this.xVal = new Float32Array(used ? cin : 0);
    this.tablesAt = used ? arena.reserveI32(7 * hw) : 0;
    this.xAt = used ? arena.reserveI32(2 * cin) : 0;
  }

  /** Takes the tables' views into the arena once it exists. */
  bind(): void {
    const n = this.hw;
    [this.cnt, this.ones, this.startOf, this.nextOne, this.nextX, this.inList, this.seen] = Array.from({ length: 7 }, (_, i) => this.arena.int32s(this.tablesAt + 4 * i * n, n));
    this.xRow = this.arena.int32s(this.xAt, this.cin);
    this.xVal = new Float32Array(this.arena.buffer, this.xAt + 4 * this.cin, this.cin);
  }

  /**
   * The inputs (`wBytes`: the byte offset of the conv's weights) when they come grouped by position (a spiking layer emits its spikes
   * position by position): one pass, each run of one position written as its bucket — the inputs of
   * value 1 in input order, then the others in input order. Returns the number of positions, or −1 (with
   * nothing left behind) when a position comes back after another one, for `sorted` to do it.
   */
  runs(s: Sparse, wBytes: number): number {
    const { cin, hw, cl, ciStride, cnt, ones, startOf, inList, seen, xRow, xVal } = this;
    const { idx, val } = s;
    const { i32, f32 } = this.arena;
    const e0 = this.arena.entriesAt >> 2;
    const ciBytes = ciStride * 4;
    if (this.epoch > 0x3fffffff) { this.epoch = 0; seen.fill(0); }
    const stamp = ++this.epoch;
    const kernel = this.arena.kernel;
    if (kernel !== null && cl) {
      // In WebAssembly (`bucket`), on the inputs copied into the arena.
      const n = s.hi - s.lo, ia = this.arena.bucketIdxAt, va = this.arena.bucketValAt;
      i32.set(idx.subarray(s.lo, s.hi), ia >> 2);
      this.arena.f64.set(val.subarray(s.lo, s.hi), va >> 3);
      // The tables' byte offsets as `bind` laid them out (a view's `byteOffset` over shared memory costs ~0.1 µs).
      const t0 = this.tablesAt, t4 = 4 * hw;
      const r = kernel.bucket(ia, va, n, cin, wBytes, ciBytes, this.arena.entriesAt, t0 + 6 * t4, t0 + 5 * t4, t0 + 2 * t4,
        t0 + t4, t0, this.xAt, this.xAt + 4 * cin, stamp);
      if (r >= 0) return r;
      return this.undo(-1 - r);
    }
    let nIn = 0, off = 0, k = s.lo;
    let at = -1, ci = 0;
    if (k < s.hi) { const i = idx[k]; if (cl) { at = (i / cin) | 0; ci = i - at * cin; } else { ci = (i / hw) | 0; at = i - ci * hw; } }
    while (k < s.hi) {
      if (seen[at] === stamp) return this.undo(nIn);
      seen[at] = stamp;
      inList[nIn++] = at;
      const run = at;
      const base = run * cin;
      let n1 = 0, nx = 0;
      for (;;) {
        const a = Math.fround(val[k]);
        const row = wBytes + ci * ciBytes;
        if (a === 1) { i32[e0 + 2 * (off + n1)] = row; f32[e0 + 2 * (off + n1) + 1] = 1; n1++; } else { xRow[nx] = row; xVal[nx] = a; nx++; }
        if (++k >= s.hi) break;
        const i = idx[k];
        if (cl) {
          // Channels-last: the same position while i stays in its row of cin (no division per input).
          const d = i - base;
          if (d >= 0 && d < cin) { ci = d; continue; }
          at = (i / cin) | 0; ci = i - at * cin;
          break;
        }
        ci = (i / hw) | 0; at = i - ci * hw;
        if (at !== run) break;
      }
      for (let x = 0; x < nx; x++) { const e = off + n1 + x; i32[e0 + 2 * e] = xRow[x]; f32[e0 + 2 * e + 1] = xVal[x]; }
      startOf[run] = off; ones[run] = n1; cnt[run] = n1 + nx;
      off += n1 + nx;
    }
    return nIn;
  }

  /** Clears the counts `runs` wrote for the first `nIn` positions of `inList`, for `sorted` to start from; returns −1. */
  private undo(nIn: number): number {
    const { cnt, ones, inList } = this;
    for (let u = 0; u < nIn; u++) { cnt[inList[u]] = 0; ones[inList[u]] = 0; }
    return -1;
  }

  /** The inputs in any order: a counting sort into the same buckets as `runs`. */
  sorted(s: Sparse, wBytes: number): number {
    const { cin, hw, cl, ciStride, cnt, ones, startOf, nextOne, nextX, inList } = this;
    const { idx, val } = s;
    const { i32, f32 } = this.arena;
    // 1. Inputs per position, and how many of them are 1 (those go first in their bucket).
    let nIn = 0;
    for (let k = s.lo; k < s.hi; k++) {
      const i = idx[k];
      const at = cl ? (i / cin) | 0 : i - ((i / hw) | 0) * hw;
      if (cnt[at]++ === 0) inList[nIn++] = at;
      if (Math.fround(val[k]) === 1) ones[at]++;
    }
    let off = 0;
    for (let u = 0; u < nIn; u++) { const at = inList[u]; startOf[at] = off; nextOne[at] = off; nextX[at] = off + ones[at]; off += cnt[at]; }
    // 2. Entries, bucketed.
    const e0 = this.arena.entriesAt;
    for (let k = s.lo; k < s.hi; k++) {
      const i = idx[k];
      let ci: number, at: number;
      if (cl) { at = (i / cin) | 0; ci = i - at * cin; } else { ci = (i / hw) | 0; at = i - ci * hw; }
      const a = Math.fround(val[k]);
      const e = a === 1 ? nextOne[at]++ : nextX[at]++;
      i32[(e0 >> 2) + 2 * e] = wBytes + ci * ciStride * 4;
      f32[(e0 >> 2) + 2 * e + 1] = a;
    }
    return nIn;
  }
}
