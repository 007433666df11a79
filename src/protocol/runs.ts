/** A run as listed by the worker (see `src/io/train/list.ts`, which builds it). */
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

/** `a\b/c/` → `a/b/c`: a path compared as text (separators unified, no trailing one). */
function normalPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/\/+$/, '');
}

/**
 * The run `key` names: its id, its folder, or a file directly in its folder (`<run>/model.snn.json`), given
 * as absolute paths as the worker lists them; undefined when none does. Pure string work (no file system).
 */
export function matchRun<R extends Pick<RunRow, 'id' | 'dir'>>(runs: R[], key: string): R | undefined {
  const k = normalPath(key);
  const parent = k.slice(0, Math.max(0, k.lastIndexOf('/')));
  return runs.find((r) => r.id === key) ?? runs.find((r) => normalPath(r.dir) === k) ?? runs.find((r) => normalPath(r.dir) === parent);
}
