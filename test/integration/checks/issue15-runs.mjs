// UI checks of #15 on runs the product itself makes or picks: Choose Run for Model Figures (a run that is not
// the newest, named and measured in the lenses and the report), the silent warning on a barely trained run,
// and a run that fails for a real reason (its data damaged while it trains). Each takes `t`, the helpers of ui.mjs.
import fs from 'node:fs';
import path from 'node:path';

/** The text of the hover a mouse over `target` shows (a status bar item's or a tree row's tooltip), once it includes `part`. */
async function hoverText(t, target, part) {
  const { page, poll, norm } = t;
  await page.mouse.move(0, 0);
  await target.hover();
  let last = '';
  return poll(async () => {
    last = (await page.locator('.monaco-hover, .workbench-hover').allInnerTexts().catch(() => [])).map(norm).filter(Boolean).join(' | ');
    return last.includes(part) ? last : null;
  }, { timeout: 10000, what: `a hover with "${part}"` }).catch((e) => { throw new Error(`${e.message}; hover: "${last}"`); });
}

/** The run folders of the test workspace with their run.json, newest first. */
function workspaceRuns(t) {
  const root = path.join(t.OUT, 'ws', '.synops', 'runs');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((id) => {
    try { return [{ id, dir: path.join(root, id), info: JSON.parse(fs.readFileSync(path.join(root, id, 'run.json'), 'utf8')) }]; } catch { return []; }
  }).sort((a, b) => b.info.createdAt.localeCompare(a.info.createdAt));
}

/** The lenses of the active editor once one of them matches `re`. */
async function lensesWith(t, re, what) {
  return t.poll(async () => { const l = await t.codeLensTexts(); return l.some((x) => re.test(x)) ? l : null; }, { timeout: 60000, what })
    .catch(async (e) => { throw new Error(`${e.message}; lenses: ${JSON.stringify(await t.codeLensTexts().catch(() => []))}`); });
}

/**
 * #15.2, Choose Run for Model Figures: the MNIST-DVS template follows the newest of the workspace's three evaluated
 * runs of it (fixture-trained). Its run lens opens the picker; fixture-qrelu (not the newest) picked, the lenses
 * and the report name it and show its measured SynOps — its evaluation.json: conv1 215,000 + conv2 320,000 +
 * conv3 90,000 + fc 2,500 = 627,500 per sample. The report's "Choose run…" goes back to the newest run.
 */
export async function chooseRun(t) {
  const { page, assert, log, screenshot, norm, hasNumber, pickRow, openFile, runCommand, frameWith, poll } = t;
  await t.closeAllEditors();
  await openFile(t.MNIST);
  const runLens = page.locator('.editor-group-container.active .codelens-decoration > a', { hasText: /^run fixture-trained \(newest of 3\) · choose…$/ }).first();
  await runLens.waitFor({ timeout: 60000 }).catch(async () => {
    throw new Error(`no lens "run fixture-trained (newest of 3) · choose…": ${JSON.stringify(await t.codeLensTexts())}`);
  });
  await runLens.click();
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'from which run?' }).waitFor({ timeout: 15000 });
  await pickRow('fixture-qrelu');
  // The lenses are redrawn line by line, and only near the viewport (a Problems panel left open can push fc out
  // of it): read the top ones, then the bottom ones with the end of the file in view.
  let lenses = [];
  const lens = (p) => lenses.find((l) => l.startsWith(p)) ?? '';
  const expect = async (want) => poll(async () => { lenses = await t.codeLensTexts(); return want.every(([p, w]) => lens(p).startsWith(w)) || null; }, { timeout: 30000, what: 'the lenses of fixture-qrelu' })
    .catch((e) => { throw new Error(`${e.message}: ${want.filter(([p, w]) => !lens(p).startsWith(w)).map(([p, w]) => `"${lens(p)}" is not "${w}…"`).join('; ')}`); });
  const layer = ([l, n]) => [`${l} `, `${l} · ${n} SynOps (measured)`];
  await expect([['Total:', 'Total: 627,500 SynOps (measured)'], ['run ', 'run fixture-qrelu (picked of 3) · choose…'], ...[['conv1', '215,000'], ['conv2', '320,000']].map(layer)]);
  log('lenses with fixture-qrelu picked:', JSON.stringify(lenses));
  await page.locator('.editor-group-container.active .view-line', { hasText: '"format"' }).first().click();
  await page.keyboard.press('Control+End');
  await expect([['conv3', '90,000'], ['fc', '2,500']].map(layer));
  await page.keyboard.press('Control+Home');
  await screenshot('choose-run-lenses.png');
  await runCommand(t.CMD.energyReport);
  const frame = await frameWith('#figures-run strong[data-run="fixture-qrelu"]', 60000);
  const line = norm(await frame.locator('#figures-run').innerText());
  assert(line.startsWith('Figures of run fixture-qrelu (picked from 3 evaluated runs of this model)'), `#figures-run: "${line}"`);
  const total = await poll(async () => norm(await frame.locator('#total-synops').innerText()) || null, { what: '#total-synops' });
  assert(hasNumber(total, '627,500'), `#total-synops "${total}", want fixture-qrelu's 627,500`);
  const conv2 = norm(await frame.locator('#layer-table tr[data-layer="conv2"] td[data-col="synops"]').innerText());
  assert(hasNumber(conv2, '320,000'), `conv2 SynOps "${conv2}", want 320,000`);
  await screenshot('choose-run-report.png');
  // Back to the newest, from the report's own link.
  await frame.locator('#pick-run').click();
  await pickRow('Newest evaluated run');
  await poll(async () => (await frame.locator('#figures-run strong[data-run="fixture-trained"]').count()) > 0 || null, { timeout: 30000, what: 'the report back on fixture-trained' });
  const back = norm(await frame.locator('#total-synops').innerText());
  assert(hasNumber(back, '2,369,344'), `#total-synops after "Newest evaluated run": "${back}"`);
  await page.locator('.tab', { hasText: t.MNIST }).first().click();
  await lensesWith(t, /^run fixture-trained \(newest of 3\) · choose…$/, 'the run lens back on the newest run');
}

