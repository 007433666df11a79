/**
 * The energy report's "Conversion" section in a real browser (Debian's chromium), in the extension's panel
 * page and CSP and through the notebook renderer: the per-layer table, the accuracy strip, the readout, the
 * silent outputs and the warning, read back from the rendered page. The report is the core's report of
 * templates/mnist-dvs.snn.json as a run with `fixtures.ts`' `CONVERSION`.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { analyzeModelText } from '../../src/core/report';
import type { ModelReport } from '../../src/protocol/report';
import { reportPanelHtml } from '../../src/host/panels/reportHtml';
import { DARK_THEME, readRepoFile } from './harness';
import { ARTIFACTS, assertClean, openPage, panelPage, rendererPage, send, text, usePanelView, waitForReady } from './pages';
import { CONVERSION } from './fixtures';

const MODEL = 'templates/mnist-dvs.snn.json';
const STRIP = 'Where accuracy goes: ANN-Q argmax 89.5 % → ANN-Q read as the SNN reads (spike counts) 85.1 % (−4.4 points) → SNN in time 82.8 % (−2.3 points)';

/** The loopback server and browser of this file (set up inside the suite). */
let env: ReturnType<typeof usePanelView>;
/** A run's report with the diagnosis, one without a warning, and one of a run evaluated before diagnoses existed. */
let withWarning: ModelReport;
let noWarning: ModelReport;
let noConversion: ModelReport;

const page = (): string => panelPage(env.server, 'report', 'SynOps Energy Report', undefined, DARK_THEME, reportPanelHtml);
const cell = (p: Page, scope: string, layer: string, col: string) => text(p, `${scope} #conversion-table tr[data-layer="${layer}"] [data-col="${col}"]`);

/** The numbers every drawing of `CONVERSION` shows, read inside `scope` ('' for the panel, '#out-x' for a notebook output). */
async function assertSection(p: Page, scope: string): Promise<void> {
  await p.locator(`${scope} #conversion`).waitFor();
  assert.equal(await text(p, `${scope} #conversion h2`), 'Conversion');
  assert.deepEqual(await p.locator(`${scope} #conversion-table tbody tr`).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-layer'))),
    ['relu1', 'relu2', 'relu3', 'spike_output']);
  assert.deepEqual(await p.locator(`${scope} #conversion-table thead th`).allInnerTexts(),
    ['Spiking layer', 'Neurons', 'ANN-Q activity per sample', 'SNN spikes per sample', 'SNN ÷ ANN-Q', 'Silent, ANN-Q', 'Silent, SNN']);
  // relu2: 12×29×29 = 10,092 neurons; 610.3 spikes (shown to the unit from 100 up) against 903.4 → 0.676×.
  assert.equal(await cell(p, scope, 'relu2', 'neurons'), '10,092');
  assert.equal(await cell(p, scope, 'relu2', 'snn-spikes'), '610');
  assert.equal(await cell(p, scope, 'relu2', 'ann-spikes'), '903');
  assert.equal(await cell(p, scope, 'relu2', 'ratio'), '0.676×');
  assert.equal(await cell(p, scope, 'relu2', 'ann-silent'), '92.1 %');
  assert.equal(await cell(p, scope, 'relu2', 'snn-silent'), '95.5 %');
  // Below 100, three significant digits: 22.61 → 22.6, 2.406 → 2.41 (2.406 / 3.214 = 0.749×).
  assert.equal(await cell(p, scope, 'relu3', 'snn-spikes'), '22.6');
  assert.equal(await cell(p, scope, 'spike_output', 'snn-spikes'), '2.41');
  assert.equal(await cell(p, scope, 'spike_output', 'ratio'), '0.749×');
  assert.equal(await text(p, `${scope} #conversion-accuracy`), STRIP);
  assert.equal(await text(p, `${scope} #conversion-accuracy [data-stage="snn"] [data-col="accuracy"]`), '82.8 %');
  assert.match(await text(p, `${scope} #conversion-readout`),
    /^Readout: output spike counts .* Speck\/DYNAP-CNN read output spike counts; the membrane readout sums the output layer’s input current and needs a chip that exposes it\.$/);
  // 37 / 891 = 4.15 % → 4.2 %.
  assert.equal(await text(p, `${scope} #conversion-silent`), 'Silent outputs: 37 of 891 samples (4.2 %): the output layer did not spike.');
  assert.match(await text(p, `${scope} #conversion-samples`), /same 891 held-out samples/);
}

