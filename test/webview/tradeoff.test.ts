/**
 * The trade-off panel in a real browser (Debian's chromium via playwright-core), under the page and CSP the
 * extension builds (`panelHtml`). The fixture is a sweep of three strategies × four runs plus the baseline,
 * with MNIST-DVS-like figures (the baseline at 3.86 M SynOps, the ANN at 1,194,336 MACs).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TradeoffPayload } from '../../src/protocol/views';
import { TRADEOFF } from './fixtures';
import { LIGHT_THEME } from './harness';
import { ARTIFACTS, assertClean, openPage, panelPage, posted, savedState, send, text, usePanelView, waitForReady } from './pages';


const cell = (runId: string, col: string) => `#tradeoff-table tr[data-run="${runId}"] td[data-col="${col}"]`;

describe('trade-off webview (chromium)', () => {
  const env = usePanelView('tradeoff');

  test('panel: table numbers, one series per strategy, hover shows the run, click posts openRun', async () => {
    const { page, problems } = await openPage(env.browser.context, env.server, '/tradeoff.html', panelPage(env.server, 'tradeoff', 'SynOps Trade-off'));
    await waitForReady(page);
    assert.ok(await page.locator('#panel-status').isVisible(), 'waiting text before data');
    await send(page, { type: 'tradeoff', payload: TRADEOFF, source: 'file:///ws/.synops/sweeps/a' });

    await page.locator('#tradeoff-table').waitFor();
    assert.ok(await page.locator('#panel-status').isHidden());
    assert.equal(await text(page, '#tradeoff-title'), 'MNIST-DVS sweep');
    assert.match(await text(page, '#tradeoff-facts'), /13 runs · MNIST-DVS, chunks of 3000 events · dense ANN: 1\.19 M MACs/);
    assert.equal(await page.locator('#tradeoff-table tbody tr').count(), 13);
    // Rows: strategies in the chart's order, runs by SynOps within each.
    assert.deepEqual(await page.locator('#tradeoff-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run'))),
      ['ws-0.25', 'ws-0.5', 'ws-1.5', 'ws-2', 'sl-1e5', 'sl-3e5', 'sl-1e6', 'sl-2e6', 'qr-1e5', 'qr-3e5', 'qr-6e5', 'qr-1.5e6', 'baseline']);
    assert.equal(await text(page, cell('qr-6e5', 'strategy')), 'SynOp loss + QReLU');
    assert.equal(await text(page, cell('qr-6e5', 'target')), 'S₀ = 600 k');
    assert.equal(await text(page, cell('qr-6e5', 'accuracy')), '95.00 %');
    assert.equal(await text(page, cell('qr-6e5', 'synops')), '630,000');
    // 630,000 / 1,194,336 = 0.527…
    assert.equal(await text(page, cell('qr-6e5', 'synops-per-mac')), '0.527×');
    assert.equal(await text(page, cell('qr-6e5', 'accuracy-ann')), '95.21 %');
    assert.equal(await text(page, cell('qr-6e5', 'synops-ann')), '640,200');
    assert.equal(await text(page, cell('sl-1e6', 'accuracy-ann')), '', 'no ANN proxy for this run');
    assert.equal(await text(page, cell('ws-0.5', 'target')), 'ρ = 0.5');
    assert.equal(await text(page, cell('baseline', 'strategy')), 'Baseline');
    assert.equal(await text(page, cell('baseline', 'synops')), '3,860,000');

    // The chart: four series (three lines and the baseline star), 13 points, a log x axis, the ANN mark.
    await page.locator('#tradeoff-chart .main-svg').first().waitFor();
    assert.equal(await page.locator('#tradeoff-chart .scatterlayer .trace').count(), 4);
    assert.equal(await page.locator('#tradeoff-chart .scatterlayer .point').count(), 13);
    assert.deepEqual(await page.locator('#tradeoff-chart .legendtext').allTextContents(), ['Weight scaling', 'SynOp loss', 'SynOp loss + QReLU', 'Baseline']);
    const xaxis = await page.evaluate(() => (document.querySelector('#tradeoff-chart') as unknown as { _fullLayout: { xaxis: { type: string } } })._fullLayout.xaxis.type);
    assert.equal(xaxis, 'log');
    assert.match(await page.locator('#tradeoff-chart .annotation').textContent() ?? '', /ANN: 1\.19 M MACs/);
    // The reference line sits between the 1 M and 2 M ticks' positions: 1.19 M on the log axis.
    const lineX = await page.locator('#tradeoff-chart .shapelayer path').first().boundingBox();
    const ticks = await page.locator('#tradeoff-chart .xtick text').evaluateAll((ts) => ts.map((t) => ({ text: t.textContent, x: t.getBoundingClientRect().x + t.getBoundingClientRect().width / 2 })));
    const tick1M = ticks.find((t) => t.text === '1 M');
    assert.ok(lineX && tick1M, `reference line and 1M tick: ${JSON.stringify(ticks)}`);
    const tick100k = ticks.find((t) => t.text === '100 k');
    assert.ok(tick100k);
    const decade = tick1M.x - tick100k.x;
    assert.ok(Math.abs(lineX.x + lineX.width / 2 - (tick1M.x + decade * Math.log10(1.194336))) < 3, 'the ANN mark is at 1.19 M');

    // Hover over the third QReLU run (630 k) shows its id, target, accuracy and SynOps.
    const point = page.locator('#tradeoff-chart .scatterlayer .trace').nth(2).locator('.point').nth(2);
    const box = await point.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('#tradeoff-chart .hoverlayer .hovertext').first().waitFor();
    const hover = await page.locator('#tradeoff-chart .hoverlayer').textContent() ?? '';
    for (const part of ['qr-6e5', 'SynOp loss + QReLU, S₀ = 600 k', 'accuracy 95.00 %', '630,000 SynOps per sample']) assert.ok(hover.includes(part), `hover has ${part}: ${hover}`);
    await page.screenshot({ path: join(ARTIFACTS, 'tradeoff.png'), fullPage: true });

    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'openRun'));
    assert.deepEqual((await posted(page)).at(-1), { type: 'openRun', runId: 'qr-6e5' });

    // The same action from the keyboard, through the table.
    await page.locator('#tradeoff-table tr[data-run="baseline"] button').focus();
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).at(-1), { type: 'openRun', runId: 'baseline' });

    const state = await savedState<{ stateVersion: number; source?: string; payload?: TradeoffPayload }>(page);
    assert.equal(state.stateVersion, 1);
    assert.equal(state.source, 'file:///ws/.synops/sweeps/a');
    assert.equal(state.payload?.points.length, 13);
    await assertClean(page, problems);
    await page.close();
  });

  test('panel: redraws from a saved state (light theme); a newer schema is explained, not drawn', async () => {
    const { page, problems } = await openPage(env.browser.context, env.server, '/tradeoff-restored.html',
      panelPage(env.server, 'tradeoff', 'SynOps Trade-off', { stateVersion: 1, payload: TRADEOFF }, LIGHT_THEME));
    await page.locator('#tradeoff-chart .main-svg').first().waitFor();
    assert.equal(await page.locator('#tradeoff-table tbody tr').count(), 13);
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    await page.screenshot({ path: join(ARTIFACTS, 'tradeoff-light.png'), fullPage: true });
    await send(page, { type: 'tradeoff', payload: { ...TRADEOFF, schemaVersion: 2 } });
    assert.match(await text(page, '#panel-error'), /schema version 2 is not supported/);
    await assertClean(page, problems);
    await page.close();
  });

  test('panel: a saved state of another version is dropped', async () => {
    const { page, problems } = await openPage(env.browser.context, env.server, '/tradeoff-old.html',
      panelPage(env.server, 'tradeoff', 'SynOps Trade-off', { stateVersion: 99, payload: TRADEOFF }));
    await waitForReady(page);
    assert.equal(await page.locator('#tradeoff-table').count(), 0);
    assert.ok(await page.locator('#panel-status').isVisible());
    await assertClean(page, problems);
    await page.close();
  });
});
