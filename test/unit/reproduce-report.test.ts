// The reproduction report on hand-made points: the best SynOp+QReLU point within 1.5 points, the curve
// order at equal SynOps, the proxy agreement, and the HTML: self-contained, one SVG series per strategy.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { BUDGETS, epochsOf, fitBudget, targetsOf, trainingText } from '../../src/core/reproduce/budget';
import { layersSvg, renderHtml, tradeoffSvg } from '../../src/core/reproduce/html';
import { buildReport, nmnistModel } from '../../src/io/reproduce/procedure';
import { bestWithin, conversionGap, conversionLoss, gainMeasure, interpolate, ordering, outputGainHeadline, proxyAgreement, spearman, tableRows } from '../../src/core/reproduce/report';
import type { ReportPoint } from '../../src/core/reproduce/types';
import type { ModelFile } from '../../src/core/model/types';
import type { Strategy } from '../../src/core/train/types';
import template from '../../templates/mnist-dvs.snn.json';

const layers = (input: number, hidden: number) => [
  { emitter: 'input', receiver: 'conv1', synops: input },
  { emitter: 'relu1', receiver: 'conv2', synops: hidden * 0.7 },
  { emitter: 'relu2', receiver: 'conv3', synops: hidden * 0.3 },
];

/** A point with SNN accuracy `acc` at `hidden` + 2e5 input SynOps; the ANN proxy 10 % below. */
function pt(strategy: Strategy, acc: number, hidden: number, extra: Partial<ReportPoint> = {}): ReportPoint {
  const input = 2e5;
  return {
    strategy, run: `runs/${strategy}`, ...extra,
    ann: { accuracy: acc + 0.1, samples: 100, totalSynops: (input + hidden) / 1.1, hiddenSynops: hidden / 1.1, synopsPerLayer: layers(input, hidden / 1.1) },
    snn: { accuracy: acc, samples: 100, totalSynops: input + hidden, hiddenSynops: hidden, synopsPerLayer: layers(input, hidden), ties: 3 },
    energy: { snnJoules: (input + hidden) * 1e-11, annProxyJoules: 1e-6, annMacJoules: 5e-6 }, proxyRatio: 1.1,
  };
}

const baseline = pt('baseline', 0.80, 1.8e6);
const points: ReportPoint[] = [
  baseline,
  pt('scale', 0.70, 1.2e6, { rho: 0.7 }), pt('scale', 0.40, 6e5, { rho: 0.35 }),
  pt('synops', 0.79, 1.0e6, { target: 1e6 }), pt('synops', 0.60, 4e5, { target: 4e5 }),
  pt('synops-qrelu', 0.81, 1.1e6, { target: 1e6 }),
  pt('synops-qrelu', 0.786, 5e5, { target: 5e5 }), // −1.4 points: the best
  pt('synops-qrelu', 0.784, 6e5, { target: 6e5 }), // within too, but more SynOps
  pt('synops-qrelu', 0.70, 2e5, { target: 2e5 }), // fewest SynOps, −10 points: out
];

