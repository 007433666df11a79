/** A run as listed by the worker (see `src/core/train/list.ts`, which builds it). */
export interface RunRow {
  id: string;
  dir: string;
  modelName?: string;
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
}
