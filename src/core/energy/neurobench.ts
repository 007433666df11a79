/**
 * NeuroBench's metrics, computed from the spiking simulation's counters (`sim/nb-counters.ts`) so that users
 * can set our numbers beside published NeuroBench results. The definitions follow the NeuroBench harness
 * (github.com/NeuroBench/neurobench); the facts used, file by file:
 *
 * - `SynapticOperations` (`neurobench/metrics/workload/synaptic_operations.py`, with
 *   `neurobench/metrics/utils/layers/macs.py`, `.../layers/input.py`, `.../layers/binary_copy.py`): a hook on
 *   every Conv/Linear layer copies the layer's input of each call (one call per time step in its snnTorch
 *   wrapper) and binarizes it (non-zero → 1) and the layer's weights (non-zero → 1, bias set to 0); the sum of
 *   the binary layer's output is the call's operations: Σ over non-zero inputs of the non-zero weights they
 *   meet. The call counts as ACs ("spiking") if every input entry is in {−1, 0, 1}, else as MACs. `Dense` is
 *   the same with every input and weight set to 1: every connection at every step, whatever the activity.
 *   All three are divided by the number of samples.
 * - `ActivationSparsity` (`neurobench/metrics/workload/activation_sparsity.py`; per layer
 *   `activation_sparsity_by_layer.py`): over the outputs of the spiking neuron layers at every step, the
 *   number of zero entries ÷ all entries (a neuron that emits 2 spikes in a step is one non-zero entry).
 * - `ConnectionSparsity` (`neurobench/metrics/static/connection_sparsity.py`): zero weights ÷ weights over
 *   the Conv/Linear layers' `weight` tensors (biases of these layers not counted), rounded to 4 decimals.
 * - `Footprint` (`neurobench/metrics/static/footprint.py`): Σ numel × element size over the parameters and
 *   the buffers of the network, in bytes.
 *
 * How ours relate: our SynOps are `Σ_t Σ_e s_e(t) · fanout_e`, spike counts times the number of connections
 * (zero weights included) at the emitter's side of any pooling. NeuroBench's Effective_ACs + Effective_MACs
 * equal them exactly when every input entry is 0 or 1 (one spike per neuron per step, event counts ≤ 1),
 * no weight is zero and no pooling sits between an emitter and its weight layer. They differ: a neuron
 * emitting n > 1 spikes in a step costs n·fanout in ours and fanout in NeuroBench's (and turns that step's
 * operations into MACs); a sum/average pooling merges spikes into one non-zero pooled entry (NeuroBench
 * counts it once, and its value — a sum > 1, or 1/k² — makes the layer's step MACs); zero weights cost
 * nothing in NeuroBench; an analog input (a constant image current) is all MACs there, while ours
 * weighs each entry by its value (`Σ x_e · fanout_e`, as Sinabs does).
 * Footprint here is the parameters alone (weights and biases, float32 = 4 bytes): the buffers a PyTorch
 * network adds (Sinabs' membrane state after a forward pass, snnTorch's threshold tensors) depend on the
 * framework the network is written in and are not in the model file.
 */
import { kernelSize, isWeightLayer, type ModelFile } from '../model/types';
import { numel, type LayerStats } from '../model/shapes';
import type { SimResult } from '../sim/result';
import type { ModelWeights } from '../sim/weights';
import type { NeuroBenchLayer, NeuroBenchReport } from '../../protocol/neurobench';

export type { NeuroBenchReport };

/** Bytes of one float32 parameter, as the model's weights are held (TF.js, and PyTorch's default dtype). */
export const PARAM_BYTES = 4;

export const NEUROBENCH_SOURCE = 'NeuroBench harness (github.com/NeuroBench/neurobench): metrics/workload/synaptic_operations.py with metrics/utils/layers/{macs,input,binary_copy}.py, metrics/workload/activation_sparsity.py, metrics/static/connection_sparsity.py, metrics/static/footprint.py';

