/**
 * A segment of the event-driven engine whose gathering conv and spiking layer run as one kernel pass per
 * step (`gatherIaf`; `ConvOp.prepareFused`, `IafLayer.startFused`), pipelined: while the helper threads
 * start on step t's rows, the calling thread builds step t + 1's groups (into the other of two scratch
 * sets; its input, the previous layer's spikes of every step, is known), then joins step t. Each step's
 * kernel reads only its own groups, so the results are those of running the steps one after the other.
 */
import type { ConvOp, EventOp, Signal, Sparse, Touched, GatherStep } from './event-ops';
import type { FusingIafLayer } from './event-iaf-fused';
import { throwIfCancelled } from './result';
import type { NeuronParams } from './neuron';
import type { LayerRecord, Train } from './event-train';

export interface FusedSegment {
  ops: EventOp[];
  /** Index of the conv in `ops` (the ops after it are identities). */
  fuseAt: number;
  conv: ConvOp;
  iaf: FusingIafLayer;
}

/** Runs the segment through `T` steps on the input entries `inView` (its `idx`/`val`) by step ranges `start`; fills `perStep`. */
export function runFusedSegment(seg: FusedSegment, inView: Sparse, start: Int32Array, T: number, p: NeuronParams, train: Train,
  rec: LayerRecord | null, cap: number, perStep: Float64Array, signal: AbortSignal | undefined): void {
  const { ops, fuseAt, conv, iaf } = seg;
  const prepare = (t: number): GatherStep => {
    inView.lo = start[t]; inView.hi = start[t + 1];
    let sig: Signal = inView;
    for (let k = 0; k < fuseAt; k++) sig = ops[k].apply(sig);
    return conv.prepareFused(sig, t & 1);
  };
  // Steps prepared and not finished (their touched positions marked), to clear if the run stops early.
  let cur: GatherStep | null = null, next: GatherStep | null = null;
  try {
    if (T > 0) next = prepare(0);
    for (let t = 0; t < T; t++) {
      throwIfCancelled(signal);
      cur = next; next = null;
      const stamping = iaf.beginFused(p, train, rec, cap, t);
      iaf.startFused(cur!);
      if (t + 1 < T) next = prepare(t + 1);
      perStep[t] = iaf.finishFused(cur!, stamping, t);
      cur = null;
    }
  } finally {
    for (const st of [cur, next]) if (st !== null) clearTouched(st.res);
  }
}

/** Zeroes the touched rows of `sig` and its marks (a step prepared, or stopped, before its end). */
export function clearTouched(sig: Touched): void {
  for (let k = 0; k < sig.n; k++) { const q = sig.pos[k]; sig.buf.fill(0, q * sig.C, (q + 1) * sig.C); sig.mark[q] = 0; }
  sig.n = 0;
}
