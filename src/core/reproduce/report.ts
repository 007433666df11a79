/**
 * Building the reproduction report from evaluations: one point per model, the summary (best SynOp+QReLU
 * point within the accuracy tolerance, proxy agreement, curve ordering) and the printed table. Pure
 * functions of their arguments.
 */
import type { EvalResult, Evaluation, Strategy } from '../train/types';
import type { BestPoint, Measure, ReportPoint, Summary } from './types';

/** Accuracy tolerance of the headline result, in percentage points, and the SynOps fraction to reach. */
export const TOLERANCE_POINTS = 1.5;
export const TARGET_FRACTION = 0.2;
/** Relative deviation of the ANN proxy's SynOps from the simulated ones that the report accepts. */
export const PROXY_TOLERANCE = 0.25;

export function measureOf(e: EvalResult): Measure {
  const m: Measure = { accuracy: e.accuracy, samples: e.samples, totalSynops: e.totalSynops, hiddenSynops: e.hiddenSynops, synopsPerLayer: e.synopsPerLayer.map((l) => ({ ...l })) };
  if (e.ties !== undefined) m.ties = e.ties;
  if (e.silent !== undefined) m.silent = e.silent;
  if (e.tiedTrue !== undefined) m.tiedTrue = e.tiedTrue;
  if (e.readout) m.readout = { ...e.readout };
  if (e.spikeReadout) m.spikeReadout = { ...e.spikeReadout };
  if (e.diagnosis) m.diagnosis = e.diagnosis;
  return m;
}

export interface Energy { joulesPerSynOp: number; joulesPerMac: number; annMacs: number }

function point(strategy: Strategy, run: string, ann: EvalResult, snn: EvalResult | undefined, energy: Energy, extra: Partial<ReportPoint>): ReportPoint {
  const p: ReportPoint = {
    strategy, ...extra, run, ann: measureOf(ann),
    energy: { annProxyJoules: ann.totalSynops * energy.joulesPerSynOp, annMacJoules: energy.annMacs * energy.joulesPerMac },
  };
  if (snn) {
    p.snn = measureOf(snn);
    p.energy.snnJoules = snn.totalSynops * energy.joulesPerSynOp;
    p.proxyRatio = ann.totalSynops > 0 ? snn.totalSynops / ann.totalSynops : undefined;
  }
  return p;
}

/** The point of a trained model (baseline or a SynOp target). */
export function modelPoint(strategy: Strategy, run: string, ev: Evaluation, energy: Energy, target?: number): ReportPoint {
  // After fine-tuning through time, the spiking network is compared with the quantized ANN it was trained as.
  const p = point(strategy, run, ev.annQuantizedTrained ?? ev.annQuantized, ev.snn, energy, { ...(target !== undefined ? { target } : {}), annAsTrained: { accuracy: ev.ann.accuracy, activation: ev.ann.activation ?? 'model' } });
  if (ev.annQuantizedTrained) p.annFinetuned = measureOf(ev.annQuantized);
  if (ev.snn?.readoutKind) p.readout = ev.snn.readoutKind;
  if (ev.snnOutputGain) p.snnOutputGain = { ...measureOf(ev.snnOutputGain), outputGain: ev.snnOutputGain.outputGain };
  return p;
}

/** The weight-scaling points of the baseline's evaluation (`scaled`), ρ = 1 left out (that is the baseline). */
export function scalePoints(run: string, ev: Evaluation, energy: Energy): ReportPoint[] {
  return (ev.scaled ?? []).filter((s) => s.rho !== 1).map((s) => point('scale', run, s.annQuantized, s.snn, energy, { rho: s.rho }));
}

/** What the headline is measured against (by `measure`): the baseline, or its control where that is more accurate. */
export interface Reference {
  which: BestPoint['reference'];
  m: Measure;
  /** With a control: "(reference: the control, the more accurate of the baseline, 54.5 %, and its control, 66.9 %)". */
  text?: string;
}

