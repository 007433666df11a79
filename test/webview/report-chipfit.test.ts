/**
 * The chip-fit verdict in the energy report, in a real browser (Debian's chromium) in the extension's panel
 * page: the core's report of templates/mnist-dvs.snn.json fits Speck / DYNAP-CNN on 4 of 9 cores, that of
 * templates/cifar10-allconv.snn.json breaks limits, each shown on its layer with what to change; a layer
 * name asks the host for the layer's line.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeModelText } from '../../src/core/report';
import type { ModelReport } from '../../src/protocol/report';
import { reportPanelHtml } from '../../src/host/panels/reportHtml';
import { DARK_THEME, readRepoFile } from './harness';
import { assertClean, openPage, panelPage, posted, send, text, usePanelView, waitForReady } from './pages';

let env: ReturnType<typeof usePanelView>;
let mnist: ModelReport;
let cifar: ModelReport;

const page = (): string => panelPage(env.server, 'report', 'SynOps Energy Report', undefined, DARK_THEME, reportPanelHtml);
const report = (file: string): ModelReport => {
  const r = analyzeModelText(readRepoFile(file), file).report;
  assert.ok(r, file);
  return r;
};

describe('report: the chip-fit verdict (chromium)', () => {
  env = usePanelView('report');

  before(() => {
    mnist = report('templates/mnist-dvs.snn.json');
    cifar = report('templates/cifar10-allconv.snn.json');
  });

  test('a network that fits: the cores it takes, each layer on its core', async () => {
    const { page: p, problems } = await openPage(env.browser.context, env.server, '/chip-fits.html', page());
    await waitForReady(p);
    await send(p, { type: 'report', report: mnist, uri: 'file:///w/mnist-dvs.snn.json' });
    await p.locator('#chip-verdict').waitFor();
    // conv1, conv2, conv3, fc: 4 weight layers, one core each (the assignment as `synops summary` prints it).
    assert.equal(await text(p, '#chip-verdict'), 'Fits on Speck / DYNAP-CNN: 4 of 9 cores (conv1 → core 3, conv2 → core 2, conv3 → core 1, fc → core 0)');
    assert.equal(await p.locator('#chip-problems').count(), 0);
    await assertClean(p, problems);
    await p.close();
  });

  test('a network that does not fit: each broken limit on its layer with what to change; the layer name reveals its line', async () => {
    const { page: p, problems } = await openPage(env.browser.context, env.server, '/chip-breaks.html', page());
    await waitForReady(p);
    await send(p, { type: 'report', report: cifar, uri: 'file:///w/cifar10-allconv.snn.json' });
    await p.locator('#chip-problems').waitFor();
    const n = cifar.chipFit!.problems.length;
    assert.ok(n > 0);
    assert.equal(await text(p, '#chip-verdict'), `Does not fit on Speck / DYNAP-CNN: ${n} limits broken`);
    assert.equal(await p.locator('#chip-problems li').count(), n);
    // conv5 is 192 → 192 channels 3×3: 192 · 2^(⌈log₂ 9⌉ + ⌈log₂ 192⌉) = 192 · 2^(4 + 8) = 786,432 = 768Ki > 64Ki.
    assert.equal(await text(p, '#chip-problems li[data-layer="conv5"][data-code="chip/kernel-memory"]'),
      'conv5: kernel memory 768Ki; the largest core holds 64Ki: use fewer channels or a smaller kernel');
    await p.locator('#chip-problems li[data-layer="conv5"] button').first().click();
    const last = (await posted(p)).at(-1) as { type: string; layer: string };
    assert.equal(last.type, 'revealLayer');
    assert.equal(last.layer, 'conv5');
    await assertClean(p, problems);
    await p.close();
  });
});
