/**
 * Sweeps that draw accuracy-vs-SynOps curves:
 * - `independent`: the MNIST-DVS procedure, one fresh model per target S0 (default 10 targets
 *   `logspace(1e4, 2e6)`, 8 epochs, batch 256, Adam 1e-3, SynOp loss + QReLU), same seed and data for all;
 * - `chain`: the CIFAR procedure: pre-train with ReLU; initialise the QReLU network from it with the first
 *   layer ×ρ and the last weighted layer ×1/ρ; then for each target, in decreasing order, fine-tune from
 *   the previous model; evaluate each also with the first layer ×1.5 and ×2.
 * Each model is an ordinary run folder under `<out>/`; `<out>/sweep.json` lists the rows.
 */
import { join, relative } from 'node:path';
import { logspace } from '../../core/train/logspace';
import { ensureBackend, loadData, loadModel } from './api';
import { resolveConfig, type DataRequest } from './request';
import { writeCheckpoint } from './checkpoint';
import { assignWeights } from '../../core/train/net';
import { closeRun, createRun, finishRun, runsDir, newRunId, trainRemaining, writeJson } from './run';
import { evaluateRunDir, firstWeightLayer } from './run-eval';
import { lockRunFolder } from './run-lock';
import type { BackendName, ThreadsChoice } from '../../core/train/backend';
import type { Evaluation, TaskOptions, TrainConfig } from '../../core/train/types';
import type { ModelFile } from '../../core/model/types';

export interface SweepRequest extends DataRequest {
  model: string | ModelFile;
  kind: 'independent' | 'chain';
  /** Targets S0; default logspace(1e4, 2e6, 10) (independent) or 30 decreasing from 2e6 to 1e4 (chain). */
  targets?: number[];
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  weightDecay?: number;
  seed?: number;
  /** chain: pre-training epochs with ReLU (default = epochs) and the ρ of the QReLU initialisation (default 1). */
  pretrainEpochs?: number;
  rho?: number;
  /** chain: step schedule of each fine-tuning. */
  lrSteps?: { epochs: number[]; factor: number };
  snnSamples?: number;
  out?: string;
  backend?: BackendName;
  /** Threads per training step (default `auto`). */
  threads?: ThreadsChoice;
}

export interface SweepRow {
  target: number;
  runDir: string;
  accuracy: number;
  synops: number;
  evaluation: Evaluation;
}

export interface SweepResult { dir: string; kind: SweepRequest['kind']; backend: string; rows: SweepRow[] }

const row = (target: number, runDir: string, ev: Evaluation): SweepRow => ({
  target, runDir, accuracy: (ev.snn ?? ev.annQuantized).accuracy, synops: (ev.snn ?? ev.annQuantized).totalSynops, evaluation: ev,
});

/** Targets of a sweep when none are given, and its epochs per model. */
export const DEFAULT_SWEEP_TARGETS = { independent: 10, chain: 30 } as const;
export const DEFAULT_SWEEP_EPOCHS = 8;

/** Runs a sweep with its folder locked (`lockRunFolder`): two sweeps into one `--out` would overwrite each other's runs. */
export async function sweep(r: SweepRequest, opts: TaskOptions = {}): Promise<SweepResult> {
  const dir = r.out ?? join(runsDir(r.workspace), newRunId(`sweep-${r.kind}`));
  const unlock = lockRunFolder(dir, (message) => opts.onProgress?.({ type: 'phase', phase: 'sweep', message }));
  try { return await sweepIn(dir, r, opts); } finally { unlock(); }
}

async function sweepIn(dir: string, r: SweepRequest, opts: TaskOptions): Promise<SweepResult> {
  const backend = await ensureBackend(r.backend, r.threads);
  const model = loadModel(r.model);
  const base: TrainConfig = resolveConfig(model, { ...r, strategy: 'synops-qrelu', epochs: r.epochs ?? DEFAULT_SWEEP_EPOCHS, batchSize: r.batchSize ?? 256, learningRate: r.learningRate ?? 1e-3 });
  const data = await loadData(model, r, base.seed, opts);
  const rows: SweepRow[] = [];
  // Run folders relative to the sweep's: the sweep folder can be moved or copied whole.
  const save = (): void => writeJson(join(dir, 'sweep.json'), { kind: r.kind, backend: backend.name, rows: rows.map((x) => ({ ...x, runDir: relative(dir, x.runDir) })) });
  const snnSamples = r.snnSamples ?? 200;
  const phase = (message: string, done: number, total: number): void => opts.onProgress?.({ type: 'phase', phase: 'sweep', message, done, total });
  if (r.kind === 'independent') {
    const targets = r.targets ?? logspace(1e4, 2e6, DEFAULT_SWEEP_TARGETS.independent);
    for (const [k, target] of targets.entries()) {
      phase(`target ${target.toExponential(2)}`, k, targets.length);
      const h = createRun(join(dir, `t${String(k).padStart(2, '0')}`), model, { ...base, target }, data, backend, r.maxRecordings);
      try {
        await trainRemaining(h, data, opts);
        rows.push(row(target, h.info.dir, await evaluateRunDir(h, data, { snnSamples, ...opts })));
        finishRun(h);
      } finally { closeRun(h); }
      save();
    }
    return { dir, kind: r.kind, backend: backend.name, rows };
  }
  // Chain: pre-train with the model's own (ReLU) activations and no SynOp term.
  const targets = r.targets ?? logspace(1e4, 2e6, DEFAULT_SWEEP_TARGETS.chain).reverse();
  const pre = createRun(join(dir, 'pretrain'), model, { ...base, strategy: 'baseline', epochs: r.pretrainEpochs ?? base.epochs }, data, backend);
  let prev = pre;
  try {
    await trainRemaining(pre, data, opts);
    finishRun(pre);
    const rho = r.rho ?? 1;
    const weightLayers = model.layers.filter((l) => l.type === 'conv2d' || l.type === 'linear').map((l) => l.name);
    const first = firstWeightLayer(model);
    const last = weightLayers[weightLayers.length - 1];
    for (const [k, target] of targets.entries()) {
      phase(`chain target ${target.toExponential(2)}`, k, targets.length);
      const h = createRun(join(dir, `c${String(k).padStart(2, '0')}`), model, { ...base, target, lrSteps: r.lrSteps }, data, backend);
      assignWeights(h.net, prev.net, (name) => (k === 0 ? (name === first ? rho : name === last ? 1 / rho : 1) : 1));
      // A warm start is checkpoint 0, so a cancelled link resumes from the previous model, not from noise.
      writeCheckpoint(h.info.dir, 0, h.net, h.adam);
      await trainRemaining(h, data, opts);
      rows.push(row(target, h.info.dir, await evaluateRunDir(h, data, { snnSamples, rhos: [1.5, 2], ...opts })));
      finishRun(h);
      if (prev !== pre) closeRun(prev);
      prev = h;
      save();
    }
  } finally {
    if (prev !== pre) closeRun(prev);
    closeRun(pre);
  }
  return { dir, kind: r.kind, backend: backend.name, rows };
}
