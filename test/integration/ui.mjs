// UI checks for SynOps Studio in a real VS Code workbench (code-server), driven with Playwright and
// Debian's chromium. Started by test/integration/run.sh, which serves the workbench with this repository
// loaded as an Extension Development Host and a fixture workspace open.
//
// Usage: node test/integration/ui.mjs --url <workbench url> --out <run folder> [--summary <file>] [--only a,b]
// Each check is a named async function; a failing check is reported, screenshotted as <check>-error.png in
// the run folder, and the next check runs. The last line printed is "N passed, M failed".
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import {
  activeEditorText, answerInput, assert, closeOverlays, codeLensTexts, frameWith, hasNumber, launch, log, markExtensionMissing, norm,
  openFile, openWorkbench, page, pickRow, showSynopsSidebar, parseNumber, patience, poll, quickInput, quickInputBox, quickRows, runCommand, screenshot, sleep,
  visibleToasts,
} from './workbench.mjs';
import * as views from './checks/issue15-views.mjs';
import * as runChecks from './checks/issue15-runs.mjs';

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    out: { type: 'string' },
    summary: { type: 'string' },
    only: { type: 'string', default: process.env.SYNOPS_IT_ONLY || '' },
  },
});
if (!opts.url || !opts.out) {
  console.error('usage: node ui.mjs --url <workbench url> --out <run folder> [--summary <file>]');
  process.exit(2);
}
const OUT = path.resolve(opts.out);
fs.mkdirSync(OUT, { recursive: true });
const t0 = Date.now();

// ------------------------------------------------------------------ expectations (the extension's contract)
const MNIST = 'mnist-dvs.snn.json';
const BROKEN = 'broken.snn.json';
const MNIST_MODEL_NAME = 'MNIST-DVS CNN (Sorbaro et al. 2020)';
const CIFAR_TEMPLATE = 'CIFAR-10 All-ConvNet';
const CMD = {
  newModel: 'SynOps: New Model from Template',
  energyReport: 'SynOps: Show Energy Report',
  checkWorker: 'SynOps: Check Worker',
  tradeoff: 'SynOps: Show Trade-off',
  trainingMonitor: 'SynOps: Show Training Monitor',
};
const EXPECTED_MACS = { conv1: '276,768', conv2: '726,624', conv3: '186,624', fc: '4,320' };

// ------------------------------------------------------------------ checks
async function extensionCommandsRegistered() {
  // The dev-host payload is honoured when the extension's contributed commands are in the palette.
  const titles = Object.values(CMD);
  // One title at a time: the palette's list is virtual, so with every SynOps command listed some rows are not drawn.
  const missing = [...titles];
  await poll(async () => {
    await closeOverlays();
    await page.keyboard.press('F1');
    await quickInputBox.waitFor({ state: 'visible', timeout: 15000 });
    for (const t of [...missing]) {
      await quickInputBox.fill('>' + t);
      await sleep(300);
      const labels = (await quickRows.locator('.label-name').allInnerTexts()).map(norm);
      if (labels.includes(t)) missing.splice(missing.indexOf(t), 1);
    }
    return missing.length === 0;
  }, { timeout: 60000, interval: 1000, what: `commands ${titles.join(', ')} in the palette` });
  await closeOverlays();
}

async function codeLensesMnist() {
  await openFile(MNIST);
  // Lenses arrive (and re-layout the editor) progressively: wait until all the expected ones are rendered.
  const expected = ['Total:', ...Object.keys(EXPECTED_MACS).map((l) => l + ' ')];
  const lenses = await poll(async () => {
    const t = await codeLensTexts();
    return expected.every((p) => t.some((l) => l.startsWith(p))) ? t : null;
  }, { timeout: patience(60000), what: `SynOps code lenses (${expected.join(', ')})` }).catch(async (e) => {
    throw new Error(`${e.message}; rendered lenses: ${JSON.stringify(await codeLensTexts().catch(() => []))}`);
  });
  log('code lenses:', JSON.stringify(lenses));
  const lens = (prefix) => lenses.find((l) => l.startsWith(prefix + ' ')) ?? '';
  const total = lenses.find((l) => l.startsWith('Total:'));
  assert(lens('conv1').includes('276,768 MACs'), `conv1 lens lacks "276,768 MACs": ${lens('conv1')}`);
  assert(total.includes('6,552 params'), `Total lens lacks "6,552 params": ${total}`);
  assert(/^Total: ~?[\d,]+ SynOps .* · 6,552 params · 1,194,336 MACs · /.test(total),
    `Total lens is not "Total: … SynOps … · 6,552 params · 1,194,336 MACs · …": ${total}`);
  for (const [layer, macs] of Object.entries(EXPECTED_MACS)) {
    assert(lens(layer).includes(`${macs} MACs`), `${layer} lens lacks "${macs} MACs": ${lens(layer) || '(none)'}`);
  }
  // The conv1 lens sits directly above the line that declares conv1.
  const boxes = async () => ({
    lens: await page.locator('.editor-group-container.active .codelens-decoration', { hasText: /^conv1 / })
      .first().boundingBox(),
    line: await page.locator('.editor-group-container.active .view-line', { hasText: '"conv1"' }).first().boundingBox(),
  });
  const above = ({ lens, line }) => lens && line && lens.y < line.y && line.y - lens.y < 3 * line.height;
  await poll(async () => above(await boxes()), { timeout: 5000, what: 'the conv1 lens above the conv1 line' })
    .catch(async () => {
      throw new Error(`conv1 lens is not just above the conv1 line: ${JSON.stringify(await boxes())}`);
    });
}

async function selectProfile(frame, pattern) {
  const sel = frame.locator('#profile-select');
  const tag = await sel.evaluate((el) => el.tagName.toLowerCase());
  if (tag === 'select') {
    const options = await sel.locator('option').evaluateAll((os) => os.map((o) => ({ v: o.value, t: o.textContent })));
    const opt = options.find((o) => pattern.test(o.t));
    assert(opt, `no #profile-select option matches ${pattern}: ${JSON.stringify(options)}`);
    await sel.selectOption(opt.v);
    return opt.t.trim();
  }
  // vscode-dropdown (webview-ui-toolkit): open it, click the option.
  const option = frame.locator('#profile-select vscode-option', { hasText: pattern }).first();
  assert(await option.count(), `no #profile-select option matches ${pattern}`);
  await sel.click();
  await option.click();
  return norm(await option.innerText());
}

let reportFrame = null;