describe('reproduce report', () => {
  it('picks the SynOp+QReLU point with the fewest SynOps within 1.5 points of the baseline', () => {
    const best = bestWithin(points, baseline)!;
    assert.equal(best.index, 6);
    assert.equal(best.target, 5e5);
    assert.ok(Math.abs(best.deltaPoints + 1.4) < 1e-9);
    assert.ok(Math.abs(best.synopsFraction - 7e5 / 2e6) < 1e-12);
    assert.ok(Math.abs(best.reduction - (1 - 7e5 / 2e6)) < 1e-12);
    assert.ok(Math.abs(best.hiddenReduction - (1 - 5e5 / 1.8e6)) < 1e-12);
    // Exactly 1.5 points below counts; other strategies never do; nothing within → null.
    assert.equal(bestWithin([baseline, pt('synops-qrelu', 0.785, 3e5)], baseline)!.target, undefined);
    assert.equal(bestWithin([baseline, pt('synops-qrelu', 0.785, 3e5)], baseline)!.index, 1);
    assert.equal(bestWithin([baseline, pt('synops', 0.8, 1e5), pt('scale', 0.8, 1e5, { rho: 0.5 })], baseline), null);
    assert.equal(bestWithin([baseline, pt('synops-qrelu', 0.78, 3e5)], baseline), null);
  });

  it('measures against the control, in accuracy and SynOps, when it is more accurate than the baseline', () => {
    // Control at 82 % with 2e5 + 2.2e6 SynOps: the 78.6 % point is 3.4 points below it, out; 81 % (−1.0) at
    // 2e5 + 1.1e6 = 1.3e6 is the best, at 1.3e6 / 2.4e6 of the control's SynOps (hidden 1.1e6 / 2.2e6).
    const better = { ...pt('baseline', 0.82, 2.2e6), control: true as const };
    const best = bestWithin([...points, better], baseline)!;
    assert.equal(best.index, 5);
    assert.equal(best.reference, 'control');
    assert.ok(Math.abs(best.deltaPoints + 1.0) < 1e-9);
    assert.ok(Math.abs(best.synopsFraction - 1.3e6 / 2.4e6) < 1e-12);
    assert.ok(Math.abs(best.hiddenReduction - 0.5) < 1e-12);
    assert.equal(bestWithin(points, baseline)!.reference, 'baseline');
    // A worse control changes nothing.
    assert.equal(bestWithin([...points, { ...pt('baseline', 0.7, 2.2e6), control: true as const }], baseline)!.index, 6);
    // The control is no point of the weight-scaling curve.
    assert.deepEqual(ordering([...points, better]).rows, ordering(points).rows);
  });

  it('orders the curves at equal SynOps and measures the proxy agreement', () => {
    assert.equal(interpolate([{ synops: 1e5, accuracy: 0.5 }, { synops: 1e7, accuracy: 0.9 }], 1e6), 0.7);
    assert.equal(interpolate([{ synops: 1e5, accuracy: 0.5 }], 1e6), null);
    const o = ordering(points);
    assert.equal(o.rows.length, 4);
    assert.equal(o.holds, true);
    const worse = ordering([...points.filter((p) => p.strategy !== 'scale'), pt('scale', 0.9, 1.0e6, { rho: 0.5 })]);
    assert.equal(worse.holds, false);
    const proxy = proxyAgreement([...points, { ...pt('synops', 0.5, 1e5), proxyRatio: 1.5 }]);
    assert.ok(Math.abs(proxy.maxDeviation - 0.5) < 1e-12);
    assert.deepEqual(proxy.outside, [points.length]);
    // pt() gives ANN = SNN / 1.1: the same order, ρ = 1.
    assert.equal(proxyAgreement(points).rankCorrelation, 1);
    assert.match(proxyAgreement(points).text, /Spearman ρ = 1\.000/);
  });

  it('splits the SynOp+QReLU models\' conversion loss into the integer readout and the simulation in time', () => {
    const withReadout = (p: ReportPoint, readout: number): ReportPoint => ({ ...p, ann: { ...p.ann, readout: { accuracy: readout, ties: 0, silent: 0 } } });
    // pt() puts the ANN argmax 10 points above the SNN. Two models, in points:
    //   1.1e6 hidden SynOps: ANN 90, read out 85, SNN 80 → readout 5, time 5
    //   2e5 hidden SynOps:   ANN 80, read out 71, SNN 70 → readout 9, time 1
    //   mean: readout (5 + 9) / 2 = 7, time (5 + 1) / 2 = 3
    const ps = [baseline, withReadout(pt('synops-qrelu', 0.70, 2e5), 0.71), pt('synops-qrelu', 0.75, 5e5), withReadout(pt('synops-qrelu', 0.80, 1.1e6), 0.85), withReadout(pt('synops', 0.5, 3e5), 0.1)];
    const c = conversionLoss(ps)!;
    assert.equal(c.models, 2, 'only SynOp+QReLU points with a readout count');
    const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;
    assert.ok(near(c.mean.readout, 7) && near(c.mean.time, 3), JSON.stringify(c.mean));
    assert.ok(near(c.mostSynops.readout, 5) && near(c.mostSynops.time, 5), JSON.stringify(c.mostSynops));
    assert.ok(near(c.fewestSynops.readout, 9) && near(c.fewestSynops.time, 1), JSON.stringify(c.fewestSynops));
    assert.match(c.text, /readout \(ANN argmax → ANN read out as the SNN\) 7\.0 \(5\.0 → 9\.0\), in the simulation in time \(→ SNN\) 3\.0 \(5\.0 → 1\.0\)/);
    assert.equal(conversionLoss(points), undefined, 'no readout, no split');
  });

  it('the conversion gap: baseline(s) and SynOp+QReLU models against their own quantized ANN as trained', () => {
    // pt() puts the ANN-Q 10 points above the SNN; set the gaps by hand (SNN − ANN-Q, points):
    //   baseline +1.0, control −1.0, qrelu −2.0 (outside 1.5), qrelu +0.5; the synops model (−10) does not count.
    const at = (p: ReportPoint, gap: number): ReportPoint => ({ ...p, ann: { ...p.ann, accuracy: p.snn!.accuracy - gap / 100 }, readout: 'membrane' });
    const ps = [at(pt('baseline', 0.8, 1e6), 1), at({ ...pt('baseline', 0.82, 1e6), control: true }, -1), at(pt('synops-qrelu', 0.7, 2e5), -2), at(pt('synops-qrelu', 0.75, 4e5), 0.5), pt('synops', 0.6, 3e5)];
    const g = conversionGap(ps)!;
    // mean (1 − 1 − 2 + 0.5) / 4 = −0.375; worst −2; 3 of 4 within 1.5
    assert.deepEqual([g.models, g.within, Math.round(10 * g.worstPoints) / 10, g.readout], [4, 3, -2, 'membrane']);
    assert.ok(Math.abs(g.meanPoints + 0.375) < 1e-9, String(g.meanPoints));
    assert.match(g.text, /3 of 4 baseline and SynOp\+QReLU models within 1\.5 points .* mean -0\.4, worst -2\.0 points/);
    // With the membrane readout nothing is lost to the readout: ANN argmax → SNN is all in time.
    const c = conversionLoss([ps[2]].map((p) => ({ ...p, ann: { ...p.ann, readout: { accuracy: 0.1, ties: 0, silent: 0 } } })))!;
    assert.deepEqual([c.mean.readout, Math.round(10 * c.mean.time) / 10], [0, 2]);
  });

  it('the output gain of a membrane readout is told by its spike counts: the gain cannot change the membrane\'s argmax', () => {
    // Membrane runs: the ×10 simulation's own accuracy equals the membrane's (0.80 / 0.786 / 0.70); its spike
    // counts differ (0.78 / 0.77 / 0.60), and the headline on them compares 0.77 with 0.78: −1.0 point, within.
    const gained = (p: ReportPoint, counts: number, ties: number): ReportPoint => ({
      ...p, readout: 'membrane', snnOutputGain: { ...p.snn!, outputGain: 10, spikeReadout: { accuracy: counts, ties, silent: 0 } },
    });
    const b = gained(baseline, 0.78, 4);
    const ps = [b, gained(points[6], 0.77, 5), gained(points[8], 0.60, 9)];
    assert.equal(gainMeasure(ps[1])!.accuracy, 0.77);
    assert.equal(gainMeasure(ps[1])!.ties, 5);
    const h = outputGainHeadline(ps, b);
    assert.equal(h.baselineAccuracy, 0.78);
    assert.equal(h.best?.index, 1);
    assert.equal(h.best?.snnAccuracy, 0.77);
    assert.ok(Math.abs(h.best!.deltaPoints + 1) < 1e-9, String(h.best?.deltaPoints));
    assert.match(h.criterion.text, /^with the output layer ×10, read by spike counts: /);
    const t = tableRows(ps);
    const col = t.header.indexOf('SNN acc, output gain');
    assert.deepEqual(t.rows.map((r) => r[col]), ['78.0 % (×10 spike counts, 4 ties)', '77.0 % (×10 spike counts, 5 ties)', '60.0 % (×10 spike counts, 9 ties)']);
    // A run read by spike counts: the gain's own accuracy is already its count readout.
    const counted: ReportPoint = { ...baseline, snnOutputGain: { ...baseline.snn!, accuracy: 0.79, outputGain: 10 } };
    assert.equal(gainMeasure(counted)!.accuracy, 0.79);
    assert.equal(tableRows([counted]).rows[0][col], '79.0 % (×10, 3 ties)');
  });

  it('Spearman\'s rank correlation by hand', () => {
    // ranks (1,2,3) vs (1,3,2): Σd² = 0 + 1 + 1 = 2, ρ = 1 − 6·2 / (3·(9 − 1)) = 0.5
    assert.equal(spearman([10, 20, 30], [5, 9, 7]), 0.5);
    // reversed order: ρ = −1
    assert.equal(spearman([1, 2, 3, 4], [8, 6, 4, 2]), -1);
    // ties share their mean rank: a = (1, 2.5, 2.5, 4), b = (1, 2, 3, 4); centred a = (−1.5, 0, 0, 1.5), b = (−1.5, −0.5, 0.5, 1.5):
    // Σab = 2.25 + 2.25 = 4.5, Σa² = 4.5, Σb² = 5, ρ = 4.5 / √22.5 = 0.9487
    assert.ok(Math.abs(spearman([1, 5, 5, 9], [1, 2, 3, 4])! - 4.5 / Math.sqrt(22.5)) < 1e-12);
    assert.equal(spearman([1, 2], [1, 2]), null);
    assert.equal(spearman([1, 1, 1], [1, 2, 3]), null);
  });

  it('builds the summary with the dataset, the split and the goal', () => {
    const r = buildReport({
      budget: BUDGETS.quick, points, data: 'synth', root: '/data/synth', kind: 'synth', model: template as ModelFile,
      info: { data: { root: '/data/synth', kind: 'mnist-dvs', trainSamples: 3600, testSamples: 891, recordings: { train: 800, test: 200 } }, config: { seed: 1 } as never },
      energy: { joulesPerSynOp: 1e-11, joulesPerMac: 4.6e-12, annMacs: 1.2e6 }, snnProfile: 'generic', annProfile: 'fp32', backend: 'wasm', wallSeconds: 60,
    });
    const s = r.summary;
    assert.equal(s.baseline.snnAccuracy, 0.8);
    assert.equal(s.best?.index, 6);
    assert.equal(s.criterion.met, false);
    assert.match(s.criterion.text, /35\.0 % of the baseline's SynOps/);
    assert.match(s.split.text, /800 training recordings .*200 held-out recordings/);
    assert.equal(s.split.snnSamples, 100);
    assert.equal(s.dataset.chunkEvents, 3000);
    assert.equal(JSON.parse(JSON.stringify(r)).summary.best.index, 6);
  });

  it('renders a self-contained HTML page with one series per strategy', () => {
    const r = buildReport({
      budget: BUDGETS.quick, points, data: 'synth', root: '/data/synth', kind: 'synth', model: template as ModelFile,
      info: { data: { root: '/data/synth', kind: 'mnist-dvs', trainSamples: 3600, testSamples: 891, recordings: { train: 800, test: 200 } }, config: { seed: 1 } as never },
      energy: { joulesPerSynOp: 1e-11, joulesPerMac: 4.6e-12, annMacs: 1.2e6 }, snnProfile: 'generic', annProfile: 'fp32', backend: 'wasm', wallSeconds: 60,
    });
    const html = renderHtml(r);
    assert.ok(!/http/i.test(html), 'no URL of any kind');
    assert.ok(!/<script/i.test(html), 'no scripts');
    assert.ok(!/<link|<img|url\((?!#)|@import/i.test(html), 'no external files');
    assert.equal((html.match(/<svg /g) ?? []).length, 3);
    const svg = tradeoffSvg(points, 'snn', 1.2e6, 'SNN');
    const series = [...svg.matchAll(/<g class="series" data-strategy="([^"]+)">/g)].map((m) => m[1]).sort();
    assert.deepEqual(series, ['baseline', 'scale', 'synops', 'synops-qrelu']);
    assert.match(svg, /ANN MACs 1\.200 M/);
    // Without any synops point, that series is absent.
    const fewer = tradeoffSvg(points.filter((p) => p.strategy !== 'synops'), 'ann', 1.2e6, 'ANN');
    assert.deepEqual([...fewer.matchAll(/data-strategy="([^"]+)"/g)].map((m) => m[1]).sort(), ['baseline', 'scale', 'synops-qrelu']);
    const bars = layersSvg(baseline, points[6], 'layers');
    assert.equal((bars.match(/data-series="baseline"/g) ?? []).length, 3);
    assert.equal((bars.match(/data-series="best"/g) ?? []).length, 3);
    assert.match(bars, /fixed by the data/);
  });

  it('derives the N-MNIST model and the budgets\' targets', () => {
    const m = nmnistModel(template as ModelFile);
    assert.deepEqual(m.input.shape, [1, 34, 34]);
    assert.ok(m.input.kind === 'events' && m.input.chunkEvents === 1500 && m.input.sensor?.[0] === 34);
    assert.deepEqual(m.layers, (template as ModelFile).layers);
    assert.deepEqual(targetsOf(BUDGETS.quick, 1e6), [6e5, 4e5, 2.5e5, 1.5e5, 1e5, 7e4, 5e4, 3.5e4]);
    const full = targetsOf(BUDGETS.full, 0);
    assert.equal(full.length, 10);
    assert.ok(Math.abs(full[0] - 1e4) < 1e-6 && Math.abs(full[9] - 2e6) < 1e-3);
    assert.equal(BUDGETS.full.epochs, 8);
    assert.equal(BUDGETS.full.batchSize, 256);
    // quick on the synthetic digits (3,504 samples = ceil(3504/32) = 110 steps per epoch): baseline 24 epochs
    // (2,000 steps need only 19), links of 4 (400 steps = 3.6 epochs); on N-MNIST's 1,786 samples (56 steps
    // per epoch): ceil(2000/56) = 36 and ceil(400/56) = 8; the control adds 8 targets × 8 = 64 epochs.
    const synth = fitBudget(BUDGETS.quick, 3504);
    assert.deepEqual([synth.epochs, synth.chain?.epochs], [24, 4]);
    const nmnist = fitBudget(BUDGETS.quick, 1786);
    assert.deepEqual([nmnist.epochs, nmnist.chain?.epochs], [36, 8]);
    assert.equal(epochsOf(BUDGETS.full, 256, 100), 8);
    assert.equal(fitBudget(BUDGETS.full, 100).sweep, 'independent');
    assert.match(trainingText(nmnist), /baseline 36 epochs at batch 32; each SynOp model fine-tuned from the previous one \(the first from the baseline\) for 8 epochs; control: the baseline trained on for 64 epochs/);
  });
});
