/**
 * The energy report with a second report beside it (the paper's Fig. 2, centre and right): an optimized
 * run compared with its baseline, both with the quantized ANN's proxy and accuracies. Real chromium, the
 * extension's page and CSP. The fixture is the core's report of templates/mnist-dvs.snn.json as the
 * baseline; the optimized run keeps the input-fed layer's SynOps and has a fifth of the others.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeModelText } from '../../src/core/report';
import type { ModelReport } from '../../src/protocol/report';
import { reportPanelHtml } from '../../src/host/panels/reportHtml';
import { DARK_THEME, readRepoFile } from './harness';
import { ARTIFACTS, assertClean, openPage, panelPage, rendererPage, send, text, usePanelView, waitForReady } from './pages';
import { rasterFixture, TRADEOFF } from './fixtures';

const MODEL = 'templates/mnist-dvs.snn.json';

/** The loopback server and browser of this file (set up inside the suite). */
let env: ReturnType<typeof usePanelView>;
let baseline: ModelReport;
let optimized: ModelReport;

/** A run's report derived from `r`: SynOps rounded, those of layers not fed by the input scaled by `k`, totals summed again. */
function run(r: ModelReport, runId: string, k: number, accuracy: { snn: number; ann: number }): ModelReport {
  const scale = (emitter: string | undefined) => (emitter === 'input' ? 1 : k);
  const perProfile = (j: Record<string, number> | undefined, f: number) => Object.fromEntries(Object.entries(j ?? {}).map(([id, v]) => [id, v * f]));
  const layers = r.layers.map((l) => l.synops === undefined ? l : {
    ...l,
    synops: Math.round(l.synops * scale(l.emitter)),
    synopsAnn: Math.round(l.synops * scale(l.emitter) * (l.emitter === 'input' ? 1 : 1.04)),
    energyJ: perProfile(l.energyJ, scale(l.emitter)),
  });
  const energyJ: Record<string, number> = {};
  for (const l of layers) for (const [id, v] of Object.entries(l.energyJ ?? {})) energyJ[id] = (energyJ[id] ?? 0) + v;
  const emitters = r.emitters.map((e) => ({ ...e, synops: Math.round(e.synops * scale(e.name)) }));
  return { ...r, runId, accuracy, layers, emitters, totals: { ...r.totals, energyJ, synops: layers.reduce((a, l) => a + (l.synops ?? 0), 0) } };
}

const page = (): string => panelPage(env.server, 'report', 'SynOps Energy Report', undefined, DARK_THEME, reportPanelHtml);