export function referenceOf(points: ReportPoint[], baseline: ReportPoint,
  measure: (p: ReportPoint) => Measure | undefined = (p) => p.snn): Reference | null {
  const b = measure(baseline);
  if (!b) return null;
  let ref: Reference = { which: 'baseline', m: b };
  for (const c of points.filter((p) => p.control)) {
    const k = measure(c);
    if (!k) continue;
    const pc = (a: number): string => `${(100 * a).toFixed(1)} %`;
    const which = k.accuracy > b.accuracy ? 'control' : 'baseline';
    ref = { which, m: which === 'control' ? k : b, text: `(reference: the ${which}, the more accurate of the baseline, ${pc(b.accuracy)}, and its control, ${pc(k.accuracy)})` };
  }
  return ref;
}

/**
 * The SynOp+QReLU point with the fewest simulated SynOps whose SNN accuracy is within `tolerancePoints`
 * of the reference's (null when none is); accuracy and SynOps are both compared with the reference (see
 * `referenceOf`). A tiny epsilon keeps an exact 1.5-point loss inside.
 */
export function bestWithin(points: ReportPoint[], baseline: ReportPoint, tolerancePoints = TOLERANCE_POINTS,
  measure: (p: ReportPoint) => Measure | undefined = (p) => p.snn): BestPoint | null {
  const ref = referenceOf(points, baseline, measure);
  if (!ref) return null;
  const { which: reference, m: b } = ref;
  let best: BestPoint | null = null;
  points.forEach((p, index) => {
    const m = measure(p);
    if (p.strategy !== 'synops-qrelu' || !m) return;
    const delta = 100 * (m.accuracy - b.accuracy);
    if (delta < -tolerancePoints - 1e-9) return;
    if (best && m.totalSynops >= best.snnSynops) return;
    const fraction = b.totalSynops > 0 ? m.totalSynops / b.totalSynops : NaN;
    best = {
      index, target: p.target, reference, snnAccuracy: m.accuracy, snnSynops: m.totalSynops, snnHiddenSynops: m.hiddenSynops,
      deltaPoints: delta, synopsFraction: fraction, reduction: 1 - fraction,
      hiddenReduction: b.hiddenSynops > 0 ? 1 - m.hiddenSynops / b.hiddenSynops : NaN,
    };
  });
  return best;
}

/** Accuracy of a curve at `x` SynOps: linear in log SynOps between the two neighbouring points; null outside. */
export function interpolate(curve: { synops: number; accuracy: number }[], x: number): number | null {
  const c = curve.filter((p) => p.synops > 0).sort((a, b) => a.synops - b.synops);
  if (!c.length || x < c[0].synops || x > c[c.length - 1].synops) return null;
  for (let i = 0; i < c.length; i++) {
    if (c[i].synops === x) return c[i].accuracy;
    if (i + 1 < c.length && c[i].synops < x && x < c[i + 1].synops) {
      const f = (Math.log(x) - Math.log(c[i].synops)) / (Math.log(c[i + 1].synops) - Math.log(c[i].synops));
      return c[i].accuracy + f * (c[i + 1].accuracy - c[i].accuracy);
    }
  }
  return null;
}

/** SNN curve (SynOps, accuracy) of a strategy; the weight-scaling curve includes the baseline (ρ = 1). */
export function snnCurve(points: ReportPoint[], strategy: Strategy): { synops: number; accuracy: number }[] {
  const of = strategy === 'scale' ? points.filter((p) => p.strategy === 'scale' || (p.strategy === 'baseline' && !p.control)) : points.filter((p) => p.strategy === strategy);
  return of.filter((p) => p.snn).map((p) => ({ synops: p.snn!.totalSynops, accuracy: p.snn!.accuracy }));
}

