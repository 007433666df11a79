/**
 * The reproduction procedure (`synops reproduce`): on one dataset, train the baseline; evaluate it with the
 * first layer ×ρ (weight scaling, no retraining); train one model per SynOp target with the SynOp loss, and
 * one with the SynOp loss and QReLU activations; evaluate every model on the held-out split, as the ANN proxy
 * and as a simulated spiking network. The report folder holds:
 * - `model.snn.json`: the model trained (the MNIST-DVS template, or its 34×34 variant for N-MNIST);
 * - `runs/<name>/`: one ordinary run folder per model (a rerun with the same folder resumes or reuses them);
 * - `report.json` (`ReproduceReport`) and `report.html`, rewritten after every model.
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import templateModel from '../../../templates/mnist-dvs.snn.json';
import { scanDataset } from '../data/datasets';
import { openEvents } from '../../core/data/detect';
import { BUILTIN_PROFILES, DEFAULT_ANN_PROFILE, DEFAULT_SNN_PROFILE } from '../../core/energy/profiles';
import { writeAtomic } from '../atomic';
import { layerStats } from '../../core/model/shapes';
import type { ModelFile } from '../../core/model/types';
import { evaluateRun, loadData, resolveData, train } from '../train/api';
import { resolveConversion, type DataRequest } from '../train/request';
import type { BackendName, ThreadsChoice } from '../../core/train/backend';
import { readJson } from '../train/run';
import { TrainError, type Evaluation, type RunInfo, type Strategy, type TaskOptions } from '../../core/train/types';
import { chainOf, controlEpochs, finetuneEpochsOf, fitBudget, lrStepsOf, targetCount, targetsOf, trainingText } from '../../core/reproduce/budget';
import { renderHtml } from '../../core/reproduce/html';
import { conversionGap, conversionLoss, headline, modelPoint, ordering, outputGainHeadline, proxyAgreement, scalePoints, type Energy } from '../../core/reproduce/report';
import type { Budget, ReportPoint, ReproduceReport, Summary } from '../../core/reproduce/types';
import { fileSource } from '../data/files';

export interface ReproduceRequest {
  /** `synth`, or a dataset folder (N-MNIST, MNIST-DVS, or flat with labels.txt). */
  data: string;
  budget: Budget;
  /** Report folder. */
  out: string;
  /** Where the synthetic data and the frame cache live (`<workspace>/.synops/…`). */
  workspace: string;
  backend?: BackendName;
  /** Threads per training step (default `auto`). */
  threads?: ThreadsChoice;
  /** The network to train instead of the MNIST-DVS template (its 34×34 variant is made for N-MNIST alike). */
  model?: ModelFile;
  /** Distil every SynOp model from the reference (`Budget.distill`); recorded in the report's budget. */
  distill?: { weight: number; temperature: number };
}

export interface ReproduceOptions extends TaskOptions {
  /** One line per step of the procedure. */
  log?: (line: string) => void;
}

export interface ReproduceResult { report: ReproduceReport; reportJson: string; reportHtml: string }

/** The MNIST-DVS network for a 34×34 N-MNIST sensor: full resolution input, 1,500 events per sample. */
export function nmnistModel(template: ModelFile = templateModel as ModelFile): ModelFile {
  const m = structuredClone(template);
  m.name = `${template.name}, N-MNIST input 34×34`;
  if (m.input.kind !== 'events') throw new Error('the template is not an event model');
  m.input = { ...m.input, shape: [1, 34, 34], sensor: [34, 34], chunkEvents: 1500 };
  return m;
}

/** The model for a dataset: the 34×34 variant when the recordings come from a 34×34 sensor, else the template as is. */
export async function modelForData(data: string, root: string, base: ModelFile = templateModel as ModelFile): Promise<{ model: ModelFile; kind: string }> {
  const template = structuredClone(base);
  if (data === 'synth') return { model: template, kind: 'synth' };
  const index = scanDataset(root);
  if (index.kind === 'cifar10') throw new Error(`${root} is CIFAR-10; reproduce runs the event-camera (MNIST-DVS / N-MNIST) procedure`);
  const first = index.recordings[0];
  if (!first) throw new Error(`${root} has no recordings`);
  const { meta } = await openEvents(fileSource(first.file));
  return { model: meta.width <= 34 && meta.height <= 34 ? nmnistModel(template) : template, kind: index.kind };
}

