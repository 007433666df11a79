import { kernelSize, type Conv2dLayer } from '../model/types';
import { numel, type LayerStats } from '../model/shapes';
import type { LayerWeights } from './weights';
import { addBias, clToCf, sparseOf, touchedToSparse, type Arena, type EventOp, type Layout, type Signal, type Sparse, type Touched } from './event-signals';
import { convTaps } from './conv-taps';
import { gatherLoop } from './gather-loop';
import { scatterLoop } from './scatter-loop';
import { InputBuckets } from './event-bucket';

export { gatherLoop };

/** Conv layers with at least this many output channels gather (`ConvOp`); fewer scatter. */
const GATHER_MIN_CHANNELS = 32;
/** A gather step with at least this many multiply-adds is shared with the helper threads (`wasm-threads.ts`). */
let PARALLEL_MIN_SYNOPS = 131072;

/** For tests: the smallest gather step shared with helper threads (0: every step). */
export function setParallelMinSynops(n: number): void {
  PARALLEL_MIN_SYNOPS = n;
}

/**
 * A gather step with its groups built (`ConvOp.prepareFused`), for the spiking layer it feeds to sum and
 * integrate in one kernel pass (`gatherIaf`, `IafLayer.startFused`): the touched output positions (`res`,
 * marked), where the groups are (byte offset, count), the row and buffer offsets in bytes, and whether the
 * step has enough multiply-adds to share with the helper threads.
 */
export interface GatherStep { res: Touched; groups: number; nGroups: number; rowBytes: number; bufBytes: number; parallel: boolean }

/**
 * Convolution, event-driven: each non-zero input `(c, y, x)` with value `a` adds `a · W[o, c, ky, kx]` to
 * output `(o, oy, ox)` for every tap with `oy·s − p + ky = y` (and alike for x), so the work is
 * `Σ inputs · fan-out` multiply-adds — the SynOps — instead of the dense MACs. Weights are kept in
 * `[c][ky][kx][o]` order so that one tap is a contiguous row of C_out values; the taps of every input and
 * of every output position are tabulated once. Two forms of the sums:
 * - scatter (a conv fed by the network input, or with few channels): input by input, tap by tap, each
 *   adds its weight row (float64 copies of the weights) to the output row, in float64;
 * - gather (a conv after a spiking layer, with at least `GATHER_MIN_CHANNELS` channels): see
 *   `applyGather`; float32 weights, and each output value of a step summed in float32.
 * Each output value sums its terms in a fixed order (see the precision note in `event-engine.ts`). A bias
 * is added to every output position after the sums (every neuron then gets input). Output: channels-last
 * `Touched` (float64).
 */
export class ConvOp implements EventOp {
  readonly out: Layout;
  private readonly res: Touched;
  /** The fused steps' two alternating sets (`prepareFused`): touched positions of their own, the same rows. */
  private readonly steps: GatherStep[];
  private work = 0;
  private readonly scratch: Sparse;
  private readonly cl: boolean;
  private readonly cin: number; private readonly hw: number; private readonly oc: number;
  private readonly wBase: number; private readonly bufBase: number; private readonly ciStride: number;
  private readonly posAt: number; private readonly markAt: number;
  private tapStartAt = 0; private tapQAt = 0; private tapWAt = 0;
  /** Gather mode (see `applyGather`) and its tables: the taps of each output position, per-step counts. */
  readonly gather: boolean;
  private readonly outStart: Int32Array; private readonly outP: Int32Array; private readonly outW: Int32Array;
  /** The inputs of a gather step bucketed by position (`event-bucket.ts`). */
  private readonly buckets: InputBuckets;
  private readonly tapStart: Int32Array; private readonly tapQ: Int32Array; private readonly tapW: Int32Array;
  private readonly bias?: Float64Array;
  private ready = false;