/** At the SynOps of each SynOp+QReLU point: the other curves' accuracy there, and whether QReLU ≥ SynOp loss ≥ scaling wherever compared. */
export function ordering(points: ReportPoint[]): { rows: Summary['ordering']; holds: boolean | null } {
  const synopLoss = snnCurve(points, 'synops');
  const scale = snnCurve(points, 'scale');
  const rows = snnCurve(points, 'synops-qrelu').sort((a, b) => a.synops - b.synops)
    .map((q) => ({ synops: q.synops, qrelu: q.accuracy, synopLoss: interpolate(synopLoss, q.synops), scale: interpolate(scale, q.synops) }));
  let compared = 0;
  let holds = true;
  for (const r of rows) {
    const chain = [r.qrelu, r.synopLoss, r.scale].filter((v): v is number => v !== null);
    if (chain.length < 2) continue;
    compared++;
    for (let i = 1; i < chain.length; i++) if (chain[i] > chain[i - 1]) holds = false;
  }
  return { rows, holds: compared ? holds : null };
}

/** Ranks 1..n of `xs`, ties sharing their mean rank. */
function ranks(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's rank correlation of two equally long series (Pearson's on their ranks); null under 3 pairs or with a constant series. */
export function spearman(a: number[], b: number[]): number | null {
  if (a.length !== b.length || a.length < 3) return null;
  const [ra, rb] = [ranks(a), ranks(b)];
  const mean = (a.length + 1) / 2;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (ra[i] - mean) * (rb[i] - mean);
    saa += (ra[i] - mean) ** 2;
    sbb += (rb[i] - mean) ** 2;
  }
  return saa && sbb ? sab / Math.sqrt(saa * sbb) : null;
}

/** The proxy agreement over every point with a simulation: the largest deviation, and whether it ranks the models alike. */
export function proxyAgreement(points: ReportPoint[], tolerance = PROXY_TOLERANCE): Summary['proxy'] {
  let maxDeviation = 0;
  const outside: number[] = [];
  points.forEach((p, i) => {
    if (p.proxyRatio === undefined) return;
    const d = Math.abs(p.proxyRatio - 1);
    maxDeviation = Math.max(maxDeviation, d);
    if (d > tolerance) outside.push(i);
  });
  const both = points.filter((p) => p.snn);
  const rankCorrelation = spearman(both.map((p) => p.ann.totalSynops), both.map((p) => p.snn!.totalSynops));
  const text = `ANN-proxy SynOps vs simulated SynOps: largest deviation ${(100 * maxDeviation).toFixed(1)} % (tolerance ${(100 * tolerance).toFixed(0)} %)` +
    (outside.length ? `; outside it: ${outside.map((i) => label(points[i])).join(', ')}` : '; every model within it') +
    (rankCorrelation !== null ? `; the proxy ranks the models by SynOps as the simulation does with Spearman ρ = ${rankCorrelation.toFixed(3)}` : '');
  return { tolerance, maxDeviation, outside, rankCorrelation, text };
}

/**
 * Where the SynOp+QReLU models lose accuracy between the quantized ANN and the spiking network, in
 * accuracy points (fractions ×100): to the integer readout (ANN argmax → ANN read out as the SNN reads its
 * output) and in the simulation in time (→ SNN), as the mean over the models and at the models with the
 * most and the fewest simulated SynOps; undefined without points that carry both the readout and a simulation.
 */
export function conversionLoss(points: ReportPoint[]): Summary['conversion'] {
  const ps = points.filter((p) => p.strategy === 'synops-qrelu' && p.ann.readout && p.snn)
    .sort((a, b) => b.snn!.totalSynops - a.snn!.totalSynops);
  if (!ps.length) return undefined;
  // The membrane readout reads the summed current: in the all-at-once limit that is the ANN's own argmax, so
  // nothing is lost to the readout and all of ANN argmax → SNN is the simulation in time.
  const readAcc = (p: ReportPoint): number => (p.readout === 'membrane' ? p.ann.accuracy : p.ann.readout!.accuracy);
  const split = (p: ReportPoint) => ({ readout: 100 * (p.ann.accuracy - readAcc(p)), time: 100 * (readAcc(p) - p.snn!.accuracy) });
  const all = ps.map(split);
  const mean = { readout: all.reduce((a, b) => a + b.readout, 0) / all.length, time: all.reduce((a, b) => a + b.time, 0) / all.length };
  const first = all[0];
  const last = all[all.length - 1];
  const f = (x: number): string => x.toFixed(1);
  const text = `accuracy the ${ps.length} SynOp+QReLU model${ps.length > 1 ? 's' : ''} lose in conversion, in points (mean; most → fewest SynOps): ` +
    `to the integer readout (ANN argmax → ANN read out as the SNN) ${f(mean.readout)} (${f(first.readout)} → ${f(last.readout)}), ` +
    `in the simulation in time (→ SNN) ${f(mean.time)} (${f(first.time)} → ${f(last.time)})`;
  return { models: ps.length, mean, mostSynops: first, fewestSynops: last, text };
}

