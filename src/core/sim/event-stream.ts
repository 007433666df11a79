/**
 * A segment of the event-driven engine whose kernels run on a helper thread while the calling thread does
 * the segment's JavaScript (event input, helper threads; `wasm-stream.ts` holds the helper's side). Within a
 * segment every step's input is known before the segment starts (the previous layer's spikes of all steps)
 * and the ops are stateless, so the calling thread runs the ops before the conv (pooling) a few steps ahead
 * and writes their entries into a ring of R slots; a helper claims each step whose entries are ready,
 * scatters it into that step's slot, integrates it into the potentials (in step order) and leaves the
 * kernel's records in the slot; the calling thread takes the slots in step order and books the spikes
 * (trains, counts, records, the neurons left above threshold). Only entries and records cross between the
 * cores; the potentials stay with the helper. A step may be integrated before the caller has booked the
 * step before it only when that booking changes no potential (no neuron is left above threshold, no
 * neuron listed at step 0): the caller says how far the helper may go (`GATE`). A step that no helper has
 * claimed yet the caller runs itself, so a helper that the machine's load holds back only costs time. Each
 * step runs the same kernels on the same entries in the same order as on one thread: the same bits.
 */
import { applyOps, ConvOp, IdentityOp, PoolOp, type EventOp, type Signal, type Sparse, type Touched } from './event-ops';
import type { Arena } from './event-signals';
import { iafMode } from './event-iaf-params';
import type { FusingIafLayer } from './event-iaf-fused';
import type { NeuronParams } from './neuron';
import type { LayerRecord, Train } from './event-train';
import type { KernelPool } from './wasm-threads';
import { MAX_SLOTS, RUN_SHIFT, STEP_MASK, STREAM, STREAM_WORDS, streamStep } from './wasm-stream';
import { clearTouched } from './event-fused';

/** Slots of a stream's ring: how many steps the helper may run ahead of the caller's bookkeeping. */
const SLOTS = 8;

const up16 = (bytes: number) => (bytes + 15) & ~15;

/** The ring and descriptor of one streamed segment, in the arena (reserved while the ops are built). */
export class ScatterStream {
  private readonly descAt: number;
  private readonly entAt: number; private readonly entStride: number;
  private readonly bufAt: number; private readonly bufStride: number;
  private readonly markAt: number; private readonly markStride: number;
  private readonly posAt: number; private readonly posStride: number;
  private readonly recAt: number; private readonly recStride: number;
  /** Each slot's conv output as a touched signal, and its integration records (views into the arena, set by `bind`). */
  slots: Touched[] = [];
  recs: { i32: Int32Array; f64: Float64Array }[] = [];
  /** The descriptor's word index (set by `bind`), and the run of the stream under way (`CLAIM`'s high bits). */
  d = 0;
  private run = 0;

  /** `inSize`: the conv's input elements (a step's entries at most); `C`, `P`: its output channels and positions. */
  constructor(readonly conv: ConvOp, inSize: number, private readonly C: number, private readonly P: number, readonly arena: Arena) {
    const block = (stride: number) => arena.reserve((SLOTS * stride) >> 3) * 8;
    this.descAt = arena.reserveI32(STREAM_WORDS);
    this.entStride = up16(16 * inSize); this.entAt = block(this.entStride);
    this.bufStride = up16(8 * C * P); this.bufAt = block(this.bufStride);
    this.markStride = up16(P); this.markAt = block(this.markStride);
    this.posStride = up16(4 * P); this.posAt = block(this.posStride);
    // The integration kernel's records: 16 bytes per neuron of the touched rows at most.
    this.recStride = 16 * C * P; this.recAt = block(this.recStride);
  }

  /** Takes the views into the arena and writes the descriptor's constants (after `conv.prepare`). */
  bind(): void {
    const { arena, C, P } = this;
    const args = this.conv.scatterArgs();
    if (args === null || SLOTS > MAX_SLOTS) throw new Error('a streamed conv must scatter in WebAssembly');
    const i32 = arena.i32;
    const d = this.d = this.descAt >> 2;
    i32[d + STREAM.SLOTS] = SLOTS;
    i32.set(args, d + STREAM.ARGS);
    i32.set([this.entAt, this.entStride, this.bufAt, this.bufStride, this.markAt, this.markStride, this.posAt, this.posStride], d + STREAM.ENT);
    i32[d + STREAM.C] = C; i32[d + STREAM.P] = P;
    i32[d + STREAM.REC] = this.recAt; i32[d + STREAM.REC + 1] = this.recStride;
    this.slots = Array.from({ length: SLOTS }, (_, i): Touched => ({
      kind: 'touched', C, P, n: 0,
      buf: new Float64Array(arena.buffer, this.bufAt + i * this.bufStride, C * P),
      pos: new Int32Array(arena.buffer, this.posAt + i * this.posStride, P),
      mark: new Uint8Array(arena.buffer, this.markAt + i * this.markStride, P),
    }));
    this.recs = Array.from({ length: SLOTS }, (_, i) => ({
      i32: new Int32Array(arena.buffer, this.recAt + i * this.recStride, 4 * C * P),
      f64: new Float64Array(arena.buffer, this.recAt + i * this.recStride, 2 * C * P),
    }));
  }