describe('report with comparison, and the notebook renderer for every MIME type (chromium)', () => {
  env = usePanelView('report', { renderer: true });

  before(async () => {
    const analyzed = analyzeModelText(readRepoFile(MODEL), MODEL);
    assert.ok(analyzed.report);
    baseline = run(analyzed.report, 'baseline', 1, { snn: 0.963, ann: 0.9655 });
    optimized = run(analyzed.report, 'qr-6e5', 0.2, { snn: 0.950, ann: 0.9521 });
  });

  test('panel: ANN proxy and baseline bars with a legend, comparison column, accuracies', async () => {
    const { page: p, problems } = await openPage(env.browser.context, env.server, '/compare.html', page());
    await waitForReady(p);
    await send(p, { type: 'report', report: optimized, compare: baseline, uri: 'file:///m/mnist-dvs.snn.json' });
    await p.locator('#layer-table').waitFor();

    const weight = optimized.layers.filter((l) => l.synops !== undefined);
    const fed = weight.find((l) => l.emitter === 'input');
    const inner = weight.find((l) => l.emitter !== 'input');
    assert.ok(fed && inner);
    const cell = (layer: string, col: string) => text(p, `#layer-table tr[data-layer="${layer}"] td[data-col="${col}"]`);
    const base = (name: string) => baseline.layers.find((l) => l.name === name)?.synops ?? NaN;
    assert.equal(await cell(inner.name, 'compare-synops'), base(inner.name).toLocaleString('en-US'));
    assert.equal(await cell(inner.name, 'synops'), (inner.synops ?? 0).toLocaleString('en-US'));
    assert.equal(await cell(inner.name, 'synops-ann'), (inner.synopsAnn ?? 0).toLocaleString('en-US'));
    assert.equal(await cell(inner.name, 'change'), '−80.0 %');
    // The input-fed layer cannot change: the same SynOps in both runs.
    assert.equal(await cell(fed.name, 'change'), '+0.0 %');
    assert.match(await p.locator(`#layer-table tr[data-layer="${fed.name}"] td[data-col="change"]`).getAttribute('title') ?? '', /fixed by the data/);
    assert.equal(await text(p, '#total-compare-synops'), baseline.totals.synops.toLocaleString('en-US'));
    const change = 100 * (optimized.totals.synops - baseline.totals.synops) / baseline.totals.synops;
    assert.equal(await text(p, '#total-change'), `−${Math.abs(change).toFixed(1)} %`);
    assert.equal(await text(p, '#compare-change'), `−${Math.abs(change).toFixed(1)} %`);

    // Accuracy of both models (Fig. 2, right).
    assert.equal(await text(p, '#accuracy-table tr[data-model="report"] td[data-col="snn"]'), '95.00 %');
    assert.equal(await text(p, '#accuracy-table tr[data-model="report"] td[data-col="ann"]'), '95.21 %');
    assert.equal(await text(p, '#accuracy-table tr[data-model="compare"] td[data-col="snn"]'), '96.30 %');
    assert.equal(await text(p, '#accuracy-table tr[data-model="compare"] th'), 'baseline');

    // The chart: four series (SNN and ANN proxy of each run), one bar per weight layer in each, a legend.
    await p.locator('#synops-chart .main-svg').first().waitFor();
    assert.equal(await p.locator('#synops-chart .bars .point').count(), 4 * weight.length);
    assert.deepEqual(await p.locator('#synops-chart .legendtext').allTextContents(),
      ['qr-6e5: SNN', 'qr-6e5: ANN proxy', 'baseline: SNN', 'baseline: ANN proxy']);
    assert.match(await p.locator('#synops-chart .annotation').textContent() ?? '', /fixed by the data/);
    await p.screenshot({ path: join(ARTIFACTS, 'report-compare.png'), fullPage: true });

    // The state keeps the compared report, so a restored panel draws both.
    const saved = await p.evaluate(() => (window as unknown as { __state: { compare?: { runId?: string } } }).__state);
    assert.equal(saved.compare?.runId, 'baseline');
    await assertClean(p, problems);
    await p.close();
  });

  test('notebook renderer: report, trade-off and raster outputs; unknown versions explained', async () => {
    const outputs = [
      { id: 'report', mime: 'application/vnd.synops.report+json', json: optimized },
      { id: 'tradeoff', mime: 'application/vnd.synops.tradeoff+json', json: TRADEOFF },
      { id: 'raster', mime: 'application/vnd.synops.raster+json', json: rasterFixture() },
      { id: 'tradeoff-v9', mime: 'application/vnd.synops.tradeoff+json', json: { ...TRADEOFF, schemaVersion: 9 } },
      { id: 'raster-v2', mime: 'application/vnd.synops.raster+json', json: { schemaVersion: 2 } },
      { id: 'raster-bad', mime: 'application/vnd.synops.raster+json', json: { schemaVersion: 1, title: 'x' } },
      { id: 'other', mime: 'application/vnd.synops.unknown+json', json: {} },
    ];
    const { page: p, problems } = await openPage(env.browser.context, env.server, '/notebook-all.html', rendererPage(env.server, outputs));
    await p.waitForFunction(() => (window as unknown as { __done?: boolean }).__done === true);
    assert.equal(await text(p, '#out-report #accuracy-table tr[data-model="report"] td[data-col="snn"]'), '95.00 %');
    assert.equal(await p.locator('#out-tradeoff #tradeoff-table tbody tr').count(), 13);
    assert.equal(await text(p, '#out-tradeoff #tradeoff-table tr[data-run="qr-6e5"] td[data-col="accuracy"]'), '95.00 %');
    // In a notebook there is no host to open a run: run ids are plain text.
    assert.equal(await p.locator('#out-tradeoff #tradeoff-table tbody button').count(), 0);
    await p.locator('#out-raster #layer-raster .main-svg').first().waitFor();
    assert.equal(await text(p, '#out-raster #output-class'), '7');
    await p.locator('#out-raster #time-scrubber').focus();
    await p.keyboard.press('ArrowRight');
    assert.equal(await text(p, '#out-raster #frame-time'), '1 ms');
    assert.match(await text(p, '#out-tradeoff-v9'), /trade-off schema version 9 is not supported/);
    assert.match(await text(p, '#out-raster-v2'), /raster schema version 2 is not supported/);
    assert.match(await text(p, '#out-raster-bad'), /incomplete/);
    assert.match(await text(p, '#out-other'), /no view for application\/vnd\.synops\.unknown\+json/);
    await p.screenshot({ path: join(ARTIFACTS, 'notebook-views.png'), fullPage: true });
    await p.evaluate(() => (window as unknown as { __rendererApi: { disposeOutputItem(id?: string): void } }).__rendererApi.disposeOutputItem());
    assert.equal(await p.locator('#out-raster #synops-raster').count(), 0);
    await assertClean(p, problems);
    await p.close();
  });
});
