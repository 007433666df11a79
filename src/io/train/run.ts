/**
 * A training run and its folder `<workspace>/.synops/runs/<id>/`:
 * - `run.json`: `RunInfo` (config, backend, data, state, epochs done, message);
 * - `model.snn.json`: the model file trained; `metrics.json`: `EpochMetrics[]`;
 * - `checkpoint.json` + `checkpoint-<epoch>.bin` (every epoch; see `checkpoint.ts`);
 * - `model/model.json` + `model/weights.bin`: the trained model, TF.js layers format;
 * - `evaluation.json`: `Evaluation` (ANN proxy and spiking simulation on the held-out split).
 * All written atomically. A cancelled run keeps state `cancelled` and its last checkpoint, `resumeRun`
 * continues from there; a NaN/Inf loss sets state `failed` with the message and keeps the checkpoint.
 */
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { writeAtomic } from '../data/cache';
import { FileFormatError } from '../../core/jsonText';
import { readJsonFile } from '../jsonFile';
import { MAX_BATCH_SIZE, MAX_EPOCHS, MAX_SEED } from '../../core/model/limits';
import { diagnosticLine, readModelFile } from '../model/read';
import type { ModelFile } from '../../core/model/types';
import { modelHash } from '../../core/synops/result';
import { Adam } from '../../core/train/adam';
import { currentBackend, trainThreadsFor, type BackendInfo } from '../../core/train/backend';
import { defaultThreads, ParallelTrainer } from '../../core/train/parallel';
import { shardThreadScript } from './threads';
import { loadCheckpoint, writeCheckpoint } from './checkpoint';
import type { TrainData } from '../../core/train/samples';
import { evaluateAnn } from '../../core/train/evaluate';
import { finetuneData, finetuneEpoch, heldSynops } from '../../core/train/finetune';
import type { BinnedSet } from '../../core/train/time-bins';
import { epochFromLegacy, isLegacyEpoch } from '../../core/train/epochs';
import { trainEpoch, type EpochContext } from '../../core/train/loop';
import type { SynopObjective } from '../../core/train/loss';
import { assignWeights, buildNet, disposeNet, type TrainNet } from '../../core/train/net';
import { saveTfjsModel } from './save';
import { teacherLogits } from './teacher';
import { STRATEGIES, TrainError, type EpochMetrics, type RunInfo, type TaskOptions, type TrainConfig } from '../../core/train/types';
import type { LegacyEpochMetrics } from '../../protocol/epochs';

const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v, null, 1));

export function writeJson(path: string, v: unknown): void { writeAtomic(path, json(v)); }

/** What to do about a damaged file of a run folder. */
const DAMAGED_RUN = 'the run folder is damaged: restore the file, or train into another --out';

/**
 * Reads a JSON file of a run folder. Damage (bad JSON, not a file, absurd size) is a `bad-input`
 * TrainError with the file, line and column; a missing or unreadable file throws the file system error.
 */
export function readJson<T>(path: string, fix = DAMAGED_RUN): T {
  try {
    return readJsonFile(path, fix) as T;
  } catch (e) {
    if (e instanceof FileFormatError) throw new TrainError('bad-input', e.message);
    throw e;
  }
}

/**
 * What is wrong with a training configuration, one phrase per field (empty when nothing): every entry
 * point (CLI, worker, sweep, a `run.json` read back) goes through it, so a batch of 0 or an infinite
 * learning rate stops here instead of deep in tfjs.
 */
