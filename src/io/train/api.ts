/**
 * Entry points for the worker and the CLI. Every function takes plain JSON-able parameters and
 * `{ signal, onProgress }`, and resolves to plain JSON-able results. The first call picks the backend
 * (`backend.ts`); the run records are in `<workspace>/.synops/runs/<id>/` (`run.ts`).
 */
import { existsSync, realpathSync, rmdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { writeAtomic } from '../data/cache';
import { scanDataset } from '../data/datasets';
import { openEvents } from '../../core/data/detect';
import { DEFAULT_PER_DIGIT, synthDataset } from '../data/synth/generate';
import { FileFormatError } from '../../core/jsonText';
import { fittingSide } from '../../core/model/parse';
import { diagnosticLine, readModelFile } from '../model/read';
import { layerStats, numel } from '../../core/model/shapes';
import type { ModelFile } from '../../core/model/types';
import { checkFinite, readTfjsFile } from '../sim/tfjs-weights';
import { modelHash } from '../../core/synops/result';
import { selectBackend, setTrainThreads, type BackendInfo, type BackendName, type ThreadsChoice } from '../../core/train/backend';
import { frameCacheDir, loadEvalData, loadEventData } from './data';
import { EVAL_SPLITS, type EvalSplit, type TrainData } from '../../core/train/samples';
import { closeRun, createRun, finishRun, newRunId, openRun, readRunInfo, recordStop, runFile, runsDir, trainRemaining, warmStartRun, type RunHandle } from './run';
import { evaluateRunDir } from './run-eval';
import { lockRunFolder } from './run-lock';
import { setNetArrays, type NamedArray } from './save';
import { TrainError, type EpochMetrics, type Evaluation, type RunInfo, type TaskOptions, type TrainConfig } from '../../core/train/types';
import { fileSource } from '../data/files';
import { resolveConfig, type DataRequest, type TrainRequest } from './request';


export interface TrainResult {
  runId: string;
  runDir: string;
  backend: RunInfo['backend'];
  metrics: EpochMetrics[];
  evaluation: Evaluation;
  resumedFromEpoch: number;
  /** The run's record as it finished (what `run.json` holds now). */
  info: RunInfo;
}

let backendInfo: BackendInfo | undefined;

/** Selects the backend once per process (or again when `prefer` differs). */
export async function ensureBackend(prefer?: BackendName, threads?: ThreadsChoice): Promise<BackendInfo> {
  setTrainThreads(threads);
  if (!backendInfo || (prefer && backendInfo.name !== prefer)) backendInfo = await selectBackend(prefer);
  return backendInfo;
}

/**
 * Reads and checks a model file through the one model parser; throws a `bad-input` TrainError with the first
 * error at its file:line:column (and how many more there are). File system errors are thrown as they are.
 */
export function loadModel(model: string | ModelFile): ModelFile {
  if (typeof model !== 'string') return model;
  const parsed = readModelFile(model);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.model || errors.length) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more; synops summary ${model} lists them)` : '';
    throw new TrainError('bad-input', `${errors.length ? diagnosticLine(model, errors[0]) : model}${more}`);
  }
  return parsed.model;
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

/** Loads the training data for `model` (frames cached in the workspace), after `checkDataFits` accepts it. */
export async function loadData(model: ModelFile, r: DataRequest, seed: number, opts: TaskOptions = {}): Promise<TrainData> {
  const root = await resolveData(r, opts);
  await checkDataFits(model, root);
  return loadEventData(root, model, { seed, cacheDir: frameCacheDir(r.workspace), maxRecordings: r.maxRecordings, signal: opts.signal,
    onProgress: (done, total) => opts.onProgress?.({ type: 'phase', phase: 'data', message: 'preparing frames', done, total }) });
}

/**
 * Trains a model (or resumes the unfinished run in `out`), saves it and evaluates it. Rejects with a
 * `TrainError` (`cancelled`, `non-finite`, `bad-input`); the run folder keeps its last checkpoint.
 * Before anything is trained: the settings are checked, the run folder is locked (`lockRunFolder`), a
 * resume must ask for the run's own settings (`resumeDifferences`), and the data must fit the model
 * (`checkDataFits`, in `loadData`), so a mismatch is refused in seconds instead of after the epochs.
 */
export async function train(r: TrainRequest, opts: TaskOptions = {}): Promise<TrainResult> {
  const model = loadModel(r.model);
  const requested = resolveConfig(model, r);
  const dir = r.out ?? join(runsDir(r.workspace), newRunId(requested.strategy));
  const resuming = existsSync(join(dir, 'run.json'));
  const unlock = lockRunFolder(dir, (message) => opts.onProgress?.({ type: 'phase', phase: 'train', message }));
  let handle: RunHandle | undefined;
  try {
    const backend = await ensureBackend(r.backend, r.threads);
    handle = resuming ? openRun(dir) : undefined;
    if (handle) {
      const differ = resumeDifferences(handle, model, requested, r);
      if (differ.length) throw new TrainError('bad-input', `${dir} holds a run with other settings, which a resume would ignore: ${differ.join(', ')}; resume with the run's settings, or train into another --out`);
    }
    const config = handle?.info.config ?? requested;
    const data = await loadData(handle?.model ?? model, r, config.seed, opts);
    if (!handle) {
      handle = createRun(dir, model, config, data, backend, r.maxRecordings);
      if (config.warmStart) warmStartRun(handle, config.warmStart);
    }
    const resumedFromEpoch = handle.info.epochsDone;
    opts.onProgress?.({ type: 'phase', runId: handle.info.id, phase: 'train', message: resuming ? `resuming at epoch ${resumedFromEpoch + 1}` : `training on ${backend.name}` });
    const metrics = await trainRemaining(handle, data, opts);
    // A failed or cancelled evaluation (a recording that became unreadable) is recorded as such, not left
    // "running": every epoch is checkpointed, so Resume evaluates again without training.
    const h = handle;
    const evaluation = await evaluateRunDir(h, data, { snnSamples: r.snnSamples ?? 200, rhos: config.scaleRhos, ...opts })
      .catch((e: unknown) => { recordStop(h, e, 'resume evaluates the trained network again'); throw e; });
    finishRun(handle);
    return { runId: handle.info.id, runDir: handle.info.dir, backend: handle.info.backend, metrics, evaluation, resumedFromEpoch, info: handle.info };
  } finally {
    if (handle) closeRun(handle);
    unlock();
    // A run refused before it began leaves no empty folder behind (rmdir removes only an empty one).
    if (!resuming && !existsSync(join(dir, 'run.json'))) { try { rmdirSync(dir); } catch { /* not empty: keep it */ } }
  }
}

