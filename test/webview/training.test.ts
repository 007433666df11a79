/**
 * The training monitor in a real browser, under the page and CSP the extension builds (`panelHtml`): the
 * host sends one `training` message per epoch; the view keeps every epoch, redraws in place, and a panel
 * restored from its saved state shows the same epochs before the host answers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { EpochMetrics, TrainingPayload } from '../../src/protocol/views';
import { LIGHT_THEME } from './harness';
import { ARTIFACTS, assertClean, openPage, panelPage, posted, savedState, send, text, usePanelView, waitForReady } from './pages';


/** Epoch n of a SynOp-loss + QReLU run with target S₀ = 600 k: SynOps fall towards the target. */
function epoch(n: number): EpochMetrics {
  const conv2 = Math.round(900_000 / n);
  const conv3 = Math.round(300_000 / n);
  const synops = 270_000 + conv2 + conv3 + 6_000;
  const term = ((synops - 600_000) / 600_000) ** 2;
  const ce = 0.9 / n + 0.1;
  return { epoch: n, loss: ce + term, ce, synopTerm: term, accuracy: 0.8 + 0.02 * n, valAccuracy: 0.79 + 0.02 * n, synopsPerLayer: { conv1: 270_000, conv2, conv3, fc: 6_000 }, synops, learningRate: 0.001, seconds: 41.5 + n, imagesPerSec: 120 };
}

const base: Omit<TrainingPayload, 'history' | 'status'> = {
  schemaVersion: 1, runId: 'qr-6e5', modelName: 'mnist-dvs', strategy: 'synop-loss-qrelu', target: 600_000, backend: 'tensorflow', epochs: 8,
};

const cell = (n: number, col: string) => `#epoch-table tr[data-epoch="${n}"] td[data-col="${col}"]`;