async function energyReport() {
  try {
    await openFile(MNIST);
    await runCommand(CMD.energyReport);
    const tab = page.locator('.tab', { hasText: `SynOps Energy Report: ${MNIST_MODEL_NAME}` });
    await tab.first().waitFor({ timeout: patience(30000) }).catch(() => {
      throw new Error(`no editor tab titled "SynOps Energy Report: ${MNIST_MODEL_NAME}"`);
    });
    const frame = reportFrame = await frameWith('#layer-table', patience(60000));
    const cell = (layer, col) => frame.locator(`#layer-table tr[data-layer="${layer}"] td[data-col="${col}"]`);
    const conv2Macs = await poll(async () => norm(await cell('conv2', 'macs').innerText({ timeout: 1000 })),
      { timeout: 30000, what: 'conv2 macs cell' });
    assert(hasNumber(conv2Macs, '726,624'), `conv2 macs cell is "${conv2Macs}", expected 726,624`);
    const modelName = norm(await frame.locator('#model-name').innerText());
    assert(modelName.includes('MNIST-DVS'), `#model-name is "${modelName}"`);
    const totalParams = norm(await frame.locator('#total-params').innerText());
    assert(hasNumber(totalParams, '6,552'), `#total-params is "${totalParams}", expected 6,552`);
    const totalMacs = norm(await frame.locator('#total-macs').innerText());
    assert(hasNumber(totalMacs, '1,194,336'), `#total-macs is "${totalMacs}", expected 1,194,336`);
    const totalSynops = norm(await frame.locator('#total-synops').innerText());
    assert(parseNumber(totalSynops) > 0, `#total-synops is "${totalSynops}", expected a positive number`);
    for (const col of ['params', 'macs', 'fanout', 'synops', 'energy', 'ann-energy']) {
      assert(await cell('conv1', col).count(), `conv1 row has no td[data-col="${col}"]`);
    }

    const energyBefore = norm(await cell('conv1', 'energy').innerText());
    const picked = await selectProfile(frame, /loihi/i);
    const energyAfter = await poll(async () => {
      const t = norm(await cell('conv1', 'energy').innerText());
      return t !== energyBefore ? t : null;
    }, { timeout: 15000, what: `conv1 energy cell to change from "${energyBefore}" after picking ${picked}` });
    log(`conv1 energy: "${energyBefore}" -> "${energyAfter}" (${picked}); total synops ${totalSynops}`);
  } finally {
    await screenshot('energy-report-panel.png');
    if (reportFrame) { // the layer table is usually below the fold of the panel
      await reportFrame.locator('#layer-table').scrollIntoViewIfNeeded({ timeout: 2000 })
        .then(() => screenshot('energy-report-table.png'), () => {});
    }
  }
}

async function energyReportChart() {
  const frame = reportFrame ?? await frameWith('#synops-chart', patience(30000));
  await frame.locator('#synops-chart .main-svg').first().waitFor({ timeout: 30000 })
    .catch(() => { throw new Error('#synops-chart has no plotly .main-svg'); });
}

/** The Speck chip-fit verdict under the report of the MNIST-DVS template: 4 weight layers, one core each. */
async function energyReportChipFit() {
  if (!reportFrame) {
    await openFile(MNIST);
    await runCommand(CMD.energyReport);
  }
  const frame = reportFrame ?? await frameWith('#chip-verdict', patience(60000));
  const verdict = await poll(async () => norm(await frame.locator('#chip-verdict').innerText({ timeout: 1000 })),
    { timeout: 30000, what: '#chip-verdict in the energy report' });
  assert(/^Fits on Speck \/ DYNAP-CNN: 4 of 9 cores \(conv1 → core \d, conv2 → core \d, conv3 → core \d, fc → core \d\)$/.test(verdict), `#chip-verdict is "${verdict}"`);
  log(`chip fit: ${verdict}`);
  await frame.locator('#chip-fit').scrollIntoViewIfNeeded({ timeout: 2000 }).then(() => screenshot('energy-report-chip-fit.png'), () => {});
}

/**
 * A damaged .nir (the test's graph cut in half): its editor shows the one-line error, and the notification with
 * the same error offers "Open File", as bad input does everywhere else.
 */
async function nirEditorDamaged() {
  const ws = path.join(OUT, 'ws');
  const good = fs.readFileSync(path.join(ws, 'tiny-conv.nir'));
  fs.writeFileSync(path.join(ws, 'damaged.nir'), good.subarray(0, Math.floor(good.length / 2)));
  await openFile('damaged.nir', { textEditor: false });
  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'SynOps: NIR graph' }).first();
  await toast.waitFor({ timeout: patience(60000) }).catch(async () => {
    throw new Error(`no "SynOps: NIR graph" error; visible: ${JSON.stringify(await visibleToasts())}`);
  });
  const message = norm(await toast.locator('.notification-list-item-message').innerText());
  assert(/^SynOps: NIR graph: .*damaged\.nir: \/: HDF5 cannot (open|read) it .*write it again$/.test(message), `error: "${message}"`);
  assert(await toast.getByRole('button', { name: 'Open File' }).count(), 'the error has no "Open File" button');
  const frame = await frameWith('.report-error:not([hidden])', patience(30000));
  const shown = norm(await frame.locator('.report-error').first().innerText());
  assert(/^Cannot show this NIR graph: .*damaged\.nir: \/: /.test(shown), `the editor shows "${shown}"`);
  log(`damaged nir: ${message}`);
  await screenshot('nir-editor-damaged.png');
}

/** Opening a .nir shows the energy report of its network: the model, its totals and its chip-fit verdict. */
async function nirEditorReport() {
  await openFile('tiny-conv.nir', { textEditor: false });
  const frame = await frameWith('#chip-verdict', patience(60000));
  const name = norm(await frame.locator('#model-name').innerText());
  assert(name.includes('tiny-conv'), `#model-name is "${name}"`);
  // conv 2×1×3×3 + 2 biases = 20 and Affine 3×2 + 3 = 9 parameters; 72 + 6 MACs.
  const params = norm(await frame.locator('#total-params').innerText());
  assert(hasNumber(params, '29'), `#total-params is "${params}", expected 29`);
  const macs = norm(await frame.locator('#total-macs').innerText());
  assert(hasNumber(macs, '78'), `#total-macs is "${macs}", expected 78`);
  const verdict = norm(await frame.locator('#chip-verdict').innerText());
  assert(/^Does not fit on Speck \/ DYNAP-CNN: \d+ limits? broken$/.test(verdict), `#chip-verdict is "${verdict}"`);
  assert(await frame.locator('#chip-problems li[data-layer="conv"][data-code="chip/bias"]').count(), 'no chip/bias problem on conv');
  log(`nir editor: ${name}; ${verdict}`);
  await screenshot('nir-editor-report.png');
}

async function diagnosticsBrokenModel() {
  await openFile(BROKEN);
  const panel = page.locator('.markers-panel');
  // Ctrl+Shift+M toggles the Problems panel, so press it only while the panel is hidden.
  if (!(await panel.first().isVisible().catch(() => false))) await page.keyboard.press('Control+Shift+M');
  await panel.first().waitFor({ state: 'visible', timeout: 5000 }).catch(async () => {
    await runCommand('View: Focus Problems (Errors, Warnings, Infos)', { timeout: 15000 });
    await panel.first().waitFor({ state: 'visible', timeout: 10000 });
  });
  // Problems rows (a tree): .monaco-list-row > ... .marker-icon.error + .marker-message-details-container >
  // .marker-message (text) + .marker-line ("[Ln 11, Col 5]"); the row's aria-label is "Error: <message> at line ...".
  const problemRows = () => page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => rows.map((r) => ({
    message: r.querySelector('.marker-message')?.textContent ?? '',
    where: r.querySelector('.marker-line')?.textContent ?? '',
    error: !!r.querySelector('.marker-icon.error'),
    label: r.getAttribute('aria-label') ?? '',
  })).filter((r) => r.message));
  const entry = await poll(async () => (await problemRows()).find((r) => /conv2/.test(r.message) && /kernel/i.test(r.message)),
    { timeout: patience(60000), what: 'a Problems entry mentioning conv2 and kernel' }).catch(async (e) => {
    throw new Error(`${e.message}; Problems rows: ${JSON.stringify(await problemRows().catch(() => []))}`);
  });
  log('problem:', entry.label);
  assert(entry.error, `the conv2 problem is not an error: ${entry.label}`);
  // An error squiggle is on the conv2 layer. Monaco draws it in .view-overlays as
  // <div style="top: Npx"><div class="cdr squiggly-error"></div></div>; the text line is the
  // .view-lines > .view-line with the same style.top.
  const squiggleLines = await poll(async () => {
    const lines = await page.evaluate(() => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor');
      const textLines = [...(editor?.querySelectorAll('.view-lines .view-line') ?? [])];
      return [...(editor?.querySelectorAll('.view-overlays .squiggly-error') ?? [])]
        .map((sq) => textLines.find((l) => l.style.top === sq.parentElement.style.top)?.textContent ?? '')
        .map((t) => t.replace(/\u00a0/g, ' '));
    });
    return lines.length ? lines : null;
  }, { timeout: 15000, what: 'an error squiggle in the editor' });
  assert(squiggleLines.some((l) => /"conv2"|"kernel"\s*:\s*40\b/.test(l)),
    `no error squiggle on the conv2 layer; squiggled lines: ${JSON.stringify(squiggleLines)}`);
}

