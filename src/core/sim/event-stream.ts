/**
 * A segment of the event-driven engine whose conv scatters on a helper thread while the calling thread
 * integrates (event input, helper threads; `wasm-stream.ts` holds the helper's side). Within a segment
 * every step's input is known before the segment starts (the previous layer's spikes of all steps), and
 * the ops are stateless, so the conv's sums of step t + 1 … t + R − 1 can be computed while the spiking
 * layer integrates step t: the calling thread runs the ops before the conv (pooling) a few steps ahead and
 * writes their entries into a ring of R slots; a helper claims each step whose entries are ready and
 * scatters it into that step's own output slot; the calling thread takes the slots in step order (and
 * scatters a step itself when no helper has claimed it yet, so a helper that the machine's load holds
 * back only costs time), adds the bias, runs the ops after the conv and integrates. Each step is scattered
 * by the same kernel, over the same entries in the same order, into rows that are zero, so the sums and
 * the spikes are the bits of the one-thread engine.
 */
import { ConvOp, IdentityOp, PoolOp, type EventOp, type Signal, type Sparse, type Touched } from './event-ops';
import type { Arena } from './event-signals';
import type { IafLayer } from './event-iaf';
import type { NeuronParams } from './neuron';
import type { LayerRecord, Train } from './event-train';
import type { KernelPool } from './wasm-threads';
import { MAX_SLOTS, STREAM, STREAM_WORDS, streamStep } from './wasm-stream';
import { clearTouched } from './event-fused';

/** Slots of a stream's ring: how many steps the helper's scatter may run ahead of the integration. */
const SLOTS = 8;

const up16 = (bytes: number) => (bytes + 15) & ~15;

/** The ring and descriptor of one streamed conv, in the arena (reserved while the ops are built). */
export class ScatterStream {
  private readonly descAt: number;
  private readonly entAt: number; private readonly entStride: number;
  private readonly bufAt: number; private readonly bufStride: number;
  private readonly markAt: number; private readonly markStride: number;
  private readonly posAt: number; private readonly posStride: number;
  /** Each slot's output as a touched signal (views into the arena, set by `bind`). */
  slots: Touched[] = [];
  /** The descriptor's word index, and the arena's int32 and float64 views (set by `bind`). */
  d = 0;

  /** `inSize`: the conv's input elements (a step's entries at most); `C`, `P`: its output channels and positions. */
  constructor(readonly conv: ConvOp, inSize: number, private readonly C: number, private readonly P: number, readonly arena: Arena) {
    const block = (stride: number) => arena.reserve((SLOTS * stride) >> 3) * 8;
    this.descAt = arena.reserveI32(STREAM_WORDS);
    this.entStride = up16(16 * inSize); this.entAt = block(this.entStride);
    this.bufStride = up16(8 * C * P); this.bufAt = block(this.bufStride);
    this.markStride = up16(P); this.markAt = block(this.markStride);
    this.posStride = up16(4 * P); this.posAt = block(this.posStride);
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
    this.slots = Array.from({ length: SLOTS }, (_, i): Touched => ({
      kind: 'touched', C, P, n: 0,
      buf: new Float64Array(arena.buffer, this.bufAt + i * this.bufStride, C * P),
      pos: new Int32Array(arena.buffer, this.posAt + i * this.posStride, P),
      mark: new Uint8Array(arena.buffer, this.markAt + i * this.markStride, P),
    }));
  }

  /** Starts a segment of `T` steps: nothing claimed, ready or done. */
  reset(T: number): void {
    const { d } = this;
    const i32 = this.arena.i32;
    i32[d + STREAM.CLAIM] = 0; i32[d + STREAM.READY] = 0; i32[d + STREAM.STEPS] = T; i32[d + STREAM.SLEEP] = 0;
    for (let i = 0; i < SLOTS; i++) i32[d + STREAM.PER_SLOT + SLOTS + i] = 0;
  }