/**
 * How a resume request differs from the run it would continue, one phrase each (`epochs 8 (the run: 4)`);
 * empty when it asks for the run's own settings. The model is compared by the hash of its input and layers.
 */
export function resumeDifferences(h: RunHandle, model: ModelFile, c: TrainConfig, r: Partial<TrainRequest>): string[] {
  const out: string[] = [];
  const was = h.info.config;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const differ = (what: string, want: unknown, have: unknown): void => { if (!same(want, have)) out.push(`${what} ${JSON.stringify(want) ?? 'none'} (the run: ${JSON.stringify(have) ?? 'none'})`); };
  if (modelHash(model) !== h.info.modelHash) out.push(`model ${model.name} ${modelHash(model)} (the run: ${h.model.name} ${h.info.modelHash})`);
  differ('strategy', c.strategy, was.strategy);
  differ('epochs', c.epochs, was.epochs);
  differ('batch size', c.batchSize, was.batchSize);
  differ('learning rate', c.learningRate, was.learningRate);
  differ('weight decay', c.weightDecay, was.weightDecay ?? 0);
  differ('learning-rate steps', c.lrSteps, was.lrSteps);
  differ('target', c.target, was.target);
  differ('λ', c.lambda, was.lambda);
  differ('seed', c.seed, was.seed);
  differ('output activation', c.outputActivation, was.outputActivation ?? 'none');
  differ('quantizer', c.quantizer, was.quantizer ?? 'floor');
  differ('augmentation', c.augment, was.augment);
  if (!sameFolder(c.distill?.teacher, was.distill?.teacher) || c.distill?.weight !== was.distill?.weight || c.distill?.temperature !== was.distill?.temperature) {
    out.push(`distillation ${c.distill ? `from ${c.distill.teacher}` : 'none'} (the run: ${was.distill ? `from ${was.distill.teacher}` : 'none'})`);
  }
  if (was.conversion) differ('conversion', c.conversion, was.conversion);
  differ('max recordings', r.maxRecordings, h.info.data.maxRecordings);
  // run.json stores the warm start relative to the run, so a moved or copied reproduction names its own
  // sibling. Records written before that hold an absolute path: a copy of those asks for its own sibling
  // (`runs/baseline`) where the record names the original's, and a moved one keeps only the name.
  if (!sameFolder(c.warmStart, was.warmStart) && !sameSibling(h.info.dir, c.warmStart, was.warmStart)) out.push(`--from ${c.warmStart ?? 'none'} (the run: ${was.warmStart ?? 'none'})`);
  return out;
}

