/**
 * The spike-raster panel in a real browser, under the page and CSP the extension builds (`panelHtml`).
 * The fixture (`fixtures.ts`) is synthetic and seeded: 3000 events over 300 ms on a 64×64 sensor, three
 * spiking layers with enough entries that the raster is decimated, 1234 entries left out by the recording.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rasterFixture } from './fixtures';
import { networkView } from '../../src/core/views/raster';
import { ARTIFACTS, assertClean, openPage, panelPage, posted, savedState, send, text, usePanelView, waitForReady } from './pages';


type Plot = { data: Array<{ z?: number[][]; x: number[] }> };

describe('raster webview (chromium)', () => {
  const env = usePanelView('raster');

  test('panel: frames, scrubber by keyboard, rasters with what was dropped, output class', async () => {
    const payload = rasterFixture();
    const { page, problems } = await openPage(env.browser.context, env.server, '/raster.html', panelPage(env.server, 'raster', 'SynOps Spike Raster'));
    await waitForReady(page);
    await send(page, { type: 'raster', payload, selection: { chunk: 0, chunkCount: 5, samples: ['7/rec-001.aedat', '7/rec-002.aedat'], sample: '7/rec-001.aedat' } });
    await page.locator('#layer-raster .main-svg').first().waitFor();

    assert.equal(await text(page, '#raster-facts'), '3,000 input events on 64×64 pixels · 300 steps of 1 ms · 3 spiking layers');
    const spk1 = payload.layers[0];
    assert.equal(await text(page, '#layer-summary tr[data-layer="spk1"] td[data-col="spikes"]'), spk1.total.toLocaleString('en-US'));
    assert.equal(await text(page, '#layer-summary tr[data-layer="spk1"] td[data-col="neurons"]'), '7,688');
    assert.equal(await text(page, '#layer-summary tr[data-layer="out"] td[data-col="spikes"]'), '43');
    assert.equal(await text(page, '#output-class'), '7');
    assert.match(await text(page, '#output-detail'), /19 output spikes · label 7: correct/);

    // What is not drawn is said: 1234 entries left out by the recording, and the decimation here.
    const note = await text(page, '#raster-note');
    assert.match(note, /left out 1,234 \(neuron, step\) entries/);
    assert.match(note, /spk1 1,234/);
    // 30,043 entries > 20,000: every 2nd of spk1 and spk2 (15,000) plus all 43 of the output layer.
    assert.match(note, /Drawn: 15,043 of 30,043 entries, one in 2 of each layer/);
    assert.equal(await page.locator('#layer-raster .scatterlayer .point').count(), 15_043);

    // Accumulated frame: every event in its pixel; the per-bin frame starts at 0 ms.
    await page.locator('#input-frame .main-svg').first().waitFor();
    const sum = (id: string) => page.evaluate((sel) => ((document.querySelector(sel) as unknown as Plot).data[0].z ?? []).flat().reduce((a, b) => a + b, 0), id);
    assert.equal(await sum('#input-frame'), 3000);
    const inBin = (s: number) => payload.input.t.filter((t) => Math.floor(t / 1000) === s).length;
    assert.equal(await text(page, '#frame-time'), '0 ms');
    assert.equal(await sum('#step-frame'), inBin(0));
    assert.equal(await text(page, '#frame-events'), `${inBin(0)} events`);

    // Keyboard: ArrowRight moves one bin (1 ms); the frame, the count and the time cursors follow.
    await page.locator('#time-scrubber').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await text(page, '#frame-time'), '1 ms');
    assert.equal(await text(page, '#frame-events'), `${inBin(1)} events`);
    assert.equal(await sum('#step-frame'), inBin(1));
    for (let i = 0; i < 19; i++) await page.keyboard.press('ArrowRight');
    assert.equal(await text(page, '#frame-time'), '20 ms');
    assert.equal(await sum('#step-frame'), inBin(20));
    await page.keyboard.press('End');
    assert.equal(await text(page, '#frame-time'), '299 ms');
    await page.keyboard.press('Home');
    assert.equal(await text(page, '#frame-time'), '0 ms');
    await page.keyboard.press('PageUp');
    assert.ok(Number((await text(page, '#frame-time')).replace(' ms', '')) > 1, 'PageUp moves further than one bin');
    await page.locator('#time-scrubber').fill('150');
    assert.equal(await text(page, '#frame-time'), '150 ms');
    assert.equal(await sum('#step-frame'), inBin(150));
    // Each time chart's cursor sits at 150 ms: half way along its plot area (the x axes span 0–300 ms).
    const cursors = await page.evaluate(() => ['#input-raster', '#layer-raster', '#per-step-chart'].map((s) => {
      const chart = document.querySelector(s) as HTMLElement;
      const area = chart.querySelector('.nsewdrag') as SVGRectElement;
      const cursor = chart.parentElement?.querySelector('.time-cursor') as HTMLElement;
      const a = area.getBoundingClientRect();
      const c = cursor.getBoundingClientRect();
      return { ms: cursor.dataset.ms, offset: Math.round(c.left - (a.left + a.width / 2)), visible: !cursor.hidden };
    }));
    for (const c of cursors) {
      assert.equal(c.ms, '150');
      assert.ok(c.visible && Math.abs(c.offset) <= 1, JSON.stringify(cursors));
    }
    assert.equal((await savedState<{ step: number }>(page)).step, 150);

    // Spikes per step: the input events and one line per layer, never decimated.
    assert.equal(await page.locator('#per-step-chart .scatterlayer .trace').count(), 4);
    const perStep = await page.evaluate(() => (document.querySelector('#per-step-chart') as unknown as { data: Array<{ y: number[] }> }).data[1].y);
    assert.deepEqual(perStep, spk1.perStep);
    assert.equal(await page.locator('#output-chart .bars .point').count(), 10);
    assert.equal(await page.locator('#input-raster .scatterlayer .point').count(), 3000);

    await page.screenshot({ path: join(ARTIFACTS, 'raster.png'), fullPage: true });

    // The chunk picker asks the host for another chunk.
    await page.locator('#chunk-next').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'selectChunk', chunk: 1, sample: '7/rec-001.aedat' });
    assert.ok(await page.locator('#chunk-prev').isDisabled());
    await page.locator('#sample-select').selectOption('7/rec-002.aedat');
    assert.deepEqual((await posted(page)).at(-1), { type: 'selectChunk', chunk: 0, sample: '7/rec-002.aedat' });

    await assertClean(page, problems);
    await page.close();
  });

  test('panel: restores the chunk and the time bin from the saved state', async () => {
    const payload = rasterFixture();
    const { page, problems } = await openPage(env.browser.context, env.server, '/raster-restored.html',
      panelPage(env.server, 'raster', 'SynOps Spike Raster', { stateVersion: 1, payload, step: 42 }));
    await page.locator('#step-frame .main-svg').first().waitFor();
    assert.equal(await text(page, '#frame-time'), '42 ms');
    assert.equal(await page.locator('#time-scrubber').inputValue(), '42');
    assert.equal(await page.locator('#chunk-picker').count(), 0, 'no picker without a selection');
    await assertClean(page, problems);
    await page.close();
  });
  test('panel without a run: no empty layer plot nor "0 spiking layers"; it says to pick a run', async () => {
    const payload = { ...rasterFixture(), layers: [], output: undefined, note: 'Input events only: pick a trained model to see the spiking layers.' };
    const { page, problems } = await openPage(env.browser.context, env.server, '/raster-nolayers.html', panelPage(env.server, 'raster', 'SynOps Spike Raster'));
    await waitForReady(page);
    await send(page, { type: 'raster', payload, selection: { chunk: 0, chunkCount: 2, canSimulate: true } });
    await page.locator('#input-frame .main-svg').first().waitFor();
    assert.equal(await text(page, '#raster-facts'), '3,000 input events on 64×64 pixels · 300 steps of 1 ms');
    assert.equal(await page.locator('#layer-raster').count(), 0);
    assert.match(await text(page, '#no-layers'), /Pick a trained run with “Simulate this chunk with a run…”/);
    assert.match(await text(page, '#step-frame-caption'), /on the 64×64 sensor$/);
    assert.doesNotMatch(await page.locator('body').innerText(), /as the spiking network sees it/);
    await assertClean(page, problems);
    await page.close();
  });

  test('panel after simulating: the per-bin frame is at the model\'s input resolution (32×32 from the 64×64 sensor)', async () => {
    const base = rasterFixture();
    // The core's mapping, as the simulator bins: 2×2 sensor pixels make one input pixel.
    const payload = { ...base, networkInput: networkView(base.input, [1, 32, 32], [64, 64]) };
    const { page, problems } = await openPage(env.browser.context, env.server, '/raster-network.html', panelPage(env.server, 'raster', 'SynOps Spike Raster'));
    await waitForReady(page);
    await send(page, { type: 'raster', payload, selection: { chunk: 0, chunkCount: 2, canSimulate: true } });
    await page.locator('#step-frame .main-svg').first().waitFor();
    const z = (sel: string) => page.evaluate((s) => ((document.querySelector(s) as unknown as Plot).data[0].z ?? []), sel);
    const step = await z('#step-frame');
    assert.deepEqual([step.length, step[0].length], [32, 32]);
    const all = await z('#input-frame');
    assert.deepEqual([all.length, all[0].length], [64, 64]);
    const inBin0 = base.input.t.filter((t) => Math.floor(t / 1000) === 0).length;
    assert.equal(step.flat().reduce((a, b) => a + b, 0), inBin0);
    assert.equal(await text(page, '#step-frame-caption'), 'One time bin · as the spiking network sees it: its 32×32 input, 2×2 sensor pixels summed');
    assert.match(await text(page, '#raster-facts'), /network input 32×32/);
    await assertClean(page, problems);
    await page.close();
  });
});