  /** Writes step u's entries `s` into its slot and says it is ready. */
  feed(u: number, s: Sparse): void {
    const { d } = this;
    const { i32, f64 } = this.arena;
    const i = u % SLOTS;
    const e0 = this.entAt + i * this.entStride;
    const { idx, val, lo } = s;
    const n = s.hi - lo;
    for (let k = 0; k < n; k++) { i32[(e0 >> 2) + 4 * k] = idx[lo + k]; f64[(e0 >> 3) + 2 * k + 1] = val[lo + k]; }
    i32[d + STREAM.PER_SLOT + i] = n;
    Atomics.store(i32, d + STREAM.READY, u + 1);
    if (Atomics.load(i32, d + STREAM.SLEEP) !== 0) Atomics.notify(i32, d + STREAM.READY);
  }

  /** Step t's output (scattered here when no helper has claimed it yet); throws if a helper failed. */
  take(t: number, pool: KernelPool): Touched {
    const { d } = this;
    const { i32 } = this.arena;
    const i = t % SLOTS;
    if (Atomics.load(i32, d + STREAM.CLAIM) === t && Atomics.compareExchange(i32, d + STREAM.CLAIM, t, t + 1) === t) {
      streamStep(this.arena.kernel, i32, d, t);
    } else {
      const at = d + STREAM.PER_SLOT + SLOTS + i;
      for (let spin = 0; Atomics.load(i32, at) !== t + 1; spin++) {
        if (spin < 20000) continue;
        if (pool.failed()) pool.join();
        Atomics.wait(i32, at, Atomics.load(i32, at), 1);
      }
    }
    const res = this.slots[i];
    res.n = i32[d + STREAM.PER_SLOT + 2 * SLOTS + i];
    return res;
  }

  /** Ends the stream: no step is left to claim (a helper still waiting leaves at once). */
  stop(): void {
    const { i32 } = this.arena;
    Atomics.store(i32, this.d + STREAM.CLAIM, i32[this.d + STREAM.STEPS]);
    Atomics.notify(i32, this.d + STREAM.READY);
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
 * The index in `ops` of a conv whose steps can be streamed (`runStreamedSegment`): one that scatters, with
 * only pooling and identities around it (so its input is sparse entries); −1 when there is none.
 */
export function streamable(ops: EventOp[]): number {
  const k = ops.findIndex((op) => op instanceof ConvOp && !op.gather);
  return k >= 0 && ops.every((op, j) => j === k || op instanceof PoolOp || op instanceof IdentityOp) ? k : -1;
}

export interface StreamedSegment {
  ops: EventOp[];
  /** Index of the conv in `ops`. */
  at: number;
  stream: ScatterStream;
  iaf: IafLayer;
}

/**
 * Runs the segment through `T` steps on the input entries `inView` (its `idx`/`val`) by step ranges
 * `start`, with `pool`'s helpers; fills `perStep` and, when given, adds the integrated current to `current`.
 * The caller has set the arena's pool to null, so that no other kernel call of the segment asks for the
 * helpers.
 */
export function runStreamedSegment(seg: StreamedSegment, pool: KernelPool, inView: Sparse, start: Int32Array, T: number, p: NeuronParams,
  train: Train, rec: LayerRecord | null, cap: number, perStep: Float64Array, current: Float64Array | null, signal: AbortSignal | undefined): void {
  const { ops, at, stream, iaf } = seg;
  if (T === 0) return;
  const { conv, arena } = stream;
  stream.reset(T);
  pool.startStream(arena.kernel!, stream.d * 4);
  let ready = 0;
  let clean = false;
  try {
    for (let t = 0; t < T; t++) {
      if (signal?.aborted) throw signal.reason ?? new Error('simulation cancelled');
      // The entries of the next steps, as far as the ring allows (step u's slot was step u − R's, taken).
      for (const end = Math.min(T, t + SLOTS); ready < end; ready++) {
        inView.lo = start[ready]; inView.hi = start[ready + 1];
        let sig: Signal = inView;
        for (let k = 0; k < at; k++) sig = ops[k].apply(sig);
        // The ops before the conv are pooling and identities (`streamable`): sparse entries.
        stream.feed(ready, sig as Sparse);
      }
      const res = stream.take(t, pool);
      conv.addBiasTo(res);
      let sig: Signal = res;
      for (let k = at + 1; k < ops.length; k++) sig = ops[k].apply(sig);
      if (current !== null) iaf.addCurrent(sig, current);
      perStep[t] = iaf.step(sig, p, train, rec, cap, t);
    }
    clean = true;
  } finally {
    stream.stop();
    try {
      pool.join();
    } finally {
      if (!clean) stream.clear();
    }
  }
}
