/**
 * The NeuroBench section of the energy report, in a real browser (Debian's chromium) in the extension's panel
 * page: the report of a small network with the NeuroBench metrics of a real simulation (core, both counted by
 * hand in test/unit/neurobench.test.ts) shows a row per weight layer, the totals, the MAC mark with why, the
 * sparsities and the footprint; a report without them has no section.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeModelText } from '../../src/core/report';
import { neuroBenchReport } from '../../src/core/energy/neurobench';
import { simulateEvents } from '../../src/core/sim/event-engine';
import { framesInput } from '../../src/core/sim/input';
import type { ModelFile } from '../../src/core/model/types';
import type { ModelReport } from '../../src/protocol/report';
import { reportPanelHtml } from '../../src/host/panels/reportHtml';
import { DARK_THEME } from './harness';
import { assertClean, openPage, panelPage, send, text, usePanelView, waitForReady } from './pages';

let env: ReturnType<typeof usePanelView>;
let report: ModelReport;

const page = (): string => panelPage(env.server, 'report', 'SynOps Energy Report', undefined, DARK_THEME, reportPanelHtml);

// conv 2×2 (W = [[1, 0], [2, −1]]) on 3×3 → relu r1 → flatten → linear fc (4 → 1), two steps: the hand case of
// test/unit/neurobench.test.ts (c1: ACs 4, MACs 2, Dense 32; fc: ACs 1, MACs 2, Dense 8; sparsity 0.625).
const model: ModelFile = {
  format: 'synops-model', version: 1, name: 'nb hand', input: { kind: 'events', shape: [1, 3, 3], chunkEvents: 10, dtMs: 1 },
  layers: [{ type: 'conv2d', name: 'c1', outChannels: 1, kernel: 2, bias: false }, { type: 'relu', name: 'r1' }, { type: 'flatten', name: 'f' }, { type: 'linear', name: 'fc', outFeatures: 1, bias: false }],
};
const weights = { c1: { shape: [1, 1, 2, 2], weight: Float32Array.from([1, 0, 2, -1]) }, fc: { shape: [1, 4], weight: Float32Array.from([1, 1, 1, 1]) } };

describe('report: the NeuroBench section (chromium)', () => {
  env = usePanelView('report');

  before(() => {
    const r = analyzeModelText(JSON.stringify(model), 'nb.snn.json').report;
    assert.ok(r);
    const sim = simulateEvents(model, weights, framesInput([1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2], [1, 3, 3], 2), { counts: true });
    report = { ...r, neurobench: neuroBenchReport(model, weights, [sim]) };
  });

  test('per layer and total, the MACs marked with why, sparsities and footprint', async () => {
    const { page: p, problems } = await openPage(env.browser.context, env.server, '/neurobench.html', page());
    await waitForReady(p);
    await send(p, { type: 'report', report, uri: 'file:///w/nb.snn.json' });
    await p.locator('#neurobench-table').waitFor();
    const cell = (row: string, col: string) => text(p, `#neurobench-table ${row} td[data-col="${col}"]`);
    assert.deepEqual(await Promise.all(['effective-acs', 'effective-macs', 'dense', 'synops'].map((c) => cell('tr[data-layer="c1"]', c))), ['4', '2 *', '32', '9']);
    assert.deepEqual(await Promise.all(['effective-acs', 'effective-macs', 'dense', 'synops'].map((c) => cell('tr[data-layer="fc"]', c))), ['1', '2 *', '8', '4']);
    assert.deepEqual(await Promise.all(['effective-acs', 'effective-macs', 'dense', 'synops', 'footprint'].map((c) => cell('#neurobench-total', c))), ['5', '4 *', '40', '13', '32']);
    assert.match(await text(p, '#neurobench-macs'), /ACs only when all its inputs are in \{−1, 0, 1\}/);
    assert.equal(await text(p, '#neurobench-totals'), 'ActivationSparsity 0.6250 (r1 0.6250) · ConnectionSparsity 0.1250 · Footprint 32 bytes');
    await assertClean(p, problems);
    await p.close();
  });

  test('a report without NeuroBench metrics has no section', async () => {
    const { page: p, problems } = await openPage(env.browser.context, env.server, '/no-neurobench.html', page());
    await waitForReady(p);
    const plain: ModelReport = { ...report };
    delete plain.neurobench;
    await send(p, { type: 'report', report: plain, uri: 'file:///w/nb.snn.json' });
    await p.locator('#layer-table').waitFor();
    assert.equal(await p.locator('#neurobench').count(), 0);
    await assertClean(p, problems);
    await p.close();
  });
});
