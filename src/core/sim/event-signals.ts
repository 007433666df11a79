import type { Shape } from '../model/types';
import { kernelModule, simKernel, type SimKernel } from './wasm-kernel';
import type { KernelPool } from './wasm-threads';


/**
 * The ops of the event-driven engine and the memory they share.
 *
 * Index spaces ("layouts"). A signal's element indices are either canonical (row-major into the
 * channels-first shape, `(c·H + y)·W + x`, as the input and the results use) or, for the output of a conv
 * and of a 3-D spiking layer, channels-last (`(y·W + x)·C + c`), which keeps the C channels of one position
 * contiguous. A layout is described by `perm`: internal index → canonical index, or null when the two agree.
 * Every op knows at plan time which layout it receives, so the per-step work never converts.
 */
export interface Layout {
  shape: Shape;
  perm: Int32Array | null;
}

/** Channels-last index → channels-first index of a `[C, H, W]` shape (null for a flat shape). */
export function clToCf(shape: Shape): Int32Array | null {
  if (shape.length !== 3) return null;
  const [c, h, w] = shape;
  const map = new Int32Array(c * h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) map[(y * w + x) * c + ch] = (ch * h + y) * w + x;
  return map;
}

/** Inverse of a permutation. */
export function invert(perm: Int32Array): Int32Array {
  const inv = new Int32Array(perm.length);
  for (let i = 0; i < perm.length; i++) inv[perm[i]] = i;
  return inv;
}

/** Sparse entries `lo .. hi − 1` of `idx`/`val` (indices unique). A view; the arrays belong to their producer. */
export interface Sparse {
  kind: 'sparse';
  idx: Int32Array;
  val: Float64Array;
  lo: number;
  hi: number;
}

/**
 * The output of a weight layer: a channels-last buffer `buf[q·C + o]` over `P` positions and `C` channels,
 * of which only the `n` positions in `pos` may be non-zero (`mark[q] = 1` for those). The consumer reads it
 * and clears it (zeroes the touched rows, resets `mark` and `n`).
 */
export interface Touched {
  kind: 'touched';
  buf: Float64Array;
  C: number;
  P: number;
  pos: Int32Array;
  mark: Uint8Array;
  n: number;
}

export type Signal = Sparse | Touched;

export function sparseOf(capacity: number): Sparse {
  return { kind: 'sparse', idx: new Int32Array(capacity), val: new Float64Array(capacity), lo: 0, hi: 0 };
}

/** Copies a touched buffer into `out` as channels-last sparse entries (every channel of a touched position) and clears it. */
export function touchedToSparse(s: Touched, out: Sparse): Sparse {
  const { buf, C, pos, mark } = s;
  const { idx, val } = out;
  let n = 0;
  for (let k = 0; k < s.n; k++) {
    const q = pos[k];
    const base = q * C;
    for (let o = 0; o < C; o++) { idx[n] = base + o; val[n] = buf[base + o]; buf[base + o] = 0; n++; }
    mark[q] = 0;
  }
  s.n = 0;
  out.lo = 0; out.hi = n;
  return out;
}

/**
 * The memory of the event-driven engine's hot loops, one block per network (WebAssembly memory when the
 * SIMD kernel of `wasm-kernel.ts` runs here, else a plain ArrayBuffer): the weight layers' weights and
 * output buffers, the spiking layers' membrane potentials, and scratch lists. A scatter collects tap
 * records `(bufferOffset, weightOffset, a)` that `flush` applies as `buf[o] += a · w[o]` over one row of C
 * values; a gather (`ConvOp`) fills entries, groups and segments. Kernel and plain loops give the same bits.
 * Space is reserved while the ops are built, then `finish` allocates it.
 */
