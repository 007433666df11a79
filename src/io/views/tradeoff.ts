/**
 * The accuracy-vs-SynOps trade-off as the views draw it, computed from the run folders: one point per
 * evaluated run (the spiking network's accuracy and SynOps when simulated, else the quantized ANN's, labelled
 * as such), one per ρ of a weight-scaling evaluation (named by its ρ), the reproduction's control marked as
 * such, the dense ANN's MACs as a reference, and a reproduction's verdict on its goal with the figures.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RunRow } from '../../protocol/runs';
import { strategyName } from '../../protocol/strategy';
import type { Strategy, TradeoffPayload, TradeoffPoint, TradeoffVerdict } from '../../protocol/views';
import { analyzeModelText } from '../../core/report';
import type { ReproduceReport } from '../../core/reproduce/types';
import { listRuns, listRunsIn } from '../train/list';

/** The trainer's strategy id as the views spell it (the one table: `src/protocol/strategy.ts`); unknown: baseline. */
export function viewStrategy(id: string | undefined): Strategy {
  return strategyName(id) ?? 'baseline';
}

/** Points of `runs`; `controls` names the run ids that are a reproduction's control. */
export function tradeoffPoints(runs: RunRow[], controls: ReadonlySet<string> = new Set()): TradeoffPoint[] {
  const points: TradeoffPoint[] = [];
  for (const r of runs) {
    if (r.annAccuracy === undefined || r.annSynops === undefined) continue;
    const strategy = viewStrategy(r.strategy);
    const measured = r.snnAccuracy !== undefined && r.snnSynops !== undefined;
    points.push({
      runId: r.id, strategy, target: r.target, accuracy: measured ? r.snnAccuracy! : r.annAccuracy, synops: measured ? r.snnSynops! : r.annSynops,
      accuracyAnn: r.annAccuracy, synopsAnn: r.annSynops, label: measured ? undefined : 'ANN proxy (not simulated)',
      ...(controls.has(r.id) ? { role: 'control' as const, name: `${r.id} (control)` } : {}),
    });
    for (const s of r.scaled ?? []) {
      points.push({
        runId: r.id, strategy: 'weight-scaling', rho: s.rho, name: `${r.id}, ρ = ${Number(s.rho.toPrecision(3))}`,
        accuracy: s.snnAccuracy ?? s.annAccuracy, synops: s.snnSynops ?? s.annSynops, accuracyAnn: s.annAccuracy, synopsAnn: s.annSynops,
        ...(s.snnAccuracy === undefined ? { label: 'ANN proxy (not simulated)' } : {}),
      });
    }
  }
  return points;
}

/** The dense ANN's MACs per sample of the runs' model, when every evaluated run trained the same one. */
function annMacsOf(runs: RunRow[]): number | undefined {
  const evaluated = runs.filter((r) => !r.problem && r.annSynops !== undefined);
  if (!evaluated.length || new Set(evaluated.map((r) => r.modelHash)).size !== 1) return undefined;
  try {
    const file = join(evaluated[0].dir, 'model.snn.json');
    return analyzeModelText(readFileSync(file, 'utf8'), file).report?.totals.macs;
  } catch {
    return undefined;
  }
}

const pct = (a: number): string => `${(100 * a).toFixed(1)} %`;
const pts = (d: number): string => `${Math.abs(d).toFixed(1)} point${Math.abs(d).toFixed(1) === '1.0' ? '' : 's'}`;

/**
 * Whether the reproduction met its goal — a SynOp+QReLU model within `tolerancePoints` of the reference's
 * (the more accurate of the baseline and its control) SNN accuracy at ≤ `maxFraction` of its SynOps — and by
 * how much: the model that comes closest, its accuracy change in points and its share of the SynOps.
 */
