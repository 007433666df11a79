/**
 * The report views in a real browser (Debian's chromium via playwright-core), under the exact page and CSP
 * the extension builds (`reportPanelHtml`). The fixture is the core's report of templates/mnist-dvs.snn.json.
 * Run: node --import tsx --test test/webview/*.test.ts   (screenshots go to test-artifacts/webview/)
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { analyzeModelText } from '../../src/core/report';
import type { ModelReport } from '../../src/protocol/report';
import { reportPanelHtml } from '../../src/host/panels/reportHtml';
import { bundle, DARK_THEME, LIGHT_THEME, readRepoFile } from './harness';
import { ARTIFACTS, assertClean, openPage, panelPage, posted, rendererPage, usePanelView } from './pages';

const MODEL = 'templates/mnist-dvs.snn.json';

/** The loopback server and browser of this file (set up inside the suite). */
let env: ReturnType<typeof usePanelView>;
let report: ModelReport;

/** The panel's page as the host builds it, with the test's stand-in for VS Code run first (by nonce). */
const reportPage = (state?: unknown, theme = DARK_THEME): string =>
  panelPage(env.server, 'report', `SynOps Energy Report: ${report.modelName}`, state, theme, reportPanelHtml);
const open = (path: string, body: string) => openPage(env.browser.context, env.server, path, body);

const cell = (page: Page, layer: string, col: string) => page.locator(`#layer-table tr[data-layer="${layer}"] td[data-col="${col}"]`);