/** SNN accuracy minus the quantized ANN's (as trained), in points. */
export function gapPoints(p: ReportPoint): number {
  return p.snn ? 100 * (p.snn.accuracy - p.ann.accuracy) : NaN;
}

/**
 * The conversion criterion: the baseline (and its control) and every SynOp+QReLU model within
 * `tolerancePoints` of its own quantized ANN as trained (`ann`, before any fine-tuning through time).
 */
export function conversionGap(points: ReportPoint[], tolerancePoints = TOLERANCE_POINTS): Summary['conversionGap'] {
  const ps = points.filter((p) => p.snn && (p.strategy === 'baseline' || p.strategy === 'synops-qrelu'));
  if (!ps.length) return undefined;
  const gaps = ps.map(gapPoints);
  const within = gaps.filter((g) => g >= -tolerancePoints).length;
  const worst = Math.min(...gaps);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const readout = ps[0].readout ?? 'spikes';
  const text = `conversion (${readout} readout): ${within} of ${ps.length} baseline and SynOp+QReLU models within ${tolerancePoints} points of their quantized ANN as trained; SNN − ANN-Q mean ${mean.toFixed(1)}, worst ${worst.toFixed(1)} points`;
  return { models: ps.length, within, meanPoints: mean, worstPoints: worst, readout, text };
}

/** Short name of a point: `baseline`, `scale ρ=0.5`, `synops-qrelu S0=3.2e5`. */
export function label(p: ReportPoint): string {
  if (p.strategy === 'scale') return `scale ρ=${p.rho}`;
  if (p.control) return 'baseline, trained on (control)';
  if (p.target !== undefined) return `${p.strategy} S0=${p.target.toExponential(1)}`;
  return p.strategy;
}

export function criterionOf(best: BestPoint | null, tolerancePoints = TOLERANCE_POINTS, maxFraction = TARGET_FRACTION): Summary['criterion'] {
  const met = !!best && best.synopsFraction <= maxFraction;
  const text = best
    ? `best SynOp+QReLU model within ${tolerancePoints} points: ${(100 * best.snnAccuracy).toFixed(1)} % (${best.deltaPoints >= 0 ? '+' : ''}${best.deltaPoints.toFixed(1)} points) at ${(100 * best.synopsFraction).toFixed(1)} % of the ${best.reference}'s SynOps (−${(100 * best.reduction).toFixed(1)} %; hidden layers −${(100 * best.hiddenReduction).toFixed(1)} %); goal ≤ ${(100 * maxFraction).toFixed(0)} %: ${met ? 'met' : 'not met'}`
    : `no SynOp+QReLU model is within ${tolerancePoints} points of the reference's SNN accuracy; goal ≤ ${(100 * maxFraction).toFixed(0)} % of its SynOps: not met`;
  return { tolerancePoints, maxFraction, met, text };
}

/** The headline by `measure`: the best point within the tolerance, and the criterion's verdict naming its reference. */
export function headline(points: ReportPoint[], baseline: ReportPoint,
  measure: (p: ReportPoint) => Measure | undefined = (p) => p.snn): { best: BestPoint | null; criterion: Summary['criterion'] } {
  const best = bestWithin(points, baseline, TOLERANCE_POINTS, measure);
  const criterion = criterionOf(best);
  const text = referenceOf(points, baseline, measure)?.text;
  return { best, criterion: text ? { ...criterion, text: `${criterion.text} ${text}` } : criterion };
}