async function checkWorker() {
  await runCommand(CMD.checkWorker);
  const toast = page.locator('.notifications-toasts .notification-list-item-message', { hasText: /^SynOps worker OK/ });
  await toast.first().waitFor({ timeout: patience(60000) }).catch(async () => {
    throw new Error(`no "SynOps worker OK" notification; visible: ${JSON.stringify(await visibleToasts())}`);
  });
  log('worker:', norm(await toast.first().innerText()));
}

/** The trade-off of the workspace's runs: the two fixture runs in test/integration/workspace/.synops/runs. */
async function tradeoffView() {
  await runCommand(CMD.tradeoff);
  const frame = await frameWith('#tradeoff-table tr[data-run="fixture-qrelu"]');
  const cell = async (run, col) => norm(await frame.locator(`#tradeoff-table tr[data-run="${run}"] td[data-col="${col}"]`).innerText());
  // SNN figures of the fixture runs: 87 % at 215,000 + 320,000 + 90,000 + 2,500 = 627,500 SynOps
  assert((await cell('fixture-qrelu', 'accuracy')).startsWith('87.0'), `fixture-qrelu accuracy: ${await cell('fixture-qrelu', 'accuracy')}`);
  assert(hasNumber(await cell('fixture-qrelu', 'synops'), '627,500'), `fixture-qrelu SynOps: ${await cell('fixture-qrelu', 'synops')}`);
  // baseline: 215,000 + 2,700,000 + 950,000 + 7,000 = 3,872,000
  assert(hasNumber(await cell('fixture-baseline', 'synops'), '3,872,000'), `fixture-baseline SynOps: ${await cell('fixture-baseline', 'synops')}`);
  await frame.locator('.main-svg').first().waitFor({ timeout: 30000 });
  // A legend even for two series, and the dense ANN's MACs of the runs' model as the reference line (#15.5).
  await poll(async () => (await frame.locator('#tradeoff-chart .legend .traces').count()) >= 2 || null, { timeout: 15000, what: 'the legend of the workspace trade-off' });
  const annotations = norm((await frame.locator('#tradeoff-chart .annotation').evaluateAll((els) => els.map((e) => e.textContent))).join(' '));
  assert(annotations.includes('ANN: 1.19 M MACs'), `no ANN reference line on the workspace trade-off: "${annotations}"`);
  await screenshot('tradeoff-view.png');
}

/** The training monitor of the fixture SynOp+QReLU run (its metrics.json: three epochs). */
/**
 * A reproduction's trade-off (test/integration/workspace/reproduction/, the small files of a real
 * `synops reproduce` output): its report.json in the editor, then Show Trade-off draws the baseline and the
 * three strategies' curves (the screenshot is the one the README and the closing note point to).
 */
async function tradeoffReproduction() {
  const report = JSON.parse(fs.readFileSync(path.join(OUT, 'ws', 'reproduction', 'report.json'), 'utf8'));
  await openFile('report.json');
  await runCommand(CMD.tradeoff);
  const frame = await frameWith('#tradeoff-table tr[data-run="synops-qrelu-00"]');
  for (const p of report.points.filter((q) => q.strategy === 'synops-qrelu')) {
    const id = p.run.split('/').pop();
    const got = norm(await frame.locator(`#tradeoff-table tr[data-run="${id}"] td[data-col="accuracy"]`).innerText());
    assert(Math.abs(parseFloat(got) - 100 * p.snn.accuracy) < 0.01, `${id}: accuracy ${got}, report ${p.snn.accuracy}`);
  }
  await frame.locator('.main-svg').first().waitFor({ timeout: 30000 });
  const curves = await poll(async () => (await frame.locator('.legend .traces').count()) || null, { what: 'the chart legend' });
  assert(curves === 5, `legend entries: ${curves} (want baseline, its control, weight scaling, SynOp loss, SynOp+QReLU)`);
  await screenshot('tradeoff-reproduction.png');
}

async function trainingMonitorView() {
  await runCommand(CMD.trainingMonitor);
  const pick = quickRows.filter({ hasText: 'fixture-qrelu' }).first();
  await pick.waitFor({ state: 'visible', timeout: 30000 });
  await pick.click();
  const frame = await frameWith('#epoch-table tr[data-epoch="3"]');
  const cell = async (n, col) => norm(await frame.locator(`#epoch-table tr[data-epoch="${n}"] td[data-col="${col}"]`).innerText());
  // epoch 3: CE 0.45, S = 640,000 against S0 = 600,000 → term ((640,000 − 600,000)/600,000)² = 0.00444…, loss 0.4544
  assert((await cell(3, 'loss')) === '0.4544', `epoch 3 loss: ${await cell(3, 'loss')}`);
  assert(hasNumber(await cell(3, 'synops'), '640,000'), `epoch 3 SynOps: ${await cell(3, 'synops')}`);
  assert((await cell(1, 'val-accuracy')).startsWith('60.0'), `epoch 1 held-out accuracy: ${await cell(1, 'val-accuracy')}`);
  // #15.8: the stacked layers add up to the total line. The fixture is written as the trainer writes it: S leaves
  // out input → conv1 (215,000 a sample), so conv1 is in neither the stack nor the total.
  await assertStackIsTotal(frame, 'fixture-qrelu');
  await screenshot('training-monitor.png');
}

/** The SynOps chart of the monitor in `frame`: per epoch, the stacked layers sum to the total line; conv1 (from the input) is not stacked. */
async function assertStackIsTotal(frame, what) {
  await frame.locator('#synops-epoch-chart .main-svg').first().waitFor({ timeout: 30000 });
  const traces = await frame.evaluate(() => document.querySelector('#synops-epoch-chart').data.map((d) => ({ name: d.name, y: d.y, stacked: !!d.stackgroup })));
  const total = traces.find((t) => t.name === 'total').y;
  const stacked = traces.filter((t) => t.stacked);
  const sums = total.map((_, i) => stacked.reduce((a, t) => a + t.y[i], 0));
  log(`${what} SynOps chart: total ${total.map(Math.round)}, stacked ${stacked.map((t) => t.name)} summing to ${sums.map(Math.round)}`);
  assert(sums.every((v, i) => Math.abs(v - total[i]) <= 1e-6 * Math.max(1, total[i])), `${what}: the stacked layers sum to ${sums} but the total line is ${total}`);
  assert(!stacked.some((t) => t.name === 'conv1'), `${what}: conv1 (fed by the input, not in S) is stacked`);
}