  /** Starts a segment of `T` steps integrated into `iaf` by rule `p`: nothing claimed, ready or done. */
  reset(T: number, iaf: FusingIafLayer, p: NeuronParams): void {
    const { d } = this;
    const { i32, f64 } = this.arena;
    if (T > STEP_MASK) throw new Error(`a stream runs at most ${STEP_MASK} steps, got ${T}`);
    this.run = ((i32[d + STREAM.CLAIM] >>> RUN_SHIFT) + 1) & 0x7ff;
    i32.set([this.run << RUN_SHIFT, 0, T], d + STREAM.CLAIM);
    i32[d + STREAM.SLEEP] = 0; i32[d + STREAM.IAFDONE] = 0; i32[d + STREAM.STOP] = 0;
    // Neurons listed at step 0 are settled by the caller: step 1 waits for it.
    const settles = iaf.settlesAtStart();
    i32[d + STREAM.DIRTY] = settles ? 1 : 0; i32[d + STREAM.GATE] = settles ? 0 : 1;
    i32[d + STREAM.VBASE] = iaf.v.byteOffset; i32[d + STREAM.MODE] = iafMode(p);
    f64[(d + STREAM.TH) >> 1] = p.threshold; f64[(d + STREAM.M) >> 1] = p.minVMem ?? 0;
    for (let i = 0; i < SLOTS; i++) i32[d + STREAM.PER_SLOT + SLOTS + i] = 0;
  }

  /** Wakes a sleeping helper after something was published. */
  private wake(): void {
    const { i32 } = this.arena;
    if (Atomics.load(i32, this.d + STREAM.SLEEP) !== 0) { Atomics.add(i32, this.d + STREAM.WAKE, 1); Atomics.notify(i32, this.d + STREAM.WAKE); }
  }

  /** Writes step u's entries `s` into its slot and says it is ready. */
  feed(u: number, s: Sparse): void {
    const { i32, f64 } = this.arena;
    const e0 = this.entAt + (u % SLOTS) * this.entStride;
    const { idx, val, lo } = s;
    const n = s.hi - lo;
    for (let k = 0; k < n; k++) { i32[(e0 >> 2) + 4 * k] = idx[lo + k]; f64[(e0 >> 3) + 2 * k + 1] = val[lo + k]; }
    this.publish(u, n);
  }

  /** `feed` with the pooling before the conv writing step u's entries (`pool` applied to `sig`) straight into its slot. */
  feedPooled(u: number, pool: PoolOp, sig: Signal): void {
    const { i32, f64 } = this.arena;
    this.publish(u, pool.applyInto(sig, i32, f64, this.entAt + (u % SLOTS) * this.entStride));
  }

  /** Says step u's `n` entries are in its slot. */
  private publish(u: number, n: number): void {
    const { i32 } = this.arena;
    i32[this.d + STREAM.PER_SLOT + u % SLOTS] = n;
    Atomics.store(i32, this.d + STREAM.READY, u + 1);
    this.wake();
  }

  /** Whether step t is integrated. */
  done(t: number): boolean {
    return Atomics.load(this.arena.i32, this.d + STREAM.PER_SLOT + SLOTS + t % SLOTS) === t + 1;
  }

  /** Waits until step t is integrated (runs it here when no helper has claimed it yet); throws if a helper failed. */
  take(t: number, pool: KernelPool): void {
    const { d } = this;
    const { i32, f64 } = this.arena;
    const w = (this.run << RUN_SHIFT) | t;
    if (Atomics.load(i32, d + STREAM.CLAIM) === w && Atomics.compareExchange(i32, d + STREAM.CLAIM, w, w + 1) === w) {
      streamStep(this.arena.kernel, i32, f64, d, t);
      return;
    }
    const at = d + STREAM.PER_SLOT + SLOTS + t % SLOTS;
    for (let spin = 0; Atomics.load(i32, at) !== t + 1; spin++) {
      if (spin < 20000) continue;
      pool.check();
      Atomics.wait(i32, at, Atomics.load(i32, at), 1);
    }
  }

  /** After the caller booked step t: the helper may integrate up to step t + 2, or t + 1 while neurons wait to fire at t + 1. */
  gate(t: number, pending: number): void {
    Atomics.store(this.arena.i32, this.d + STREAM.GATE, pending === 0 ? t + 2 : t + 1);
    this.wake();
  }

  /** Step t's touched rows (already integrated and cleared; their marks still set) and records. */
  slot(t: number): { res: Touched; n: number; rec: { i32: Int32Array; f64: Float64Array } } {
    const i = t % SLOTS;
    const res = this.slots[i];
    const per = this.d + STREAM.PER_SLOT;
    res.n = this.arena.i32[per + 2 * SLOTS + i];
    return { res, n: this.arena.i32[per + 3 * SLOTS + i], rec: this.recs[i] };
  }