/** 34×34 events in 100-event chunks, three conv → relu → pool blocks: after one epoch its spiking output is silent. */
const SILENT_MODEL = {
  format: 'synops-model', version: 1, name: 'silent ui', spikingOutput: true,
  input: { kind: 'events', shape: [1, 34, 34], sensor: [34, 34], chunkEvents: 100, dtMs: 1 },
  layers: [1, 2, 3].flatMap((k) => [{ type: 'conv2d', name: `conv${k}`, outChannels: 4, kernel: 3 }, { type: 'relu', name: `relu${k}` }, { type: 'avgpool', name: `pool${k}`, kernel: 2 }])
    .concat([{ type: 'flatten', name: 'flatten' }, { type: 'linear', name: 'fc', outFeatures: 2 }]),
  // Two epochs through time on 8 bins, as when its silence was measured (16 of 16), whatever the default becomes.
  conversion: { finetune: { epochs: 2, bins: 8 } },
};

/** The frame of a training monitor whose status is `status` and whose title names `model` (any, without). */
async function monitorWith(t, status, model, timeout = 180000) {
  return t.poll(async () => {
    for (const f of t.page.frames()) {
      if (!(await f.locator(`#training-status[data-status="${status}"]`).count().catch(() => 0))) continue;
      if (!model || (await f.locator('#training-title').innerText().catch(() => '')).includes(model)) return f;
    }
    return null;
  }, { timeout, interval: 250, what: `a training monitor of ${model ?? 'a run'} saying ${status}` });
}

/**
 * #15.4 on a barely trained run the product makes: Train Model from the palette, one epoch of a Baseline (and
 * two of fine-tuning through time, set in the model file: the monitor says "epoch 3 of 3") of a deep, pooled model on 100-event
 * chunks of the tiny dataset; measured: 16 of its 16 held-out samples silent. Its report (following that run)
 * warns that the network is mostly silent, with the counts its evaluation.json holds and what to try.
 */
export async function silentTrained(t) {
  const { assert, log, screenshot, norm, openFile, runCommand, frameWith, poll } = t;
  t.writeTinyWorkspace();
  const ws = path.join(t.OUT, 'ws');
  fs.writeFileSync(path.join(ws, 'silent-ui.snn.json'), JSON.stringify(SILENT_MODEL, null, 2));
  await t.closeAllEditors();
  await t.trainTiny(1, { model: 'silent-ui.snn.json' });
  const monitor = await monitorWith(t, 'done', 'silent ui');
  log('silent run monitor:', norm(await monitor.locator('#training-status').innerText()));
  const run = workspaceRuns(t).find((r) => r.info.modelName === 'silent ui' && r.info.state === 'done');
  assert(run && run.info.config.epochs === 1, `no finished 1-epoch run of silent ui: ${JSON.stringify(workspaceRuns(t).map((r) => [r.id, r.info.modelName, r.info.state]))}`);
  const snn = JSON.parse(fs.readFileSync(path.join(run.dir, 'evaluation.json'), 'utf8')).snn;
  log(`silent run ${run.id}: ${snn.silent} of ${snn.samples} silent, ${snn.ties} tied, accuracy ${snn.accuracy}`);
  assert(snn.silent / snn.samples > 0.25, `the run is not mostly silent (${snn.silent} of ${snn.samples}): the check needs another configuration`);
  await openFile('silent-ui.snn.json');
  await runCommand(t.CMD.energyReport);
  const frame = await frameWith(`#figures-run strong[data-run="${run.id}"]`, 60000);
  const warning = await poll(async () => norm(await frame.locator('#silent-warning').innerText({ timeout: 1000 })) || null, { timeout: 15000, what: '#silent-warning' });
  log('silent warning:', warning);
  const pct = Math.round(100 * snn.silent / snn.samples);
  assert(warning.includes(`mostly silent: ${snn.silent} of ${snn.samples} samples (${pct} %)`) && warning.includes('Try training longer'), `#silent-warning: "${warning}"`);
  const silent = norm(await frame.locator('#output-silence [data-col="silent"]').innerText());
  const ties = norm(await frame.locator('#output-silence [data-col="ties"]').innerText());
  assert(Number(silent) === snn.silent && Number(ties) === snn.ties, `#output-silence: ${silent} silent, ${ties} tied; evaluation.json: ${snn.silent}, ${snn.ties}`);
  await frame.locator('#output-silence').scrollIntoViewIfNeeded({ timeout: 2000 }).then(() => screenshot('silent-trained.png'), () => {});
}