/**
 * For weight layer `index`, the non-zero weights each of its input entries meets (channels-first, row-major
 * over the layer's input shape): NeuroBench's binarized layer applied to a one-hot input. A conv's input
 * `(c, y, x)` meets `W[o, c, ky, kx]` for every output `(o, oy, ox)` with `y = oy·s − p + ky` (same for x);
 * a linear layer's input `i` meets the column `W[·, i]`.
 */
export function nonzeroFanout(model: Pick<ModelFile, 'layers'>, stats: LayerStats[], weights: ModelWeights, index: number): Float64Array {
  const layer = model.layers[index];
  const st = stats[index];
  const w = weights[layer.name]?.weight;
  if (!w) throw new Error(`no weights for layer "${layer.name}"`);
  const out = new Float64Array(numel(st.inShape));
  if (layer.type === 'linear') {
    const nIn = out.length;
    for (let o = 0; o < layer.outFeatures; o++) for (let i = 0; i < nIn; i++) if (w[o * nIn + i] !== 0) out[i]++;
    return out;
  }
  if (layer.type !== 'conv2d') throw new Error(`layer ${index} "${layer.name}" is not a weight layer`);
  const [c, h, wd] = st.inShape;
  const [, oh, ow] = st.outShape;
  const [kh, kw] = kernelSize(layer);
  const s = layer.stride ?? 1;
  const p = layer.padding ?? 0;
  // nz[c, ky, kx]: output channels whose weight at this tap is non-zero.
  const nz = new Float64Array(c * kh * kw);
  for (let o = 0; o < layer.outChannels; o++) for (let k = 0; k < nz.length; k++) if (w[o * nz.length + k] !== 0) nz[k]++;
  for (let ch = 0; ch < c; ch++) for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
    const n = nz[(ch * kh + ky) * kw + kx];
    if (n === 0) continue;
    for (let oy = 0; oy < oh; oy++) {
      const y = oy * s - p + ky;
      if (y < 0 || y >= h) continue;
      for (let ox = 0; ox < ow; ox++) {
        const x = ox * s - p + kx;
        if (x >= 0 && x < wd) out[(ch * h + y) * wd + x] += n;
      }
    }
  }
  return out;
}

/** Per weight layer: weights, zero weights (biases not counted) and parameter bytes (weights and biases). */
export function staticMetrics(model: Pick<ModelFile, 'layers'>, weights: ModelWeights): { name: string; weights: number; zeros: number; bytes: number }[] {
  return model.layers.filter(isWeightLayer).map((l) => {
    const lw = weights[l.name];
    if (!lw) throw new Error(`no weights for layer "${l.name}"`);
    let zeros = 0;
    for (const v of lw.weight) if (v === 0) zeros++;
    return { name: l.name, weights: lw.weight.length, zeros, bytes: (lw.weight.length + (lw.bias?.length ?? 0)) * PARAM_BYTES };
  });
}

/** Sums of the simulation counters over samples, turned into a `NeuroBenchReport` of per-sample means. */
export class NeuroBenchTally {
  private samples = 0;
  private steps = 0;
  private conn: { name: string; from: string; acs: number; macs: number; dense: number; synops: number; nbSteps: number; nbEntries: number; max: number }[] = [];
  private act: { name: string; neurons: number; nonzero: number; total: number }[] = [];
  private readonly stat: ReturnType<typeof staticMetrics>;

  constructor(model: Pick<ModelFile, 'layers'>, weights: ModelWeights) {
    this.stat = staticMetrics(model, weights);
  }

  /** Adds one simulated sample (its `counts`, from either engine). */
  add(r: SimResult): void {
    const c = r.counts;
    if (!c) throw new Error('this simulation result has no NeuroBench counters: simulate with { counts: true }');
    if (this.samples === 0) {
      this.conn = c.connections.map((k) => ({ name: k.receiverName, from: k.emitterName, acs: 0, macs: 0, dense: 0, synops: 0, nbSteps: 0, nbEntries: 0, max: 0 }));
      this.act = c.activations.map((a) => ({ name: a.name, neurons: a.neurons, nonzero: 0, total: 0 }));
    }
    c.connections.forEach((k, i) => {
      const t = this.conn[i];
      t.acs += k.acs; t.macs += k.macs; t.dense += k.dense; t.nbSteps += k.nonBinarySteps; t.nbEntries += k.nonBinaryEntries;
      t.max = Math.max(t.max, k.maxAbs);
      t.synops += r.synops[i]?.synops ?? 0;
    });
    c.activations.forEach((a, i) => { this.act[i].nonzero += a.nonzero; this.act[i].total += a.neurons * r.steps; });
    this.samples++;
    this.steps += r.steps;
  }