/** Two optional folder paths name the same run: the same real path, or (one of them gone) the same name. */
function sameFolder(a?: string, b?: string): boolean {
  if (!a || !b) return a === b;
  const real = (p: string): string | undefined => { try { return realpathSync(p); } catch { return undefined; } };
  const [ra, rb] = [real(a), real(b)];
  return ra && rb ? ra === rb : basename(resolve(a)) === basename(resolve(b));
}

/** `asked` is the run folder's sibling of the name `stored` had: the warm start of a copied set of runs. */
function sameSibling(runDir: string, asked?: string, stored?: string): boolean {
  if (!asked || !stored) return false;
  return dirname(resolve(asked)) === dirname(resolve(runDir)) && basename(resolve(asked)) === basename(resolve(stored));
}

/**
 * Refuses data the model cannot learn from or be evaluated on, before any frame is prepared: images for
 * an event model and events for an image model, CIFAR-10 images that are not the model's input, an event
 * input of more than one channel (training ignores polarity), recordings from a sensor the input does not
 * divide (each input pixel sums a block of sensor pixels) or another sensor than the model names, and
 * labels past the model's outputs. Each message says which model would fit.
 */
export async function checkDataFits(model: ModelFile, root: string): Promise<void> {
  const index = scanDataset(root);
  const stats = layerStats(model);
  const outputs = numel(stats[stats.length - 1].outShape);
  const [c, h, w] = model.input.shape;
  const refuse = (msg: string): never => { throw new TrainError('bad-input', msg); };
  if (index.kind === 'cifar10') {
    if (model.input.kind !== 'image') refuse(`${root} is a CIFAR-10 folder (images), but ${model.name} takes events; train an image model on it (such as templates/cifar10-allconv.snn.json) or give a folder of event recordings`);
    if (c !== 3 || h !== 32 || w !== 32) refuse(`${root} holds CIFAR-10 images of [3, 32, 32], but ${model.name} takes [${c}, ${h}, ${w}]; set its "input.shape" to [3, 32, 32]`);
    if (outputs < 10) refuse(`${root} has CIFAR-10 labels 0–9, but ${model.name} has ${outputs} output${outputs === 1 ? '' : 's'}; give its last layer 10 outputs`);
    return;
  }
  const input = model.input;
  if (input.kind !== 'events') return refuse(`${root} holds event recordings (${index.kind}), but ${model.name} takes images; train an event model on it (such as templates/mnist-dvs.snn.json)`);
  if (!index.recordings.length) refuse(`${root} has no recordings in its ${index.kind} layout`);
  if (c !== 1) refuse(`training reads event frames with polarity ignored, so ${model.name} needs an input of 1 channel, not ${c}; set its "input.shape" to [1, ${h}, ${w}]`);
  const beyond = new Map<number, { count: number; first: string }>();
  for (const rec of index.recordings) {
    if (rec.label < outputs) continue;
    const b = beyond.get(rec.label) ?? { count: 0, first: rec.id };
    b.count++;
    beyond.set(rec.label, b);
  }
  if (beyond.size) {
    const [label, b] = [...beyond.entries()].sort((x, y) => y[0] - x[0])[0];
    const others = beyond.size > 1 ? ` (labels ${[...beyond.keys()].sort((x, y) => x - y).join(', ')} are all beyond)` : '';
    refuse(`label ${label} of ${b.count} recording${b.count === 1 ? '' : 's'} in ${root} (such as ${b.first}) is beyond the ${outputs} output${outputs === 1 ? '' : 's'} of ${model.name}, which can learn labels 0–${outputs - 1}${others}; give its last layer ${label + 1} outputs, or leave those recordings out`);
  }
  const first = index.recordings[0];
  const { meta } = await openEvents(fileSource(first.file));
  const [sw, sh] = [meta.width, meta.height];
  const fits = `an input that fits is [1, ${fittingSide(sh, h)}, ${fittingSide(sw, w)}] with "sensor": [${sw}, ${sh}]`;
  if (input.sensor && (input.sensor[0] !== sw || input.sensor[1] !== sh)) {
    refuse(`the recordings in ${root} come from a ${sw}×${sh} sensor (${first.file}), but ${model.name} names a ${input.sensor[0]}×${input.sensor[1]} sensor; ${fits}`);
  }
  if (sw % w !== 0 || sh % h !== 0) refuse(`the recordings in ${root} come from a ${sw}×${sh} sensor, which is not a whole multiple of the ${w}×${h} input of ${model.name} (each input pixel sums a block of sensor pixels); ${fits}`);
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
  const info = readRunInfo(runDir);
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
  if (!existsSync(join(r.runDir, 'run.json'))) throw new TrainError('no-checkpoint', `${r.runDir} is not a run folder (no run.json)`);
  if (!existsSync(join(r.runDir, 'model', 'model.json'))) throw new TrainError('no-checkpoint', `${r.runDir} has no trained model (model/model.json); train or resume it first`);
  // The evaluation writes evaluation.json and the result file: not while a training writes the same folder.
  const unlock = lockRunFolder(r.runDir, (message) => opts.onProgress?.({ type: 'phase', phase: 'evaluate', message }));
  try {
    await ensureBackend();
    const h = openRun(r.runDir);
    try {
      setRunWeights(h, await readRunWeights(r.runDir));
      const root = await resolveData(r, opts);
      await checkDataFits(h.model, root);
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
  } finally {
    unlock();
  }
}

/**
 * The trained kernels of a run folder (`model/model.json`, TF.js layout) by name: `model.json` and its
 * weight files confined to the run folder by real path, their structure checked before allocating, and NaN
 * or infinite values refused with the layer's name.
 */
export async function readRunWeights(runDir: string): Promise<Map<string, NamedArray>> {
  const file = runFile(runDir, join('model', 'model.json'));
  try {
    const m = await readTfjsFile(file);
    const arrays = new Map<string, NamedArray>();
    for (const [name, data] of m.byName) {
      checkFinite(name.replace(/\/(kernel|bias)$/, ''), name.endsWith('/bias') ? 'biases' : 'weights', data);
      arrays.set(name, { name, shape: m.shapes.get(name)!, data });
    }
    return arrays;
  } catch (e) {
    if (e instanceof FileFormatError) throw new TrainError('bad-input', e.message);
    if (e instanceof Error && !(e instanceof TrainError) && (e as NodeJS.ErrnoException).code === undefined) throw new TrainError('bad-input', `${file}: ${e.message}`);
    throw e;
  }
}

/** Sets a run's net from `readRunWeights`; kernels missing or of another shape are a damaged run folder. */
function setRunWeights(h: RunHandle, arrays: Map<string, NamedArray>): void {
  try {
    setNetArrays(h.net, arrays);
  } catch (e) {
    throw new TrainError('bad-input', `${join(h.info.dir, 'model', 'model.json')}: ${(e as Error).message}; the trained model does not belong to this run's model file`);
  }
}
