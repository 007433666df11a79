import type { LinearLayer, PoolLayer } from '../model/types';
import { numel, type LayerStats } from '../model/shapes';
import type { LayerWeights } from './weights';
import { addBias, clToCf, sparseOf, touchedToSparse, type Arena, type EventOp, type Layout, type Signal, type Sparse, type Touched } from './event-signals';
import type { ConvOp } from './event-conv';

/** The ops of the event-driven engine besides convolution (`event-conv.ts`); signals and memory are in `event-signals.ts`. */
export * from './event-signals';
export { ConvOp, type GatherStep } from './event-conv';

/** Flatten and dropout: the identity on indices; a flatten of a channels-last signal keeps its permutation. */
export class IdentityOp implements EventOp {
  readonly out: Layout;
  constructor(inLayout: Layout, st: LayerStats) {
    this.out = { shape: st.outShape, perm: inLayout.perm };
  }
  apply(s: Signal): Signal { return s; }
}

/**
 * Linear layer as a scatter: input `i` with value `a` adds `a · W[o, i]` to every output `o`. The weight
 * rows are stored in the order of the input's internal indices (a flatten of a channels-last signal).
 */
export class LinearOp implements EventOp {
  readonly out: Layout;
  private readonly res: Touched;
  private readonly scratch: Sparse;
  private readonly nOut: number;
  private readonly wBase: number; private readonly bufBase: number; private readonly posAt: number; private readonly markAt: number;
  private readonly bias?: Float64Array;
  private ready = false;

  constructor(layer: LinearLayer, st: LayerStats, private readonly weights: LayerWeights, private readonly inLayout: Layout, private readonly arena: Arena) {
    const nIn = st.inShape[0];
    this.nOut = layer.outFeatures;
    this.out = { shape: st.outShape, perm: null };
    this.wBase = arena.reserve(nIn * this.nOut);
    this.bufBase = arena.reserve(this.nOut);
    this.posAt = arena.reserveI32(1);
    this.markAt = arena.reserveI32(1);
    this.res = { kind: 'touched', buf: new Float64Array(0), C: this.nOut, P: 1, pos: new Int32Array(1), mark: new Uint8Array(1), n: 0 };
    if (weights.bias) this.bias = Float64Array.from(weights.bias);
    this.scratch = sparseOf(nIn);
  }

  prepare(): void {
    if (this.ready) return;
    const { nOut, wBase } = this;
    const f64 = this.arena.f64;
    const perm = this.inLayout.perm;
    const nIn = this.inLayout.shape.reduce((a, b) => a * b, 1);
    const wt = this.weights.weight;
    for (let i = 0; i < nIn; i++) {
      const src = perm ? perm[i] : i;
      for (let o = 0; o < nOut; o++) f64[wBase + i * nOut + o] = wt[o * nIn + src];
    }
    this.res.buf = f64.subarray(this.bufBase, this.bufBase + nOut);
    this.res.pos = this.arena.int32s(this.posAt, 1);
    // In the arena, so that the integration kernel can clear it (`iaf`'s mode 32).
    this.res.mark = new Uint8Array(this.arena.buffer, this.markAt, 1);
    this.ready = true;
  }

  apply(sig: Signal): Signal {
    const s = sig.kind === 'sparse' ? sig : touchedToSparse(sig, this.scratch);
    const { res, arena, nOut } = this;
    if (s.hi > s.lo && res.mark[0] === 0) { res.mark[0] = 1; res.pos[res.n++] = 0; }
    const i32 = arena.i32; const f64 = arena.f64;
    const cap = arena.listCap;
    const r0 = arena.listBase >> 2;
    const rowBytes = nOut * 8;
    const wBytes = this.wBase * 8;
    const bufBytes = this.bufBase * 8;
    let nRec = arena.nRec;
    for (let k = s.lo; k < s.hi; k++) {
      if (nRec === cap) { arena.nRec = nRec; arena.flush(nOut); nRec = 0; }
      const r = r0 + 4 * nRec;
      i32[r] = bufBytes; i32[r + 1] = wBytes + s.idx[k] * rowBytes; f64[(r >> 1) + 1] = s.val[k];
      nRec++;
    }
    arena.nRec = nRec;
    arena.flush(nOut);
    if (this.bias) addBias(res, this.bias);
    return res;
  }
}

/**
 * Average or sum pooling (floor mode) as a scatter: input `(c, y, x)` adds its value to every window that
 * holds it (none if the floor mode drops its row or column); an average divides each window's sum by
 * `k²` afterwards, as PyTorch's `avg_pool2d` does, so a pooled spike is worth exactly `1/k²`.
 * Output: channels-last sparse entries.
 */
export class PoolOp implements EventOp {
  readonly out: Layout;
  private readonly acc: Float64Array;
  private readonly mark: Uint8Array;
  private readonly res: Sparse;
  private readonly scratch: Sparse;
  private readonly cl: boolean;
  private readonly c: number; private readonly hw: number;
  private readonly winStart: Int32Array; private readonly winQ: Int32Array;
  /**
   * Channels-last input and windows that do not overlap: the output index of each input index (its window's
   * first output index plus its channel), or −1 where the floor mode drops it; else null.
   */
  private readonly dest: Int32Array | null;
  private readonly div: number;
  /** The conv this pooling feeds, when it scatters in WebAssembly: then `applyOps` writes the pooled entries straight into its arena entries. */
  feeds: ConvOp | null = null;