/** Every held-out sample when the budget gives no count. */
const ALL_SAMPLES = Number.MAX_SAFE_INTEGER;

export async function reproduce(r: ReproduceRequest, opts: ReproduceOptions = {}): Promise<ReproduceResult> {
  const start = performance.now();
  const log = opts.log ?? (() => undefined);
  mkdirSync(r.out, { recursive: true });
  // Every stage reads the same folder: the synthetic digits of the budget's size (`synth-<N>`), or the dataset.
  const dataReq: DataRequest = { data: r.data, workspace: r.workspace, maxRecordings: r.budget.maxRecordings, ...(r.data === 'synth' && r.budget.synthPerDigit ? { synthPerDigit: r.budget.synthPerDigit } : {}) };
  const root = await resolveData(dataReq, opts);
  const { model, kind } = await modelForData(r.data, root, r.model);
  let b = r.distill ? { ...r.budget, distill: r.distill } : r.budget;
  if (b.minSteps || b.chain?.minSteps || b.finetuneMinSteps) {
    // A small dataset gets more epochs (counted on the training split the runs will use).
    const d = await loadData(model, dataReq, b.seed, opts);
    b = fitBudget(b, d.train.n);
    log(`${d.train.n} training samples: ${trainingText(b)}`);
    // Fine-tuning through time as the runs will resolve it (budget over model file over defaults), with its
    // epochs raised to the budget's step minimum; the budget then carries them, so the report records them.
    const ft = resolveConversion(model.conversion, b.conversion, model.input.kind === 'events').finetune;
    const ftEpochs = ft ? finetuneEpochsOf(ft, d.train.n, b.finetuneMinSteps) : 0;
    if (ft && ftEpochs > ft.epochs) {
      b = { ...b, conversion: { ...b.conversion, finetune: { ...(b.conversion?.finetune || {}), epochs: ftEpochs } } };
      log(`    fine-tuning through time: ${ftEpochs} epochs per model (at least ${b.finetuneMinSteps} steps)`);
    }
  }
  const modelPath = join(r.out, 'model.snn.json');
  writeAtomic(modelPath, JSON.stringify(model, null, 2) + '\n');

  const snnProfile = BUILTIN_PROFILES.find((p) => p.id === (model.energy?.profile ?? DEFAULT_SNN_PROFILE) && p.kind === 'snn') ?? BUILTIN_PROFILES.find((p) => p.id === DEFAULT_SNN_PROFILE)!;
  const annProfile = BUILTIN_PROFILES.find((p) => p.id === (model.energy?.annProfile ?? DEFAULT_ANN_PROFILE) && p.kind === 'ann') ?? BUILTIN_PROFILES.find((p) => p.id === DEFAULT_ANN_PROFILE)!;
  const annMacs = layerStats(model).reduce((a, l) => a + l.macs, 0);
  const energy: Energy = {
    joulesPerSynOp: snnProfile.kind === 'snn' ? snnProfile.joulesPerSynOp : 1e-11,
    joulesPerMac: annProfile.kind === 'ann' ? annProfile.joulesPerMac : 4.6e-12, annMacs,
  };
  const snnSamples = b.snnSamples ?? ALL_SAMPLES;
  const runs = join(r.out, 'runs');
  const common = {
    model, ...dataReq, epochs: b.epochs, batchSize: b.batchSize,
    learningRate: b.learningRate, seed: b.seed, backend: r.backend, threads: r.threads, ...(b.conversion ? { conversion: b.conversion } : {}),
  };
  const points: ReportPoint[] = [];
  const rel = (dir: string): string => relative(r.out, dir).split('\\').join('/');
  const reportJson = join(r.out, 'report.json');
  const reportHtml = join(r.out, 'report.html');

  // 1. Baseline (the spiking evaluation comes with the weight-scaling sweep below). With a chain, also its
  // control: the baseline trained on without the SynOp term for as many epochs as the longest chain adds.
  const nTargets = targetCount(b);
  const chain = chainOf(b);
  const total = 2 + 2 * nTargets + (chain ? 1 : 0);
  let step = 0;
  const stepLog = (msg: string): void => log(`[${++step}/${total}] ${msg}`);
  stepLog(`baseline: ${b.epochs} epochs, batch ${b.batchSize}`);
  const base = await train({ ...common, lrSteps: lrStepsOf(b, b.epochs), strategy: 'baseline', out: join(runs, 'baseline'), snnSamples: 0 }, opts);
  const info = readJson<RunInfo>(join(base.runDir, 'run.json'));
  const threads = info.backend.trainThreads ?? 1;
  const backend = `${base.backend.name}${base.backend.simd ? ' (SIMD)' : ''}, ${threads} training thread${threads === 1 ? '' : 's'}`;
  const write = (): ReproduceReport => {
    const report = buildReport({ budget: b, points, data: r.data, root, kind, model, info, energy, snnProfile: snnProfile.name, annProfile: annProfile.name, backend, wallSeconds: (performance.now() - start) / 1000 });
    writeAtomic(reportJson, JSON.stringify(report, null, 1) + '\n');
    writeAtomic(reportHtml, renderHtml(report));
    return report;
  };

  // 2. Weight scaling: the baseline's first layer ×ρ, no retraining; also the baseline's own spiking evaluation.
  stepLog(`weight scaling ρ ∈ {${b.rhos.join(', ')}} and spiking evaluation of the baseline`);
  const scaled: Evaluation = await evaluateRun({ runDir: base.runDir, ...dataReq, split: 'test', snnSamples, rhos: b.rhos }, opts);
  const baseline = modelPoint('baseline', rel(base.runDir), scaled, energy);
  points.push(baseline, ...scalePoints(rel(base.runDir), scaled, energy));
  // The teacher of a distillation: the reference, i.e. the control when there is one.
  let teacher = base.runDir;
  if (chain) {
    stepLog(`control: the baseline trained on for ${controlEpochs(b)} more epochs without the SynOp term`);
    const res = await train({ ...common, lrSteps: lrStepsOf(b, controlEpochs(b)), strategy: 'baseline', epochs: controlEpochs(b), warmStart: base.runDir, out: join(runs, 'baseline-control'), snnSamples }, opts);
    points.push({ ...modelPoint('baseline', rel(res.runDir), res.evaluation, energy), control: true });
    teacher = res.runDir;
  }
  write();
  log(`    baseline: ANN-Q ${(100 * scaled.annQuantized.accuracy).toFixed(1)} % at ${Math.round(scaled.annQuantized.totalSynops)} SynOps (hidden ${Math.round(scaled.annQuantized.hiddenSynops)}); SNN ${scaled.snn ? `${(100 * scaled.snn.accuracy).toFixed(1)} % at ${Math.round(scaled.snn.totalSynops)}` : '–'}`);

  // 3–4. One model per target with the SynOp loss, then with the SynOp loss and QReLU: each from fresh
  // weights, or (chain) fine-tuned from the previous one, the first from the baseline.
  const targets = targetsOf(b, scaled.annQuantized.hiddenSynops);
  if (chain) targets.sort((x, y) => y - x);
  for (const strategy of ['synops', 'synops-qrelu'] as Strategy[]) {
    let previous = base.runDir;
    for (const [k, target] of targets.entries()) {
      const epochs = chain?.epochs ?? b.epochs;
      stepLog(`${strategy} S0 = ${target.toExponential(2)}: ${epochs} epochs, batch ${b.batchSize}${chain ? `, from ${rel(previous)}` : ''}`);
      const res = await train({ ...common, lrSteps: lrStepsOf(b, epochs), strategy, target, epochs, ...(chain ? { warmStart: previous } : {}), ...(b.distill ? { distill: { teacher, ...b.distill } } : {}), out: join(runs, `${strategy}-${String(k).padStart(2, '0')}`), snnSamples }, opts);
      previous = res.runDir;
      const p = modelPoint(strategy, rel(res.runDir), res.evaluation, energy, target);
      points.push(p);
      write();
      log(`    ANN-Q ${(100 * p.ann.accuracy).toFixed(1)} % at ${Math.round(p.ann.totalSynops)}; SNN ${p.snn ? `${(100 * p.snn.accuracy).toFixed(1)} % at ${Math.round(p.snn.totalSynops)} (${p.snn.ties ?? 0} ties)` : '–'}`);
    }
  }
  const report = write();
  return { report, reportJson, reportHtml };
}

