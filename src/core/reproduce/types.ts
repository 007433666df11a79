/**
 * Plain, JSON-able types of the reproduction (`synops reproduce`): the budget it runs with, one point per
 * evaluated model, and the report written as `report.json`.
 */
import type { ConversionSpec } from '../../protocol/model';
import type { ConversionDiagnosis } from '../../protocol/report';
import type { LayerSynops, Strategy } from '../train/types';

/** How much training the reproduction spends. */
export interface Budget {
  name: string;
  /** Epochs of every trained model (baseline and each SynOp target). */
  epochs: number;
  /** More epochs on a small dataset: at least this many optimizer steps per model. */
  minSteps?: number;
  /**
   * How the SynOp models are trained: `independent`, each from fresh weights for `epochs` (the paper's
   * MNIST-DVS procedure), or `chain`, each fine-tuned from the previous one in decreasing order of target,
   * the first from the baseline (the paper's CIFAR-10 procedure), for `chain.epochs` (at least
   * `chain.minSteps` steps) each; the baseline then trains `epochs` (at least `minSteps` steps).
   */
  sweep: 'independent' | 'chain';
  chain?: { epochs: number; minSteps?: number };
  batchSize: number;
  learningRate: number;
  /**
   * Learning-rate decay at the end of every trained model (baseline, control, each link): its last
   * `last` of epochs (a fraction, at least one epoch) at the learning rate × `factor`. Absent: constant.
   */
  lrDecay?: { last: number; factor: number };
  seed: number;
  /**
   * SynOp targets S0 of the `synops` and `synops-qrelu` sweeps: absolute SynOps per sample, or fractions of
   * the baseline's hidden SynOps (ANN proxy, QReLU), which needs the baseline first.
   */
  targets: { kind: 'absolute'; values: number[] } | { kind: 'relative'; fractions: number[] };
  /** ρ of the weight-scaling sweep (first layer ×ρ on the baseline, no retraining). */
  rhos: number[];
  /** Conversion aids over the model file's for every run (the smoke budget keeps fine-tuning through time token-sized). */
  conversion?: ConversionSpec;
  /**
   * Fine-tuning through time makes at least this many steps per model: on a small training split its epochs
   * are raised (`finetuneEpochsOf`), as `minSteps` raises the ANN's. Absent: the fine-tuning's own epochs.
   */
  finetuneMinSteps?: number;
  /**
   * Knowledge distillation of every SynOp model from the reference (the control with a chain, else the
   * baseline): weight and temperature of `TrainConfig.distill`. Absent: the paper's objective alone.
   */
  distill?: { weight: number; temperature: number };
  /** Held-out samples of each spiking evaluation; absent: the whole held-out split. */
  snnSamples?: number;
  /** Use at most this many recordings of the dataset. */
  maxRecordings?: number;
  /**
   * `--data synth` only: synthetic recordings per digit (absent: 100, the quick set); each size is generated
   * once into its own folder, `<workspace>/.synops/data/synth-<N>`, and every stage reads that one.
   */
  synthPerDigit?: number;
  /** One line on what the budget is for, printed in the report. */
  note: string;
}

/** Accuracy and SynOps per sample of one evaluation. */
export interface Measure {
  accuracy: number;
  samples: number;
  totalSynops: number;
  /** Without the input connection (fixed by the data). */
  hiddenSynops: number;
  synopsPerLayer: LayerSynops[];
  /** SNN: samples whose output had a tie for the most spikes (silent outputs included), counted wrong. */
  ties?: number;
  /** Of the ties: silent outputs, and ties that include the true class. */
  silent?: number;
  tiedTrue?: number;
  /** ANN: accuracy, ties and silent outputs with the spiking network's integer readout. */
  readout?: { accuracy: number; ties: number; silent: number };
  /** SNN: the conversion diagnosis of the evaluation (per layer activity, where accuracy goes). */
  diagnosis?: ConversionDiagnosis;
  /** SNN read by its membrane: the same simulation read by output spike counts (what Speck reads). */
  spikeReadout?: { accuracy: number; ties: number; silent: number };
}