export function configProblems(c: Partial<TrainConfig>): string[] {
  const out: string[] = [];
  const int = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  const num = (v: unknown, ok: (x: number) => boolean): boolean => typeof v === 'number' && Number.isFinite(v) && ok(v);
  if (!STRATEGIES.includes(c.strategy as never)) out.push(`strategy ${JSON.stringify(c.strategy)} is not one of ${STRATEGIES.join(', ')}`);
  if (!int(c.epochs, 1, MAX_EPOCHS)) out.push(`epochs must be a whole number from 1 to ${MAX_EPOCHS.toLocaleString('en-US')}, not ${JSON.stringify(c.epochs)}`);
  if (!int(c.batchSize, 1, MAX_BATCH_SIZE)) out.push(`the batch size must be a whole number from 1 to ${MAX_BATCH_SIZE.toLocaleString('en-US')}, not ${JSON.stringify(c.batchSize)}`);
  if (!num(c.learningRate, (x) => x > 0 && x <= 1)) out.push(`the learning rate must be in (0, 1], not ${JSON.stringify(c.learningRate) ?? 'missing'}`);
  if (!num(c.weightDecay ?? 0, (x) => x >= 0 && x <= 1)) out.push(`the weight decay must be in [0, 1], not ${JSON.stringify(c.weightDecay)}`);
  const ls = c.lrSteps;
  if (ls && !(Array.isArray(ls.epochs) && ls.epochs.every((e) => int(e, 1, MAX_EPOCHS)) && num(ls.factor, (x) => x > 0 && x <= 1))) {
    out.push(`the learning-rate steps need whole epochs from 1 to ${MAX_EPOCHS.toLocaleString('en-US')} and a factor in (0, 1], not ${JSON.stringify(ls)}`);
  }
  if (c.target !== undefined && !num(c.target, (x) => x > 0)) out.push(`the SynOps target must be a positive number, not ${JSON.stringify(c.target)}`);
  if (c.lambda !== undefined && !num(c.lambda, (x) => x >= 0)) out.push(`λ must be a non-negative number, not ${JSON.stringify(c.lambda)}`);
  if (!int(c.seed, 0, MAX_SEED)) out.push(`the seed must be a whole number from 0 to ${MAX_SEED.toLocaleString('en-US')}, not ${JSON.stringify(c.seed)}`);
  if (c.scaleRhos !== undefined && !(Array.isArray(c.scaleRhos) && c.scaleRhos.every((x) => num(x, (r) => r > 0)))) out.push('the ρ values must be positive numbers');
  const ft = c.conversion?.finetune;
  if (ft && !(int(ft.epochs, 1, 1000) && int(ft.bins, 1, 1000) && num(ft.learningRate, (x) => x > 0 && x < 1) && int(ft.maxSamples, 1, 10_000_000) && int(ft.batchSize, 1, MAX_BATCH_SIZE))) {
    out.push('fine-tuning through time needs whole epochs and bins from 1 to 1,000, a learning rate in (0, 1) and a positive maxSamples');
  }
  const d = c.distill;
  if (d && !(typeof d.teacher === 'string' && d.teacher && num(d.weight, (x) => x >= 0 && x <= 1) && num(d.temperature, (x) => x > 0 && x <= 100))) {
    out.push(`distillation needs a teacher run, a weight in [0, 1] and a temperature in (0, 100], not ${JSON.stringify(d)}`);
  }
  return out;
}

/**
 * Writes `run.json` without the folder it lives in: a run folder is position-independent, so a copied or
 * moved run writes into the folder it was opened from, never back into the one it was made in.
 */
function writeInfo(info: RunInfo): void {
  const { dir, ...stored } = info;
  writeJson(join(dir, 'run.json'), { ...stored, config: storedPaths(info.config, (p) => relative(dir, p) || '.') });
}

/**
 * The config with its run paths (warm start, distillation teacher) mapped by `f`: stored relative to the run's
 * folder (`../baseline`), read back against it, so a reproduction moved or copied whole names its own runs.
 * A path stored absolute by an older version reads back unchanged.
 */
function storedPaths(c: TrainConfig, f: (p: string) => string): TrainConfig {
  return {
    ...c,
    ...(c.warmStart ? { warmStart: f(c.warmStart) } : {}),
    ...(c.distill ? { distill: { ...c.distill, teacher: f(c.distill.teacher) } } : {}),
  };
}

/**
 * Reads `run.json` of the run folder `dir`: its folder and id are the folder's, whatever an older file stored.
 * A record without its fields, or with settings no run could have had, is refused as damaged.
 */