describe('report: conversion diagnosis (chromium)', () => {
  env = usePanelView('report', { renderer: true });

  before(() => {
    const analyzed = analyzeModelText(readRepoFile(MODEL), MODEL);
    assert.ok(analyzed.report);
    const run = { ...analyzed.report, runId: 'qr-6e5', accuracy: { snn: 0.828, ann: 0.8954 } };
    withWarning = { ...run, conversion: CONVERSION };
    noWarning = { ...run, conversion: { ...CONVERSION, warning: undefined } };
    noConversion = run;
  });

  test('panel: the section with table, accuracy strip, readout, silent outputs and a visible warning', async () => {
    const { page: p, problems } = await openPage(env.browser.context, env.server, '/conversion.html', page());
    await waitForReady(p);
    await send(p, { type: 'report', report: withWarning, uri: 'file:///w/.synops/runs/qr-6e5/model.snn.json' });
    await assertSection(p, '');
    const warning = p.locator('#conversion-warning');
    assert.ok(await warning.isVisible());
    assert.equal((await warning.innerText()).trim(), `Warning: ${CONVERSION.warning}`);
    assert.match(await warning.getAttribute('class') ?? '', /\bwarn\b/);
    // The section follows the accuracy table and comes before the chart.
    const order = await p.locator('#synops-report > section').evaluateAll((s) => s.map((x) => x.id || x.className));
    assert.ok(order.indexOf('conversion') === order.findIndex((c) => c.includes('accuracy-section')) + 1, order.join(', '));
    await p.locator('#conversion').screenshot({ path: join(ARTIFACTS, 'report-conversion.png') });

    // The next report has no warning: the section stays, the warning goes.
    await send(p, { type: 'report', report: noWarning });
    await p.waitForFunction(() => document.querySelector('#conversion-warning') === null);
    await assertSection(p, '');
    // A run evaluated before diagnoses existed: no section at all, and the rest of the report as before.
    await send(p, { type: 'report', report: noConversion });
    await p.waitForFunction(() => document.querySelector('#conversion') === null);
    assert.ok(await p.locator('#accuracy-table').isVisible());
    await assertClean(p, problems);
    await p.close();
  });

  test('panel: report text is drawn as text, never as markup', async () => {
    const evil = '<img src=x id=injected onerror="window.__pwned=1">';
    const report: ModelReport = { ...withWarning, conversion: { ...CONVERSION, warning: evil, layers: [{ ...CONVERSION.layers[0], layer: evil }] } };
    const { page: p, problems } = await openPage(env.browser.context, env.server, '/conversion-text.html', page());
    await waitForReady(p);
    await send(p, { type: 'report', report });
    await p.locator('#conversion').waitFor();
    assert.equal(await p.locator('#injected').count(), 0);
    assert.equal(await text(p, '#conversion-warning'), `Warning: ${evil}`);
    assert.equal(await text(p, '#conversion-table tbody th'), evil);
    await assertClean(p, problems);
    await p.close();
  });

  test('notebook renderer: the same section in an output, no warning or no section when absent', async () => {
    const mime = 'application/vnd.synops.report+json';
    const body = rendererPage(env.server, [
      { id: 'warn', mime, json: withWarning },
      { id: 'calm', mime, json: noWarning },
      { id: 'old', mime, json: noConversion },
      // A notebook written by a version whose diagnosis had another shape: the report is drawn, the section left out.
      { id: 'odd', mime, json: { ...noConversion, conversion: { readout: 'voltage', layers: 'none' } } },
    ]);
    const { page: p, problems } = await openPage(env.browser.context, env.server, '/conversion-notebook.html', body);
    await p.waitForFunction(() => (window as unknown as { __done?: boolean }).__done === true);
    await assertSection(p, '#out-warn');
    await assertSection(p, '#out-calm');
    assert.ok(await p.locator('#out-warn #conversion-warning').isVisible());
    assert.equal(await text(p, '#out-warn #conversion-warning'), `Warning: ${CONVERSION.warning}`);
    assert.equal(await p.locator('#out-calm #conversion-warning').count(), 0);
    for (const id of ['old', 'odd']) {
      assert.equal(await p.locator(`#out-${id} #conversion`).count(), 0, id);
      assert.ok(await p.locator(`#out-${id} #layer-table`).isVisible(), id);
    }
    await p.locator('#out-warn #conversion').screenshot({ path: join(ARTIFACTS, 'notebook-conversion.png') });
    await assertClean(p, problems);
    await p.close();
  });
});
