/**
 * Entry points for the worker and the CLI. Every function takes plain JSON-able parameters and
 * `{ signal, onProgress }`, and resolves to plain JSON-able results. The first call picks the backend
 * (`backend.ts`); the run records are in `<workspace>/.synops/runs/<id>/` (`run.ts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { writeAtomic } from '../data/cache';
import { synthDataset } from '../data/synth/generate';
import { parseModel } from '../model/parse';
import type { ModelFile } from '../model/types';
import { selectBackend, type BackendInfo, type BackendName } from './backend';
import { frameCacheDir, loadEventData, type TrainData } from './data';
import { closeRun, createRun, evaluateRunDir, finishRun, newRunId, openRun, runsDir, trainRemaining, warmStartRun } from './run';
import { STRATEGIES, TrainError, type EpochMetrics, type Evaluation, type RunInfo, type Strategy, type TaskOptions, type TrainConfig } from './types';

export interface DataRequest {
  /** A dataset folder, or `synth` for the embedded synthetic DVS digits (generated once into the workspace). */
  data: string;
  workspace: string;
  /** Use at most this many recordings (quick runs). */
  maxRecordings?: number;
  /** `synth` only: recordings per digit (default 100). */
  synthPerDigit?: number;
}

export interface TrainRequest extends DataRequest {
  /** Path of a `*.snn.json` model file, or the parsed model. */
  model: string | ModelFile;
  strategy?: Strategy;
  target?: number;
  lambda?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  weightDecay?: number;
  seed?: number;
  scaleRhos?: number[];
  /** Fine-tune: start from this finished run's weights (same model) instead of fresh ones. */
  warmStart?: string;
  /** Run folder; default `<workspace>/.synops/runs/<new id>`. An existing unfinished run there is resumed. */
  out?: string;
  /** Test samples the spiking simulation evaluates (default 200; 0 skips it). */
  snnSamples?: number;
  backend?: BackendName;
}

export interface TrainResult {
  runId: string;
  runDir: string;
  backend: RunInfo['backend'];
  metrics: EpochMetrics[];
  evaluation: Evaluation;
  resumedFromEpoch: number;
}

let backendInfo: BackendInfo | undefined;

/** Selects the backend once per process (or again when `prefer` differs). */
export async function ensureBackend(prefer?: BackendName): Promise<BackendInfo> {
  if (!backendInfo || (prefer && backendInfo.name !== prefer)) backendInfo = await selectBackend(prefer);
  return backendInfo;
}

/** Reads and checks a model file; throws a `bad-input` TrainError with the first diagnostics. */
export function loadModel(model: string | ModelFile): ModelFile {
  if (typeof model !== 'string') return model;
  const parsed = parseModel(readFileSync(model, 'utf8'), model);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.model || errors.length) throw new TrainError('bad-input', `${model}: ${errors.map((d) => d.message).join('; ')}`);
  return parsed.model;
}

const STRATEGY_OF_FILE: Record<string, Strategy> = { baseline: 'baseline', 'weight-scaling': 'scale', 'synop-loss': 'synops', 'synop-loss-qrelu': 'synops-qrelu' };

/** The training configuration: request values over the model file's `training` block over defaults. */
export function resolveConfig(model: ModelFile, r: Partial<TrainRequest>): TrainConfig {
  const t = model.training;
  const strategy = r.strategy ?? (t ? STRATEGY_OF_FILE[t.strategy] : undefined) ?? 'baseline';
  if (!STRATEGIES.includes(strategy)) throw new TrainError('bad-input', `unknown strategy "${strategy}"; use ${STRATEGIES.join(', ')}`);
  const image = model.input.kind === 'image';
  return {
    strategy,
    epochs: r.epochs ?? t?.epochs ?? 8,
    batchSize: r.batchSize ?? t?.batchSize ?? 256,
    learningRate: r.learningRate ?? t?.learningRate ?? 1e-3,
    weightDecay: r.weightDecay ?? t?.weightDecay ?? 0,
    target: r.target ?? t?.targetSynOps,
    lambda: r.lambda,
    countInputSynops: false,
    seed: r.seed ?? t?.seed ?? 1,
    augment: image ? { cropPad: 4, flip: true, inputDropout: 0.2 } : undefined,
    scaleRhos: strategy === 'scale' ? r.scaleRhos ?? [0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3] : undefined,
    evalEachEpoch: true,
    ...(r.warmStart ? { warmStart: r.warmStart } : {}),
  };
}