/**
 * Rebuilds `report.json`'s summary and `report.html` of a finished reproduction from its points, without
 * training or simulating anything: for a report written by an older version of the summary or the figures.
 */
export function rerender(out: string): ReproduceResult {
  const reportJson = join(out, 'report.json');
  const reportHtml = join(out, 'report.html');
  const old = readJson<ReproduceReport>(reportJson);
  if (old.kind !== 'synops-reproduce') throw new TrainError('bad-input', `${reportJson} is not a reproduction report ("kind" is ${JSON.stringify(old.kind)})`);
  const s = old.summary;
  const report = buildReport({
    budget: old.budget, points: old.points, data: s.dataset.data, root: s.dataset.root, kind: s.dataset.kind,
    model: readJson<ModelFile>(join(out, 'model.snn.json')),
    info: { data: { root: s.dataset.root, kind: s.dataset.kind, trainSamples: s.split.samples.train, testSamples: s.split.samples.test, recordings: s.split.recordings }, config: { seed: s.split.seed } as RunInfo['config'] },
    energy: { joulesPerSynOp: s.energyProfiles.joulesPerSynOp, joulesPerMac: s.energyProfiles.joulesPerMac, annMacs: s.annMacs },
    snnProfile: s.energyProfiles.snn, annProfile: s.energyProfiles.ann, backend: s.backend, wallSeconds: s.wallSeconds, createdAt: old.createdAt,
  });
  writeAtomic(reportJson, JSON.stringify(report, null, 1) + '\n');
  writeAtomic(reportHtml, renderHtml(report));
  return { report, reportJson, reportHtml };
}