export function readRunInfo(dir: string): RunInfo {
  const file = join(dir, 'run.json');
  const stored = readJson<RunInfo>(file);
  const bad = (what: string): never => { throw new TrainError('bad-input', `${file}: ${what}; ${DAMAGED_RUN}`); };
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) bad('not a JSON object');
  if (!stored.config || typeof stored.config !== 'object') bad('no "config" object');
  const problems = configProblems(stored.config);
  if (problems.length) bad(`"config": ${problems.join('; ')}`);
  if (!(Number.isInteger(stored.epochsDone) && stored.epochsDone >= 0)) bad(`"epochsDone" is ${JSON.stringify(stored.epochsDone)}, not a whole number`);
  if (typeof stored.modelHash !== 'string') bad('no "modelHash"');
  if (!['running', 'cancelled', 'failed', 'done'].includes(stored.state)) bad(`"state" is ${JSON.stringify(stored.state)}`);
  if (!stored.data || typeof stored.data !== 'object' || typeof stored.data.root !== 'string') bad('no "data" record');
  return { ...stored, config: storedPaths(stored.config, (p) => resolve(dir, p)), id: basename(resolve(dir)), dir: resolve(dir) };
}

/**
 * A file of a run folder by real path, refused when it (or a symbolic link on the way) leads out of the
 * folder: a run folder copied from elsewhere cannot make the tool read an arbitrary file.
 */
export function runFile(dir: string, rel: string): string {
  const root = realpathSync(dir);
  const real = realpathSync(join(dir, rel));
  if (!real.startsWith(root + sep)) throw new TrainError('bad-input', `${join(dir, rel)} resolves to ${real}, outside the run folder ${root}; a run's files must lie in its folder (a symbolic link may not lead out of it)`);
  return real;
}

