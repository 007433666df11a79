/**
 * What runs add to the energy report of a model file. A run's own model file (`<run>/model.snn.json`) shows
 * that run's measured numbers: the spiking network's SynOps per receiving layer from its `evaluation.json`,
 * the quantized ANN's proxy, the held-out accuracies, the silent and tied outputs and, when the evaluation
 * recorded one, the conversion diagnosis. A model file elsewhere in a workspace shows the same figures of
 * the newest evaluated run of the same model (same input and layers), or of the run the user picked; the
 * estimate remains only where no such run exists, and then says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isConversionDiagnosis, type ConversionDiagnosis, type ModelReport, type OutputSilence } from '../../protocol/report';
import type { RunRow } from '../../protocol/runs';
import { isNeuroBenchReport } from '../../protocol/neurobench';
import { listRuns } from './list';
import { silenceWarning } from '../../core/train/silence';
import type { Evaluation, RunInfo } from '../../core/train/types';

/** Which runs may supply a model file's figures: the workspace's, and the one picked (`''`: none, the estimate). */
export interface RunChoice { workspace?: string; runId?: string }

/**
 * Adds a run's measured figures to `report`: the run whose model file `modelPath` is, else (given a
 * workspace) the picked or newest evaluated run of the same model. Returns `report` unchanged, or with the
 * estimate's words saying why no run's figures apply, when there is none.
 */
export function withRunFigures(report: ModelReport, modelPath: string, choice: RunChoice = {}): ModelReport {
  const dir = dirname(modelPath);
  if (basename(modelPath) === 'model.snn.json' && existsSync(join(dir, 'run.json'))) {
    const ev = readEvaluation(dir);
    if (!ev) return report;
    const info = readInfo(dir);
    return applyRun(report, basename(dir), ev, { how: 'own', candidates: 1, sameModel: !info || info.modelHash === report.modelHash });
  }
  if (!choice.workspace) return report;
  let runs: RunRow[];
  try {
    runs = listRuns(choice.workspace);
  } catch {
    return report; // an unreadable runs folder leaves the model's own figures, as before
  }
  const candidates = evaluatedRunsOf(runs, report.modelHash);
  if (choice.runId === '') return estimateSaying(report, `Estimate chosen for this model instead of its ${candidates.length} evaluated run${candidates.length === 1 ? '' : 's'}.`);
  const picked = choice.runId ? candidates.find((r) => r.id === choice.runId) : undefined;
  // The file's own simulation result (`synops simulate` on this very file) is measured too: it stays unless a run was picked.
  if (!picked && report.basis.kind === 'measured') return report;
  const run = picked ?? candidates[0];
  if (!run) return estimateSaying(report, 'No evaluated run of this model yet: train it (SynOps: Train Model) to see measured figures.');
  const ev = readEvaluation(run.dir);
  if (!ev) return report;
  return applyRun(report, run.id, ev, { how: picked ? 'picked' : 'latest', candidates: candidates.length, sameModel: true });
}

/**
 * The evaluated runs (a spiking simulation with per-layer SynOps) of the model with `modelHash`, newest first
 * (by start time; runs without one last, in folder order).
 */