/** One evaluated model (or the baseline with its first layer ×ρ). */
export interface ReportPoint {
  strategy: Strategy;
  /** SynOp target S0 (`synops`, `synops-qrelu`). */
  target?: number;
  /** First-layer factor (`scale`). */
  rho?: number;
  /** Run folder, relative to the report folder. */
  run: string;
  /**
   * The control of a chain: the baseline trained on, without the SynOp term, for as many epochs as the
   * longest chain adds; the headline compares with the better of it and the baseline.
   */
  control?: true;
  /** ANN proxy: every spiking layer a QReLU, SynOps = Σ activations × fan-out. */
  ann: Measure;
  /** The quantized ANN after fine-tuning through time (then `ann` is the network as trained, before it). */
  annFinetuned?: Measure;
  /** Readout of the spiking output (absent: spike counts). */
  readout?: 'spikes' | 'membrane';
  /** ANN as trained (ReLU or QReLU), accuracy only. */
  annAsTrained?: { accuracy: number; activation: string };
  /** Spiking simulation on the held-out split. */
  snn?: Measure;
  /** The same simulation with the last weight layer ×`outputGain` (same SynOps; fewer silent outputs). */
  snnOutputGain?: Measure & { outputGain: number };
  energy: {
    /** SNN SynOps × J/SynOp of the neuromorphic profile, per sample. */
    snnJoules?: number;
    /** ANN-proxy SynOps × J/SynOp. */
    annProxyJoules: number;
    /** The dense ANN's MACs × J/MAC of the ANN profile, per sample (the same for every model). */
    annMacJoules: number;
  };
  /** SNN total SynOps / ANN-proxy total SynOps. */
  proxyRatio?: number;
}

export interface BestPoint {
  /** Index in `points`. */
  index: number;
  target?: number;
  /** What the point is compared with: the baseline, or its control where that is more accurate. */
  reference: 'baseline' | 'control';
  snnAccuracy: number;
  snnSynops: number;
  snnHiddenSynops: number;
  /** Accuracy change in percentage points (negative: lost). */
  deltaPoints: number;
  /** SNN total SynOps / the reference's. */
  synopsFraction: number;
  /** 1 − synopsFraction. */
  reduction: number;
  /** The same without the input connection. */
  hiddenReduction: number;
}

export interface Summary {
  dataset: { data: string; root: string; kind: string; model: string; input: number[]; chunkEvents?: number };
  split: { method: string; seed: number; recordings: { train: number; test: number }; samples: { train: number; test: number }; snnSamples: number; text: string };
  baseline: { snnAccuracy: number; snnSynops: number; snnHiddenSynops: number; ties?: number; annAccuracy: number; annSynops: number };
  /** The chain's control (see `ReportPoint.control`), when there is one. */
  control?: { snnAccuracy: number; snnSynops: number; annAccuracy: number; epochs: number };
  /**
   * The SynOp+QReLU point with the fewest SNN SynOps within `criterion.tolerancePoints` of the reference's SNN
   * accuracy: the baseline's, or the control's where that is higher (SynOps compared with the same model).
   */
  best: BestPoint | null;
  /** The same selection and criterion on the output-gain simulation (baseline and models alike). */
  outputGain?: { gain: number; baselineAccuracy: number; best: BestPoint | null; criterion: { tolerancePoints: number; maxFraction: number; met: boolean; text: string } };
  criterion: { tolerancePoints: number; maxFraction: number; met: boolean; text: string };
  /** Dense ANN MACs per sample and their energy with the ANN profile. */
  annMacs: number;
  energyProfiles: { snn: string; joulesPerSynOp: number; ann: string; joulesPerMac: number };
  /** How far the ANN proxy's SynOps are from the simulated ones, over every model. */
  proxy: {
    tolerance: number; maxDeviation: number; outside: number[];
    /** Spearman's rank correlation of the proxy's and the simulation's SynOps over the models (null under 3). */
    rankCorrelation: number | null;
    text: string;
  };
  /** Accuracy points the SynOp+QReLU models lose to the integer readout and in time (`conversionLoss`). */
  conversion?: {
    models: number;
    mean: { readout: number; time: number };
    mostSynops: { readout: number; time: number };
    fewestSynops: { readout: number; time: number };
    text: string;
  };
  /** SNN − ANN-Q (as trained) of the baseline(s) and SynOp+QReLU models (`conversionGap`). */
  conversionGap?: { models: number; within: number; meanPoints: number; worstPoints: number; readout: 'spikes' | 'membrane'; text: string };
  /** Accuracy of each strategy interpolated at the SynOps of each SynOp+QReLU point (log SynOps, linear). */
  ordering: { synops: number; qrelu: number; synopLoss: number | null; scale: number | null }[];
  orderingHolds: boolean | null;
  budget: string;
  backend: string;
  wallSeconds: number;
}

export interface ReproduceReport {
  kind: 'synops-reproduce';
  version: 1;
  createdAt: string;
  budget: Budget;
  points: ReportPoint[];
  summary: Summary;
}