/** A new run id: `<yyyymmdd-hhmmss>-<strategy>-<4 hex>`. */
export function newRunId(strategy: string, now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${stamp}-${strategy}-${Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0')}`;
}

export function runsDir(workspace: string): string { return join(workspace, '.synops', 'runs'); }

export function objectiveOf(cfg: TrainConfig): SynopObjective {
  if (cfg.strategy !== 'synops' && cfg.strategy !== 'synops-qrelu') return { kind: 'none' };
  if (cfg.lambda !== undefined) return { kind: 'penalty', lambda: cfg.lambda };
  if (!(cfg.target && cfg.target > 0)) throw new TrainError('bad-input', `strategy ${cfg.strategy} needs a SynOps target S0 > 0 (--target) or a penalty λ`);
  return { kind: 'target', target: cfg.target };
}

export interface RunHandle {
  info: RunInfo;
  model: ModelFile;
  net: TrainNet;
  adam: Adam;
}

/** Creates the run folder and its first files; the net is freshly initialised from `config.seed`. */
export function createRun(dir: string, model: ModelFile, config: TrainConfig, data: TrainData, backend: BackendInfo, maxRecordings?: number): RunHandle {
  mkdirSync(dir, { recursive: true });
  const now = new Date().toISOString();
  const info: RunInfo = {
    id: basename(resolve(dir)), dir: resolve(dir), modelName: model.name, modelHash: modelHash(model), config,
    activation: config.strategy === 'synops-qrelu' ? 'qrelu' : 'model',
    backend: { name: backend.name, notes: backend.notes, simd: backend.simd, threads: backend.threads },
    data: { root: data.root, kind: data.kind, maxRecordings, trainSamples: data.train.n, testSamples: data.test.n, recordings: data.recordings },
    state: 'running', epochsDone: 0, createdAt: now, updatedAt: now,
  };
  writeJson(join(dir, 'model.snn.json'), model);
  writeInfo(info);
  writeJson(join(dir, 'metrics.json'), []);
  return { info, model, net: buildNet(model, config.seed), adam: new Adam(config.learningRate) };
}

/** Reopens a run folder at its last checkpoint (or fresh weights if it has none). */
export function openRun(dir: string): RunHandle {
  if (!existsSync(join(dir, 'run.json'))) throw new TrainError('no-checkpoint', `${dir} is not a run folder (no run.json)`);
  const info = readRunInfo(dir);
  const model = readRunModel(dir);
  if (modelHash(model) !== info.modelHash) throw new TrainError('bad-input', `${join(dir, 'model.snn.json')} is not the model this run trained (its hash is ${modelHash(model)}, run.json says ${info.modelHash}); ${DAMAGED_RUN}`);
  const net = buildNet(model, info.config.seed);
  const adam = new Adam(info.config.learningRate);
  try {
    info.epochsDone = existsSync(join(dir, 'checkpoint.json')) ? loadCheckpoint(dir, net, adam) : 0;
  } catch (e) {
    disposeNet(net);
    adam.dispose();
    throw e;
  }
  return { info, model, net, adam };
}

/** The model file of a run folder, through the one model parser; its errors are located and refused. */
function readRunModel(dir: string): ModelFile {
  const file = join(dir, 'model.snn.json');
  const parsed = readModelFile(runFile(dir, 'model.snn.json'));
  const error = parsed.diagnostics.find((d) => d.severity === 'error');
  if (!parsed.model || error) throw new TrainError('bad-input', `${error ? diagnosticLine(file, error) : file}; ${DAMAGED_RUN}`);
  return parsed.model;
}

/**
 * Initialises a new run with the final weights of the finished run in `from` (same model), and makes them
 * checkpoint 0, so a cancelled fine-tuning resumes from them, not from fresh weights.
 */
export function warmStartRun(h: RunHandle, from: string): void {
  const src = openRun(from);
  try {
    if (src.info.state !== 'done') throw new TrainError('bad-input', `cannot start from ${from}: that run is ${src.info.state}, not done; finish it first`);
    if (modelHash(src.model) !== modelHash(h.model)) throw new TrainError('bad-input', `cannot start from ${from}: it trained another model (${src.model.name}); pick a run of ${h.model.name}`);
    assignWeights(h.net, src.net);
  } catch (e) {
    setState(h, 'failed', (e as Error).message);
    throw e;
  } finally { closeRun(src); }
  writeCheckpoint(h.info.dir, 0, h.net, h.adam);
}

/**
 * Records in `run.json` why a run stopped before it was done: cancelled (`e` a cancel, with `resume` saying
 * what Resume does next) or failed (the error's one-line message). The run keeps its last checkpoint, so a
 * failed run can resume too. Never throws: when the record cannot be written either (a full disk), the
 * first fault is the one to report.
 */
export function recordStop(h: RunHandle, e: unknown, resume: string): void {
  const cancelled = (e instanceof TrainError && e.code === 'cancelled') || (e as Error)?.name === 'AbortError';
  try {
    if (cancelled) setState(h, 'cancelled', `${(e as Error).message}; ${resume}`);
    else setState(h, 'failed', (e as Error)?.message ?? String(e));
  } catch {
    // The run record cannot be written: keep the original error.
  }
}

function setState(h: RunHandle, state: RunInfo['state'], message?: string): void {
  h.info.state = state;
  h.info.message = message;
  h.info.updatedAt = new Date().toISOString();
  writeInfo(h.info);
}

/**
 * Trains the remaining epochs of a run (from `info.epochsDone + 1`), checkpointing after every epoch, then
 * saves the model. Cancel → state `cancelled`, non-finite loss → `failed`; both rethrow a `TrainError`.
 */
export async function trainRemaining(h: RunHandle, data: TrainData, opts: TaskOptions = {}): Promise<EpochMetrics[]> {
  const { info, net, adam } = h;
  const cfg = info.config;
  const metricsPath = join(info.dir, 'metrics.json');
  const metrics = readMetrics(info.dir, cfg.countInputSynops).filter((m) => m.epoch <= info.epochsDone);
  // Fine-tuning through time, when the run asks for it, adds epochs after the ANN's (same checkpoints).
  const ft = cfg.conversion?.finetune || undefined;
  const epochs = cfg.epochs + (ft?.epochs ?? 0);
  const ctx = { runId: info.id, epochs, activation: info.activation, loss: { objective: objectiveOf(cfg), countInput: cfg.countInputSynops, weightDecay: cfg.weightDecay }, signal: opts.signal, onProgress: opts.onProgress, readout: cfg.conversion?.readout };
  let binned: BinnedSet | undefined;
  // `synops: "hold"`: the S0 of fine-tuning, measured once when it starts (a resumed run reads it back).
  let held: number | undefined;
  // The ANN epochs of a distillation read the teacher's logits; fine-tuning through time does not.
  let distilled: Partial<Pick<EpochContext, 'teacher' | 'loss'>> = {};
  if (cfg.distill && info.epochsDone < cfg.epochs) {
    opts.onProgress?.({ type: 'phase', runId: info.id, phase: 'train', message: `computing the teacher's logits (${cfg.distill.teacher}) on ${data.train.n} training samples` });
    const teacher = await teacherLogits(cfg.distill.teacher, data.train, info.modelHash, opts.signal);
    distilled = { teacher, loss: { ...ctx.loss, distill: { weight: cfg.distill.weight, temperature: cfg.distill.temperature } } };
  }
  setState(h, 'running');
  const backend = currentBackend();
  const threads = trainThreadsFor(backend, cfg.batchSize, defaultThreads);
  let parallel: ParallelTrainer | undefined;
  info.backend.trainThreads = threads;
  try {
    if (threads > 1 && info.epochsDone < epochs) {
      parallel = await ParallelTrainer.start(h.model, backend, threads, cfg.seed, shardThreadScript());
      opts.onProgress?.({ type: 'phase', runId: info.id, phase: 'train', message: `training on ${threads} threads` });
    }
    for (let epoch = info.epochsDone + 1; epoch <= epochs; epoch++) {
      let m: EpochMetrics;
      if (ft && epoch > cfg.epochs) {
        if (!binned) {
          opts.onProgress?.({ type: 'phase', runId: info.id, phase: 'train', message: `binning ${Math.min(ft.maxSamples, data.train.n)} training samples into ${ft.bins} time bins for fine-tuning through time` });
          binned = await finetuneData(h.model, data.train, ft, cfg.seed, opts.signal);
        }
        held ??= await heldSynops(net, binned, ft, ctx.loss, metrics.find((x) => x.epoch === cfg.epochs + 1)?.throughTime?.target, opts.signal);
        m = await finetuneEpoch(net, adam, binned, cfg, ft, epoch, { ...ctx, parallel }, held);
      } else m = await trainEpoch(net, adam, data.train, cfg, epoch, { ...ctx, ...distilled, parallel });
      m.threads = parallel?.threads ?? 1;
      if (cfg.evalEachEpoch && data.test.n) {
        const ev = await evaluateAnn(net, data.test, { activation: info.activation, signal: opts.signal });
        m.valAccuracy = ev.accuracy;
        m.valSynops = ev.hiddenSynops;
      }
      // The network as trained, before fine-tuning through time changes it: what its SNN is compared with.
      if (ft && epoch === cfg.epochs && data.test.n) m.annQuantized = await evaluateAnn(net, data.test, { activation: 'qrelu', signal: opts.signal });
      writeCheckpoint(info.dir, epoch, net, adam);
      metrics.push(m);
      writeJson(metricsPath, metrics);
      info.epochsDone = epoch;
      setState(h, 'running');
      opts.onProgress?.({ type: 'epoch', runId: info.id, epochs, metrics: m });
    }
  } catch (e) {
    recordStop(h, e, `resume continues from epoch ${info.epochsDone + 1}`);
    throw e;
  } finally {
    await parallel?.close();
  }
  saveTfjsModel(join(info.dir, 'model'), net, info.activation, { runId: info.id, backend: currentBackend(), epochs: info.epochsDone });
  return metrics;
}

/**
 * `metrics.json` of a run folder, or none. Epochs of runs written before the one `EpochMetrics` shape are
 * read as it (`epochFromLegacy`), with the run's `countInputSynops` (from its `run.json` unless given).
 */
export function readMetrics(dir: string, countInput?: boolean): EpochMetrics[] {
  const p = join(dir, 'metrics.json');
  if (!existsSync(p)) return [];
  const stored = readJson<(EpochMetrics | LegacyEpochMetrics)[]>(p);
  if (!stored.some(isLegacyEpoch)) return stored as EpochMetrics[];
  const counts = countInput ?? readRunInfo(dir).config.countInputSynops === true;
  return stored.map((e) => (isLegacyEpoch(e) ? epochFromLegacy(e, counts) : e));
}

export function finishRun(h: RunHandle, message?: string): void { setState(h, 'done', message); }
export function closeRun(h: RunHandle): void { disposeNet(h.net); h.adam.dispose(); }