/** The event-file viewer opens a DVS128 recording: facts, the chunk picker and the first chunk's raster. */
async function eventFileViewer() {
  await openFile('sweep-bar.aedat', { textEditor: false });
  const frame = await frameWith('#time-scrubber');
  // 6,000 events in chunks of 3,000 → 2 chunks; the first holds 3,000 events over 300 ms
  await poll(async () => /of 2\b/.test(norm(await frame.locator('body').innerText())), { timeout: 30000, what: 'a chunk picker saying "of 2"' });
  const body = norm(await frame.locator('body').innerText());
  assert(body.includes('3,000 input events'), `viewer text lacks "3,000 input events": ${body.slice(0, 300)}`);
  // the file's facts: format, sensor, 6,000 events over 599.9 ms (t = 0 … 599,900 µs), half of them ON
  assert(body.includes('aedat2 128×128 · 6,000 events over 0.60 s · 50 % ON'), `viewer lacks the file's facts: ${body.slice(0, 300)}`);
  // the event rate over the whole recording is drawn, and the chunk can be simulated with a run
  await frame.locator('#event-rate-chart .main-svg').first().waitFor({ timeout: 30000 });
  assert(await frame.locator('#simulate-with-run').isVisible(), 'no "Simulate this chunk with a run…" button');
  // #15.9: without a run there is no empty layer plot and no "0 spiking layers": the view says to pick a run.
  assert(!/\b0 spiking layers\b/.test(body), `the viewer says "0 spiking layers": ${body.slice(0, 300)}`);
  assert(await frame.locator('#layer-raster').count() === 0, 'an empty layer raster is drawn without a run');
  const hint = norm(await frame.locator('#no-layers').innerText());
  assert(/Pick a trained run/.test(hint), `no hint to pick a run: "${hint}"`);
  await screenshot('event-file-viewer.png');
}

/**
 * "Simulate this chunk with a run…" in the event-file viewer: the quick pick offers the workspace's finished
 * runs; fixture-trained (the baseline of the documented quick reproduction, with its weights) simulates the
 * chunk, and the viewer adds its spiking layers and the output.
 */
async function eventFileSimulate() {
  await openFile('sweep-bar.aedat', { textEditor: false });
  const frame = await frameWith('#simulate-with-run');
  await frame.locator('#simulate-with-run').click();
  const pick = quickRows.filter({ hasText: 'fixture-trained' }).first();
  await pick.waitFor({ state: 'visible', timeout: 30000 });
  await pick.click();
  const row = frame.locator('#layer-summary tr[data-layer="relu1"]');
  await row.waitFor({ timeout: 60000 });
  // conv1's 8 channels of 62×62 neurons (64×64 input, 3×3 kernel, no padding)
  const neurons = norm(await row.locator('td[data-col="neurons"]').innerText());
  assert(hasNumber(neurons, '30,752'), `relu1 neurons: ${neurons}`);
  const spikes = Number(norm(await row.locator('td[data-col="spikes"]').innerText()).replace(/,/g, ''));
  assert(spikes > 0, `relu1 spikes: ${spikes}`);
  assert(await frame.locator('#output-chart').count() === 1, 'no output chart');
  // #15.9: the frame "as the spiking network sees it" is the model's 64×64 input (2×2 blocks of the 128×128 sensor).
  const caption = norm(await frame.locator('#step-frame-caption').innerText());
  assert(caption.includes('as the spiking network sees it: its 64×64 input, 2×2 sensor pixels summed'), `step frame caption: "${caption}"`);
  await frame.locator('#step-frame .main-svg').first().waitFor({ timeout: 30000 });
  const dims = await frame.evaluate(() => { const z = document.querySelector('#step-frame').data[0].z; return [z.length, z[0].length]; });
  assert(dims[0] === 64 && dims[1] === 64, `the network's frame is ${dims[1]}×${dims[0]}, not the model's 64×64 input`);
  await screenshot('event-file-simulated.png');
}

/**
 * #15.9: Show Spike Raster offers the workspace's datasets (`.synops/data/tiny-halves`) and recordings
 * (`sweep-bar.aedat`, and the dataset's own files five folders deep) with Browse…, not a file dialog; the
 * dataset opens with its recordings in the panel's picker.
 */
async function rasterPick() {
  writeTinyWorkspace();
  await closeAllEditors();
  await runCommand('SynOps: Show Spike Raster');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Show Spike Raster' }).waitFor({ timeout: 15000 });
  const labels = await poll(async () => {
    const t = (await quickRows.allInnerTexts()).map(norm);
    return t.some((x) => x.includes('Browse…')) ? t : null;
  }, { timeout: 30000, what: 'the raster pick with Browse…' });
  log('raster pick rows:', JSON.stringify(labels.slice(0, 8)));
  assert(labels.some((x) => x.includes('tiny-halves') && x.includes('.synops/data/tiny-halves')), `no dataset row for .synops/data/tiny-halves: ${JSON.stringify(labels.slice(0, 8))}`);
  assert(labels.some((x) => /rec0\.bin.*\.synops\/data\/tiny-halves/.test(x)), `no row for the dataset's recordings: ${JSON.stringify(labels.slice(0, 8))}`);
  // The list is long (virtual rows): filter it to find the workspace's own recording and no run's weights.
  await quickInputBox.fill('.bin');
  const bins = await poll(async () => { const t = (await quickRows.allInnerTexts()).map(norm); return t.length ? t : null; }, { what: 'rows for .bin' });
  assert(!bins.some((x) => x.includes('weights.bin')), `a run's weights.bin is offered as a recording: ${JSON.stringify(bins)}`);
  await quickInputBox.fill('sweep');
  await poll(async () => (await quickRows.allInnerTexts()).map(norm).some((x) => x.includes('sweep-bar.aedat')) || null, { timeout: 10000, what: 'a row for sweep-bar.aedat' });
  await quickInputBox.fill('');
  await pickRow(/tiny-halves.*\.synops\/data\/tiny-halves/);
  const frame = await frameWith('#time-scrubber');
  await poll(async () => (await frame.locator('#raster-facts').count()) > 0 || null, { what: 'the raster of the dataset\'s first recording' });
  const facts = norm(await frame.locator('#raster-facts').innerText());
  assert(/input events on 34×34 pixels/.test(facts), `raster facts: "${facts}"`);
  await screenshot('raster-pick.png');
}

async function newModelFromTemplate() {
  await runCommand(CMD.newModel);
  const pick = quickRows.filter({ hasText: CIFAR_TEMPLATE }).first();
  await pick.waitFor({ state: 'visible', timeout: 30000 });
  const items = (await quickRows.locator('.label-name').allInnerTexts()).map(norm);
  assert(items.includes(MNIST_MODEL_NAME), `template quick pick lacks "${MNIST_MODEL_NAME}": ${JSON.stringify(items)}`);
  await pick.click();
  await poll(async () => (await activeEditorText()).includes('"outChannels": 96'),
    { timeout: 30000, what: 'an editor with "outChannels": 96' });
  const tabLabel = norm(await page.locator('.editor-group-container.active .tab.active').first().innerText());
  log('new model editor tab:', tabLabel);
}

/**
 * SynOps: Delete Run asks first, in a modal dialog: Cancel keeps the run, Delete removes its folder (to the
 * trash, or, where the server has none, after a second question). The run is a copy of fixture-qrelu made
 * for this check.
 */
async function deleteRunCheck() {
  const runs = path.join(OUT, 'ws', '.synops', 'runs');
  const victim = path.join(runs, 'to-delete');
  fs.cpSync(path.join(runs, 'fixture-qrelu'), victim, { recursive: true });
  const dialog = page.locator('.monaco-dialog-box');
  const ask = async () => {
    await runCommand('SynOps: Delete Run');
    const pick = quickRows.filter({ hasText: 'to-delete' }).first();
    await pick.waitFor({ state: 'visible', timeout: 30000 });
    await pick.click();
    await dialog.waitFor({ state: 'visible', timeout: 15000 });
    const question = norm(await dialog.innerText());
    assert(question.includes('Delete run to-delete'), `dialog: ${question}`);
  };
  await ask();
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 15000 });
  assert(fs.existsSync(victim), 'Cancel deleted the run');
  await ask();
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  const permanently = dialog.getByRole('button', { name: 'Delete Permanently', exact: true });
  if (await permanently.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) {
    log('no trash on this server: deleting permanently');
    await permanently.click();
  }
  await poll(async () => !fs.existsSync(victim) || null, { timeout: 15000, what: 'the run folder to be gone' });
  assert(fs.existsSync(path.join(runs, 'fixture-qrelu')), 'the other runs stay');
}

