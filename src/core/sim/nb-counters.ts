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

/** A pooling on the way: for input position `y·w + x`, the windows holding it are `q[start[at] .. start[at+1])` (as `oy·ow + ox`). */
interface Pool { c: number; h: number; w: number; oh: number; ow: number; k: number; avg: boolean; start: Int32Array; q: Int32Array }

function poolTable(h: number, w: number, oh: number, ow: number, k: number, stride: number): { start: Int32Array; q: Int32Array } {
  const start = new Int32Array(h * w + 1);
  const q: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    start[y * w + x] = q.length;
    const y0 = Math.max(0, Math.ceil((y - k + 1) / stride)), y1 = Math.min(oh - 1, Math.floor(y / stride));
    const x0 = Math.max(0, Math.ceil((x - k + 1) / stride)), x1 = Math.min(ow - 1, Math.floor(x / stride));
    for (let oy = y0; oy <= y1; oy++) for (let ox = x0; ox <= x1; ox++) q.push(oy * ow + ox);
  }
  start[h * w] = q.length;
  return { start, q: Int32Array.from(q) };
}

interface Path {
  conn: ConnectionCounts;
  pools: Pool[];
  nzFanout: Float64Array;
  denseStep: number;
  /** Scratch per pooling output: sums and the touched positions. */
  acc: Float64Array[];
  touched: Int32Array[];
  mark: Uint8Array[];
  vals: Float64Array[];
  /** `nzFanout` in the order of the emitter's internal indices, for the perm it was made for (kept with the plan). */
  permed: { perm: Int32Array | null; fan: Float64Array | null };
}

interface Statics { pools: Pool[][]; nz: Float64Array[]; dense: number[]; permed: { perm: Int32Array | null; fan: Float64Array | null }[] }

const statics = new WeakMap<NetworkPlan, Statics>();

function staticsOf(plan: NetworkPlan): Statics {
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
      out.push({ c: ch, h, w, oh, ow, k: l.kernel, avg: l.type === 'avgpool', ...poolTable(h, w, oh, ow, l.kernel, l.stride ?? l.kernel) });
    }
    return out;
  });
  const nz = plan.connections.map((c) => nonzeroFanout(model, stats, plan.weights, c.receiver));
  const dense = plan.connections.map((c) => weightLayerFanout(model, stats, c.receiver).reduce((a, b) => a + b, 0));
  const s = { pools, nz, dense, permed: plan.connections.map(() => ({ perm: null, fan: null })) };
  statics.set(plan, s);
  return s;
}

/** Non-zero entries of `val[lo..hi)`. */
function nonzeros(val: Float64Array, lo: number, hi: number): number {
  let n = 0;
  for (let k = lo; k < hi; k++) if (val[k] !== 0) n++;
  return n;
}