  constructor(layer: Conv2dLayer, st: LayerStats, private readonly weights: LayerWeights, inLayout: Layout, readonly arena: Arena, gather: boolean) {
    const [c, h, wd] = st.inShape;
    const [oc, oh, ow] = st.outShape;
    const [kh, kw] = kernelSize(layer);
    const s = layer.stride ?? 1;
    const p = layer.padding ?? 0;
    this.cl = inLayout.perm !== null;
    this.cin = c; this.hw = h * wd; this.oc = oc;
    this.ciStride = kh * kw * oc;
    this.out = { shape: st.outShape, perm: clToCf(st.outShape) };
    // Gathering pays when an output row is long; short rows (few channels) scatter.
    this.gather = gather && oc >= GATHER_MIN_CHANNELS;
    // Weights [c][ky][kx][o] and the output buffer [q][o] live in the arena; the weights as float64 for the
    // scatter, as the float32 values themselves for the gather (half the memory traffic; widened exactly).
    this.wBase = arena.reserve(this.gather ? (oc * c * kh * kw + 1) >> 1 : oc * c * kh * kw);
    this.bufBase = arena.reserve(oc * oh * ow);
    this.posAt = arena.reserveI32(oh * ow);
    this.markAt = arena.reserveI32((oh * ow + 3) >> 2);
    const taps = convTaps(h, wd, oh, ow, kh, kw, s, p, oc);
    this.tapStart = taps.tapStart; this.tapQ = taps.tapQ; this.tapW = taps.tapW;
    this.outStart = taps.outStart; this.outP = taps.outP; this.outW = taps.outW;
    const nTaps = taps.tapQ.length;
    this.buckets = new InputBuckets(arena, c, h * wd, this.cl, this.ciStride, this.gather);
    if (this.gather) arena.needGather(c * h * wd, oh * ow, nTaps);
    else {
      // The WebAssembly scatter reads the inputs and the tap tables from the arena.
      arena.needGather(c * h * wd, 0, 0);
      this.tapStartAt = arena.reserveI32(h * wd + 1);
      this.tapQAt = arena.reserveI32(nTaps);
      this.tapWAt = arena.reserveI32(nTaps);
    }
    this.res = { kind: 'touched', buf: new Float64Array(0), C: oc, P: oh * ow, pos: new Int32Array(oh * ow), mark: new Uint8Array(oh * ow), n: 0 };
    const other: Touched = { ...this.res, pos: new Int32Array(this.gather ? oh * ow : 0), mark: new Uint8Array(this.gather ? oh * ow : 0) };
    this.steps = [this.res, other].map((res) => ({ res, groups: 0, nGroups: 0, rowBytes: oc * 8, bufBytes: 0, parallel: false }));
    if (weights.bias) this.bias = Float64Array.from(weights.bias);
    this.scratch = sparseOf(numel(st.inShape));
  }

  /** The scatter in WebAssembly (`scatter` in `wasm-kernel.ts`): the same records, in the same order, as `apply`. */
  private applyScatterWasm(s: Sparse): Signal {
    const { arena } = this;
    const n = s.hi - s.lo;
    const { i32, f64 } = arena;
    const e0 = arena.entriesAt;
    const { idx, val } = s;
    for (let k = 0; k < n; k++) {
      i32[(e0 >> 2) + 4 * k] = idx[s.lo + k];
      f64[(e0 >> 3) + 2 * k + 1] = val[s.lo + k];
    }
    return this.scatterEntries(n);
  }

  /**
   * The WebAssembly scatter of the `n` input records (16 bytes: i32 index, f64 value) at the arena's
   * `entriesAt` (`applyOps` has a pooling write them there), then the bias; only when `scattersInWasm`.
   */
  scatterEntries(n: number): Touched {
    const { res, arena } = this;
    res.n = arena.kernel!.scatter(arena.entriesAt, n, this.cl ? 1 : 0, this.cin, this.hw, this.tapStartAt, this.tapQAt, this.tapWAt,
      this.wBase * 8, this.ciStride * 8, this.bufBase * 8, this.oc * 8, this.markAt, this.posAt, res.n);
    if (this.bias) addBias(res, this.bias);
    return res;
  }

  /** Whether `apply` runs the WebAssembly scatter (`scatterEntries`). */
  get scattersInWasm(): boolean {
    return !this.gather && this.arena.kernel !== null;
  }

