/**
 * What training measures, in one shape on disk and on the wire: an epoch (`EpochMetrics`: what the trainer
 * writes to a run's `metrics.json`, sends with its progress and the training monitor draws) and an
 * evaluation (`EvalResult`). Runs written before this shape hold `LegacyEpochMetrics` in `metrics.json`;
 * they are read as `EpochMetrics` (`epochFromLegacy`, `core/train/epochs.ts`).
 */
import type { NeuroBenchReport } from './neurobench';
import type { ConversionDiagnosis, Readout } from './report';

/** SynOps per sample of one connection, named by its emitting and receiving layers. */
export interface LayerSynops {
  emitter: string;
  receiver: string;
  /** SynOps per sample. */
  synops: number;
}

/** Metrics of one finished epoch. */
export interface EpochMetrics {
  epoch: number;
  /** Total loss, its cross-entropy part and its SynOp term ((S − S0)/S0)², means per sample over the epoch's batches. */
  loss: number;
  ce: number;
  synopTerm: number;
  /** Training accuracy, 0..1 (training batches, dropout on). */
  accuracy: number;
  /** Held-out accuracy, 0..1 (ANN proxy, no dropout), when the run evaluates every epoch. */
  valAccuracy?: number;
  /** Held-out SynOps per sample without the input's (ANN proxy), beside `valAccuracy`. */
  valSynops?: number;
  /** S the objective sees: SynOps per sample on the training batches (dropout on), the sum of `synopsPerLayer`. */
  synops: number;
  /** SynOps per sample by receiving layer of the connections S counts. */
  synopsPerLayer: Record<string, number>;
  /**
   * SynOps of connections S leaves out, by receiving layer: the input's events into the first layer unless
   * the run counts input SynOps. Not part of `synops`.
   */
  uncountedSynops?: Record<string, number>;
  learningRate: number;
  seconds: number;
  imagesPerSec: number;
  /** Threads that shared each batch (`parallel.ts`); absent in older runs (1). */
  threads?: number;
  /**
   * Set for an epoch of fine-tuning through time: its bins per sample and training samples; `target`, the S0
   * its SynOp term aimed at when that was not the run's (`synops: "hold"`).
   */
  throughTime?: { bins: number; samples: number; target?: number };
  /** The quantized ANN on the held-out split at the end of the ANN's training, before fine-tuning through time. */
  annQuantized?: EvalResult;
}

/** An epoch as runs before `EpochMetrics` wrote it to `metrics.json`: SynOps by connection, the input's among them. */
export interface LegacyEpochMetrics extends Omit<EpochMetrics, 'accuracy' | 'valAccuracy' | 'valSynops' | 'synopsPerLayer' | 'uncountedSynops'> {
  trainAccuracy: number;
  testAccuracy?: number;
  testSynops?: number;
  synopsPerLayer: LayerSynops[];
}

/** Accuracy and SynOps of one evaluation (ANN proxy or spiking simulation). */
export interface EvalResult {
  kind: 'ann' | 'snn';
  /** Activation of the ANN evaluation: as trained, or every spiking layer quantized. */
  activation?: 'model' | 'qrelu' | 'relu';
  samples: number;
  accuracy: number;
  /** SynOps per sample by connection, the input first. */
  synopsPerLayer: LayerSynops[];
  /** All connections, the input included. */
  totalSynops: number;
  /** Without the input (what the SynOp loss targets). */
  hiddenSynops: number;
  /** SNN: samples whose output had a tie for the most spikes (a silent output included); counted wrong. */
  ties?: number;
  /** SNN: of the ties, the samples whose output layer did not spike at all. */
  silent?: number;
  /** SNN: of the ties, those with the true class among the tied outputs (what any tie-break could win back, at most). */
  tiedTrue?: number;
  /**
   * ANN: the outputs read as the spiking network reads its output layer (quantized to spike counts, the
   * unique largest wins, ties and silent outputs wrong; see `quantizedReadout` in evaluate.ts).
   */
  readout?: { accuracy: number; ties: number; silent: number };
  /** SNN: mean time steps per sample. */
  meanSteps?: number;
  /** First layer ×ρ applied for this evaluation. */
  rho?: number;
  /** Per hidden spiking layer, means per sample: Σ activation (ANN) or spikes (SNN), and the fraction of silent neurons. */
  layers?: { layer: string; neurons: number; spikes: number; silent: number }[];
  /** SNN read by membrane: the same simulation read by output spike counts (what Speck reads), ties counted wrong. */
  spikeReadout?: { accuracy: number; ties: number; silent: number };
  /** SNN: the readout of the output layer (absent: spike counts). */
  readoutKind?: Readout;
  /** SNN: per-layer activity beside the ANN-Q's, and where accuracy goes. */
  diagnosis?: ConversionDiagnosis;
  /** SNN: the data-based aids applied: λ per layer (normalization), initial membranes (calibration or the quantizer's ½). */
  conversion?: { lambdas?: Record<string, number>; initialMembrane?: Record<string, number | number[]> };
  /** SNN: NeuroBench's metrics of the same simulation, per sample (`energy/neurobench.ts`). */
  neurobench?: NeuroBenchReport;
  seconds: number;
}
