/**
 * Entry points for the worker and the CLI. Every function takes plain JSON-able parameters and
 * `{ signal, onProgress }`, and resolves to plain JSON-able results. The first call picks the backend
 * (`backend.ts`); the run records are in `<workspace>/.synops/runs/<id>/` (`run.ts`).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { writeAtomic } from '../data/cache';
import { DEFAULT_PER_DIGIT, synthDataset } from '../data/synth/generate';
import { parseModel } from '../model/parse';
import type { ConversionSpec, ModelFile } from '../model/types';
import { selectBackend, setTrainThreads, type BackendInfo, type BackendName, type ThreadsChoice } from './backend';
import { EVAL_SPLITS, frameCacheDir, loadEvalData, loadEventData, type EvalSplit, type TrainData } from './data';
import { closeRun, createRun, evaluateRunDir, finishRun, newRunId, openRun, readJson, runsDir, trainRemaining, warmStartRun } from './run';
import { STRATEGIES, TrainError, type ConversionConfig, type EpochMetrics, type Evaluation, type RunInfo, type Strategy, type TaskOptions, type TrainConfig } from './types';

export interface DataRequest {
  /** A dataset folder, or `synth` for the embedded synthetic DVS digits (generated once into the workspace). */
  data: string;
  workspace: string;
  /** Use at most this many recordings (quick runs). */
  maxRecordings?: number;
  /**
   * `synth` only: recordings per digit (default 100), each size in its own folder (`synthDataDir`); every
   * request of one experiment passes the same value so all its stages read the same recordings.
   */
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
  /** Threads per training step (default `auto`: one per core; see `parallel.ts`). */
  threads?: ThreadsChoice;
  /** Conversion aids over the model file's `conversion` block. */
  conversion?: ConversionSpec;
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
export async function ensureBackend(prefer?: BackendName, threads?: ThreadsChoice): Promise<BackendInfo> {
  setTrainThreads(threads);
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
    outputActivation: t?.outputActivation ?? 'none',
    quantizer: t?.quantizer ?? 'floor',
    conversion: resolveConversion(model.conversion, r.conversion, model.input.kind === 'events'),
  };
}

/** Defaults of the conversion aids (see `ConversionSpec`); the model file's block and the request override them. */
export const CONVERSION_DEFAULTS: ConversionConfig = { readout: 'membrane', normalize: false, calibrate: { samples: 256 }, finetune: false };
/**
 * Fine-tuning through time, on by default for event input: measured on the N-MNIST control of the quick
 * reproduction (ANN-Q 89.4 %), the membrane readout with calibration gave 78.2 % without it, 88.5 % after one
 * epoch on 16 bins and 89.9 % after two epochs on 8 bins (half the cost of 16, the same accuracy). Off by
 * default for images: the All-ConvNet through 10 steps trains at about one sample per second here.
 */
export const FINETUNE_DEFAULTS = { epochs: 2, bins: 8, learningRate: 3e-4, maxSamples: 4096, batchSize: 32 };

/** The conversion aids of a run: request over model file over `CONVERSION_DEFAULTS`, every field filled in. */
export function resolveConversion(spec: ConversionSpec | undefined, req?: ConversionSpec, events = true): ConversionConfig {
  const m = { ...spec, ...req };
  const ft = m.finetune === undefined ? (events ? FINETUNE_DEFAULTS : false) : m.finetune;
  return {
    readout: m.readout ?? CONVERSION_DEFAULTS.readout,
    normalize: m.normalize === undefined ? CONVERSION_DEFAULTS.normalize : m.normalize,
    calibrate: m.calibrate === undefined ? CONVERSION_DEFAULTS.calibrate : m.calibrate,
    finetune: ft ? { ...FINETUNE_DEFAULTS, ...ft } : false,
  };
}

/**
 * Folder of the synthetic digits with `perDigit` recordings per digit in a workspace:
 * `<workspace>/.synops/data/synth` for the default 100 (the folder existing workspaces already have),
 * `synth-<N>` for any other size, so sets of different sizes never mix in one folder.
 */
export function synthDataDir(workspace: string, perDigit = DEFAULT_PER_DIGIT): string {
  if (!(Number.isInteger(perDigit) && perDigit > 0)) throw new TrainError('bad-input', `synthetic recordings per digit must be a whole number ≥ 1, got ${perDigit}`);
  return join(workspace, '.synops', 'data', perDigit === DEFAULT_PER_DIGIT ? 'synth' : `synth-${perDigit}`);
}

