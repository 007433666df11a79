/**
 * NeuroBench's metrics of a spiking network, per sample, as the report, the CLI and a run's evaluation carry
 * them (computed by `src/core/energy/neurobench.ts`; the definitions and their sources are written there).
 */
export interface NeuroBenchReport {
  /** Samples the per-sample means are over. */
  samples: number;
  /** Mean time steps per sample. */
  steps: number;
  /** One row per weight layer (NeuroBench's connection hooks sit on Conv/Linear layers). */
  layers: NeuroBenchLayer[];
  /** One row per spiking layer (NeuroBench's activation hooks sit on the neuron layers). */
  activations: NeuroBenchActivation[];
  totals: {
    effectiveMacs: number;
    effectiveAcs: number;
    dense: number;
    /** Zero activations ÷ all activations, over every spiking layer and time step. */
    activationSparsity: number;
    /** Zero weights ÷ all weights of the Conv/Linear layers (biases not counted), rounded to 4 decimals as NeuroBench does. */
    connectionSparsity: number;
    /** Bytes of the parameters (weights and biases, float32). */
    footprintBytes: number;
    /** Our SynOps per sample (spike counts × fan-out), for comparison. */
    synops: number;
  };
  /** Where NeuroBench's numbers and ours part, in words (multi-spike inputs counted as MACs, pooling, zero weights). */
  notes: string[];
  /** The definitions used, with the NeuroBench source files they follow. */
  source: string;
}

export interface NeuroBenchLayer {
  /** The weight layer and the emitter (input or spiking layer) feeding it. */
  name: string;
  from: string;
  effectiveMacs: number;
  effectiveAcs: number;
  dense: number;
  /** Our SynOps for the same connection (per sample). */
  synops: number;
  /** Mean per sample of the time steps in which some input entry of this layer was outside {−1, 0, 1}: NeuroBench counts that step's operations as MACs. */
  nonBinarySteps: number;
  /** Mean per sample of the input entries (position × step) outside {−1, 0, 1}. */
  nonBinaryEntries: number;
  /** Largest input entry seen, in magnitude (a spike count, a pooled sum, or an analog value). */
  maxInput: number;
  weights: number;
  zeroWeights: number;
  /** Zero weights ÷ weights, unrounded. */
  connectionSparsity: number;
  footprintBytes: number;
}

export interface NeuroBenchActivation {
  name: string;
  neurons: number;
  /** Mean per sample of the (neuron, step) pairs that spiked. */
  nonzero: number;
  /** Zero activations ÷ (neurons × steps). */
  sparsity: number;
}

/** Whether `v` has the shape of a `NeuroBenchReport`, entry by entry (a report from a notebook output is untrusted). */
export function isNeuroBenchReport(v: unknown): v is NeuroBenchReport {
  const r = v as NeuroBenchReport;
  const num = (x: unknown): boolean => typeof x === 'number';
  const obj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object';
  if (!obj(r) || !Array.isArray(r.layers) || !Array.isArray(r.activations) || !Array.isArray(r.notes) || !obj(r.totals)) return false;
  const t = r.totals as unknown as Record<string, unknown>;
  return ['effectiveMacs', 'effectiveAcs', 'dense', 'activationSparsity', 'connectionSparsity', 'footprintBytes', 'synops'].every((k) => num(t[k]))
    && num(r.samples) && num(r.steps) && typeof r.source === 'string' && r.notes.every((n) => typeof n === 'string')
    && r.layers.every((l) => obj(l) && typeof l.name === 'string' && typeof l.from === 'string'
      && ['effectiveMacs', 'effectiveAcs', 'dense', 'synops', 'nonBinarySteps', 'maxInput', 'connectionSparsity', 'footprintBytes'].every((k) => num((l as unknown as Record<string, unknown>)[k])))
    && r.activations.every((a) => obj(a) && typeof a.name === 'string' && num(a.sparsity));
}