/** A frame holding `selector` inside a notebook's output webview (not a panel's webview). */
async function notebookOutputFrameWith(selector, timeout = 60000) {
  const inNotebook = (f) => {
    for (let p = f; p; p = p.parentFrame()) if (/purpose=notebookRenderer/.test(p.url())) return true;
    return false;
  };
  return poll(async () => {
    for (const f of page.frames()) {
      if (inNotebook(f) && await f.locator(selector).count().catch(() => 0)) return f;
    }
    return null;
  }, { timeout, what: `a notebook output frame containing ${selector}` });
}

async function notebookRenderer() {
  // A SynOps notebook with one cell; the SynOps notebook controller runs it, the renderer draws the output.
  const name = 'renderer-check.synops-nb';
  const ws = path.join(OUT, 'ws');
  assert(fs.existsSync(ws), `no workspace folder at ${ws}`);
  fs.writeFileSync(path.join(ws, name), JSON.stringify({ format: 'synops-notebook', version: 1,
    cells: [{ kind: 'code', language: 'plaintext', source: `report ${MNIST}` }] }, null, 2));
  try {
    await runCommand('View: Close All Editors', { timeout: 15000 });
    await openFile(name, { textEditor: false });
    await page.locator('.notebookOverlay').first().waitFor({ timeout: 30000 })
      .catch(() => { throw new Error(`${name} did not open in a notebook editor`); });
    // The notebook's own toolbar button (the command palette does not always open while a cell has focus).
    const runAll = page.locator('.notebookOverlay .notebook-toolbar-container').getByRole('button', { name: /^Run All/ }).first();
    await runAll.click({ timeout: 15000 }).catch(async (e) => {
      const html = await page.locator('.notebookOverlay .notebook-toolbar-container').first().innerHTML().catch(() => '(no toolbar)');
      throw new Error(`${e.message.split('\n')[0]}; toolbar: ${html.slice(0, 1500)}`);
    });
    // Only when the kernel was not picked for the notebook: the kernel picker opens; take SynOps.
    const kernelRow = quickRows.filter({ hasText: /SynOps/ }).first();
    if (await kernelRow.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) await kernelRow.click();
    const frame = await notebookOutputFrameWith('#synops-report #layer-table', patience(60000));
    const cell = (layer, col) => frame.locator(`#layer-table tr[data-layer="${layer}"] td[data-col="${col}"]`);
    const conv2Macs = await poll(async () => norm(await cell('conv2', 'macs').innerText({ timeout: 1000 })),
      { timeout: 30000, what: 'conv2 macs cell of the notebook output' });
    assert(hasNumber(conv2Macs, '726,624'), `conv2 macs cell is "${conv2Macs}", expected 726,624`);
    const totalParams = norm(await frame.locator('#total-params').innerText());
    assert(hasNumber(totalParams, '6,552'), `#total-params is "${totalParams}", expected 6,552`);
    const modelName = norm(await frame.locator('#model-name').innerText());
    assert(modelName.includes('MNIST-DVS'), `#model-name is "${modelName}"`);
    log(`notebook output: ${modelName}, conv2 ${conv2Macs} MACs, ${totalParams} params`);
  } finally {
    await screenshot('notebook-renderer.png');
  }
}

/** The trade-off of the reproduction (test/integration/workspace/reproduction), opened from its report.json. */
/** Closes every editor, answering "Don't Save" for the ones an earlier check left modified (a notebook). */
async function closeAllEditors() {
  // Only a modified editor (its tab marked dirty) asks; waiting for the question after every close cost 2 s each.
  const dirty = await page.locator('.tab.dirty').count().catch(() => 1);
  await runCommand('View: Close All Editors', { timeout: 15000 });
  if (!dirty) return;
  const dontSave = page.locator('.monaco-dialog-box').getByRole('button', { name: "Don't Save", exact: true });
  if (await dontSave.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)) await dontSave.click();
}