/** Dataset folder of a request: `synth` generates the synthetic digits into the workspace once. */
export async function resolveData(r: DataRequest, opts: TaskOptions = {}): Promise<string> {
  if (r.data !== 'synth') return isAbsolute(r.data) ? r.data : resolve(r.data);
  const dir = join(r.workspace, '.synops', 'data', 'synth');
  const marker = join(dir, '.complete');
  if (!existsSync(marker)) {
    await synthDataset({ out: dir, perDigit: r.synthPerDigit, signal: opts.signal,
      onProgress: (done, total) => opts.onProgress?.({ type: 'phase', phase: 'data', message: 'generating synthetic DVS digits', done, total }) });
    writeAtomic(marker, new TextEncoder().encode(new Date().toISOString()));
  }
  return dir;
}

/** Loads the training data for `model` (frames cached in the workspace). */
export async function loadData(model: ModelFile, r: DataRequest, seed: number, opts: TaskOptions = {}): Promise<TrainData> {
  const root = await resolveData(r, opts);
  return loadEventData(root, model, { seed, cacheDir: frameCacheDir(r.workspace), maxRecordings: r.maxRecordings, signal: opts.signal,
    onProgress: (done, total) => opts.onProgress?.({ type: 'phase', phase: 'data', message: 'preparing frames', done, total }) });
}

/**
 * Trains a model (or resumes the unfinished run in `out`), saves it and evaluates it. Rejects with a
 * `TrainError` (`cancelled`, `non-finite`, `bad-input`); the run folder keeps its last checkpoint.
 */
export async function train(r: TrainRequest, opts: TaskOptions = {}): Promise<TrainResult> {
  const backend = await ensureBackend(r.backend);
  const resuming = r.out !== undefined && existsSync(join(r.out, 'run.json'));
  const h = resuming ? openRun(r.out!) : undefined;
  const model = h?.model ?? loadModel(r.model);
  const config = h?.info.config ?? resolveConfig(model, r);
  const data = await loadData(model, r, config.seed, opts);
  const handle = h ?? createRun(r.out ?? join(runsDir(r.workspace), newRunId(config.strategy)), model, config, data, backend, r.maxRecordings);
  if (!h && config.warmStart) warmStartRun(handle, config.warmStart);
  const resumedFromEpoch = handle.info.epochsDone;
  try {
    opts.onProgress?.({ type: 'phase', runId: handle.info.id, phase: 'train', message: resuming ? `resuming at epoch ${resumedFromEpoch + 1}` : `training on ${backend.name}` });
    const metrics = await trainRemaining(handle, data, opts);
    const evaluation = await evaluateRunDir(handle, data, { snnSamples: r.snnSamples ?? 200, rhos: config.scaleRhos, ...opts });
    finishRun(handle);
    return { runId: handle.info.id, runDir: handle.info.dir, backend: handle.info.backend, metrics, evaluation, resumedFromEpoch };
  } finally {
    closeRun(handle);
  }
}

export interface EvaluateRequest extends DataRequest {
  runDir: string;
  snnSamples?: number;
  rhos?: number[];
}

/** Re-evaluates a finished run's model on `data` (the held-out split with the run's seed). */
export async function evaluateRun(r: EvaluateRequest, opts: TaskOptions = {}): Promise<Evaluation> {
  await ensureBackend();
  if (!existsSync(join(r.runDir, 'model', 'model.json'))) throw new TrainError('no-checkpoint', `${r.runDir} has no trained model (model/model.json); train or resume it first`);
  const h = openRun(r.runDir);
  try {
    const { readTfjsModel, setNetArrays } = await import('./save');
    setNetArrays(h.net, readTfjsModel(join(r.runDir, 'model')).arrays);
    const data = await loadData(h.model, { ...r, maxRecordings: r.maxRecordings ?? h.info.data.maxRecordings }, h.info.config.seed, opts);
    return await evaluateRunDir(h, data, { snnSamples: r.snnSamples ?? 200, rhos: r.rhos, ...opts });
  } finally {
    closeRun(h);
  }
}