export function verdictOf(report: ReproduceReport): TradeoffVerdict | undefined {
  const s = report.summary;
  const c = s?.criterion;
  if (!c) return undefined;
  const runOf = (i: number): string => basename(report.points[i]?.run ?? `point ${i}`);
  const goal = `goal: within ${c.tolerancePoints} points of the reference's accuracy at ≤ ${(100 * c.maxFraction).toFixed(0)} % of its SynOps`;
  if (s.best) {
    const b = s.best;
    const what = `${runOf(b.index)} is ${pts(b.deltaPoints)} ${b.deltaPoints < 0 ? 'below' : 'above'} the ${b.reference}'s accuracy at ${pct(b.synopsFraction)} of its SynOps`;
    return { met: c.met, text: `${c.met ? 'Goal met' : 'Goal not met'}: ${what} (${goal}).` };
  }
  // No model within the tolerance: the most accurate SynOp+QReLU model, and how far it falls short.
  const useControl = s.control !== undefined && s.control.snnAccuracy > s.baseline.snnAccuracy;
  const ref = useControl ? s.control! : s.baseline;
  const candidates = report.points.map((p, i) => ({ p, i })).filter(({ p }) => p.strategy === 'synops-qrelu' && p.snn);
  if (!candidates.length) return { met: c.met, text: `Goal not met: no SynOp+QReLU model was simulated (${goal}).` };
  const top = candidates.reduce((a, b) => (b.p.snn!.accuracy > a.p.snn!.accuracy ? b : a));
  const delta = 100 * (top.p.snn!.accuracy - ref.snnAccuracy);
  const short = Math.max(0, -delta - c.tolerancePoints);
  return {
    met: c.met,
    text: `Goal not met: the most accurate SynOp+QReLU model, ${runOf(top.i)}, is ${pts(delta)} below the ${useControl ? 'control' : 'baseline'}'s ${pct(ref.snnAccuracy)} `
      + `(${short.toFixed(1)} points more than the ${c.tolerancePoints} allowed) at ${pct(top.p.snn!.totalSynops / ref.snnSynops)} of its SynOps (${goal}).`,
  };
}

/**
 * The trade-off of `source`: a workspace folder (its `.synops/runs/`; `name` titles it) or a reproduction's
 * `report.json` (its `runs/` beside it). Throws a one-line error naming the file for anything else.
 */
export function tradeoffOf(source: string, name?: string): { payload: TradeoffPayload; runDirs: Record<string, string> } {
  const dirs = (runs: RunRow[]): Record<string, string> => Object.fromEntries(runs.map((r) => [r.id, r.dir]));
  if (basename(source) !== 'report.json') {
    if (!existsSync(source) || !statSync(source).isDirectory()) throw new Error(`${source}: the trade-off view draws a workspace's runs or a reproduction's report.json, not this file`);
    const runs = listRuns(source);
    const annMacs = annMacsOf(runs);
    return { payload: { schemaVersion: 1, title: `Accuracy vs SynOps — ${name ?? basename(source)}`, points: tradeoffPoints(runs), ...(annMacs ? { annMacs } : {}) }, runDirs: dirs(runs) };
  }
  let report: ReproduceReport;
  try {
    report = JSON.parse(readFileSync(source, 'utf8')) as ReproduceReport;
    if (report.kind !== 'synops-reproduce') throw new Error('its "kind" is not "synops-reproduce"');
  } catch (e) {
    throw new Error(`${source} is not a reproduction report (${(e as Error).message}). Open the report.json that \`synops reproduce\` wrote.`);
  }
  const out = dirname(source);
  const runs = listRunsIn(join(out, 'runs'));
  const summary = report.summary ?? ({} as Partial<ReproduceReport['summary']>);
  const controls = new Set((report.points ?? []).filter((p) => p.control).map((p) => basename(p.run)));
  const data = summary.dataset?.data === 'synth' ? 'synthetic DVS digits' : basename(summary.dataset?.data ?? out);
  const budget = summary.budget;
  const verdict = report.summary ? verdictOf(report) : undefined;
  return {
    payload: {
      schemaVersion: 1, title: `Reproduction — ${data}${budget ? ` (${budget} budget)` : ''}`, dataset: data, points: tradeoffPoints(runs, controls),
      ...(summary.annMacs ? { annMacs: summary.annMacs } : {}), ...(verdict ? { verdict } : {}),
    },
    runDirs: dirs(runs),
  };
}