  constructor(layer: PoolLayer, st: LayerStats, inLayout: Layout) {
    const [c, h, w] = st.inShape;
    const [, oh, ow] = st.outShape;
    const k = layer.kernel;
    const stride = layer.stride ?? layer.kernel;
    this.cl = inLayout.perm !== null;
    this.c = c; this.hw = h * w;
    this.div = layer.type === 'avgpool' ? k * k : 1;
    this.out = { shape: st.outShape, perm: clToCf(st.outShape) };
    const start = new Int32Array(h * w + 1);
    const q: number[] = [];
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      start[y * w + x] = q.length;
      const y0 = Math.max(0, Math.ceil((y - k + 1) / stride));
      const y1 = Math.min(oh - 1, Math.floor(y / stride));
      const x0 = Math.max(0, Math.ceil((x - k + 1) / stride));
      const x1 = Math.min(ow - 1, Math.floor(x / stride));
      for (let oy = y0; oy <= y1; oy++) for (let ox = x0; ox <= x1; ox++) q.push((oy * ow + ox) * c);
    }
    start[h * w] = q.length;
    this.winStart = start; this.winQ = Int32Array.from(q);
    // Windows that do not overlap (stride ≥ kernel): each position lies in one window at most.
    this.dest = this.cl && stride >= k ? Int32Array.from({ length: c * h * w }, (_, i) => {
      const at = (i / c) | 0;
      return start[at + 1] > start[at] ? this.winQ[start[at]] + i - at * c : -1;
    }) : null;
    const n = numel(st.outShape);
    this.acc = new Float64Array(n);
    this.mark = new Uint8Array(n);
    this.res = sparseOf(n);
    this.scratch = sparseOf(numel(st.inShape));
  }

  apply(sig: Signal): Signal {
    const n = this.sums(sig);
    const { acc, mark, res, div } = this;
    const out = res.idx;
    const v = res.val;
    for (let e = 0; e < n; e++) {
      const o = out[e];
      v[e] = acc[o] / div;
      acc[o] = 0;
      mark[o] = 0;
    }
    res.lo = 0; res.hi = n;
    return res;
  }

  /**
   * `apply`'s entries written as a scatter's input records (16 bytes: i32 index, f64 value) from byte offset
   * `e0` of `i32`/`f64` (the engine's arena), in the same order; returns their number.
   */
  applyInto(sig: Signal, i32: Int32Array, f64: Float64Array, e0: number): number {
    const n = this.sums(sig);
    const { acc, mark, div } = this;
    const out = this.res.idx;
    for (let e = 0, r = e0 >> 2; e < n; e++, r += 4) {
      const o = out[e];
      i32[r] = o; f64[(r >> 1) + 1] = acc[o] / div;
      acc[o] = 0;
      mark[o] = 0;
    }
    return n;
  }

  /** The window sums of `sig` in `acc`, their output indices (marked) in `res.idx` in order of first touch; returns how many. */
  private sums(sig: Signal): number {
    const s = sig.kind === 'sparse' ? sig : touchedToSparse(sig, this.scratch);
    const { acc, mark, res, c, hw, winStart, winQ, cl, dest } = this;
    const out = res.idx;
    let n = 0;
    if (dest !== null) n = this.sumsDisjoint(s, dest);
    else for (let e = s.lo; e < s.hi; e++) {
      const i = s.idx[e];
      const a = s.val[e];
      let ci: number, at: number;
      if (cl) { at = (i / c) | 0; ci = i - at * c; } else { ci = (i / hw) | 0; at = i - ci * hw; }
      const j1 = winStart[at + 1];
      for (let j = winStart[at]; j < j1; j++) {
        const o = winQ[j] + ci;
        if (mark[o] === 0) { mark[o] = 1; out[n++] = o; }
        acc[o] += a;
      }
    }
    return n;
  }

  /** `sums` for channels-last input and windows that do not overlap: one table look-up per entry. */
  private sumsDisjoint(s: Sparse, dest: Int32Array): number {
    const { acc, mark } = this;
    const out = this.res.idx;
    const { idx, val } = s;
    let n = 0;
    for (let e = s.lo; e < s.hi; e++) {
      const o = dest[idx[e]];
      if (o < 0) continue;
      if (mark[o] === 0) { mark[o] = 1; out[n++] = o; }
      acc[o] += val[e];
    }
    return n;
  }
}

/**
 * `ops[from] … ops[to − 1]` applied to `sig` in turn; a pooling that feeds a conv scattering in WebAssembly
 * (`PoolOp.feeds`, set when the program is built) writes its entries straight into the conv's input records
 * in the arena, which the conv's own copy did before (the same entries in the same order: the same bits).
 */
export function applyOps(ops: EventOp[], sig: Signal, from = 0, to = ops.length): Signal {
  for (let k = from; k < to; k++) {
    const op = ops[k];
    if (op instanceof PoolOp && op.feeds !== null && ops[k + 1] === op.feeds && k + 1 < to) {
      const { arena } = op.feeds;
      sig = op.feeds.scatterEntries(op.applyInto(sig, arena.i32, arena.f64, arena.entriesAt));
      k++;
    } else {
      sig = op.apply(sig);
    }
  }
  return sig;
}