export class Arena {
  private size = 0;
  /** The WebAssembly kernel over this arena's memory, or null (plain loops). */
  kernel: SimKernel | null = null;
  /** Helper threads for large kernel calls in this run (`wasm-threads.ts`; the memory is then shared), or null. */
  pool: KernelPool | null = null;
  buffer!: ArrayBuffer;
  f64!: Float64Array;
  f32!: Float32Array;
  i32!: Int32Array;
  /** Byte offset of the tap-record list, its capacity and fill (16 bytes per record). */
  listBase = 0;
  listCap = 0;
  nRec = 0;
  /**
   * Byte offsets of the gather scratch (entries, groups, segments; 16 bytes each), shared by the conv ops:
   * the set in use (`useSet`) of two, so that a step's groups can be built while the previous step's run.
   */
  entriesAt = 0;
  groupsAt = 0;
  segsAt = 0;
  private sets: { entriesAt: number; groupsAt: number; segsAt: number }[] = [];
  private gatherNeed = [0, 0, 0];
  /**
   * Byte offsets of a gather step's inputs copied into the arena for the WebAssembly bucketing (`bucket`):
   * int32 indices and float64 values, as many as the largest gathering conv's input.
   */
  bucketIdxAt = 0;
  bucketValAt = 0;

  private row = new Float32Array(0);

  /** A float32 row of `n` values for the plain-loop gather's sums (contents undefined). */
  rowScratch(n: number): Float32Array {
    if (this.row.length < n) this.row = new Float32Array(n);
    return this.row.subarray(0, n);
  }

  /** Notes the gather scratch one conv op needs: entries, groups, segments. */
  needGather(entries: number, groups: number, segs: number): void {
    this.gatherNeed = [Math.max(this.gatherNeed[0], entries), Math.max(this.gatherNeed[1], groups), Math.max(this.gatherNeed[2], segs)];
  }

  /** Reserves `n` float64 values; returns their offset in float64 units. Only before `finish`. */
  reserve(n: number): number {
    const at = this.size;
    this.size += (n + 1) & ~1; // keep 16-byte alignment
    return at;
  }

  /** Reserves `n` int32 values; returns their offset in bytes. Only before `finish`. */
  reserveI32(n: number): number {
    return this.reserve((n + 1) >> 1) * 8;
  }

  /** A view of `n` int32 values at byte offset `at`. */
  int32s(at: number, n: number): Int32Array {
    return new Int32Array(this.buffer, at, n);
  }