export interface BuildInput {
  budget: Budget;
  points: ReportPoint[];
  data: string;
  root: string;
  kind: string;
  model: ModelFile;
  info: Pick<RunInfo, 'data' | 'config'>;
  energy: Energy;
  snnProfile: string;
  annProfile: string;
  backend: string;
  wallSeconds: number;
  createdAt?: string;
}

/** The report of the points so far (the baseline first). */
export function buildReport(x: BuildInput): ReproduceReport {
  const baseline = x.points.find((p) => p.strategy === 'baseline');
  if (!baseline) throw new Error('the report needs the baseline point');
  const { best, criterion } = headline(x.points, baseline);
  const control = x.points.find((p) => p.control);
  const ord = ordering(x.points);
  const conversion = conversionLoss(x.points);
  const gap = conversionGap(x.points);
  const d = x.info.data;
  const snnSamples = baseline.snn?.samples ?? 0;
  const input = x.model.input;
  const split: Summary['split'] = {
    method: '80/20 by recording (no recording in both splits)', seed: x.info.config.seed, recordings: d.recordings,
    samples: { train: d.trainSamples, test: d.testSamples }, snnSamples,
    text: `split 80/20 by recording (seed ${x.info.config.seed}): ${d.recordings.train} training recordings (${d.trainSamples} samples), ${d.recordings.test} held-out recordings (${d.testSamples} samples); spiking evaluation on ${snnSamples === d.testSamples ? 'all' : snnSamples} of the ${d.testSamples} held-out samples`,
  };
  const summary: Summary = {
    dataset: { data: x.data, root: x.root, kind: x.kind, model: x.model.name, input: [...input.shape], ...(input.kind === 'events' ? { chunkEvents: input.chunkEvents } : {}) },
    split,
    baseline: {
      snnAccuracy: baseline.snn?.accuracy ?? NaN, snnSynops: baseline.snn?.totalSynops ?? NaN, snnHiddenSynops: baseline.snn?.hiddenSynops ?? NaN,
      ...(baseline.snn?.ties !== undefined ? { ties: baseline.snn.ties } : {}), annAccuracy: baseline.ann.accuracy, annSynops: baseline.ann.totalSynops,
    },
    ...(control?.snn ? { control: { snnAccuracy: control.snn.accuracy, snnSynops: control.snn.totalSynops, annAccuracy: control.ann.accuracy, epochs: controlEpochs(x.budget) } } : {}),
    best, criterion, annMacs: x.energy.annMacs,
    ...(baseline.snnOutputGain ? { outputGain: outputGainHeadline(x.points, baseline) } : {}),
    energyProfiles: { snn: x.snnProfile, joulesPerSynOp: x.energy.joulesPerSynOp, ann: x.annProfile, joulesPerMac: x.energy.joulesPerMac },
    proxy: proxyAgreement(x.points), ...(conversion ? { conversion } : {}), ...(gap ? { conversionGap: gap } : {}), ordering: ord.rows, orderingHolds: ord.holds,
    budget: x.budget.name, backend: x.backend, wallSeconds: x.wallSeconds,
  };
  return { kind: 'synops-reproduce', version: 1, createdAt: x.createdAt ?? new Date().toISOString(), budget: x.budget, points: x.points, summary };
}