/**
 * #15.3, Failed: Train Model on a copy of the tiny dataset whose recordings are damaged (2 bytes cut) as soon as
 * the run's folder exists (its frames are then in memory). The epochs train; fine-tuning through time reads the
 * events again and the reader refuses them. The monitor, the status bar and the Runs view say Failed with that
 * one-line reason, and the run keeps its last checkpoint (the last ANN epoch) and offers Resume, so it can resume.
 */
export async function runFailed(t) {
  const { page, assert, log, screenshot, norm, poll } = t;
  t.writeTinyWorkspace();
  const ws = path.join(t.OUT, 'ws');
  const data = path.join(ws, '.synops', 'data', 'tiny-damaged');
  fs.rmSync(data, { recursive: true, force: true });
  fs.cpSync(path.join(ws, '.synops', 'data', 'tiny-halves'), data, { recursive: true });
  const before = new Set(workspaceRuns(t).map((r) => r.id));
  await t.closeAllEditors();
  await t.trainTiny(8, { data: 'tiny-damaged' });
  // The run folder is made once the data is loaded: then every recording loses its last 2 bytes.
  const run = await poll(async () => workspaceRuns(t).find((r) => !before.has(r.id)) ?? null, { timeout: 60000, interval: 50, what: 'the new run folder' });
  for (const f of fs.readdirSync(data).filter((n) => n.endsWith('.bin'))) {
    const b = fs.readFileSync(path.join(data, f));
    fs.writeFileSync(path.join(data, f), b.subarray(0, b.length - 2));
  }
  log(`damaged the recordings of ${run.id} at epoch ${JSON.parse(fs.readFileSync(path.join(run.dir, 'run.json'), 'utf8')).epochsDone}`);
  const reason = /rec\d+\.bin: byte \d+: the last record has 3 of 5 bytes/;
  // The monitor.
  const monitor = await monitorWith(t, 'failed', 'tiny halves ui', 60000);
  const status = norm(await monitor.locator('#training-status').innerText());
  log('failed monitor:', status);
  // 8 ANN epochs, then the default 8 through time (FINETUNE_DEFAULTS): "epoch 8 of 16".
  assert(/^Failed: epoch 8 of 16 · Baseline · backend \S+\. /.test(status) && reason.test(status), `monitor: "${status}"`);
  assert(!(await monitor.locator('#training-stop').isVisible()), 'Stop is still shown on a failed run');
  assert(await monitor.locator('#training-resume').isVisible(), 'no Resume on a failed run that kept its checkpoint');
  await screenshot('run-failed-monitor.png');
  // The run folder: failed with that reason, the last good checkpoint (epoch 8, the last ANN epoch) intact.
  const info = JSON.parse(fs.readFileSync(path.join(run.dir, 'run.json'), 'utf8'));
  const checkpoint = JSON.parse(fs.readFileSync(path.join(run.dir, 'checkpoint.json'), 'utf8'));
  assert(info.state === 'failed' && reason.test(info.message) && !info.message.includes('\n'), `run.json: ${info.state}, "${info.message}"`);
  assert(checkpoint.epoch === 8 && info.epochsDone === 8, `checkpoint at epoch ${checkpoint.epoch}, run.json epochsDone ${info.epochsDone}`);
  // The status bar, and its tooltip with the reason.
  const item = page.locator('.statusbar-item', { hasText: `${run.id} failed` }).first();
  await item.waitFor({ timeout: 15000 }).catch(() => { throw new Error(`the status bar does not say "${run.id} failed"`); });
  const tip = await hoverText(t, item, `Run ${run.id}`);
  log('status bar tooltip:', tip);
  assert(tip.includes(`Run ${run.id}: failed, epoch 8 of 16`) && reason.test(tip), `status bar tooltip: "${tip}"`);
  // The Runs view: the row says failed and resumable; its tooltip gives the reason.
  await t.showSynopsSidebar();
  const row = page.locator('.part.sidebar .monaco-list-row', { hasText: 'failed, resumable' }).first();
  await row.waitFor({ timeout: 30000 }).catch(async () => {
    throw new Error(`no Runs view row "failed, resumable": ${JSON.stringify(await page.locator('.part.sidebar .monaco-list-row').allInnerTexts())}`);
  });
  const rowTip = await hoverText(t, row, run.id);
  log('runs view tooltip:', rowTip);
  assert(rowTip.includes(run.id) && /State: failed \(Resume Run continues it\)/.test(rowTip) && reason.test(rowTip), `Runs view tooltip: "${rowTip}"`);
  await screenshot('run-failed-runs-view.png');
  await page.mouse.move(0, 0);
}
