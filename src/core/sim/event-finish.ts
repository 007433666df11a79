/**
 * The end of an event-driven run (`runEventPlan`): the network output step by step, and the spiking layers'
 * results (counts channels-first, with the SynOps they cost summed in the same pass).
 */
import { countsChannelsFirst, touchedToSparse, type EventOp, type Signal, type Sparse } from './event-ops';
import type { IafLayer } from './event-iaf';
import type { NetworkPlan } from './network';
import type { SpikingLayerResult } from './result';

/**
 * The output per step, `[T, outSize]` row-major, channels-first (`outPerm`: internal → channels-first, or
 * null): the `tail` ops applied to the last emitter's spikes of each step (entries `start[t] … start[t+1] − 1`
 * of `idx`/`val`); `scratch` holds at least `outSize` entries.
 */
export function outputPerStep(tail: EventOp[], outPerm: Int32Array | null, outSize: number, src: { idx: Int32Array; val: Float64Array; start: Int32Array }, T: number,
  scratch: Sparse): Float64Array {
  const outPerStep = new Float64Array(outSize * T);
  const view: Sparse = { kind: 'sparse', idx: src.idx, val: src.val, lo: 0, hi: 0 };
  for (let t = 0; t < T; t++) {
    view.lo = src.start[t]; view.hi = src.start[t + 1];
    let sig: Signal = view;
    for (const op of tail) sig = op.apply(sig);
    const out = sig.kind === 'touched' ? touchedToSparse(sig, scratch) : sig;
    for (let k = out.lo; k < out.hi; k++) {
      const j = outPerm ? outPerm[out.idx[k]] : out.idx[k];
      outPerStep[t * outSize + j] += out.val[k];
    }
  }
  return outPerStep;
}

/**
 * Each spiking layer's result (`perSteps[s]`: its spikes per step) with its counts channels-first, and by
 * emitter the SynOps its counts cost (`synopsOf`'s sum in the same order, in the pass that writes them;
 * for `finishResult`).
 */
export function layerResults(plan: NetworkPlan, iafs: IafLayer[], perSteps: Float64Array[]): { layers: SpikingLayerResult[]; known: Map<number, number> } {
  const known = new Map<number, number>();
  const layers = iafs.map((iaf, s): SpikingLayerResult => {
    const conn = plan.connections.find((c) => c.emitter === iaf.info.index);
    const fanout = conn !== undefined && conn.fanout.length === iaf.size ? conn.fanout : null;
    const { counts, synops } = countsChannelsFirst(iaf.counts, iaf.info.shape, iaf.perm, fanout);
    if (fanout !== null) known.set(iaf.info.index, synops);
    return { ...iaf.info, counts, total: iaf.total, perStep: perSteps[s], maxPerNeuronStep: iaf.maxPerStep };
  });
  return { layers, known };
}
