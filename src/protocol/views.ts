/**
 * Payloads of the workbench views beyond the energy report: the accuracy-vs-SynOps trade-off, the spike
 * raster of a DVS chunk, and the training monitor. The first two are also notebook outputs
 * (`application/vnd.synops.tradeoff+json`, `application/vnd.synops.raster+json`) and so persist inside
 * notebooks: each carries a `schemaVersion`; a renderer draws every version it knows and says so plainly
 * for a newer one. Adding an optional field keeps the version; anything else bumps it.
 */

export const MIME_REPORT = 'application/vnd.synops.report+json';
export const MIME_TRADEOFF = 'application/vnd.synops.tradeoff+json';
export const MIME_RASTER = 'application/vnd.synops.raster+json';

import type { EpochMetrics } from './epochs';
import type { Strategy } from './strategy';

/** The strategy as view payloads spell it (`src/protocol/strategy.ts` holds the one table). */
export type { Strategy };

/** One trained (or weight-scaled) model: where it lands on the accuracy-vs-SynOps plane. */
export interface TradeoffPoint {
  /** Run id (folder name under `.synops/runs/`); clicking the point opens its report. */
  runId: string;
  strategy: Strategy;
  /** Target SynOps per sample S0 of the SynOp loss, if any. */
  target?: number;
  /** First-layer weight scale ρ, for weight scaling. */
  rho?: number;
  /** Accuracy of the spiking network on the held-out split, 0..1. */
  accuracy: number;
  /** SynOps per sample measured in the spiking simulation. */
  synops: number;
  /** The quantized ANN's accuracy and SynOps proxy (activations × fan-out), when evaluated. */
  accuracyAnn?: number;
  synopsAnn?: number;
  label?: string;
  /** The point's name in the table and the hover (`baseline, ρ = 0.5`); the run id when absent. */
  name?: string;
  /** `control`: the baseline trained on for as long as the SynOp chain (a reproduction's control), drawn apart. */
  role?: 'control';
}

/** Whether a reproduction met its goal, and by how much (in words, with the figures it rests on). */
export interface TradeoffVerdict {
  met: boolean;
  /** One sentence: the goal, the model that comes closest, its accuracy change in points and its SynOps share. */
  text: string;
}

export interface TradeoffPayload {
  schemaVersion: 1;
  title: string;
  dataset?: string;
  /** The dense ANN's MACs per sample: a reference mark on the SynOps axis. */
  annMacs?: number;
  points: TradeoffPoint[];
  /** A reproduction's verdict on its goal. */
  verdict?: TradeoffVerdict;
}

/** Spikes of one spiking layer in sparse form: parallel arrays, one entry per (neuron, step) with spikes. */
export interface RasterLayer {
  name: string;
  /** `[C, H, W]` or `[F]`; neuron indices are row-major into it. */
  shape: number[];
  neurons: number[];
  steps: number[];
  counts: number[];
  /** Spikes per time step, over the whole layer (never decimated). */
  perStep: number[];
  total: number;
  /** Entries left out of `neurons/steps/counts` to keep the payload small (0 = complete). */
  dropped: number;
}

export interface RasterPayload {
  schemaVersion: 1;
  title: string;
  /** Time bin in ms and the number of bins of the simulation. */
  dtMs: number;
  steps: number;
  /** The chunk's input events; `t` in µs from the chunk's first event; `p` 1 = ON. */
  input: { width: number; height: number; x: number[]; y: number[]; t: number[]; p: number[]; total: number; dropped: number };
  /**
   * When a model was simulated: the same kept events as the network's input sees them, in the model's pixels
   * (`⌊x / block[0]⌋, ⌊y / block[1]⌋`, e.g. 64×64 from a 128×128 sensor with 2×2 blocks), as the simulator bins them.
   */
  networkInput?: { width: number; height: number; block: [number, number]; x: number[]; y: number[]; t: number[]; p: number[]; total: number; dropped: number };
  /** Spiking layers in network order, the output layer last. */
  layers: RasterLayer[];
  /** Output spike counts per class and the predicted class, when a model was simulated. */
  output?: { counts: number[]; predicted: number; ties: number[]; label?: number };
  note?: string;
  /** Timestamp (µs, the file's clock) of the chunk's first event, when it comes from a file. */
  chunkStartUs?: number;
  /** The whole recording's event rate (the event-file viewer): events per `binMs` bin from its first event. */
  rate?: { binMs: number; counts: number[]; chunkStartMs?: number; chunkEndMs?: number };
}

/** Metrics of one finished epoch: the one shape of `metrics.json` and of the monitor (`epochs.ts`). */
export type { EpochMetrics };

export interface TrainingPayload {
  schemaVersion: 1;
  runId: string;
  modelName: string;
  strategy: Strategy;
  target?: number;
  /** Which tfjs backend ran (`tensorflow`, `wasm`, `cpu`). */
  backend: string;
  epochs: number;
  history: EpochMetrics[];
  status: 'running' | 'done' | 'cancelled' | 'failed';
  message?: string;
  /** A stopped run whose checkpoint is there: the monitor offers Resume. */
  resumable?: boolean;
  /** While running: the epoch in progress and its training steps (batches) done so far. */
  current?: { epoch: number; step: number; steps: number };
  /** While running, before the first step of an epoch: what the run does (loading data, binning, evaluating). */
  activity?: string;
}

/** What the event-file viewer shows before a chunk is opened. */
export interface EventFileFacts {
  file: string;
  format: string;
  width: number;
  height: number;
  header?: string[];
  events: number;
  /** First and last timestamp, µs. */
  firstUs: number;
  lastUs: number;
  onEvents: number;
  /** Events per bin of `rateBinMs` ms from the first event. */
  rateBinMs: number;
  rate: number[];
  chunkEvents: number;
  chunks: number;
}
