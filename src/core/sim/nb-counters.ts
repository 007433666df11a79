/**
 * Counters both engines keep for NeuroBench's metrics (`energy/neurobench.ts`), fed after each spiking layer
 * has run with the spikes it emitted in each step (and the input's entries), so the engines' inner loops stay
 * as they are. Per emitter → weight layer connection, the weight layer's input of each step is rebuilt from
 * the emitter's entries through the pooling between them (flatten and dropout keep the order), and:
 *   ops(t) = Σ_{p : x_p(t) ≠ 0} nzFanout_p     (the non-zero weights each non-zero input meets)
 * goes to `acs` when every x_p(t) is in {−1, 0, 1}, else to `macs`; `dense` is T · Σ_p fanout_p. Per spiking
 * layer, `nonzero` counts the (neuron, step) pairs that spiked. The cost is the emitted entries times the
 * pooling windows each falls in, small beside the synaptic operations themselves.
 */
import { nonzeroFanout } from '../energy/neurobench';
import { INPUT_INDEX, weightLayerFanout } from '../synops/fanout';
import type { NetworkPlan } from './network';

/** One emitter → weight layer connection's counts over one sample. */
export interface ConnectionCounts {
  emitter: number;
  emitterName: string;
  receiver: number;
  receiverName: string;
  /** Operations of the steps whose inputs were all in {−1, 0, 1}. */
  acs: number;
  /** Operations of the other steps. */
  macs: number;
  /** Every connection at every step: T · Σ_p fanout_p. */
  dense: number;
  /** Steps with an input entry outside {−1, 0, 1}. */
  nonBinarySteps: number;
  /** Input entries (position × step) outside {−1, 0, 1}. */
  nonBinaryEntries: number;
  /** Largest input entry in magnitude. */
  maxAbs: number;
}

/** One spiking layer's activity over one sample. */
export interface ActivationCounts {
  index: number;
  name: string;
  neurons: number;
  /** (neuron, step) pairs with at least one spike. */
  nonzero: number;
}

export interface SimCounts {
  connections: ConnectionCounts[];
  activations: ActivationCounts[];
}

interface Pool { c: number; h: number; w: number; oh: number; ow: number; k: number; s: number; avg: boolean }

interface Path {
  conn: ConnectionCounts;
  pools: Pool[];
  nzFanout: Float64Array;
  denseStep: number;
  /** Scratch per pooling output: sums and the touched positions. */
  acc: Float64Array[];
  touched: Int32Array[];
  mark: Uint8Array[];
}

const statics = new WeakMap<NetworkPlan, { pools: Pool[][]; nz: Float64Array[]; dense: number[] }>();

function staticsOf(plan: NetworkPlan): { pools: Pool[][]; nz: Float64Array[]; dense: number[] } {
  const known = statics.get(plan);
  if (known) return known;
  const { model, stats } = plan;
  const pools = plan.connections.map((c) => {
    const out: Pool[] = [];
    for (let j = c.emitter + 1; j < c.receiver; j++) {
      const l = model.layers[j];
      if (l.type !== 'avgpool' && l.type !== 'sumpool') continue;
      const [ch, h, w] = stats[j].inShape;
      const [, oh, ow] = stats[j].outShape;
      out.push({ c: ch, h, w, oh, ow, k: l.kernel, s: l.stride ?? l.kernel, avg: l.type === 'avgpool' });
    }
    return out;
  });
  const nz = plan.connections.map((c) => nonzeroFanout(model, stats, plan.weights, c.receiver));
  const dense = plan.connections.map((c) => weightLayerFanout(model, stats, c.receiver).reduce((a, b) => a + b, 0));
  const s = { pools, nz, dense };
  statics.set(plan, s);
  return s;
}

/** Collects `SimCounts` for one sample of `plan` over `steps` steps. */
export class NbCounter {
  private readonly paths = new Map<number, Path>();
  private readonly acts = new Map<number, ActivationCounts>();
  private readonly list: Path[];

  constructor(plan: NetworkPlan, private readonly steps: number) {
    const st = staticsOf(plan);
    this.list = plan.connections.map((c, i) => {
      const p: Path = {
        conn: { emitter: c.emitter, emitterName: c.emitterName, receiver: c.receiver, receiverName: c.receiverName, acs: 0, macs: 0, dense: st.dense[i] * steps, nonBinarySteps: 0, nonBinaryEntries: 0, maxAbs: 0 },
        pools: st.pools[i], nzFanout: st.nz[i], denseStep: st.dense[i],
        acc: st.pools[i].map((q) => new Float64Array(q.c * q.oh * q.ow)),
        touched: st.pools[i].map((q) => new Int32Array(q.c * q.oh * q.ow)),
        mark: st.pools[i].map((q) => new Uint8Array(q.c * q.oh * q.ow)),
      };
      this.paths.set(c.emitter, p);
      return p;
    });
    for (const s of plan.segments) this.acts.set(s.spiking.index, { index: s.spiking.index, name: s.spiking.name, neurons: s.spiking.size, nonzero: 0 });
  }