export function evaluatedRunsOf(runs: RunRow[], modelHash: string): RunRow[] {
  return runs
    .filter((r) => !r.problem && r.modelHash === modelHash && r.snnSynops !== undefined)
    .map((r, i) => ({ r, i, t: r.createdAt ? Date.parse(r.createdAt) : NaN }))
    .sort((a, b) => (Number.isFinite(b.t) ? b.t : -Infinity) - (Number.isFinite(a.t) ? a.t : -Infinity) || b.i - a.i)
    .map((x) => x.r);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function readEvaluation(dir: string): Evaluation | undefined {
  const ev = readJson<Evaluation>(join(dir, 'evaluation.json'));
  return ev && typeof ev === 'object' && ev.annQuantized ? ev : undefined;
}

function readInfo(dir: string): RunInfo | undefined {
  return readJson<RunInfo>(join(dir, 'run.json'));
}

/** The estimate's basis with `why` in front of its assumption. */
function estimateSaying(report: ModelReport, why: string): ModelReport {
  const b = report.basis;
  return b.kind === 'estimate' ? { ...report, basis: { ...b, assumption: `${why} ${b.assumption}` } } : report;
}

/**
 * The report with run `id`'s figures: the quantized ANN's proxy per layer, the accuracies, and — when the
 * run was simulated on this version of the model — the spiking network's SynOps per receiving layer as the
 * measured basis (energies recomputed from them), its silent and tied outputs and its diagnosis.
 */
function applyRun(report: ModelReport, id: string, ev: Evaluation, o: { how: 'own' | 'latest' | 'picked'; candidates: number; sameModel: boolean }): ModelReport {
  const proxy = new Map(ev.annQuantized.synopsPerLayer.map((l) => [l.receiver, l.synops]));
  const conversion = diagnosisOf(ev);
  let out: ModelReport = {
    ...report,
    runId: id,
    // The quantized ANN as trained (before any fine-tuning through time): what the spiking network is measured against.
    accuracy: { snn: ev.snn?.accuracy, ann: (ev.annQuantizedTrained ?? ev.annQuantized).accuracy },
    layers: report.layers.map((l) => (proxy.has(l.name) ? { ...l, synopsAnn: proxy.get(l.name) } : l)),
    figuresFrom: { runId: id, how: o.how, candidates: o.candidates },
    // Runs evaluated before the diagnosis existed have none; the key is then left out, not set to undefined.
    ...(conversion ? { conversion } : {}),
  };
  const snn = ev.snn;
  if (!snn) return estimateSaying(out, `Run ${id} has no spiking simulation (its evaluation has the quantized ANN only).`);
  out = { ...out, outputs: outputsOf(snn, conversion) };
  if (!o.sameModel) return estimateSaying(out, `Run ${id} was measured on another version of this model file.`);
  const measured = new Map(snn.synopsPerLayer.map((l) => [l.receiver, l.synops]));
  // Every connection must have its measured figure; a partial set would mix measured and assumed SynOps.
  if (!report.emitters.every((e) => measured.has(e.receiver))) return estimateSaying(out, `Run ${id}'s evaluation does not name every layer of this model.`);
  if (isNeuroBenchReport(snn.neurobench)) out = { ...out, neurobench: snn.neurobench };
  return measuredFrom(out, measured, { kind: 'measured', source: `run ${id}'s spiking simulation (evaluation.json)`, samples: snn.samples });
}

/** Silent and tied outputs of the spiking evaluation, with the diagnosis' warning or, without one, the same rule's. */
function outputsOf(snn: NonNullable<Evaluation['snn']>, conversion?: ConversionDiagnosis): OutputSilence {
  const silent = snn.silent ?? 0;
  const warning = conversion?.warning ?? silenceWarning(silent, snn.samples, snn.readoutKind ?? 'spikes');
  return { samples: snn.samples, silent, ties: snn.ties ?? 0, ...(warning ? { warning } : {}) };
}

/**
 * `report` with its SynOps per receiving layer replaced by `measured` (SynOps per sample), emitters and
 * totals summed again, and every neuromorphic profile's energy recomputed as SynOps × J/SynOp.
 */
export function measuredFrom(report: ModelReport, measured: Map<string, number>, basis: ModelReport['basis']): ModelReport {
  const perSynOp = report.profiles.flatMap((p) => (p.kind === 'snn' ? [[p.id, p.joulesPerSynOp] as const] : []));
  const energyOf = (synops: number): Record<string, number> => Object.fromEntries(perSynOp.map(([id, j]) => [id, synops * j]));
  const layers = report.layers.map((l) => {
    const m = measured.get(l.name);
    return l.synops !== undefined && m !== undefined ? { ...l, synops: m, energyJ: energyOf(m) } : l;
  });
  const emitters = report.emitters.map((e) => ({ ...e, synops: measured.get(e.receiver) ?? e.synops }));
  const total = emitters.reduce((a, e) => a + e.synops, 0);
  return { ...report, layers, emitters, basis, totals: { ...report.totals, synops: total, energyJ: energyOf(total) } };
}

/** The spiking evaluation's conversion diagnosis (`evaluation.snn.diagnosis`), when it has the expected shape. */
function diagnosisOf(ev: Evaluation): ConversionDiagnosis | undefined {
  const d = ev.snn?.diagnosis;
  return isConversionDiagnosis(d) ? d : undefined;
}