async function reproductionTradeoffFrame() {
  // Still on screen from the check before (a run's report opens beside it): the same view, not opened again.
  for (const f of page.frames()) {
    if (await f.locator('#tradeoff-table tr[data-run="synops-qrelu-03"] th button').first().isVisible().catch(() => false)) return f;
  }
  // From no open editors: the trade-off and the report it opens are then the only webviews.
  await closeAllEditors();
  await openFile('report.json', { folder: 'reproduction' });
  const t0 = Date.now();
  await runCommand(CMD.tradeoff);
  const frame = await frameWith('#tradeoff-table tr[data-run="synops-qrelu-03"] th button');
  log(`paint: Show Trade-off → table in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return frame;
}

/** Clicks a run in the reproduction's trade-off; returns the report frame that names that run. */
async function openRunFromTradeoff(runId) {
  const frame = await reproductionTradeoffFrame();
  await frame.locator(`#tradeoff-table tr[data-run="${runId}"] th button`).first().click();
  const t0 = Date.now();
  const report = await frameWith(`#figures-run strong[data-run="${runId}"]`, patience(60000));
  log(`paint: trade-off click → report of ${runId} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return report;
}

/**
 * #15.1: clicking synops-qrelu-03 in the reproduction's trade-off opens that run's measured numbers — its
 * evaluation.json: conv1 215,788 + conv2 282,083 + conv3 134,702 + fc 5,353 = 637,926 SynOps per sample on 891
 * samples — badged Measured and labelled by the run, not the model's estimate (3,872,983).
 */
async function tradeoffClickMeasured() {
  const frame = await openRunFromTradeoff('synops-qrelu-03');
  const total = await poll(async () => norm(await frame.locator('#total-synops').innerText()) || null, { what: '#total-synops' });
  assert(hasNumber(total, '637,926'), `#total-synops is "${total}", expected the run's measured 637,926`);
  const basis = norm(await frame.locator('#synops-basis').innerText());
  assert(basis.startsWith('Measured') && basis.includes('synops-qrelu-03'), `#synops-basis: "${basis}"`);
  const conv2 = norm(await frame.locator('#layer-table tr[data-layer="conv2"] td[data-col="synops"]').innerText());
  assert(hasNumber(conv2, '282,083'), `conv2 SynOps "${conv2}", expected 282,083`);
  const tabs = (await page.locator('.tab').allInnerTexts()).map(norm);
  assert(tabs.some((t) => t.includes('SynOps Energy Report') && t.includes('run synops-qrelu-03')), `no report tab names the run: ${JSON.stringify(tabs)}`);
  await screenshot('tradeoff-click-measured.png');
}

/**
 * #15.4: a mostly silent run says so in its report: synops-06 of the reproduction (trained to the smallest
 * SynOps target) had 472 of its 891 held-out samples without an output spike (53 % > 25 %).
 */
async function silentWarning() {
  const frame = await openRunFromTradeoff('synops-06');
  const warning = await poll(async () => norm(await frame.locator('#silent-warning').innerText({ timeout: 1000 })) || null, { what: '#silent-warning' });
  assert(warning.includes('mostly silent: 472 of 891 samples (53 %)') && warning.includes('Try training longer'), `#silent-warning: "${warning}"`);
  const counts = norm(await frame.locator('#output-silence').innerText());
  assert(hasNumber(counts, '472') && hasNumber(counts, '518'), `#output-silence lacks 472 silent and 518 tied: "${counts}"`);
  await screenshot('silent-warning.png');
}

/** #15.5: the reproduction's log SynOps axis has at least three labelled ticks, and the verdict says by how much. */
async function tradeoffAxisTicks() {
  const frame = await reproductionTradeoffFrame();
  const ticks = await poll(async () => {
    const t = (await frame.locator('#tradeoff-chart .xtick text').evaluateAll((els) => els.map((e) => e.textContent))).map(norm).filter(Boolean);
    return t.length ? t : null;
  }, { what: 'x-axis tick labels' });
  assert(ticks.length >= 3, `the SynOps axis has ${ticks.length} labelled tick(s): ${JSON.stringify(ticks)}`);
  log('x ticks:', JSON.stringify(ticks));
  const verdict = norm(await frame.locator('#tradeoff-verdict').innerText());
  assert(verdict.startsWith('Goal not met') && verdict.includes('1.8 points below'), `#tradeoff-verdict: "${verdict}"`);
  const rho = norm(await frame.locator('#tradeoff-table tr[data-rho="0.5"] th').innerText());
  assert(rho === 'baseline, ρ = 0.5', `the ρ = 0.5 row is named "${rho}"`);
}

const TINY_MODEL = {
  format: 'synops-model', version: 1, name: 'tiny halves ui', spikingOutput: true,
  input: { kind: 'events', shape: [1, 17, 17], sensor: [34, 34], chunkEvents: 200, dtMs: 1 },
  layers: [{ type: 'conv2d', name: 'conv1', outChannels: 4, kernel: 3 }, { type: 'relu', name: 'relu1' }, { type: 'avgpool', name: 'pool1', kernel: 2 },
    { type: 'flatten', name: 'flatten' }, { type: 'linear', name: 'fc', outFeatures: 2 }],
};


/**
 * Runs "SynOps: Train Model" from the palette: Baseline, `epochs`, batch 16, on `model` (tiny-ui.snn.json) and
 * the dataset row `data` (the tiny dataset).
 */
async function trainTiny(epochs, { model = 'tiny-ui.snn.json', data = 'tiny-halves' } = {}) {
  await openFile(model);
  await runCommand('SynOps: Train Model');
  await pickRow(/^Baseline/);
  await answerInput('epochs', String(epochs));
  await answerInput('batch size', '16');
  await pickRow(data);
}

/**
 * #15.3: Train Model from the palette on a tiny model and dataset (20 recordings of 34×34 events). A long run:
 * Stop leaves the monitor "Cancelled — Resume" and the status bar agrees; Resume continues the same run past
 * the epoch it stopped at (stopped again, not waited for). A short run: the monitor says "Finished".
 */
/** The tiny dataset (`.synops/data/tiny-halves`) and model (`tiny-ui.snn.json`) in the test workspace, once. */
function writeTinyWorkspace() {
  const ws = path.join(OUT, 'ws');
  if (fs.existsSync(path.join(ws, 'tiny-ui.snn.json'))) return;
  const repo = path.resolve(import.meta.dirname, '..', '..');
  execFileSync(process.execPath, ['--import', 'tsx', '-e',
    `require(${JSON.stringify(path.join(repo, 'test', 'unit', 'halves-dataset.ts'))}).writeHalvesDataset(process.argv[1]);`,
    path.join(ws, '.synops', 'data', 'tiny-halves')], { cwd: repo, stdio: 'inherit' });
  fs.writeFileSync(path.join(ws, 'tiny-ui.snn.json'), JSON.stringify(TINY_MODEL, null, 2));
}

async function trainMonitorResume() {
  writeTinyWorkspace();
  await closeAllEditors();

  await trainTiny(3000);
  const t0 = Date.now();
  // The first thing the monitor says (data loading, or the run with its epoch and step), and when.
  const first = await poll(async () => {
    for (const f of page.frames()) {
      const el = f.locator('#training-status[data-status]');
      if (await el.count().catch(() => 0)) return `${await el.getAttribute('data-status')}: ${norm(await el.innerText())}`;
    }
    return null;
  }, { timeout: patience(60000), interval: 100, what: 'the monitor to say anything' });
  log(`Train Model → monitor's first status in ${((Date.now() - t0) / 1000).toFixed(1)} s: "${first}"`);
  const frame = await frameWith('#training-status[data-status="running"]', patience(60000));
  log(`Train Model → monitor painted with the run in ${((Date.now() - t0) / 1000).toFixed(1)} s after the last answer`);
  const status = () => frame.locator('#training-status').innerText().then(norm);
  const runTitle = norm(await frame.locator('#training-title').innerText());
  const stopAndRead = async () => {
    const clicked = Date.now();
    await frame.locator('#training-stop').click();
    const text = await poll(async () => { const t = await status(); return t.startsWith('Cancelled') ? t : null; }, { timeout: 60000, what: 'the monitor to say Cancelled' });
    log(`Stop → "${text.slice(0, 60)}…" in ${((Date.now() - clicked) / 1000).toFixed(1)} s`);
    assert(text.startsWith('Cancelled — Resume continues from epoch'), `monitor after Stop: "${text}"`);
    const [, at, total] = (text.match(/epoch (\d+) of (\d+)/) ?? []).map(Number);
    assert(at < total, `stopped at epoch ${at} of ${total}`);
    return at;
  };
  const stopped = await stopAndRead();
  await page.locator('.statusbar-item', { hasText: /cancelled — Resume/ }).first().waitFor({ timeout: 15000 })
    .catch(() => { throw new Error('the status bar does not say "cancelled — Resume"'); });
  await screenshot('training-cancelled.png');
  const resumed = Date.now();
  await frame.locator('#training-resume').click();
  // The same run goes on: its title stays, and epochs after the one it stopped at arrive.
  await poll(async () => (await frame.locator(`#epoch-table tr[data-epoch="${stopped + 2}"]`).count()) > 0 || null,
    { timeout: 60000, what: `epoch ${stopped + 2} after Resume` });
  log(`Resume → epoch ${stopped + 2} in ${((Date.now() - resumed) / 1000).toFixed(1)} s`);
  assert(norm(await frame.locator('#training-title').innerText()) === runTitle, 'Resume started another run');
  const again = await stopAndRead();
  assert(again > stopped, `the resumed run stopped at epoch ${again}, not after ${stopped}`);

  // The Finished state: the suite's shared short run (trained and checked here when no check has made it yet).
  await finishedTinyRun();
}

/** The suite's one finished run of tiny-ui.snn.json: { id, dir }, once trained. */
let sharedTinyRun = null;

/**
 * The suite's one finished short run of tiny-ui.snn.json, a 3-epoch Baseline on tiny-halves made by Train Model
 * from the palette the first time a check needs it (train-monitor-resume, monitor-charts, the NeuroBench
 * report, the sweep estimate, whichever runs first); training it, the check asserts what a finished run shows:
 * the monitor says "Finished: epoch N of N" and the status bar "finished". Later calls reopen its monitor from
 * its history (Show Training Monitor) instead of training again. Returns the monitor's frame and the run.
 */
async function finishedTinyRun() {
  writeTinyWorkspace();
  await closeAllEditors();
  if (sharedTinyRun && fs.existsSync(path.join(sharedTinyRun.dir, 'evaluation.json'))) {
    await runCommand(CMD.trainingMonitor);
    await pickRow(sharedTinyRun.id);
    return { ...sharedTinyRun, frame: await frameWith('#training-status[data-status="done"]', patience(60000)) };
  }
  const runs = path.join(OUT, 'ws', '.synops', 'runs');
  const ids = () => (fs.existsSync(runs) ? fs.readdirSync(runs) : []);
  const before = new Set(ids());
  await trainTiny(3);
  const frame = await poll(async () => {
    for (const f of page.frames()) if (await f.locator('#training-status[data-status="done"]').count().catch(() => 0)) return f;
    return null;
  }, { timeout: 120000, interval: 250, what: 'a monitor saying Finished' });
  const finished = norm(await frame.locator('#training-status').innerText());
  assert(/^Finished: epoch (\d+) of \1 /.test(finished), `monitor after a short run: "${finished}"`);
  await page.locator('.statusbar-item', { hasText: /finished/ }).first().waitFor({ timeout: 15000 })
    .catch(() => { throw new Error('the status bar does not say "finished"'); });
  await screenshot('training-finished.png');
  const id = ids().find((d) => !before.has(d));
  assert(id, 'no new run folder for the finished run');
  sharedTinyRun = { id, dir: path.join(runs, id) };
  await poll(async () => fs.existsSync(path.join(sharedTinyRun.dir, 'evaluation.json')) || null, { timeout: 30000, what: `evaluation.json of ${id}` });
  return { ...sharedTinyRun, frame };
}

/**
 * #15.8 on a real run: the suite's 3-epoch baseline trained from the palette. Its SynOps stack (from the trainer's own
 * metrics) adds up to the total; its loss chart is cross-entropy alone, with no "+ SynOp term" and no second axis.
 */
async function monitorCharts() {
  const { frame } = await finishedTinyRun();
  await assertStackIsTotal(frame, 'tiny baseline');
  const loss = await frame.evaluate(() => { const el = document.querySelector('#loss-chart'); return { names: el.data.map((d) => d.name), y2: 'yaxis2' in el.layout }; });
  assert(JSON.stringify(loss) === JSON.stringify({ names: ['cross-entropy'], y2: false }), `baseline loss chart: ${JSON.stringify(loss)}`);
  const caption = norm(await frame.locator('#loss-caption').innerText());
  assert(!caption.includes('SynOp term') || caption.includes('no SynOp term'), `baseline loss caption: "${caption}"`);
  await screenshot('training-monitor-baseline.png');
}

/** #15.2: after Train Model, the model's own lenses show its run's measured SynOps, naming the run. */
async function lensesFollowRun() {
  await finishedTinyRun();
  await openFile('tiny-ui.snn.json');
  const lenses = await poll(async () => {
    const t = await codeLensTexts();
    return t.some((l) => l.startsWith('Total:') && l.includes('(measured)')) ? t : null;
  }, { timeout: patience(60000), what: 'a measured Total lens on tiny-ui.snn.json' }).catch(async (e) => {
    throw new Error(`${e.message}; rendered lenses: ${JSON.stringify(await codeLensTexts().catch(() => []))}`);
  });
  // "(newest)", or "(newest of N)" when other checks have trained more runs of the same model.
  assert(lenses.some((l) => /^run \S+ \(newest( of \d+)?\) · choose…$/.test(l)), `no lens naming the run: ${JSON.stringify(lenses)}`);
  await screenshot('lenses-follow-run.png');
}


/**
 * #16: the energy report of tiny-ui.snn.json (its run the suite's shared one, `finishedTinyRun`) has the NeuroBench section, read from the run's evaluation.json: a row per weight layer, the
 * totals the sum of the rows, Effective ACs + MACs ≤ Dense, fc's input an average pooling of spikes (values
 * 1/4…) so all MACs, marked, and the Footprint 4 bytes per parameter of the report's own #total-params.
 */
async function energyReportNeurobench() {
  const runs = path.join(OUT, 'ws', '.synops', 'runs');
  const evaluated = () => fs.existsSync(runs) && fs.readdirSync(runs).some((d) => {
    try { return JSON.parse(fs.readFileSync(path.join(runs, d, 'evaluation.json'), 'utf8')).snn?.neurobench && fs.readFileSync(path.join(runs, d, 'model.snn.json'), 'utf8').includes('tiny halves ui'); } catch { return false; }
  });
  if (!evaluated()) {
    await finishedTinyRun();
    await poll(async () => evaluated() || null, { timeout: patience(30000), interval: 500, what: 'a tiny-ui run with NeuroBench metrics in evaluation.json' });
  }
  await closeAllEditors();
  await openFile('tiny-ui.snn.json');
  await runCommand(CMD.energyReport);
  const frame = await frameWith('#neurobench-table', patience(60000));
  const num = async (sel) => parseNumber(norm(await frame.locator(sel).innerText()));
  const cols = ['effective-acs', 'effective-macs', 'dense', 'synops', 'footprint'];
  const rowOf = async (sel) => Object.fromEntries(await Promise.all(cols.map(async (c) => [c, await num(`${sel} td[data-col="${c}"]`)])));
  const conv1 = await rowOf('#neurobench-table tr[data-layer="conv1"]');
  const fcRow = await rowOf('#neurobench-table tr[data-layer="fc"]');
  const total = await rowOf('#neurobench-total');
  log('neurobench:', JSON.stringify({ conv1, fc: fcRow, total }), norm(await frame.locator('#neurobench-totals').innerText()));
  for (const c of ['effective-acs', 'effective-macs', 'dense', 'footprint']) {
    assert(Math.abs(conv1[c] + fcRow[c] - total[c]) <= 1, `total ${c} ${total[c]} is not conv1 ${conv1[c]} + fc ${fcRow[c]}`);
  }
  assert(total['effective-acs'] + total['effective-macs'] > 0, 'no effective operations');
  for (const r of [conv1, fcRow]) assert(r['effective-acs'] + r['effective-macs'] <= r.dense, `effective ops above Dense: ${JSON.stringify(r)}`);
  assert(fcRow['effective-acs'] === 0 && fcRow['effective-macs'] > 0, `fc after an average pooling should be all MACs: ${JSON.stringify(fcRow)}`);
  assert(norm(await frame.locator('#neurobench-table tr[data-layer="fc"] td[data-col="effective-macs"]').innerText()).endsWith('*'), 'fc MACs are not marked');
  assert(norm(await frame.locator('#neurobench-macs').innerText()).includes('{−1, 0, 1}'), 'no note on what makes MACs');
  const params = await num('#total-params');
  assert(total.footprint === 4 * params, `Footprint ${total.footprint} B is not 4 × ${params} parameters`);
  const sparsity = Number(norm(await frame.locator('#neurobench-totals [data-col="activation-sparsity"]').innerText()));
  assert(sparsity > 0 && sparsity < 1, `ActivationSparsity ${sparsity}`);
  await frame.locator('#neurobench').scrollIntoViewIfNeeded({ timeout: 2000 }).then(() => screenshot('energy-report-neurobench.png'), () => {});
}

/** #15.7: the Runs view names rows by strategy and target (no "S0" on a baseline) and gives accuracy and SynOps. */
async function runsViewRows() {
  await showSynopsSidebar();
  const rows = () => page.locator('.part.sidebar .monaco-list-row').evaluateAll((els) => els.map((el) => ({
    label: el.querySelector('.label-name')?.textContent ?? '', description: el.querySelector('.label-description')?.textContent ?? '',
  })));
  const list = await poll(async () => { const r = await rows(); return r.some((x) => x.label.startsWith('SynOp loss + QReLU')) ? r : null; },
    { timeout: 30000, what: 'the Runs view rows' }).catch(async (e) => { throw new Error(`${e.message}; rows: ${JSON.stringify(await rows().catch(() => []))}`); });
  log('runs view:', JSON.stringify(list));
  assert(list.some((r) => norm(r.label) === 'SynOp loss + QReLU · S₀ 600 k' && /^87\.0 % · 628 k SynOps$/.test(norm(r.description))), `no fixture-qrelu row "SynOp loss + QReLU · S₀ 600 k" / "87.0 % · 628 k SynOps": ${JSON.stringify(list)}`);
  const baselines = list.filter((r) => norm(r.label) === 'Baseline');
  assert(baselines.length && baselines.every((r) => !/S0|S₀/.test(r.description)), `baseline rows: ${JSON.stringify(baselines)}`);
  await screenshot('runs-view.png');
}

/** A finished run's context menu in the Runs view offers Export to NIR (beside Export Run as Notebook). */
async function runsViewExportNir() {
  await showSynopsSidebar();
  const row = page.locator('.part.sidebar .monaco-list-row', { hasText: 'SynOp loss + QReLU' }).first();
  await row.waitFor({ timeout: patience(30000) });
  await row.click({ button: 'right' });
  const items = page.locator('.context-view .action-label');
  const labels = await poll(async () => { const t = await items.allInnerTexts(); return t.length ? t.map(norm) : null; },
    { timeout: 10000, what: 'the context menu of a run' });
  log('run context menu:', JSON.stringify(labels));
  await screenshot('runs-view-context-menu.png');
  await page.keyboard.press('Escape');
  assert(labels.includes('Export to NIR'), `the run's context menu has no "Export to NIR": ${JSON.stringify(labels)}`);
}

/**
 * #15.6: Train Model on a model file with a JSON syntax error says so in one line, naming the file and the line,
 * with "Open File" — not a raw JSON.parse error.
 */
async function trainBrokenModel() {
  const ws = path.join(OUT, 'ws');
  // The MNIST-DVS model with the comma after "version": 1 removed (line 3).
  const text = fs.readFileSync(path.join(ws, MNIST), 'utf8').replace(/("version":\s*1),/, '$1');
  fs.writeFileSync(path.join(ws, 'syntax-broken.snn.json'), text);
  await openFile('syntax-broken.snn.json');
  await runCommand('SynOps: Train Model');
  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'cannot be trained' }).first();
  await toast.waitFor({ timeout: patience(30000) }).catch(async () => {
    throw new Error(`no one-line "cannot be trained" error; visible: ${JSON.stringify(await visibleToasts())}`);
  });
  const message = norm(await toast.locator('.notification-list-item-message').innerText());
  assert(/^SynOps: Train Model: syntax-broken\.snn\.json cannot be trained — line \d+: /.test(message), `error: "${message}"`);
  assert(!/position \d+/.test(message), `the raw JSON.parse message leaks: "${message}"`);
  assert(!message.includes(ws), `the error repeats the file's machine path: "${message}"`);
  assert(await toast.getByRole('button', { name: 'Open File' }).count(), 'the error has no "Open File" button');
  await screenshot('train-broken-model.png');
}

