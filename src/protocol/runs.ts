/** A run as listed by the worker (see `src/core/train/list.ts`, which builds it). */
export interface RunRow {
  id: string;
  dir: string;
  modelName?: string;
  /** `modelHash` of the model the run trained (its input and layers): which model files the run measures. */
  modelHash?: string;
  /** The trainer's strategy name: baseline, scale, synops, synops-qrelu. */
  strategy?: string;
  target?: number;
  state?: string;
  epochsDone?: number;
  epochs?: number;
  backend?: string;
  createdAt?: string;
  /** Held-out accuracy (0..1) and SynOps per sample: quantized ANN proxy and spiking simulation. */
  annAccuracy?: number;
  annSynops?: number;
  snnAccuracy?: number;
  snnSynops?: number;
  snnSamples?: number;
  scaled?: { rho: number; annAccuracy: number; annSynops: number; snnAccuracy?: number; snnSynops?: number }[];
  problem?: string;
  /** A stopped run whose checkpoint is there: "Resume Run" continues it from the next epoch. */
  resumable?: boolean;
  /** The run's state message (`run.json`), e.g. why it failed or where a resume continues. */
  message?: string;
  /** The row's name in lists: the strategy and target (`SynOp loss + QReLU · S₀ 500 k`), never a timestamp. */
  title?: string;
}
