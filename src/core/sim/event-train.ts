/**
 * The spike trains and raster records of the event-driven engine: what one spiking layer emits over a
 * sample, and the (step, neuron, count) entries it would add to the record, up to its cap.
 */
import { Recorder } from './result';

/** The spikes of one emitter over all steps of a sample: step `t` holds entries `start[t] .. start[t+1] − 1`. */
export class Train {
  start = new Int32Array(1);
  idx: Int32Array;
  val: Float64Array;
  n = 0;

  constructor(capacity: number) {
    this.idx = new Int32Array(capacity);
    this.val = new Float64Array(capacity);
  }

  reset(steps: number): void {
    if (this.start.length < steps + 1) this.start = new Int32Array(steps + 1);
    this.start[0] = 0;
    this.n = 0;
  }

  /** Makes room for `extra` more entries. */
  reserve(extra: number): void {
    if (this.n + extra <= this.idx.length) return;
    const cap = Math.max(this.n + extra, this.idx.length * 2);
    const idx = new Int32Array(cap); idx.set(this.idx.subarray(0, this.n));
    const val = new Float64Array(cap); val.set(this.val.subarray(0, this.n));
    this.idx = idx; this.val = val;
  }
}

/** The spikes one layer would add to the record, up to the cap (merged step by step at the end). */
export interface LayerRecord { step: Int32Array; neuron: Int32Array; count: Int32Array; n: number; overflowStep: number }

export function layerRecord(cap: number): LayerRecord {
  const n = Math.min(cap, 1024);
  return { step: new Int32Array(n), neuron: new Int32Array(n), count: new Int32Array(n), n: 0, overflowStep: -1 };
}

export function record(rec: LayerRecord, cap: number, t: number, j: number, n: number): void {
  if (rec.n >= cap) { if (rec.overflowStep < 0) rec.overflowStep = t; return; }
  if (rec.n === rec.step.length) {
    const size = Math.min(cap, 2 * rec.n);
    const grow = (a: Int32Array) => { const b = new Int32Array(size); b.set(a); return b; };
    rec.step = grow(rec.step); rec.neuron = grow(rec.neuron); rec.count = grow(rec.count);
  }
  rec.step[rec.n] = t; rec.neuron[rec.n] = j; rec.count[rec.n] = n; rec.n++;
}

/** The per-layer records in step order (within a step, layer by layer), cut at the cap as a step-by-step run would. */
export function mergeRecords(records: LayerRecord[], perms: (Int32Array | null)[], T: number, cap: number) {
  const r = new Recorder(cap);
  const at = records.map(() => 0);
  for (let t = 0; t < T; t++) {
    records.forEach((lr, s) => {
      const pm = perms[s];
      while (at[s] < lr.n && lr.step[at[s]] === t) {
        const k = at[s]++;
        r.add(s, pm ? pm[lr.neuron[k]] : lr.neuron[k], t, lr.count[k]);
      }
      // This layer spiked past its own cap here: the record holds at least `cap` entries by now, so this
      // marks it cut at step t (the entry itself is not stored).
      if (lr.overflowStep === t) r.add(s, -1, t, 0);
    });
    if (r.rec.truncated) break;
  }
  return r.rec;
}
