/**
 * Streamed segments (`event-stream.ts`) run beside a neighbour segment that the calling thread runs step by
 * step, so that the calling thread has work while a helper runs the streamed segment's kernels:
 * - `before`: the neighbour comes first (its spikes of step t are the streamed segment's input of step t:
 *   the caller runs its step t, feeds the streamed segment and books whatever steps the helper has done);
 * - `after`: the neighbour comes after (the caller books the streamed segment's step t, then runs the
 *   neighbour's step t on those spikes);
 * - `alone`: no neighbour.
 * Each segment sees the previous layer's spikes of the same step, as in the layer-by-layer run, and each
 * step's kernels run as they would there: the same bits.
 */
import { applyOps, type Signal, type Sparse } from './event-ops';
import type { FusingIafLayer } from './event-iaf-fused';
import type { NeuronParams } from './neuron';
import type { LayerRecord, Train } from './event-train';
import type { EventOp } from './event-signals';
import type { KernelPool } from './wasm-threads';
import { throwIfCancelled } from './result';
import { StreamRun, type StepSource, type StreamedSegment } from './event-stream';

/** A segment the caller runs step by step (not an analog input's first, whose current is kept). */
export interface PlainSegment { ops: EventOp[]; iaf: FusingIafLayer; train: Train; rec: LayerRecord | null; perStep: Float64Array; current: Float64Array | null }

/** A streamed segment with where its spikes go. */
export interface StreamedPart { seg: StreamedSegment; train: Train; rec: LayerRecord | null; perStep: Float64Array }

/** Step t of a plain segment on `src`'s entries of step t: its ops, the output current, the integration. */
function plainStep(g: PlainSegment, view: Sparse, src: StepSource, t: number, p: NeuronParams, cap: number): void {
  view.idx = src.idx; view.val = src.val; view.lo = src.start[t]; view.hi = src.start[t + 1];
  const sig: Signal = applyOps(g.ops, view);
  if (g.current !== null) g.iaf.addCurrent(sig, g.current);
  g.perStep[t] = g.iaf.step(sig, p, g.train, g.rec, cap, t);
}

/**
 * Runs `streamed` over `T` steps on `src` with `pool`'s helpers, with `plain` before it, after it or
 * (null) alone; the trains are reset and the layers' states set by the caller.
 */
export function runStreamedPair(streamed: StreamedPart, plain: PlainSegment | null, order: 'before' | 'after', pool: KernelPool, src: StepSource, T: number,
  p: NeuronParams, cap: number, signal: AbortSignal | undefined): void {
  const view: Sparse = { kind: 'sparse', idx: src.idx, val: src.val, lo: 0, hi: 0 };
  const run = new StreamRun(streamed.seg, pool, plain !== null && order === 'before' ? plain.train : src, T, p, streamed.train, streamed.rec, cap, streamed.perStep);
  let clean = false;
  try {
    if (plain !== null && order === 'before') {
      for (let t = 0; t < T; t++) {
        throwIfCancelled(signal);
        plainStep(plain, view, src, t, p, cap);
        run.feed(t + 1);
        run.bookDone();
      }
      while (run.booked < T) { throwIfCancelled(signal); run.feed(T); run.book(); }
    } else {
      for (let t = 0; t < T; t++) {
        throwIfCancelled(signal);
        run.feed(T);
        run.book();
        if (plain !== null) plainStep(plain, view, streamed.train, t, p, cap);
      }
    }
    clean = true;
  } finally {
    run.end(clean);
  }
}
