/**
 * A panel paints its frame and its tables before plotly.js has arrived (docs/performance.md): the page's
 * request for plotly.min.js is held back here, and the report panel must still show its title at once,
 * say `ready`, and draw its table from the host's report; its chart follows once plotly.js is let through.
 * Run: node --import tsx --test test/webview/paint-first.test.ts
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeModelText } from '../../src/core/report';
import type { ModelReport } from '../../src/protocol/report';
import { reportPanelHtml } from '../../src/host/panels/reportHtml';
import { plotlyScript, readRepoFile } from './harness';
import { assertClean, openPage, panelPage, posted, usePanelView } from './pages';

const MODEL = 'templates/mnist-dvs.snn.json';

describe('paint first, plotly after (chromium)', () => {
  const env = usePanelView('report');
  let report: ModelReport;

  before(() => {
    const analyzed = analyzeModelText(readRepoFile(MODEL), MODEL);
    assert.ok(analyzed.report, `no report for ${MODEL}`);
    report = analyzed.report;
  });

  test('report panel: title and table while plotly.min.js is still on its way, the chart after it', async () => {
    // plotly.min.js is answered only when the test says so.
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    let asked = 0;
    await env.browser.context.route('**/dist/webview/plotly.min.js', async (route) => {
      asked++;
      await released;
      await route.fulfill({ status: 200, contentType: 'text/javascript', body: plotlyScript() });
    });
    try {
      const { page, problems } = await openPage(env.browser.context, env.server, '/paint-first.html',
        panelPage(env.server, 'report', 'SynOps Energy Report: MNIST-DVS', undefined, undefined, reportPanelHtml), { waitUntil: 'commit' });
      // The frame: the panel's title and what it waits for, before any data.
      await page.locator('#report-status h2').waitFor({ timeout: 10000 });
      assert.equal((await page.locator('#report-status h2').innerText()).trim(), 'SynOps Energy Report: MNIST-DVS');
      assert.match(await page.locator('#report-status p').innerText(), /Computing the report/);
      // The view runs and asks for its data although plotly.js has not arrived.
      await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'), undefined, { timeout: 10000 });
      assert.ok((await posted(page)).some((m) => m.type === 'ready'));
      await page.evaluate((r) => window.postMessage({ type: 'report', report: r, uri: 'file:///models/mnist-dvs.snn.json' }, '*'), report);
      await page.locator('#layer-table').waitFor({ timeout: 10000 });
      assert.equal((await page.locator('#total-synops').innerText()).trim(), '3,872,983');
      assert.equal(await page.locator('#report-status').isVisible(), false, 'the waiting line is hidden once the report is drawn');
      assert.equal(await page.evaluate(() => 'Plotly' in window), false, 'plotly.js ran before it was let through');
      assert.equal(await page.locator('#synops-chart .main-svg').count(), 0);
      assert.ok(asked >= 1, 'the page never asked for plotly.min.js');
      // Let plotly.js through: the chart the view asked for while it was missing is drawn.
      release();
      await page.locator('#synops-chart .main-svg').first().waitFor({ timeout: 30000 });
      await assertClean(page, problems);
      await page.close();
    } finally {
      release();
      await env.browser.context.unroute('**/dist/webview/plotly.min.js');
    }
  });
});
