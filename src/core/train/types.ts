/**
 * Plain, JSON-able types of training: configuration, progress messages and results. These are what the
 * worker passes across its JSON-RPC boundary.
 */
import type { EpochMetrics, EvalResult } from '../../protocol/epochs';
import type { Readout } from '../../protocol/report';
import type { FinetuneSynops } from '../../protocol/model';
import type { StrategyId } from '../../protocol/strategy';

/** `baseline`: CE only; `scale`: baseline then a sweep of the first layer's weights ×ρ (no retraining);
 * `synops`: CE + SynOp term with the model's activations; `synops-qrelu`: the same with every spiking layer a QReLU.
 * The trainer's ids of the one strategy table (`src/protocol/strategy.ts`). */
export type Strategy = StrategyId;
/** In the order the CLI lists them. */
export const STRATEGIES: readonly Strategy[] = ['baseline', 'scale', 'synops', 'synops-qrelu'];

export interface TrainConfig {
  strategy: Strategy;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 weight decay as PyTorch Adam's `weight_decay` (0: none). */
  weightDecay: number;
  /** Target SynOps per sample S0 (`synops*` strategies, target form). */
  target?: number;
  /** λ of the penalty form `CE + λ·S`; used instead of `target` when set. */
  lambda?: number;
  /** Count the input's SynOps in S (default false: they are constant, see `loss.ts`). */
  countInputSynops: boolean;
  seed: number;
  /** Step schedule: the learning rate is multiplied by `factor` at each listed epoch (1-based). */
  lrSteps?: { epochs: number[]; factor: number };
  /** Image augmentation (CIFAR): random crop after zero padding by `cropPad`, horizontal flip, input dropout. */
  augment?: { cropPad?: number; flip?: boolean; inputDropout?: number };
  /** ρ values of the `scale` strategy's sweep. */
  scaleRhos?: number[];
  /** Test-set evaluation (ANN proxy) after every epoch (default true). */
  evalEachEpoch: boolean;
  /** The run folder whose final weights initialised this run (a fine-tuning), instead of fresh weights from `seed`. */
  warmStart?: string;
  /** The output layer's activation in training (`training.outputActivation`; absent in older runs: `none`). */
  outputActivation?: 'none' | 'spiking';
  /** QReLU quantizer and the matching initial membrane (`training.quantizer`; absent: `floor`). */
  quantizer?: 'floor' | 'round';
  /** The conversion aids this run used (absent in older runs: none, spike-count readout). */
  conversion?: ConversionConfig;
  /**
   * Knowledge distillation in the ANN epochs (`teacher.ts`, `loss.ts`): the finished run `teacher` (same
   * model) gives soft targets; the data term is `(1 − weight)·CE + weight·T²·KL` at temperature T.
   */
  distill?: { teacher: string; weight: number; temperature: number };
}

/** The conversion aids of a run, resolved (see `ConversionSpec` in the model file). */
export interface ConversionConfig {
  readout: Readout;
  normalize: { percentile: number } | false;
  calibrate: { samples: number } | false;
  finetune: { epochs: number; bins: number; learningRate: number; maxSamples: number; batchSize: number; synops: FinetuneSynops } | false;
}

/** An epoch's and an evaluation's metrics are shared with the views: the one definition is the protocol's. */
export type { EpochMetrics, EvalResult, LayerSynops } from '../../protocol/epochs';

export interface Evaluation {
  ann: EvalResult;
  /** The ANN with every spiking layer a QReLU (the proxy of the converted network's SynOps). */
  annQuantized: EvalResult;
  snn?: EvalResult;
  /**
   * The same spiking simulation with the last weight layer ×`outputGain` (see `OUTPUT_GAIN` in run.ts): the
   * output neurons cost no SynOps, so only the ties and the class change. Reported beside `snn`, never instead.
   */
  snnOutputGain?: EvalResult & { outputGain: number };
  /**
   * The quantized ANN as trained, before fine-tuning through time changed its weights: what the spiking
   * network is compared with (absent without fine-tuning: then `annQuantized` is that network).
   */
  annQuantizedTrained?: EvalResult;
  /** `scale` strategy and CIFAR chain: evaluations with the first layer ×ρ. */
  scaled?: { rho: number; annQuantized: EvalResult; snn?: EvalResult }[];
  /**
   * Set by `evaluateRun`: the folder evaluated and which of its samples, `all` of them or the `test` split
   * (the run's held-out 20 %, its seed); `samples` counts them (the spiking simulation may take an even subset).
   */
  data?: { root: string; split: 'all' | 'test'; samples: number };
}

export type RunState = 'running' | 'cancelled' | 'failed' | 'done';

/** `run.json` of a run folder. */
export interface RunInfo {
  /** The run folder's name. */
  id: string;
  /** The folder this record was read from (absolute; never stored: `run.json` holds no path to itself). */
  dir: string;
  modelName: string;
  modelHash: string;
  config: TrainConfig;
  /** Activation the network trained with (`synops-qrelu`: qrelu). */
  activation: 'model' | 'qrelu';
  /** `threads`: tfjs' own wasm threads; `trainThreads`: the data-parallel threads of the last training (`parallel.ts`). */
  backend: { name: string; notes: string[]; simd?: boolean; threads?: number; trainThreads?: number };
  data: { root: string; kind: string; maxRecordings?: number; trainSamples: number; testSamples: number; recordings: { train: number; test: number } };
  state: RunState;
  epochsDone: number;
  message?: string;
  createdAt: string;
  updatedAt: string;
}

/** Progress messages, small enough to send every batch. */
export type TrainProgress =
  | { type: 'phase'; runId?: string; phase: 'data' | 'train' | 'evaluate' | 'simulate' | 'sweep'; message: string; done?: number; total?: number }
  | { type: 'batch'; runId: string; epoch: number; epochs: number; batch: number; batches: number; loss: number; ce: number; synopTerm: number; synops: number; imagesPerSec: number }
  | { type: 'epoch'; runId: string; epochs: number; metrics: EpochMetrics };

export interface TaskOptions {
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
}

/** Errors with a code the host maps to what the user sees. */
export class TrainError extends Error {
  constructor(readonly code: 'cancelled' | 'non-finite' | 'bad-input' | 'no-checkpoint', message: string) { super(message); }
}