/** The absolute dataset folder a request names, without generating anything. */
export function dataDir(r: DataRequest): string {
  if (r.data === 'synth') return resolve(synthDataDir(r.workspace, r.synthPerDigit));
  return isAbsolute(r.data) ? r.data : resolve(r.data);
}

/** Dataset folder of a request: `synth` generates the synthetic digits (`synthPerDigit` per digit) into the workspace once. */
export async function resolveData(r: DataRequest, opts: TaskOptions = {}): Promise<string> {
  if (r.data !== 'synth') return dataDir(r);
  const dir = synthDataDir(r.workspace, r.synthPerDigit);
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
  const backend = await ensureBackend(r.backend, r.threads);
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
  /**
   * Which samples of `data`: `all` (default), every sample of the folder (every chunk of every recording,
   * or every image); `test`, the held-out 20 % split of the run's seed, the samples the run itself held out
   * when `data` is the folder it trained on. Callers that mean the held-out split must say `test`.
   */
  split?: EvalSplit;
}

/** Whether `data` of a request is the folder the run in `runDir` trained on (`run.json` → `data.root`). */
export function isRunDataRoot(runDir: string, r: DataRequest): boolean {
  // No run folder: false, and `evaluateRun` says what is missing.
  if (!existsSync(join(runDir, 'run.json'))) return false;
  const info = readJson<RunInfo>(join(runDir, 'run.json'));
  const real = (p: string): string => { try { return realpathSync(p); } catch { return resolve(p); } };
  return real(dataDir(r)) === real(info.data.root);
}

/**
 * Re-evaluates a finished run's model on `data`: every sample of the folder (`split: 'all'`, the default) or
 * the held-out split with the run's seed (`split: 'test'`, at most the run's `maxRecordings` unless the
 * request gives its own). The evaluation records the folder, the split and the sample count in `data`, and
 * is written to the run's `evaluation.json`.
 */
export async function evaluateRun(r: EvaluateRequest, opts: TaskOptions = {}): Promise<Evaluation> {
  const split = r.split ?? 'all';
  if (!EVAL_SPLITS.includes(split)) throw new TrainError('bad-input', `unknown split "${String(split)}"; use ${EVAL_SPLITS.join(' or ')}`);
  await ensureBackend();
  if (!existsSync(join(r.runDir, 'model', 'model.json'))) throw new TrainError('no-checkpoint', `${r.runDir} has no trained model (model/model.json); train or resume it first`);
  const h = openRun(r.runDir);
  try {
    const { readTfjsModel, setNetArrays } = await import('./save');
    setNetArrays(h.net, readTfjsModel(join(r.runDir, 'model')).arrays);
    const root = await resolveData(r, opts);
    // The held-out split is the run's only with the recordings the run split; `all` means the whole folder.
    const maxRecordings = split === 'test' ? r.maxRecordings ?? h.info.data.maxRecordings : r.maxRecordings;
    const data = await loadEvalData(root, h.model, split, { seed: h.info.config.seed, cacheDir: frameCacheDir(r.workspace), maxRecordings, signal: opts.signal,
      onProgress: (done, total) => opts.onProgress?.({ type: 'phase', phase: 'data', message: 'preparing frames', done, total }) });
    const conv = h.info.config.conversion;
    if (data.train.n === 0 && conv && (conv.calibrate || conv.normalize)) {
      // Calibration and normalization learn from the run's own training samples, never from what is evaluated.
      if (!existsSync(h.info.data.root)) throw new TrainError('bad-input', `${r.runDir}: the run calibrates its spiking network on its training data (${h.info.data.root}), which is not there; evaluate with --split test on that folder, or put it back`);
      data.train = (await loadEventData(h.info.data.root, h.model, { seed: h.info.config.seed, cacheDir: frameCacheDir(r.workspace), maxRecordings: h.info.data.maxRecordings, signal: opts.signal })).train;
    }
    return await evaluateRunDir(h, data, { snnSamples: r.snnSamples ?? 200, rhos: r.rhos, samples: { root, split, samples: data.test.n }, ...opts });
  } finally {
    closeRun(h);
  }
}