/** The path's non-zero fan-out indexed by the emitter's own indices (`perm` maps them to channels-first), kept per perm. */
function fanoutIn(path: Path, perm: Int32Array | null): Float64Array {
  if (perm === null) return path.nzFanout;
  const c = path.permed;
  if (c.perm !== perm || c.fan === null) {
    const f = new Float64Array(perm.length);
    for (let i = 0; i < perm.length; i++) f[i] = path.nzFanout[perm[i]];
    c.perm = perm;
    c.fan = f;
  }
  return c.fan;
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
        vals: st.pools[i].map((q) => new Float64Array(q.c * q.oh * q.ow)),
        permed: st.permed[i],
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
  emit(emitter: number, idx: Int32Array, val: Float64Array, lo: number, hi: number, perm: Int32Array | null): void {
    if (hi <= lo) return;
    if (emitter !== INPUT_INDEX) {
      const a = this.acts.get(emitter);
      if (a) a.nonzero += nonzeros(val, lo, hi);
    }
    const path = this.paths.get(emitter);
    if (path) this.step(path, idx, val, lo, hi, perm);
  }

  /** All `steps` of one emitter at once: step t is `idx[start[t] .. start[t+1])` (a spike train, or the input). */
  emitSteps(emitter: number, idx: Int32Array, val: Float64Array, start: Int32Array, steps: number, perm: Int32Array | null): void {
    if (emitter !== INPUT_INDEX) {
      const a = this.acts.get(emitter);
      if (a) a.nonzero += nonzeros(val, start[0], start[steps]);
    }
    const path = this.paths.get(emitter);
    if (!path) return;
    for (let t = 0; t < steps; t++) if (start[t + 1] > start[t]) this.step(path, idx, val, start[t], start[t + 1], perm);
  }

  private step(path: Path, idx: Int32Array, val: Float64Array, lo: number, hi: number, perm: Int32Array | null): void {
    if (path.pools.length === 0) {
      this.tally(path, val, idx, lo, hi, fanoutIn(path, perm));
      return;
    }
    // Through the pooling(s): sums per window (floor mode drops what no window holds), ÷ k² for an average.
    let cIdx = idx, cVal = val, cLo = lo, cHi = hi, cPerm = perm;
    for (let qi = 0; qi < path.pools.length; qi++) {
      const q = path.pools[qi];
      const acc = path.acc[qi], touched = path.touched[qi], mark = path.mark[qi], vals = path.vals[qi];
      const hw = q.h * q.w, ohw = q.oh * q.ow, start = q.start, wins = q.q;
      let n = 0;
      for (let k = cLo; k < cHi; k++) {
        const v = cVal[k];
        if (v === 0) continue;
        const i = cPerm !== null ? cPerm[cIdx[k]] : cIdx[k];
        const ch = (i / hw) | 0;
        const at = i - ch * hw;
        const base = ch * ohw;
        for (let j = start[at], j1 = start[at + 1]; j < j1; j++) {
          const o = base + wins[j];
          if (mark[o] === 0) { mark[o] = 1; touched[n++] = o; }
          acc[o] += v;
        }
      }
      const div = q.avg ? q.k * q.k : 1;
      for (let e = 0; e < n; e++) { const o = touched[e]; vals[e] = acc[o] / div; acc[o] = 0; mark[o] = 0; }
      cIdx = touched; cVal = vals; cLo = 0; cHi = n; cPerm = null;
    }
    this.tally(path, cVal, cIdx, cLo, cHi, path.nzFanout);
  }

  /** The emitter's step as a dense channels-last array (`map[clIndex]` = channels-first index). */
  emitDense(emitter: number, values: Float32Array, map: Int32Array): void {
    let n = 0;
    for (let j = 0; j < values.length; j++) if (values[j] !== 0) n++;
    const idx = new Int32Array(n);
    const val = new Float64Array(n);
    for (let j = 0, k = 0; j < values.length; j++) if (values[j] !== 0) { idx[k] = j; val[k++] = values[j]; }
    this.emit(emitter, idx, val, 0, n, map);
  }

  /** One step's operations: Σ over non-zero entries of their non-zero fan-out (`fan` indexed like `idx`), ACs or MACs. */
  private tally(path: Path, val: Float64Array, idx: Int32Array, lo: number, hi: number, fan: Float64Array): void {
    let ops = 0, nb = 0, max = 0;
    for (let k = lo; k < hi; k++) {
      const v = val[k];
      if (v === 0) continue;
      ops += fan[idx[k]];
      if (v !== 1 && v !== -1) {
        nb++;
        const m = v < 0 ? -v : v;
        if (m > max) max = m;
      } else if (max < 1) max = 1;
    }
    const c = path.conn;
    if (nb > 0) { c.macs += ops; c.nonBinarySteps++; c.nonBinaryEntries += nb; } else c.acs += ops;
    if (max > c.maxAbs) c.maxAbs = max;
  }

  result(): SimCounts {
    return { connections: this.list.map((p) => p.conn), activations: [...this.acts.values()] };
  }
}