const checks = [
  ['extension-commands', extensionCommandsRegistered],
  ['codelens-mnist', codeLensesMnist],
  ['energy-report', energyReport],
  ['energy-report-chart', energyReportChart],
  ['energy-report-chip-fit', energyReportChipFit],
  ['nir-editor-report', nirEditorReport],
  ['nir-editor-damaged', nirEditorDamaged],
  ['runs-view-export-nir', runsViewExportNir],
  ['diagnostics-broken-model', diagnosticsBrokenModel],
  ['check-worker', checkWorker],
  ['new-model-from-template', newModelFromTemplate],
  ['notebook-renderer', notebookRenderer],
  ['tradeoff-view', tradeoffView],
  ['tradeoff-reproduction', tradeoffReproduction],
  ['training-monitor', trainingMonitorView],
  ['tradeoff-click-measured', tradeoffClickMeasured],
  ['silent-warning', silentWarning],
  ['tradeoff-axis-ticks', tradeoffAxisTicks],
  ['train-monitor-resume', trainMonitorResume],
  ['monitor-charts', monitorCharts],
  ['lenses-follow-run', lensesFollowRun],
  ['energy-report-neurobench', energyReportNeurobench],
  ['runs-view', runsViewRows],
  ['train-broken-model', trainBrokenModel],
  ['event-file-viewer', eventFileViewer],
  ['event-file-simulate', eventFileSimulate],
  ['raster-pick', rasterPick],
  ['delete-run', deleteRunCheck],
  // #15.10, the trade-off's sorting, the sweep's estimate (checks/issue15-views.mjs)
  ...[
    ['lenses-energy-first', views.lensesEnergyFirst],
    ['energy-words', views.energyWords],
    ['model-typo', views.modelTypo],
    ['report-narrow', views.reportNarrow],
    ['tradeoff-sort', views.tradeoffSort],
    ['sweep-estimate', views.sweepEstimate],
    ['report-log-scale', views.reportLogScale],
    // #15.2's run picker, #15.4 on a run trained here, #15.3's Failed (checks/issue15-runs.mjs)
    ['choose-run', runChecks.chooseRun],
    ['silent-trained', runChecks.silentTrained],
    ['run-failed', runChecks.runFailed],
  ].map(([name, fn]) => [name, () => fn(viewHelpers())]),
];