describe('report webview (chromium)', () => {
  env = usePanelView('report', { renderer: true });

  before(() => {
    const analyzed = analyzeModelText(readRepoFile(MODEL), MODEL);
    assert.ok(analyzed.report, `no report for ${MODEL}`);
    report = analyzed.report;
  });

  test('panel: ready handshake, table, totals, chart, profile switch, no CSP violations', async () => {
    const { page, problems } = await open('/panel.html', reportPage());
    // The panel asks for data before the host sends any.
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
    await page.evaluate((r) => window.postMessage({ type: 'report', report: r, uri: 'file:///models/mnist-dvs.snn.json' }, '*'), report);

    await page.locator('#layer-table').waitFor();
    assert.equal(await page.locator('#model-name').innerText(), report.modelName);
    assert.match(await page.locator('#synops-basis').innerText(), /Estimate/);
    assert.equal((await cell(page, 'conv1', 'macs').innerText()).trim(), '276,768');
    assert.equal((await cell(page, 'conv1', 'shape').innerText()).trim(), '8×62×62');
    assert.equal((await cell(page, 'conv1', 'fanout').innerText()).trim(), '72');
    assert.match(await cell(page, 'conv1', 'fanout').getAttribute('title') ?? '', /mean 67\.57/);
    assert.equal((await cell(page, 'relu1', 'synops').innerText()).trim(), '', 'non-weight layers have no SynOps');
    assert.equal((await cell(page, 'relu1', 'energy').innerText()).trim(), '');
    assert.equal(await page.locator('#layer-table tbody tr').count(), report.layers.length);
    assert.equal((await page.locator('#total-params').innerText()).trim(), '6,552');
    assert.equal((await page.locator('#total-macs').innerText()).trim(), '1,194,336');
    assert.equal((await page.locator('#total-synops').innerText()).trim(), '3,872,983');
    assert.equal((await page.locator('#total-energy').innerText()).trim(), '38.7 µJ');
    assert.equal((await page.locator('#total-ann-energy').innerText()).trim(), '5.49 µJ');
    assert.equal((await page.locator('#energy-ratio').innerText()).trim(), '7.05×');
    assert.equal(await page.locator('#emitter-table tbody tr').count(), report.emitters.length);
    assert.match(await page.locator('#synops-report').innerText(), /NeuroBench Dense \(all connections, per time step\):\s*1,194,336/);

    // Profiles: the report's own is selected, with its source; the ANN profile shows its source too.
    assert.equal(await page.locator('#profile-select').inputValue(), report.profileId);
    assert.deepEqual(await page.locator('#profile-select option').allInnerTexts(),
      report.profiles.filter((p) => p.kind === 'snn').map((p) => p.name));
    assert.match(await page.locator('#profile-source').innerText(), /Indiveri/);
    assert.match(await page.locator('#ann-profile-source').innerText(), /Horowitz/);

    // The chart: plotly drew an SVG, one bar per weight layer, the input-fed bar annotated.
    await page.locator('#synops-chart .main-svg').first().waitFor();
    assert.equal(await page.locator('#synops-chart .bars .point').count(), report.layers.filter((l) => l.synops !== undefined).length);
    assert.match(await page.locator('#synops-chart .annotation').textContent() ?? '', /fixed by the data/);

    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });

    // Switching the profile re-renders energy locally and tells the host.
    const before = await cell(page, 'conv1', 'energy').innerText();
    await page.locator('#profile-select').selectOption({ label: 'Loihi' });
    const afterSwitch = await cell(page, 'conv1', 'energy').innerText();
    assert.notEqual(afterSwitch, before);
    assert.equal(afterSwitch.trim(), '4.78 µJ');
    assert.match(await page.locator('#profile-source').innerText(), /Davies et al\. 2018/);
    assert.deepEqual((await posted(page)).at(-1), { type: 'profileChanged', profileId: 'loihi' });
    // The saved state lets the host's panel serializer reopen the panel for the same model file.
    const saved = await page.evaluate(() => (window as unknown as { __state: { uri?: string; profileId?: string; report?: unknown } }).__state);
    assert.equal(saved.uri, 'file:///models/mnist-dvs.snn.json');
    assert.equal(saved.profileId, 'loihi');
    assert.ok(saved.report);

    // The log-scale toggle relayouts the chart.
    await page.locator('#log-scale').check();
    await page.waitForFunction(() => (document.querySelector('#synops-chart') as unknown as { layout?: { yaxis?: { type?: string } } }).layout?.yaxis?.type === 'log');

    // An error is shown above the report, which stays.
    await page.evaluate(() => window.postMessage({ type: 'error', message: 'conv2: kernel larger than its input' }, '*'));
    assert.equal(await page.locator('#report-error').innerText(), 'conv2: kernel larger than its input');
    assert.ok(await page.locator('#layer-table').isVisible());

    await assertClean(page, problems);

    // The policy is in force: an inline script without the nonce is refused.
    const refused = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.append(s);
      return new Promise<unknown[]>((resolve) => setTimeout(() => resolve((window as unknown as { __violations: unknown[]; __inlineRan?: boolean }).__inlineRan ? [] : (window as unknown as { __violations: unknown[] }).__violations), 100));
    });
    assert.match(JSON.stringify(refused), /script-src/);
    await page.close();
  });

  test('panel: a restored panel redraws from its state before the host answers (light theme)', async () => {
    const state = { report, profileId: 'truenorth', logScale: true };
    const { page, problems } = await open('/restored.html', reportPage(state, LIGHT_THEME));
    await page.locator('#layer-table').waitFor();
    assert.equal(await page.locator('#profile-select').inputValue(), 'truenorth');
    assert.equal((await cell(page, 'conv1', 'energy').innerText()).trim(), '5.27 µJ');
    assert.ok(await page.locator('#log-scale').isChecked());
    assert.ok(await page.locator('#report-status').isHidden());
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    await page.locator('#synops-chart .main-svg').first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'report-light.png'), fullPage: true });
    await assertClean(page, problems);
    await page.close();
  });

  test('notebook renderer: draws version 1, explains other versions and bad JSON', async () => {
    const mime = 'application/vnd.synops.report+json';
    const outputs = [
      { id: 'ok', mime, json: report },
      { id: 'future', mime, json: { ...report, reportVersion: 2 } },
      { id: 'garbage', mime, text: '{not json' },
    ];
    const body = rendererPage(env.server, outputs);
    const { page, problems } = await open('/notebook.html', body);
    await page.waitForFunction(() => (window as unknown as { __done?: boolean }).__done === true);
    assert.equal((await page.locator('#out-ok #layer-table tr[data-layer="conv1"] td[data-col="macs"]').innerText()).trim(), '276,768');
    await page.locator('#out-ok #synops-chart .main-svg').first().waitFor();
    assert.match(await page.locator('#out-future').innerText(), /report version 2 is not supported/);
    assert.match(await page.locator('#out-garbage').innerText(), /not valid JSON/);
    assert.equal(await page.locator('style#synops-report-style').count(), 1);
    await page.screenshot({ path: join(ARTIFACTS, 'notebook.png'), fullPage: true });
    await page.evaluate(() => (window as unknown as { __rendererApi: { disposeOutputItem(id?: string): void } }).__rendererApi.disposeOutputItem('ok'));
    assert.equal(await page.locator('#out-ok #synops-report').count(), 0);
    await assertClean(page, problems);
    await page.close();
  });

  test('the notebook renderer bundle carries media/report.css', async () => {
    const renderer = await bundle('webview/renderer/index.ts', 'esm');
    const css = readRepoFile('media/report.css');
    for (const rule of ['.synops-report {', '.report-table']) {
      assert.ok(css.includes(rule) && renderer.includes(rule), `${rule} in the stylesheet and the renderer bundle`);
    }
  });
});