  finish(listRecords: number, useWasm: boolean): void {
    const [entries, groups, segs] = this.gatherNeed;
    this.bucketIdxAt = this.reserveI32(entries);
    this.bucketValAt = this.reserve(entries) * 8;
    for (let i = 0; i < 2; i++) this.sets.push({ entriesAt: this.reserve(2 * entries) * 8, groupsAt: this.reserve(2 * groups) * 8, segsAt: this.reserve(2 * segs) * 8 });
    this.useSet(0);
    this.listCap = listRecords;
    this.listBase = this.size * 8;
    const bytes = this.listBase + listRecords * 16;
    // Offsets are int32 byte offsets: 2 GiB is the limit (the paper's networks need about 20 MB).
    if (bytes > 0x7fffffff) throw new Error(`the network needs ${(bytes / 2 ** 30).toFixed(1)} GiB of simulator memory, more than the event-driven engine's 2 GiB`);
    // Shared memory where the runtime has it, so that helper threads can join in (same speed otherwise).
    this.kernel = useWasm ? simKernel(bytes, kernelModule(true) !== null) : null;
    this.buffer = this.kernel ? this.kernel.memory.buffer : new ArrayBuffer(bytes);
    this.f64 = new Float64Array(this.buffer);
    this.f32 = new Float32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  /** Makes set `i` (0 or 1) of the gather scratch the one `entriesAt`, `groupsAt` and `segsAt` point to. */
  useSet(i: number): void {
    ({ entriesAt: this.entriesAt, groupsAt: this.groupsAt, segsAt: this.segsAt } = this.sets[i]);
  }

  get usesWasm(): boolean {
    return this.kernel !== null;
  }

  /** Applies the pending records to rows of `C` values. */
  flush(C: number): void {
    const n = this.nRec;
    if (n === 0) return;
    this.nRec = 0;
    if (this.kernel) {
      this.kernel.axpy(this.listBase, n, (C >> 1) * 16, C & 1);
      return;
    }
    const { f64, i32 } = this;
    const r0 = this.listBase >> 2;
    for (let r = 0; r < n; r++) {
      let b = i32[r0 + 4 * r] >> 3;
      let w = i32[r0 + 4 * r + 1] >> 3;
      const a = f64[(r0 >> 1) + 2 * r + 1];
      const end = b + C;
      while (b < end) f64[b++] += a * f64[w++];
    }
  }
}

/** A stateless op of the event-driven engine: maps this step's input signal to its output signal. */
export interface EventOp {
  readonly out: Layout;
  apply(s: Signal): Signal;
}

/** Adds `bias[o]` to every position (all become touched): bias current reaches every neuron at every step. */
export function addBias(out: Touched, bias: Float64Array): void {
  const { buf, pos, mark, C, P } = out;
  for (let q = 0; q < P; q++) {
    if (mark[q] === 0) { mark[q] = 1; pos[out.n++] = q; }
    for (let o = 0; o < C; o++) buf[q * C + o] += bias[o];
  }
}

/**
 * A copy of a spiking layer's per-neuron values in internal order (channels-last for a `[C, H, W]` layer,
 * see `IafLayer`) in channels-first order: a transposition, written in output order (3× faster than
 * scattering through the permutation for the CIFAR net's first layer).
 */
export function toChannelsFirst(values: Float64Array, shape: Shape, perm: Int32Array | null): Float64Array {
  return countsChannelsFirst(values, shape, perm, null).counts;
}

/**
 * `toChannelsFirst` of a spiking layer's spike counts, with the SynOps they cost on the way (`fanout`, the
 * layer's connection's, channels-first): `Σ_j counts_j · fanout_j` summed in `j` order, as `synopsOf` sums
 * it (the same bits), in the pass that writes the counts instead of a second pass over them; 0 without
 * `fanout`.
 */
export function countsChannelsFirst(values: Float64Array, shape: Shape, perm: Int32Array | null, fanout: Float64Array | null): { counts: Float64Array; synops: number } {
  let synops = 0;
  if (perm === null) {
    const out = values.slice();
    if (fanout !== null) for (let j = 0; j < out.length; j++) synops += out[j] * fanout[j];
    return { counts: out, synops };
  }
  const [C, H, W] = shape;
  const HW = H * W;
  const out = new Float64Array(values.length);
  if (fanout === null) for (let c = 0, j = 0; c < C; c++) for (let p = 0; p < HW; p++, j++) out[j] = values[p * C + c];
  else for (let c = 0, j = 0; c < C; c++) for (let p = 0; p < HW; p++, j++) { const x = values[p * C + c]; out[j] = x; synops += x * fanout[j]; }
  return { counts: out, synops };
}

/** Copies a signal (clearing a touched one) into `out`. */
export function copySparse(sig: Signal, out: Sparse): Sparse {
  if (sig.kind === 'touched') return touchedToSparse(sig, out);
  const n = sig.hi - sig.lo;
  out.idx.set(sig.idx.subarray(sig.lo, sig.hi));
  out.val.set(sig.val.subarray(sig.lo, sig.hi));
  out.lo = 0; out.hi = n;
  return out;
}

/**
 * Adds the current `sig` carries (weighted input spikes plus bias of this step) to `sum`, by internal index
 * (`map`: the signal's index → internal index, or null when they agree), without consuming it: the summed
 * input current of an output layer (`SimResult.output.current`).
 */
export function addCurrent(sig: Signal, map: Int32Array | null, sum: Float64Array): void {
  if (sig.kind === 'touched') {
    const { buf, C, pos } = sig;
    for (let k = 0; k < sig.n; k++) {
      const base = pos[k] * C;
      for (let i = base; i < base + C; i++) sum[map === null ? i : map[i]] += buf[i];
    }
  } else {
    const { idx, val } = sig;
    for (let k = sig.lo; k < sig.hi; k++) sum[map === null ? idx[k] : map[idx[k]]] += val[k];
  }
}
