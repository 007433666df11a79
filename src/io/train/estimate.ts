/**
 * How long a sweep will take, before it starts: from the model's size (MACs per sample), the training
 * samples, the epochs and the number of models, at the training speed a previous run of the workspace
 * measured (its `metrics.json`: images per second on its own model). Scaled by MACs: a model with twice the
 * MACs trains at half the images per second. Without a measured run there is no estimate, and it says so.
 */
import { join, resolve } from 'node:path';
import { readModelFile } from '../model/read';
import { modelHash } from '../../core/synops/result';
import { listRuns } from './list';
import { readMetrics, readRunInfo } from './run';
import { dataDir } from './api';
import type { RunInfo } from '../../core/train/types';

export interface SweepPlan {
  /** MACs per sample of the model to sweep. */
  macs: number;
  trainSamples: number;
  epochs: number;
  kind: 'independent' | 'chain';
  /** Models trained after the pre-training (chain) or in all (independent). */
  models: number;
}

/** A previous run's measured speed. */
export interface MeasuredSpeed {
  runId: string;
  /**
   * Training samples per second over the run's epochs: its epochs × training samples ÷ the seconds of all its
   * epochs (fine-tuning through time included, so a run that fine-tunes counts that time too), on `macs` MACs.
   */
  imagesPerSec: number;
  macs: number;
  /** Whether the run trained the same model (input and layers) as the sweep will. */
  sameModel?: boolean;
  /** Seconds of the finished run outside its epochs (evaluation, conversion, checkpoints): its wall time less its epochs. */
  overheadSeconds?: number;
}

/**
 * Seconds the sweep takes at `speed`: per model, `epochs × trainSamples` samples at
 * `imagesPerSec × speed.macs ÷ plan.macs` per second, plus the run's overhead scaled the same way; a chain
 * trains a pre-training model first.
 */
export function sweepSeconds(plan: SweepPlan, speed: MeasuredSpeed): { seconds: number; trainPerModel: number; overheadPerModel: number } {
  const scale = plan.macs / speed.macs;
  const trainPerModel = (plan.epochs * plan.trainSamples * scale) / speed.imagesPerSec;
  const overheadPerModel = (speed.overheadSeconds ?? 0) * scale;
  const trainings = plan.kind === 'chain' ? plan.models + 1 : plan.models;
  return { seconds: trainings * (trainPerModel + overheadPerModel), trainPerModel, overheadPerModel };
}

/** Total MACs per sample of a model file, or undefined when it is not a valid model. */
function modelMacs(path: string): number | undefined {
  return modelFacts(path)?.macs;
}

function modelFacts(path: string): { macs: number; hash: string } | undefined {
  try {
    const parsed = readModelFile(path);
    return parsed.stats && parsed.model ? { macs: parsed.stats.reduce((s, l) => s + l.macs, 0), hash: modelHash(parsed.model) } : undefined;
  } catch { return undefined; }
}

/**
 * The measured speed of a previous run that trained at least one epoch (fine-tuning through time left
 * out): the newest run of the same model (`modelHash`) if there is one, else the newest run of any model.
 */
export function newestSpeed(workspace: string, modelHash?: string): MeasuredSpeed | undefined {
  const runs = listRuns(workspace).filter((r) => !r.problem)
    .sort((a, b) => Number(b.modelHash === modelHash && !!modelHash) - Number(a.modelHash === modelHash && !!modelHash) || (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  for (const run of runs) {
    let info: RunInfo;
    let metrics: ReturnType<typeof readMetrics>;
    try { info = readRunInfo(run.dir); metrics = readMetrics(run.dir); } catch { continue; }
    const seconds = metrics.reduce((s, m) => s + (m.seconds > 0 ? m.seconds : 0), 0);
    const epochs = metrics.filter((m) => !m.throughTime).length;
    const macs = modelMacs(join(run.dir, 'model.snn.json'));
    if (!epochs || !(seconds > 0) || !macs || !(info.data.trainSamples > 0)) continue;
    const wall = (Date.parse(info.updatedAt) - Date.parse(info.createdAt)) / 1000;
    const overheadSeconds = info.state === 'done' && wall > seconds ? wall - seconds : undefined;
    return { runId: run.id, imagesPerSec: (epochs * info.data.trainSamples) / seconds, macs, overheadSeconds, sameModel: !!modelHash && run.modelHash === modelHash };
  }
  return undefined;
}

/**
 * Training samples of `data` as a run on the same folder (and cap) recorded them, or undefined: an event
 * dataset's samples are its recordings' chunks, known only once the frames are prepared.
 */
export function trainSamplesOf(workspace: string, data: string, maxRecordings?: number): number | undefined {
  const root = dataDir({ data, workspace });
  for (const run of listRuns(workspace)) {
    let info: RunInfo;
    try { info = readRunInfo(run.dir); } catch { continue; }
    if (resolve(info.data.root) === root && info.data.maxRecordings === maxRecordings && info.data.trainSamples > 0) return info.data.trainSamples;
  }
  return undefined;
}

export interface SweepEstimate {
  models: number;
  /** Seconds, when a previous run measured a speed. */
  seconds?: number;
  /** What the estimate rests on, or why there is none, in words. */
  basis: string;
}

/** The estimate the editor shows before a sweep starts. */
export function estimateSweep(r: { model: string; data: string; workspace: string; kind: 'independent' | 'chain'; targets: number; epochs: number; maxRecordings?: number }): SweepEstimate {
  const facts = modelFacts(r.model);
  const macs = facts?.macs;
  const trainSamples = trainSamplesOf(r.workspace, r.data, r.maxRecordings);
  const speed = newestSpeed(r.workspace, facts?.hash);
  const models = r.targets + (r.kind === 'chain' ? 1 : 0);
  if (!macs) return { models, basis: 'no estimate: the model file is not a valid model' };
  if (!speed) return { models, basis: 'no estimate: no run in this workspace has measured a training speed yet' };
  if (!trainSamples) return { models, basis: 'no estimate: no run has trained on this data yet, so its number of samples is not known' };
  const t = sweepSeconds({ macs, trainSamples, epochs: r.epochs, kind: r.kind, models: r.targets }, speed);
  const k = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return {
    models,
    seconds: t.seconds,
    basis: `${r.epochs} epochs × ${k(trainSamples)} samples × ${k(macs)} MACs per model, at the speed run ${speed.runId} measured${speed.sameModel ? '' : ' on another model, scaled by MACs (rough: small models do not slow down in proportion)'} (${k(speed.imagesPerSec)} images/s on ${k(speed.macs)} MACs${speed.overheadSeconds !== undefined ? ` and ${speed.overheadSeconds.toFixed(1)} s besides its epochs` : ''})`,
  };
}