/**
 * The output-gain simulation as a chip that reads spike counts sees it. A membrane readout is the summed
 * output current, whose argmax a gain cannot change, so for such a run the gain's own accuracy only repeats
 * the membrane's: its spike counts (`spikeReadout`) are what the ×gain tells (Speck reads counts). A run that
 * reads spike counts already has them as its accuracy.
 */
export function gainMeasure(p: ReportPoint): Measure | undefined {
  const g = p.snnOutputGain;
  if (!g?.spikeReadout) return g;
  return { ...g, accuracy: g.spikeReadout.accuracy, ties: g.spikeReadout.ties, silent: g.spikeReadout.silent };
}

/** The headline selection repeated on the output-gain simulation read as `gainMeasure` reads it. */
export function outputGainHeadline(points: ReportPoint[], baseline: ReportPoint): NonNullable<Summary['outputGain']> {
  const { best, criterion } = headline(points, baseline, gainMeasure);
  const g = baseline.snnOutputGain!;
  const what = `with the output layer ×${g.outputGain}${g.spikeReadout ? ', read by spike counts' : ''}`;
  return { gain: g.outputGain, baselineAccuracy: gainMeasure(baseline)!.accuracy, best, criterion: { ...criterion, text: `${what}: ${criterion.text}` } };
}

export const fmtSynops = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(3)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(1));
const pct = (a: number | undefined): string => (a === undefined ? '–' : `${(100 * a).toFixed(1)} %`);

/** The output-gain column: `gainMeasure`'s accuracy, the gain, and whether it is read by spike counts. */
function gainCell(p: ReportPoint): string {
  const g = gainMeasure(p);
  return g && p.snnOutputGain ? `${pct(g.accuracy)} (×${p.snnOutputGain.outputGain}${p.snnOutputGain.spikeReadout ? ' spike counts' : ''}, ${g.ties ?? 0} ties)` : '–';
}

/** The table rows of the report (header first) as printed and shown in the HTML. */
export function tableRows(points: ReportPoint[]): { header: string[]; rows: string[][]; right: boolean[] } {
  const header = ['strategy', 'S0 / ρ', 'ANN-Q acc', 'ANN-Q readout', 'ANN-Q SynOps', 'ANN-Q fine-tuned', 'SNN acc', 'SNN − ANN-Q', 'SNN acc, spike counts', 'SNN SynOps', 'SNN hidden', 'ties', 'SNN acc, output gain', 'SNN/ANN', 'SNN energy'];
  const rows = points.map((p) => [
    p.control ? 'baseline (control)' : p.strategy, p.strategy === 'scale' ? `ρ=${p.rho}` : p.target !== undefined ? p.target.toExponential(2) : '–',
    pct(p.ann.accuracy), p.ann.readout ? pct(p.ann.readout.accuracy) : '–', fmtSynops(p.ann.totalSynops), pct(p.annFinetuned?.accuracy),
    pct(p.snn?.accuracy), p.snn ? `${gapPoints(p) >= 0 ? '+' : ''}${gapPoints(p).toFixed(1)}` : '–',
    p.snn?.spikeReadout ? `${pct(p.snn.spikeReadout.accuracy)} (${p.snn.spikeReadout.ties} ties)` : p.snn && p.readout !== 'membrane' ? pct(p.snn.accuracy) : '–', p.snn ? fmtSynops(p.snn.totalSynops) : '–', p.snn ? fmtSynops(p.snn.hiddenSynops) : '–',
    p.snn ? `${p.snn.ties ?? 0}/${p.snn.samples}${p.snn.silent !== undefined ? ` (${p.snn.silent} silent)` : ''}` : '–',
    gainCell(p),
    p.proxyRatio !== undefined ? p.proxyRatio.toFixed(2) : '–',
    p.energy.snnJoules !== undefined ? `${(p.energy.snnJoules * 1e6).toFixed(2)} µJ` : '–',
  ]);
  return { header, rows, right: header.map((_, k) => k > 0) };
}
