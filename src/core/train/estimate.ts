/**
 * How long a sweep will take, before it starts: from the model's size (MACs per sample), the training
 * samples, the epochs and the number of models, at the training speed a previous run of the workspace
 * measured (its `metrics.json`: images per second on its own model). Scaled by MACs: a model with twice the
 * MACs trains at half the images per second. Without a measured run there is no estimate, and it says so.
 */
import { join, resolve } from 'node:path';
import { readModelFile } from '../model/read';
import { modelHash } from '../synops/result';
import { listRuns } from './list';
import { readJson, readMetrics, readRunInfo } from './run';
import { dataDir } from './api';
import type { Evaluation, RunInfo } from './types';

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
  /** Training images per second over the run's epochs (Σ images ÷ Σ seconds), on a model of `macs` MACs. */
  imagesPerSec: number;
  macs: number;
  /** Seconds its evaluation took (ANN, quantized ANN, spiking simulation), when it has one. */
  evalSeconds?: number;
}

/**
 * Seconds the sweep takes at `speed`: per model, `epochs × trainSamples` images at
 * `imagesPerSec × speed.macs ÷ plan.macs` images per second, plus one evaluation scaled the same way
 * (a chain's links also evaluate ×1.5 and ×2: three evaluations); a chain trains a pre-training model first.
 */
export function sweepSeconds(plan: SweepPlan, speed: MeasuredSpeed): { seconds: number; trainPerModel: number; evalPerModel: number } {
  const scale = plan.macs / speed.macs;
  const trainPerModel = (plan.epochs * plan.trainSamples * scale) / speed.imagesPerSec;
  const evalPerModel = (speed.evalSeconds ?? 0) * scale * (plan.kind === 'chain' ? 3 : 1);
  const trainings = plan.kind === 'chain' ? plan.models + 1 : plan.models;
  return { seconds: trainings * trainPerModel + plan.models * evalPerModel, trainPerModel, evalPerModel };
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
    const epochs = (() => { try { return readMetrics(run.dir).filter((m) => !m.throughTime && m.seconds > 0 && m.imagesPerSec > 0); } catch { return []; } })();
    const macs = modelMacs(join(run.dir, 'model.snn.json'));
    if (!epochs.length || !macs) continue;
    const seconds = epochs.reduce((s, m) => s + m.seconds, 0);
    const images = epochs.reduce((s, m) => s + m.imagesPerSec * m.seconds, 0);
    let evalSeconds: number | undefined;
    try {
      const ev = readJson<Evaluation>(join(run.dir, 'evaluation.json'));
      evalSeconds = [ev.ann, ev.annQuantized, ev.snn].reduce((s, e) => s + (e?.seconds ?? 0), 0);
    } catch { /* not evaluated */ }
    return { runId: run.id, imagesPerSec: images / seconds, macs, evalSeconds };
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
    basis: `${r.epochs} epochs × ${k(trainSamples)} samples × ${k(macs)} MACs per model, at the speed run ${speed.runId} measured (${k(speed.imagesPerSec)} images/s on ${k(speed.macs)} MACs${speed.evalSeconds !== undefined ? `, evaluation ${speed.evalSeconds.toFixed(1)} s` : ''})`,
  };
}