  report(): NeuroBenchReport | undefined {
    const n = this.samples;
    if (n === 0) return undefined;
    const statOf = new Map(this.stat.map((s) => [s.name, s]));
    const layers: NeuroBenchLayer[] = this.conn.map((k) => {
      const s = statOf.get(k.name);
      return {
        name: k.name, from: k.from, effectiveMacs: k.macs / n, effectiveAcs: k.acs / n, dense: k.dense / n, synops: k.synops / n,
        nonBinarySteps: k.nbSteps / n, nonBinaryEntries: k.nbEntries / n, maxInput: k.max,
        weights: s?.weights ?? 0, zeroWeights: s?.zeros ?? 0, connectionSparsity: s && s.weights ? s.zeros / s.weights : 0, footprintBytes: s?.bytes ?? 0,
      };
    });
    const activations = this.act.map((a) => ({ name: a.name, neurons: a.neurons, nonzero: a.nonzero / n, sparsity: a.total ? (a.total - a.nonzero) / a.total : 0 }));
    const sum = (f: (l: NeuroBenchLayer) => number): number => layers.reduce((x, l) => x + f(l), 0);
    const actTotal = this.act.reduce((x, a) => x + a.total, 0);
    const actNonzero = this.act.reduce((x, a) => x + a.nonzero, 0);
    const weightsAll = this.stat.reduce((x, s) => x + s.weights, 0);
    const zerosAll = this.stat.reduce((x, s) => x + s.zeros, 0);
    return {
      samples: n, steps: this.steps / n, layers, activations,
      totals: {
        effectiveMacs: sum((l) => l.effectiveMacs), effectiveAcs: sum((l) => l.effectiveAcs), dense: sum((l) => l.dense),
        activationSparsity: actTotal ? (actTotal - actNonzero) / actTotal : 0,
        connectionSparsity: weightsAll ? Math.round((zerosAll / weightsAll) * 1e4) / 1e4 : 0,
        footprintBytes: this.stat.reduce((x, s) => x + s.bytes, 0),
        synops: sum((l) => l.synops),
      },
      notes: notesFor(layers),
      source: NEUROBENCH_SOURCE,
    };
  }
}

/** NeuroBench's metrics of the simulated samples `results` of `model` with `weights`. */
export function neuroBenchReport(model: Pick<ModelFile, 'layers'>, weights: ModelWeights, results: SimResult[]): NeuroBenchReport | undefined {
  const t = new NeuroBenchTally(model, weights);
  for (const r of results) t.add(r);
  return t.report();
}

/** Why the two SynOps figures differ for these layers, in words. */
function notesFor(layers: NeuroBenchLayer[]): string[] {
  const notes: string[] = [];
  const mac = layers.filter((l) => l.effectiveMacs > 0);
  if (mac.length) {
    notes.push(`NeuroBench counts a layer's step as MACs when any of its inputs is outside {−1, 0, 1}: ${mac.map((l) => `${l.name} (${fmt(l.nonBinarySteps)} of its steps, inputs up to ${fmt(l.maxInput)})`).join(', ')}; several spikes of one neuron in one step, a pooled sum or average, or an analog input do that`);
  }
  if (layers.some((l) => l.zeroWeights > 0)) notes.push('zero weights cost nothing in NeuroBench\'s count and a full connection in our SynOps');
  notes.push('NeuroBench binarizes inputs: a neuron\'s n spikes in one step are one operation per non-zero weight, ours are n per connection');
  notes.push('Footprint is the parameters only (float32 weights and biases); a PyTorch network adds its buffers (e.g. membrane state), which depend on the framework');
  return notes;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(3);
}