/** What the checks in checks/*.mjs use of this file. */
function viewHelpers() {
  return { page, poll, openFile, runCommand, frameWith, codeLensTexts, closeAllEditors, closeOverlays, assert, log, screenshot, norm,
    hasNumber, parseNumber, sleep, OUT, MNIST, CMD, quickInput, quickInputBox, quickRows, pickRow, answerInput, patience, writeTinyWorkspace, openRunFromTradeoff, reproductionTradeoffFrame, selectProfile, trainTiny, showSynopsSidebar, finishedTinyRun };
}

// ------------------------------------------------------------------ run
const results = [];
const only = opts.only ? new Set(opts.only.split(',').map((s) => s.trim()).filter(Boolean)) : null;
const selected = () => checks.filter(([name]) => !only || only.has(name));
function finish(setupError) {
  console.log('');
  if (setupError) {
    for (const [name] of selected()) results.push({ name, ok: false, secs: 0, error: setupError });
  }
  for (const r of results) {
    console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(26)} ${r.secs.toFixed(1).padStart(6)} s${r.ok ? '' : '  ' + r.error}`);
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  const summary = `${passed} passed, ${failed} failed`;
  if (opts.summary) fs.writeFileSync(opts.summary, summary + '\n');
  console.log(`ui checks took ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${OUT}`);
  console.log(summary);
  process.exit(failed || !results.length ? 1 : 0);
}

let browser;
let setupError = null;
try {
  browser = await launch(OUT);
} catch (e) {
  finish(e.message);
}
try {
  await openWorkbench(opts.url);
} catch (e) {
  setupError = e;
  log('workbench did not load:', e.message);
  await screenshot('workbench-error.png');
}

for (const [name, fn] of selected()) {
  const started = Date.now();
  let error = setupError;
  if (!error) {
    try {
      await closeOverlays();
      await Promise.race([
        fn(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('check timed out after 180 s')), 180000)),
      ]);
    } catch (e) {
      error = e;
    }
  }
  const secs = (Date.now() - started) / 1000;
  results.push({ name, ok: !error, secs, error: error && String(error.message || error).split('\n')[0] });
  if (error) {
    log(`FAIL ${name} (${secs.toFixed(1)} s): ${results.at(-1).error}`);
    if (!setupError) await screenshot(`${name}-error.png`);
    if (name === 'extension-commands') markExtensionMissing(); // later checks fail fast
  } else {
    log(`PASS ${name} (${secs.toFixed(1)} s)`);
  }
}

if (!setupError) await screenshot('final.png');
await browser.close();

finish(null);
