/**
 * Which run the energy report's figures come from, and whether its spiking network is mostly silent, in a
 * real browser (Debian's chromium) in the extension's panel page: `#figures-run` names the run and why
 * that one, "Choose run…" asks the host for another, and `#output-silence` gives the silent and tied outputs
 * with the plain warning. The report is the core's report of templates/mnist-dvs.snn.json with run figures.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeModelText } from '../../src/core/report';
import type { ModelReport } from '../../src/protocol/report';
import { reportPanelHtml } from '../../src/host/panels/reportHtml';
import { DARK_THEME, readRepoFile } from './harness';
import { assertClean, openPage, panelPage, posted, send, text, usePanelView, waitForReady } from './pages';

const MODEL = 'templates/mnist-dvs.snn.json';
let env: ReturnType<typeof usePanelView>;
let latest: ModelReport;
let own: ModelReport;

const page = (): string => panelPage(env.server, 'report', 'SynOps Energy Report', undefined, DARK_THEME, reportPanelHtml);

describe('report: the run behind the figures, and silent outputs (chromium)', () => {
  env = usePanelView('report');

  before(() => {
    const analyzed = analyzeModelText(readRepoFile(MODEL), MODEL);
    assert.ok(analyzed.report);
    // 472 of 891 silent = 53 %, 518 tied (the silent included) = 58.1 %
    const outputs = { samples: 891, silent: 472, ties: 518, warning: 'The spiking network is mostly silent: 472 of 891 samples (53 %) had no output spike. Try training longer.' };
    latest = { ...analyzed.report, runId: 'synops-06', figuresFrom: { runId: 'synops-06', how: 'latest', candidates: 3 }, outputs };
    own = { ...latest, figuresFrom: { runId: 'synops-06', how: 'own', candidates: 1 }, outputs: { samples: 891, silent: 6, ties: 73 } };
  });

  test('a model file following its newest run: the run named, Choose run… posts pickRun, the warning heads the report', async () => {
    const { page: p, problems } = await openPage(env.browser.context, env.server, '/figures.html', page());
    await waitForReady(p);
    await send(p, { type: 'report', report: latest, uri: 'file:///w/mnist-dvs.snn.json' });
    await p.locator('#figures-run').waitFor();
    assert.equal(await text(p, '#figures-run'), 'Figures of run synops-06 (the newest of 3 evaluated runs of this model). Choose run…');
    await p.locator('#pick-run').click();
    assert.deepEqual((await posted(p)).at(-1), { type: 'pickRun' });
    assert.equal(await text(p, '#silent-warning'), `Warning: ${latest.outputs!.warning}`);
    assert.equal(await text(p, '#output-silence [data-col="silent"]'), '472');
    assert.match(await text(p, '#output-silence'), /472 silent \(53\.0 %\), 518 tied \(58\.1 %, the silent included\)/);
    // A run's own model file: no picker; a network that is not mostly silent: counts, no warning.
    await send(p, { type: 'report', report: own });
    await p.waitForFunction(() => document.querySelector('#silent-warning') === null);
    assert.equal(await p.locator('#pick-run').count(), 0);
    assert.match(await text(p, '#figures-run'), /this model file is the run’s own/);
    assert.match(await text(p, '#output-silence'), /6 silent \(0\.7 %\), 73 tied/);
    await assertClean(p, problems);
    await p.close();
  });
});