describe('training webview (chromium)', () => {
  const env = usePanelView('training');

  test('panel: two updates keep both epochs, in place; stop and open report post to the host', async () => {
    const { page, problems } = await openPage(env.browser.context, env.server, '/training.html', panelPage(env.server, 'training', 'SynOps Training'));
    await waitForReady(page);
    await send(page, { type: 'training', payload: { ...base, status: 'running', history: [epoch(1)] } });
    await page.locator('#epoch-table tr[data-epoch="1"]').waitFor();
    assert.equal(await text(page, '#training-status'), 'Training: epoch 1 of 8 done · SynOp loss + QReLU, S₀ = 600 k · backend tensorflow');
    // The chart elements and the first row stay the same nodes through the next update: no rebuild, no flicker.
    await page.evaluate(() => {
      const w = window as unknown as { __nodes: Element[] };
      w.__nodes = ['#loss-chart', '#synops-epoch-chart', '#epoch-table tr[data-epoch="1"]'].map((s) => document.querySelector(s) as Element);
    });

    // The second message carries only the new epoch; the first is kept.
    await send(page, { type: 'training', payload: { ...base, status: 'running', history: [epoch(2)] } });
    await page.locator('#epoch-table tr[data-epoch="2"]').waitFor();
    assert.equal(await page.locator('#epoch-table tbody tr').count(), 2);
    assert.equal(await text(page, '#training-status'), 'Training: epoch 2 of 8 done · SynOp loss + QReLU, S₀ = 600 k · backend tensorflow');
    assert.equal(await page.locator('#training-progress').evaluate((p: HTMLProgressElement) => `${p.value}/${p.max}`), '2/8');
    const same = await page.evaluate(() => {
      const w = window as unknown as { __nodes: Element[] };
      return ['#loss-chart', '#synops-epoch-chart', '#epoch-table tr[data-epoch="1"]'].map((s, i) => document.querySelector(s) === w.__nodes[i]);
    });
    assert.deepEqual(same, [true, true, true]);

    // Epoch 2: SynOps 270,000 + 450,000 + 150,000 + 6,000 = 876,000; term ((876k − 600k)/600k)² = 0.2116.
    assert.equal(await text(page, cell(2, 'synops')), '876,000');
    assert.equal(await text(page, cell(2, 'synop-term')), '0.212');
    assert.equal(await text(page, cell(2, 'ce')), '0.5500');
    assert.equal(await text(page, cell(2, 'loss')), '0.7616');
    assert.equal(await text(page, cell(2, 'accuracy')), '84.00 %');
    assert.equal(await text(page, cell(2, 'val-accuracy')), '83.00 %');
    assert.equal(await text(page, cell(1, 'synops')), '1,476,000');
    assert.match(await page.locator(cell(2, 'synops')).getAttribute('title') ?? '', /conv2: 450,000/);

    // Charts: loss (3 lines), accuracy (2), SynOps (4 stacked layers + the total), each with both epochs. While
    // the run trains they follow at most every 500 ms (CHART_INTERVAL_MS), so epoch 2 reaches them a little later.
    await page.locator('#synops-epoch-chart .main-svg').first().waitFor();
    await page.waitForFunction(() => ['#loss-chart', '#accuracy-chart', '#synops-epoch-chart'].every((s) =>
      (document.querySelector(s) as unknown as { data?: Array<{ x: number[] }> }).data?.every((d) => d.x.length === 2)), undefined, { timeout: 5000 });
    const series = await page.evaluate(() => ['#loss-chart', '#accuracy-chart', '#synops-epoch-chart'].map((s) =>
      (document.querySelector(s) as unknown as { data: Array<{ name: string; x: number[] }> }).data.map((d) => `${d.name}:${d.x.join(',')}`)));
    assert.deepEqual(series, [
      ['total:1,2', 'cross-entropy:1,2', 'SynOp term (right axis):1,2'],
      ['training:1,2', 'held-out:1,2'],
      ['conv1:1,2', 'conv2:1,2', 'conv3:1,2', 'fc:1,2', 'total:1,2'],
    ]);
    assert.match(await page.locator('#synops-epoch-chart .annotation').textContent() ?? '', /target S₀/);

    // The saved state holds both epochs, so a hidden and shown panel redraws them.
    const state = await savedState<{ stateVersion: number; payload: TrainingPayload }>(page);
    assert.equal(state.stateVersion, 1);
    assert.deepEqual(state.payload.history.map((e) => e.epoch), [1, 2]);

    // A full-history message (another host style) with a corrected epoch 2 replaces that row only.
    await send(page, { type: 'training', payload: { ...base, status: 'running', history: [epoch(1), epoch(2), epoch(3)] } });
    await page.locator('#epoch-table tr[data-epoch="3"]').waitFor();
    assert.equal(await page.locator('#epoch-table tbody tr').count(), 3);

    await page.locator('#training-stop').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'cancelTraining', runId: 'qr-6e5' });
    assert.ok(await page.locator('#training-open').isHidden());
    await page.screenshot({ path: join(ARTIFACTS, 'training.png'), fullPage: true });

    await send(page, { type: 'training', payload: { ...base, status: 'done', history: [4, 5, 6, 7, 8].map(epoch) } });
    await page.locator('#epoch-table tr[data-epoch="8"]').waitFor();
    assert.equal(await page.locator('#epoch-table tbody tr').count(), 8);
    assert.match(await text(page, '#training-status'), /^Finished: epoch 8 of 8/);
    assert.ok(await page.locator('#training-stop').isHidden());
    await page.locator('#training-open').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'openRun', runId: 'qr-6e5' });

    // Stopped with a checkpoint: the state says so and Resume asks the host to continue the run.
    await send(page, { type: 'training', payload: { ...base, runId: 'qr-stop', status: 'cancelled', resumable: true, history: [1, 2, 3, 4].map(epoch) } });
    await page.waitForFunction(() => document.querySelector('#training-status')?.textContent?.startsWith('Cancelled'));
    assert.match(await text(page, '#training-status'), /^Cancelled — Resume continues from epoch 5: epoch 4 of 8/);
    assert.ok(await page.locator('#training-stop').isHidden());
    await page.locator('#training-resume').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'resumeRun', runId: 'qr-stop' });
    // Stopped without one: no Resume.
    await send(page, { type: 'training', payload: { ...base, runId: 'qr-stop', status: 'cancelled', history: [1, 2, 3, 4].map(epoch) } });
    await page.waitForFunction(() => document.querySelector('#training-status')?.textContent === 'Cancelled: epoch 4 of 8 · SynOp loss + QReLU, S₀ = 600 k · backend tensorflow');
    assert.ok(await page.locator('#training-resume').isHidden());

    // Another run starts afresh.
    await send(page, { type: 'training', payload: { ...base, runId: 'qr-3e5', target: 300_000, status: 'running', history: [epoch(1)] } });
    await page.waitForFunction(() => document.querySelectorAll('#epoch-table tbody tr').length === 1);
    assert.match(await text(page, '#training-title'), /qr-3e5/);
    await assertClean(page, problems);
    await page.close();
  });

  test('panel: before epoch 1 ends it says what the run does, and the header names the epoch in progress', async () => {
    const { page, problems } = await openPage(env.browser.context, env.server, '/training-early.html', panelPage(env.server, 'training', 'SynOps Training'));
    await waitForReady(page);
    // Data loading, before the worker names the run.
    await send(page, { type: 'activity', message: 'preparing frames 40/400' });
    await page.waitForFunction(() => document.querySelector('#training-status')?.getAttribute('data-status') === 'preparing');
    assert.equal(await text(page, '#training-status'), 'Preparing the run: preparing frames 40/400');
    // Epoch 1 running, step 3 of 10: no epoch has ended, the header and the progress bar say where it is.
    await send(page, { type: 'training', payload: { ...base, status: 'running', history: [], current: { epoch: 1, step: 3, steps: 10 } } });
    await page.waitForFunction(() => document.querySelector('#training-status')?.getAttribute('data-status') === 'running');
    assert.equal(await text(page, '#training-status'), 'Training: epoch 1 of 8, step 3 of 10 · SynOp loss + QReLU, S₀ = 600 k · backend tensorflow');
    assert.equal(await page.locator('#training-progress').evaluate((p: HTMLProgressElement) => p.value.toFixed(2)), '0.30');
    // Epoch 1 done and epoch 2 under way: the header says epoch 2, as the status bar's notification does.
    await send(page, { type: 'training', payload: { ...base, status: 'running', history: [epoch(1)], current: { epoch: 2, step: 1, steps: 10 } } });
    await page.locator('#epoch-table tr[data-epoch="1"]').waitFor();
    assert.match(await text(page, '#training-status'), /^Training: epoch 2 of 8, step 1 of 10 · /);
    await assertClean(page, problems);
    await page.close();
  });

  test('charts: the total is the sum of the stacked layers; the input\'s SynOps (not in S) are left out of both', async () => {
    const { page, problems } = await openPage(env.browser.context, env.server, '/training-stack.html', panelPage(env.server, 'training', 'SynOps Training'));
    await waitForReady(page);
    // As the worker sends a run that does not count input SynOps: S = conv2 + conv3 + fc; conv1's from the input apart.
    const e = (n: number): EpochMetrics => { const x = epoch(n); const { conv1, ...rest } = x.synopsPerLayer; return { ...x, synops: x.synops - conv1, synopsPerLayer: rest, uncountedSynops: { conv1 } }; };
    await send(page, { type: 'training', payload: { ...base, status: 'running', history: [e(1), e(2)] } });
    await page.locator('#synops-epoch-chart .main-svg').first().waitFor();
    const traces = await page.evaluate(() => (document.querySelector('#synops-epoch-chart') as unknown as { data: Array<{ name: string; y: number[]; stackgroup?: string }> }).data);
    const total = traces.find((t) => t.name === 'total')!.y;
    const stacked = traces.filter((t) => t.stackgroup);
    assert.deepEqual(stacked.map((t) => t.name), ['conv2', 'conv3', 'fc']);
    // epoch 1: 900,000 + 300,000 + 6,000 = 1,206,000; epoch 2: 450,000 + 150,000 + 6,000 = 606,000
    assert.deepEqual(total, [1_206_000, 606_000]);
    assert.deepEqual(total.map((_, i) => stacked.reduce((s, t) => s + t.y[i], 0)), total);
    assert.match(await text(page, '#synops-caption'), /stack adds up to the total S \(the input's SynOps into conv1 are not in S, nor drawn\)/);
    assert.match(await page.locator(cell(1, 'synops')).getAttribute('title') ?? '', /conv1 from the input: 270,000 \(not in S\)/);
    await assertClean(page, problems);
    await page.close();
  });

  test('charts: a baseline\'s loss chart is cross-entropy alone, with no SynOp term nor its axis', async () => {
    const { page, problems } = await openPage(env.browser.context, env.server, '/training-baseline.html', panelPage(env.server, 'training', 'SynOps Training'));
    await waitForReady(page);
    const b = (n: number): EpochMetrics => ({ ...epoch(n), loss: epoch(n).ce, synopTerm: 0 });
    await send(page, { type: 'training', payload: { ...base, runId: 'bl', strategy: 'baseline', target: undefined, status: 'done', history: [b(1), b(2)] } });
    await page.locator('#loss-chart .main-svg').first().waitFor();
    const loss = await page.evaluate(() => { const el = document.querySelector('#loss-chart') as unknown as { data: Array<{ name: string }>; layout: Record<string, unknown> }; return { names: el.data.map((d) => d.name), y2: 'yaxis2' in el.layout }; });
    assert.deepEqual(loss, { names: ['cross-entropy'], y2: false });
    const caption = await text(page, '#loss-caption');
    assert.ok(!caption.includes('+ SynOp term'), `loss caption: ${caption}`);
    assert.equal(await page.locator('#loss-chart .y2title').count(), 0);
    await assertClean(page, problems);
    await page.close();
  });

  test('panel: a restored panel shows every saved epoch before the host answers (light theme)', async () => {
    const payload: TrainingPayload = { ...base, status: 'running', history: [1, 2, 3].map(epoch) };
    const { page, problems } = await openPage(env.browser.context, env.server, '/training-restored.html',
      panelPage(env.server, 'training', 'SynOps Training', { stateVersion: 1, payload }, LIGHT_THEME));
    await page.locator('#epoch-table tr[data-epoch="3"]').waitFor();
    assert.equal(await page.locator('#epoch-table tbody tr').count(), 3);
    assert.deepEqual(await posted(page), [{ type: 'ready' }]);
    // The host then sends only epoch 4: the panel shows 1–4.
    await send(page, { type: 'training', payload: { ...payload, history: [epoch(4)] } });
    await page.locator('#epoch-table tr[data-epoch="4"]').waitFor();
    assert.equal(await page.locator('#epoch-table tbody tr').count(), 4);
    await page.locator('#loss-chart .main-svg').first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'training-light.png'), fullPage: true });
    await assertClean(page, problems);
    await page.close();
  });
});