  /**
   * Gather form of a conv op's step, used for every conv but the network's first (whose analog input keeps
   * the scatter's float64 sums in input order): the inputs are bucketed by position, and each touched
   * output position sums, tap by tap in (ky, kx) order and within a tap the inputs of value 1 first (no
   * multiply), then the others, each in input order, `a · W[·, c, ky, kx]`
   * of the inputs its window holds — the same multiply-adds as the scatter, but each output row is
   * accumulated in registers (WebAssembly `gather`) instead of read and written once per input. The sums
   * are float32 (`f32(s + f32(f32(a) · w))` term by term, as the kernel's four float32 lanes compute them),
   * then widened exactly into the float64 output row.
   */
  /** Steps 1–2 of `applyGather` for inputs grouped by position (`InputBuckets.runs`). */
  private bucketRuns(s: Sparse): number {
    return this.buckets.runs(s, this.wBase * 8);
  }

  /** Steps 1–2 of `applyGather` for inputs in any order (`InputBuckets.sorted`). */
  private bucketSorted(s: Sparse): number {
    return this.buckets.sorted(s, this.wBase * 8);
  }

  private applyGather(s: Sparse): Touched {
    const { res, arena, oc } = this;
    arena.useSet(0);
    const nGroups = this.buildGroups(s, res);
    const g0 = arena.groupsAt;
    const work = this.work;
    const { kernel, pool } = arena;
    // Helper threads join a step with enough multiply-adds to repay waking them (~10 µs on one thread).
    if (kernel && pool && work * oc >= PARALLEL_MIN_SYNOPS) pool.gather(kernel, g0, nGroups, oc * 8, Math.max(1, Math.ceil(nGroups / (16 * (pool.helpers + 1)))));
    else if (kernel) kernel.gather(g0, nGroups, oc * 8);
    else gatherLoop(arena, nGroups, oc);
    if (this.bias) addBias(res, this.bias);
    return res;
  }

  /**
   * Steps 1–4 of `applyGather` into the arena's gather scratch in use and `res`: the groups of the touched
   * output positions `res.n …` (marked and listed, `res.n` moved past them); returns their number, and
   * leaves the step's multiply-adds per output value in `work`.
   */
  private buildGroups(s: Sparse, res: Touched): number {
    const { arena, oc, tapStart, tapQ, outStart, outP, outW } = this;
    const { cnt, ones, startOf, inList } = this.buckets;
    const { pos, mark } = res;
    const { i32 } = arena;
    // 1–2. The inputs bucketed by position (8-byte entries: weight row of the input channel, float32 value).
    let nIn = this.bucketRuns(s);
    if (nIn < 0) nIn = this.bucketSorted(s);
    const e0 = arena.entriesAt;
    // 3. Touched output positions.
    let np = res.n;
    for (let u = 0; u < nIn; u++) {
      const at = inList[u];
      for (let j = tapStart[at]; j < tapStart[at + 1]; j++) {
        const qi = tapQ[j];
        if (mark[qi] === 0) { mark[qi] = 1; pos[np++] = qi; }
      }
    }
    // 4. Groups (one per touched output row) and their segments (one per tap with inputs).
    const g0 = arena.groupsAt, s0 = arena.segsAt;
    const bufBytes = this.bufBase * 8;
    let ns = 0;
    let work = 0;
    for (let g = res.n; g < np; g++) {
      const qi = pos[g];
      const gr = (g0 >> 2) + 4 * (g - res.n);
      i32[gr] = bufBytes + qi * oc * 8;
      i32[gr + 1] = s0 + 16 * ns;
      const first = ns;
      for (let j = outStart[qi]; j < outStart[qi + 1]; j++) {
        const at = outP[j];
        const n = cnt[at];
        if (n === 0) continue;
        const sr = (s0 >> 2) + 4 * ns;
        i32[sr] = e0 + 8 * startOf[at];
        i32[sr + 1] = ones[at];
        i32[sr + 2] = outW[j] * 4;
        i32[sr + 3] = n - ones[at];
        work += n;
        ns++;
      }
      i32[gr + 2] = ns - first;
    }
    const nGroups = np - res.n;
    for (let u = 0; u < nIn; u++) { cnt[inList[u]] = 0; ones[inList[u]] = 0; }
    res.n = np;
    this.work = work;
    return nGroups;
  }