  /**
   * The entries emitter `emitter` (`INPUT_INDEX` or a spiking layer's `index`) sent in one step:
   * `idx[lo..hi)` with values `val`, indices mapped to channels-first by `perm` (null: already so).
   */
  emit(emitter: number, idx: ArrayLike<number>, val: ArrayLike<number>, lo: number, hi: number, perm: ArrayLike<number> | null): void {
    if (emitter !== INPUT_INDEX) {
      const a = this.acts.get(emitter);
      if (a) for (let k = lo; k < hi; k++) if (val[k] !== 0) a.nonzero++;
    }
    const path = this.paths.get(emitter);
    if (!path || hi <= lo) return;
    if (path.pools.length === 0) {
      const f = path.nzFanout;
      let ops = 0, nb = 0, max = 0;
      for (let k = lo; k < hi; k++) {
        const v = val[k];
        if (v === 0) continue;
        ops += f[perm ? perm[idx[k]] : idx[k]];
        if (v !== 1 && v !== -1) nb++;
        const m = Math.abs(v);
        if (m > max) max = m;
      }
      this.tally(path, ops, nb, max);
      return;
    }
    // Through the pooling(s): sums per window (floor mode drops what no window holds), ÷ k² for an average.
    let cur: { idx: ArrayLike<number>; val: ArrayLike<number>; lo: number; hi: number; perm: ArrayLike<number> | null } = { idx, val, lo, hi, perm };
    let n = 0;
    path.pools.forEach((q, qi) => {
      const acc = path.acc[qi];
      const touched = path.touched[qi];
      const mark = path.mark[qi];
      const hw = q.h * q.w;
      n = 0;
      for (let k = cur.lo; k < cur.hi; k++) {
        const v = cur.val[k];
        if (v === 0) continue;
        const i = cur.perm ? cur.perm[cur.idx[k]] : cur.idx[k];
        const ch = Math.floor(i / hw);
        const y = Math.floor((i - ch * hw) / q.w);
        const x = i - ch * hw - y * q.w;
        const y0 = Math.max(0, Math.ceil((y - q.k + 1) / q.s)), y1 = Math.min(q.oh - 1, Math.floor(y / q.s));
        const x0 = Math.max(0, Math.ceil((x - q.k + 1) / q.s)), x1 = Math.min(q.ow - 1, Math.floor(x / q.s));
        for (let oy = y0; oy <= y1; oy++) for (let ox = x0; ox <= x1; ox++) {
          const o = (ch * q.oh + oy) * q.ow + ox;
          if (mark[o] === 0) { mark[o] = 1; touched[n++] = o; }
          acc[o] += v;
        }
      }
      const vals = new Float64Array(n);
      const div = q.avg ? q.k * q.k : 1;
      for (let e = 0; e < n; e++) { const o = touched[e]; vals[e] = acc[o] / div; acc[o] = 0; mark[o] = 0; }
      cur = { idx: touched.slice(0, n), val: vals, lo: 0, hi: n, perm: null };
    });
    const f = path.nzFanout;
    let ops = 0, nb = 0, max = 0;
    for (let k = cur.lo; k < cur.hi; k++) {
      const v = cur.val[k];
      if (v === 0) continue;
      ops += f[cur.idx[k] as number];
      if (v !== 1 && v !== -1) nb++;
      const m = Math.abs(v);
      if (m > max) max = m;
    }
    this.tally(path, ops, nb, max);
  }

  /** The emitter's step as a dense channels-last array of `shape` (`map[clIndex]` = channels-first index). */
  emitDense(emitter: number, values: Float32Array, map: Int32Array): void {
    const idx: number[] = [];
    const val: number[] = [];
    for (let j = 0; j < values.length; j++) if (values[j] !== 0) { idx.push(j); val.push(values[j]); }
    this.emit(emitter, idx, val, 0, idx.length, map);
  }

  private tally(path: Path, ops: number, nb: number, max: number): void {
    const c = path.conn;
    if (nb > 0) { c.macs += ops; c.nonBinarySteps++; c.nonBinaryEntries += nb; } else c.acs += ops;
    if (max > c.maxAbs) c.maxAbs = max;
  }

  result(): SimCounts {
    return { connections: this.list.map((p) => p.conn), activations: [...this.acts.values()] };
  }
}