  /** Ends the stream: no step is left to claim, and a helper waiting to integrate gives up. */
  stop(): void {
    const { i32 } = this.arena;
    Atomics.store(i32, this.d + STREAM.STOP, 1);
    Atomics.store(i32, this.d + STREAM.CLAIM, (this.run << RUN_SHIFT) | i32[this.d + STREAM.STEPS]);
    Atomics.add(i32, this.d + STREAM.WAKE, 1);
    Atomics.notify(i32, this.d + STREAM.WAKE);
  }

  /** Waits until no helper claims or runs a step of this stream (after `stop`), or a helper has failed. */
  settle(pool: KernelPool): void {
    const { i32 } = this.arena;
    const at = this.d + STREAM.INFLIGHT;
    for (let spin = 0; Atomics.load(i32, at) !== 0 && !pool.failed(); spin++) {
      if (spin < 20000) continue;
      Atomics.wait(i32, at, Atomics.load(i32, at), 1);
    }
  }

  /** Clears every slot's rows and marks (after a run stopped early; the helpers have left the stream). */
  clear(): void {
    for (const res of this.slots) {
      res.n = 0;
      for (let q = 0; q < res.P; q++) if (res.mark[q] !== 0) res.pos[res.n++] = q;
      clearTouched(res);
    }
  }
}

/**
 * The index in `ops` of a conv whose segment can be streamed (`runStreamedSegment`): one that scatters,
 * without bias (added in JavaScript), with only pooling and identities before it (so its input is sparse
 * entries) and only identities after it (the spiking layer integrates its rows as they are); −1 when there
 * is none.
 */
export function streamable(ops: EventOp[]): number {
  const k = ops.findIndex((op) => op instanceof ConvOp && !op.gather);
  const ok = k >= 0 && !(ops[k] as ConvOp).biased && ops.every((op, j) => j === k || (j < k ? op instanceof PoolOp || op instanceof IdentityOp : op instanceof IdentityOp));
  return ok ? k : -1;
}

/** Where a segment reads its input: entries `start[t] … start[t+1] − 1` of `idx`/`val` for step t (the network input, or a `Train`). */
export interface StepSource { idx: Int32Array; val: Float64Array; start: Int32Array }

export interface StreamedSegment {
  ops: EventOp[];
  /** Index of the conv in `ops`. */
  at: number;
  stream: ScatterStream;
  iaf: FusingIafLayer;
}

/**
 * A streamed segment's run over `T` steps with `pool`'s helpers: `feed` the steps whose input is known,
 * `book` them in order (`bookDone`: those integrated already, without waiting), `end`. Fills `perStep`. The
 * caller has set the arena's pool to null, so that no other kernel call asks for the helpers meanwhile.
 */
export class StreamRun {
  private fed = 0;
  /** The steps booked so far. */
  booked = 0;
  private readonly view: Sparse = { kind: 'sparse', idx: new Int32Array(0), val: new Float64Array(0), lo: 0, hi: 0 };

  constructor(private readonly seg: StreamedSegment, private readonly pool: KernelPool, private readonly src: StepSource, private readonly T: number,
    private readonly p: NeuronParams, private readonly train: Train, private readonly rec: LayerRecord | null, private readonly cap: number,
    private readonly perStep: Float64Array) {
    if (T === 0) return;
    seg.stream.reset(T, seg.iaf, p);
    pool.startStream(seg.stream.arena.kernel!, seg.stream.d * 4);
  }

  /** Pools and writes the entries of the steps before `known` (whose input is there), as far as the ring allows. */
  feed(known: number): void {
    const { ops, at, stream } = this.seg;
    const { view, src } = this;
    for (const end = Math.min(known, this.T, this.booked + SLOTS); this.fed < end; this.fed++) {
      view.idx = src.idx; view.val = src.val; view.lo = src.start[this.fed]; view.hi = src.start[this.fed + 1];
      // The ops before the conv are pooling and identities (`streamable`): sparse entries; a pooling just
      // before the conv writes them into the slot itself.
      const pool = ops[at - 1];
      if (pool instanceof PoolOp) stream.feedPooled(this.fed, pool, applyOps(ops, view, 0, at - 1));
      else stream.feed(this.fed, applyOps(ops, view, 0, at) as Sparse);
    }
  }

  /** Books the next step (its spikes into the train), waiting for its kernels (or running them here); the step must have been fed. */
  book(): void {
    const { stream, iaf } = this.seg;
    const t = this.booked++;
    stream.take(t, this.pool);
    const s = stream.slot(t);
    this.perStep[t] = iaf.finishStreamed(s.res, s.rec, s.n, this.p, this.train, this.rec, this.cap, t);
    stream.gate(t, iaf.nPending);
  }

  /** Books the fed steps whose kernels are done, without waiting. */
  bookDone(): void {
    while (this.booked < this.fed && this.seg.stream.done(this.booked)) this.book();
  }

  /**
   * Ends the stream (after the last step, or when the run stopped early: then, once no helper runs a step,
   * the slots are cleared). Throws if a helper failed meanwhile.
   */
  end(clean: boolean): void {
    if (this.T === 0) return;
    const { stream } = this.seg;
    stream.stop();
    this.pool.endStream();
    if (!clean) {
      stream.settle(this.pool);
      stream.clear();
    }
  }
}