  /**
   * Whether a spiking layer can integrate this op's output in the gather's pass (`applyFused`): a gather
   * in WebAssembly, without bias (added after the sums, to every position), over an even number of channels.
   */
  fusable(): boolean {
    return this.gather && this.arena.kernel !== null && !this.bias && (this.oc & 1) === 0;
  }

  /**
   * The groups of this op's step on `sig` in set `set` (0 or 1) of the gather scratch and touched
   * positions, for the spiking layer to sum and integrate (`GatherStep`; only `fusable` ops). The two sets
   * alternate, so one step's groups can be built while the kernel runs the previous step's.
   */
  prepareFused(sig: Signal, set: number): GatherStep {
    const st = this.steps[set];
    this.arena.useSet(set);
    st.nGroups = this.buildGroups(sig.kind === 'sparse' ? sig : touchedToSparse(sig, this.scratch), st.res);
    st.groups = this.arena.groupsAt;
    st.bufBytes = this.bufBase * 8;
    st.parallel = this.work * this.oc >= PARALLEL_MIN_SYNOPS;
    return st;
  }

  /**
   * The arguments of this conv's WebAssembly scatter that do not change from step to step (`scatter` in
   * `wasm-scatter.ts`: cl, cin, hw, tapStart, tapQ, tapW, wBase, ciStride, rowBytes; bytes), for a
   * streamed segment (`event-stream.ts`); null when it gathers or has no kernel.
   */
  scatterArgs(): number[] | null {
    if (this.gather || !this.arena.kernel) return null;
    return [this.cl ? 1 : 0, this.cin, this.hw, this.tapStartAt, this.tapQAt, this.tapWAt, this.wBase * 8, this.ciStride * 8, this.oc * 8];
  }

  /** Whether the conv adds a bias after its sums. */
  get biased(): boolean {
    return this.bias !== undefined;
  }

  /** Writes the weights into the arena (once it exists). */
  prepare(): void {
    if (this.ready) return;
    const [oc, c, kh, kw] = this.weights.shape;
    const f64 = this.arena.f64;
    const wt = this.weights.weight;
    const out = this.gather ? this.arena.f32 : f64;
    const base = this.gather ? this.wBase * 2 : this.wBase;
    for (let o = 0; o < oc; o++) for (let ci = 0; ci < c; ci++) for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
      out[base + ((ci * kh + a) * kw + b) * oc + o] = wt[((o * c + ci) * kh + a) * kw + b];
    }
    this.res.buf = f64.subarray(this.bufBase, this.bufBase + this.res.C * this.res.P);
    this.steps[1].res.buf = this.res.buf;
    if (this.gather) this.buckets.bind();
    this.res.pos = this.arena.int32s(this.posAt, this.res.P);
    this.res.mark = new Uint8Array(this.arena.buffer, this.markAt, this.res.P);
    if (!this.gather) {
      this.arena.int32s(this.tapStartAt, this.tapStart.length).set(this.tapStart);
      this.arena.int32s(this.tapQAt, this.tapQ.length).set(this.tapQ);
      this.arena.int32s(this.tapWAt, this.tapW.length).set(this.tapW.map((x) => x * 8));
    }
    this.ready = true;
  }

  apply(sig: Signal): Signal {
    const s = sig.kind === 'sparse' ? sig : touchedToSparse(sig, this.scratch);
    if (this.gather) return this.applyGather(s);
    if (this.arena.kernel) return this.applyScatterWasm(s);
    const { res, cin, hw, oc, tapStart, tapQ, tapW, cl, ciStride } = this;
    scatterLoop(this.arena, s, res, { cl, cin, hw, oc, ciStride, tapStart, tapQ, tapW, wBytes: this.wBase * 8, bufBytes: this.bufBase * 8 });
    if (this.bias) addBias(res, this.bias);
    return res;
  }
}
