// UI checks of #15.10 (energy meaning and layout), the trade-off's sorting, the sweep's estimate and the
// report's native checkbox. Each check takes `t`, the helpers of ui.mjs (page, poll, openFile, …).
import fs from 'node:fs';
import path from 'node:path';

/**
 * Hides the primary side bar when it shows; asked for while it is hidden, the command may not be listed in the
 * palette, and runCommand would wait out its timeout.
 */
async function closeSideBar(t) {
  if (await t.page.locator('.part.sidebar').isVisible().catch(() => false)) await t.runCommand('View: Close Primary Side Bar', { timeout: 15000 }).catch(() => {});
}

/** The editor's lens elements whose text starts with `prefix`, with the screen box of `part` of their text. */
async function lensGeometry(page, prefix, partRe) {
  return page.evaluate(([prefix, src]) => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    const guard = editor?.querySelector('.overflow-guard')?.getBoundingClientRect();
    const lines = editor?.querySelector('.view-lines')?.getBoundingClientRect();
    const re = new RegExp(src);
    for (const el of editor?.querySelectorAll('.codelens-decoration > *') ?? []) {
      const text = (el.textContent ?? '').replace(/\u00a0/g, ' ');
      if (!text.startsWith(prefix)) continue;
      const m = re.exec(text);
      const node = el.firstChild?.nodeType === 3 ? el.firstChild : el.querySelector('*')?.firstChild ?? el.firstChild;
      if (!m || !node) return { text, found: false };
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const r = range.getBoundingClientRect();
      return { text, found: true, part: m[0], left: r.left, right: r.right, visibleLeft: lines.left, visibleRight: guard.right };
    }
    return null;
  }, [prefix, partRe.source]);
}

/**
 * #15.10: the lenses put SynOps and energy first, so at half an editor's width they are still on screen: in
 * a 560 px window without side bar (about 440 px of text, half the editor beside the default side bar in the
 * suite's 1400 px window) the conv1 and Total lenses' "… SynOps … µJ" lie inside the editor's text area.
 */
export async function lensesEnergyFirst(t) {
  const { page, poll, openFile, assert, log, screenshot } = t;
  await t.closeAllEditors();
  await closeSideBar(t);
  const size = page.viewportSize();
  try {
    await page.setViewportSize({ width: 560, height: 900 });
    await openFile(t.MNIST);
    const part = /~?[\d,]+ SynOps \((est\.|measured)\) · ~?[\d.]+ [mµnp]?J/;
    for (const prefix of ['conv1 ', 'Total']) {
      const g = await poll(async () => { const x = await lensGeometry(page, prefix, part); return x?.found ? x : null; },
        { timeout: 60000, what: `the ${prefix.trim()} lens with SynOps and energy` }).catch(async (e) => {
        throw new Error(`${e.message}: ${JSON.stringify(await lensGeometry(page, prefix, part))}`);
      });
      log(`${prefix.trim()} lens at 560 px:`, JSON.stringify(g));
      assert(g.left >= g.visibleLeft - 1 && g.right <= g.visibleRight + 1,
        `the ${prefix.trim()} lens's "${g.part}" is cut off at half width: x ${Math.round(g.left)}–${Math.round(g.right)}, editor text ${Math.round(g.visibleLeft)}–${Math.round(g.visibleRight)}`);
    }
    await screenshot('lenses-half-width.png');
  } finally {
    await page.setViewportSize(size);
  }
}

/** Problems rows of one file (every source), as text. */
async function problemRows(t, file) {
  const { page } = t;
  const panel = page.locator('.markers-panel');
  if (!(await panel.first().isVisible().catch(() => false))) await page.keyboard.press('Control+Shift+M');
  await panel.first().waitFor({ state: 'visible', timeout: 10000 });
  // The list is virtualised: with other files' problems above it (the whole suite opens many), this file's
  // group can lie below the visible rows. The panel's filter keeps only this file's.
  await problemFilter(t, `**/${file}`);
  return page.locator('.markers-panel .monaco-list-row').evaluateAll((rows, f) => {
    const out = [];
    let inFile = false;
    for (const r of rows) {
      const msg = r.querySelector('.marker-message')?.textContent;
      if (!msg) { inFile = (r.getAttribute('aria-label') ?? r.textContent ?? '').includes(f); continue; }
      if (inFile) out.push({ message: msg, where: r.querySelector('.marker-line')?.textContent ?? '', error: !!r.querySelector('.marker-icon.error') });
    }
    return out;
  }, file);
}

/** Sets the Problems panel's filter box to `text` (empty: no filter) unless it holds it already. */
async function problemFilter(t, text) {
  const box = t.page.getByPlaceholder(/^Filter \(e\.g\. text/).first();
  if ((await box.inputValue().catch(() => null)) === text) return;
  await box.fill(text);
  await t.page.waitForTimeout(500);
}

/**
 * #15.10: one typo (the comma after "version": 1 deleted) gives one error in the Problems panel, keeps the
 * last good lenses marked stale, and its quick fix (Ctrl+.) puts the comma back.
 */
export async function modelTypo(t) {
  try { await typoJourney(t); } finally { await problemFilter(t, '').catch(() => {}); }
}

async function typoJourney(t) {
  const { page, poll, openFile, codeLensTexts, assert, log, screenshot, OUT } = t;
  const ws = path.join(OUT, 'ws');
  fs.writeFileSync(path.join(ws, 'typo.snn.json'), fs.readFileSync(path.join(ws, t.MNIST), 'utf8'));
  await t.closeAllEditors();
  await openFile('typo.snn.json');
  await poll(async () => (await codeLensTexts()).some((l) => l.startsWith('Total:')) || null, { timeout: 60000, what: 'lenses on typo.snn.json' });
  const line = page.locator('.editor-group-container.active .view-line', { hasText: '"version"' }).first();
  await line.click();
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace'); // the comma
  // Both VS Code's JSON validation and the worker see the error; wait until they have had their say.
  const rows = await poll(async () => { const r = await problemRows(t, 'typo.snn.json'); return r.length ? r : null; },
    { timeout: 30000, what: 'a problem in typo.snn.json' });
  await page.waitForTimeout(2000);
  const settled = await problemRows(t, 'typo.snn.json');
  log('typo problems:', JSON.stringify(settled));
  assert(settled.length === 1 && settled[0].error && /Ln 4, Col 3/.test(settled[0].where),
    `one typo, ${settled.length} problem(s) (want one error at Ln 4, Col 3): ${JSON.stringify(settled)} (first seen: ${JSON.stringify(rows)})`);
  const stale = await poll(async () => { const l = await codeLensTexts(); return l.some((x) => x.startsWith('Total (stale):')) ? l : null; },
    { timeout: 15000, what: 'the last good lenses, marked stale' }).catch(async (e) => {
    throw new Error(`${e.message}; lenses: ${JSON.stringify(await codeLensTexts())}`);
  });
  assert(stale.some((x) => x.startsWith('conv1 (stale) · ')), `no stale conv1 lens: ${JSON.stringify(stale)}`);
  await screenshot('model-typo.png');
  // The quick fix on the error's line.
  await page.locator('.editor-group-container.active .view-line', { hasText: '"name"' }).first().click();
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Insert the missing comma' }).first();
  await fix.waitFor({ timeout: 15000 }).catch(async () => {
    throw new Error(`no "Insert the missing comma" quick fix: ${JSON.stringify(await page.locator('.action-widget').allInnerTexts())}`);
  });
  await page.keyboard.press('Enter'); // the fix is the focused row
  await poll(async () => !(await problemRows(t, 'typo.snn.json')).some((r) => r.error) || null, { timeout: 15000, what: 'no error after the quick fix' });
  await poll(async () => (await codeLensTexts()).some((x) => x.startsWith('Total:')) || null, { timeout: 15000, what: 'fresh lenses after the quick fix' });
  const text = await page.locator('.editor-group-container.active .view-line', { hasText: '"version"' }).first().innerText();
  assert(/"version":\s*1,/.test(text.replace(/\u00a0/g, ' ')), `after the quick fix: ${text}`);
  await page.keyboard.press('Control+S'); // nothing unsaved for the next check's Close All Editors
}

/**
 * #15.10: the energy report reads the ratio in words and says that Loihi's neuron-update cost is not in the
 * energy; the Total lens's tooltip says so too.
 */
export async function energyWords(t) {
  const { page, poll, assert, log, screenshot, norm, openFile, runCommand, frameWith } = t;
  await t.closeAllEditors();
  await openFile(t.MNIST);
  await runCommand(t.CMD.energyReport);
  const frame = await frameWith('#profile-select', 60000);
  const before = await frame.locator('#profile-select').evaluate((el) => el.selectedOptions[0]?.textContent ?? '');
  await t.selectProfile(frame, /^Loihi$/);
  const note = await poll(async () => norm(await frame.locator('#neuron-update-note').innerText({ timeout: 1000 })) || null, { what: '#neuron-update-note' });
  assert(note === 'Loihi also quotes 81 pJ per neuron update; this energy counts SynOps only (23.6 pJ each), not neuron updates.', `#neuron-update-note: "${note}"`);
  const ratio = norm(await frame.locator('#energy-ratio').innerText());
  const words = norm(await frame.locator('#energy-ratio-words').innerText());
  log(`ratio ${ratio}: ${words}`);
  const n = ratio.replace('×', '');
  assert(words.startsWith(`The spiking network would use ${n} times the ANN's energy`) && words.includes('Loihi vs the ANN on'), `#energy-ratio-words: "${words}" (ratio ${ratio})`);
  await screenshot('energy-words.png');
  // The lens follows the profile picked in the report; its tooltip says what the energy leaves out.
  await page.locator('.tab', { hasText: t.MNIST }).first().click();
  const title = await poll(async () => {
    const a = page.locator('.editor-group-container.active .codelens-decoration > a', { hasText: /^Total/ }).first();
    const tip = await a.getAttribute('title', { timeout: 1000 }).catch(() => null);
    return tip && tip.includes('Loihi also quotes') ? tip : null;
  }, { timeout: 30000, what: 'the Total lens tooltip naming Loihi\'s neuron-update cost' });
  assert(title.includes('not neuron updates') && title.includes('The spiking network would use'), `Total lens tooltip: ${title}`);
  await t.selectProfile(frame, /^TrueNorth$/);
  await frame.locator('#neuron-update-note').waitFor({ state: 'hidden', timeout: 10000 })
    .catch(() => { throw new Error('#neuron-update-note still shown for TrueNorth, which quotes no neuron-update cost'); });
  // The picked profile applies everywhere: give later checks the one they started with.
  await t.selectProfile(frame, new RegExp(`^${before.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
}

/**
 * #15.10: in a ~350 px wide panel the report's chart keeps its plot and its legend stays clear of it: the
 * comparison of two fixture runs (four series: each run's SNN and ANN proxy, the widest legend).
 */
export async function reportNarrow(t) {
  const { page, poll, assert, log, screenshot, runCommand, pickRow } = t;
  await t.closeAllEditors();
  await runCommand('SynOps: Compare Run With…');
  await pickRow('SynOp loss + QReLU');
  await pickRow(/^Baseline/);
  const frame = await t.frameWith('#synops-chart .legend', 60000);
  await closeSideBar(t);
  const size = page.viewportSize();
  const dims = () => frame.evaluate(() => {
      const chart = document.querySelector('#synops-chart');
      const r = (el) => el ? (({ left, right, top, bottom, width, height }) => ({ left, right, top, bottom, width, height }))(el.getBoundingClientRect()) : null;
      return { body: document.body.clientWidth, chart: r(chart), plot: r(chart?.querySelector('.nsewdrag')), legend: r(chart?.querySelector('.legend')) };
  });
  try {
    await page.setViewportSize({ width: 400, height: 900 });
    const d = await poll(async () => { const x = await dims(); return x.body < 380 && x.plot && x.legend ? x : null; }, { timeout: 20000, what: 'the report at ~350 px' });
    await page.waitForTimeout(1500); // the chart re-lays itself out after the resize
    const g = await dims();
    log('narrow chart:', JSON.stringify(g), 'first:', JSON.stringify(d));
    await frame.locator('#synops-chart').scrollIntoViewIfNeeded();
    await screenshot('report-narrow.png');
    // A wide panel gives the plot 228 px of height; a legend wrapped into rows above it squeezed it to 139–174 px.
    assert(g.plot.width >= 0.6 * g.chart.width && g.plot.width >= 150 && g.plot.height >= 200,
      `the plot collapsed: ${Math.round(g.plot.width)}×${Math.round(g.plot.height)} px in a ${Math.round(g.chart.width)} px chart`);
    assert(g.legend.right <= g.chart.right + 1 && g.legend.left >= g.chart.left - 1, `the legend (${Math.round(g.legend.left)}–${Math.round(g.legend.right)}) sticks out of the chart (${Math.round(g.chart.left)}–${Math.round(g.chart.right)})`);
    assert(g.legend.bottom <= g.plot.top || g.legend.top >= g.plot.bottom, `the legend overlaps the plot: ${JSON.stringify(g)}`);
  } finally {
    await page.setViewportSize(size);
  }
  // Wide again: the chart grows back with the panel.
  const wide = await poll(async () => { const x = await dims(); return x.chart.width > 600 && x.plot.width >= 0.6 * x.chart.width ? x : null; }, { timeout: 15000, what: 'the chart to grow back with the panel' })
    .catch(async (e) => { throw new Error(`${e.message}: ${JSON.stringify(await dims())}`); });
  log('wide again:', JSON.stringify(wide.plot));
}

/**
 * The trade-off's run table sorts by a clicked header (▲ ascending, then ▼ descending), from the keyboard too,
 * and keeps the sort when the panel's webview is reloaded.
 */
export async function tradeoffSort(t) {
  const { page, poll, assert, log, screenshot, norm, parseNumber, runCommand } = t;
  let frame = await t.reproductionTradeoffFrame();
  const column = (f, col) => f.locator(`#tradeoff-table tbody td[data-col="${col}"]`).allInnerTexts().then((xs) => xs.map((x) => parseNumber(x)));
  const head = (f, col) => f.locator(`#tradeoff-table thead th[data-col="${col}"]`);
  const sorted = (xs, dir) => xs.every((x, i) => i === 0 || (dir === 'asc' ? xs[i - 1] <= x : xs[i - 1] >= x));
  await head(frame, 'synops').locator('button').click();
  const synops = await column(frame, 'synops');
  assert(synops.length >= 10 && sorted(synops, 'asc'), `SynOps after one click: ${JSON.stringify(synops)}`);
  assert(await head(frame, 'synops').getAttribute('aria-sort') === 'ascending', 'the SynOps header has no aria-sort="ascending"');
  assert(norm(await head(frame, 'synops').innerText()).endsWith('▲'), `SynOps header: "${norm(await head(frame, 'synops').innerText())}"`);
  // From the keyboard: Enter sorts by accuracy ascending, Space (a second press) descending.
  await head(frame, 'accuracy').locator('button').press('Enter');
  assert(sorted(await column(frame, 'accuracy'), 'asc'), 'accuracy not ascending after Enter');
  await head(frame, 'accuracy').locator('button').press('Space');
  const acc = await column(frame, 'accuracy');
  assert(sorted(acc, 'desc') && acc[0] > acc.at(-1), `accuracy after a second press: ${JSON.stringify(acc)}`);
  assert(await head(frame, 'synops').getAttribute('aria-sort') === null, 'the SynOps header still says it sorts');
  await screenshot('tradeoff-sorted.png');
  // Reloading the webview redraws it from its saved state.
  await runCommand('Developer: Reload Webviews', { timeout: 15000 });
  // The reloaded page is a new frame: the old one is skipped, so no fixed wait is needed.
  frame = await poll(async () => {
    for (const f of page.frames()) {
      if (f === frame || f.isDetached()) continue;
      if (await f.locator('#tradeoff-table th[data-col="accuracy"][aria-sort]').count().catch(() => 0)) return f;
    }
    return null;
  }, { timeout: 30000, what: 'the reloaded trade-off with a sorted header' }).catch(async (e) => {
    throw new Error(`${e.message} (the sort was not kept across the reload)`);
  });
  const after = await column(frame, 'accuracy');
  log('accuracy after reload:', JSON.stringify(after));
  assert(await head(frame, 'accuracy').getAttribute('aria-sort') === 'descending' && sorted(after, 'desc') && after[0] > after.at(-1),
    `after reloading: aria-sort ${await head(frame, 'accuracy').getAttribute('aria-sort')}, accuracy ${JSON.stringify(after)}`);
}

/** The open modal dialog's message and detail, and a locator of its buttons. */
async function modalDialog(t) {
  const box = t.page.locator('.monaco-dialog-box').first();
  await box.waitFor({ state: 'visible', timeout: 30000 });
  const text = async (sel) => t.norm(await box.locator(sel).first().innerText().catch(() => ''));
  return { box, message: await text('.dialog-message-text'), detail: await text('.dialog-message-detail') };
}

/** Sweep folders under the test workspace's runs. */
function sweepFolders(t) {
  const runs = path.join(t.OUT, 'ws', '.synops', 'runs');
  return fs.existsSync(runs) ? fs.readdirSync(runs).filter((n) => n.startsWith('sweep-')) : [];
}

/**
 * #15.6: Run Energy Sweep says how long its models will take before it starts any, and asks. On the tiny
 * dataset a run has trained on (the suite's shared tiny run, trained here first if none has), an estimate from that run's speed; Cancel
 * starts nothing.
 */
export async function sweepEstimate(t) {
  const { page, assert, log, screenshot, runCommand, openFile, pickRow, OUT } = t;
  t.writeTinyWorkspace();
  await t.closeAllEditors();
  const runsDir = path.join(OUT, 'ws', '.synops', 'runs');
  const tinyRuns = () => (fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : []).filter((n) => {
    try { return JSON.parse(fs.readFileSync(path.join(runsDir, n, 'run.json'), 'utf8')).data.root.includes('tiny-halves') && fs.readFileSync(path.join(runsDir, n, 'metrics.json'), 'utf8').length > 2; } catch { return false; }
  });
  if (!tinyRuns().length) {
    await t.finishedTinyRun();
    await t.closeAllEditors();
  }
  const before = sweepFolders(t);
  const ask = async (dataRow) => {
    await openFile('tiny-ui.snn.json');
    await runCommand('SynOps: Run Energy Sweep');
    await pickRow(/^Independent models/);
    await pickRow(dataRow);
    return modalDialog(t);
  };
  let d = await ask('tiny-halves');
  log('sweep question:', d.message, '|', d.detail);
  await screenshot('sweep-estimate.png');
  assert(/^Sweep of tiny-ui\.snn\.json: train 10 models, about \d+ (s|min|h)( \d+ min)?\. Start it\?$/.test(d.message), `sweep question: "${d.message}"`);
  assert(/^Estimate: 8 epochs × \d+ samples × [\d,]+ MACs per model, at the speed run \S+ measured \([\d,]+ images\/s on [\d,]+ MACs/.test(d.detail), `estimate detail: "${d.detail}"`);
  assert(await d.box.getByRole('button', { name: 'Start Sweep' }).count(), 'no "Start Sweep" button');
  await d.box.getByRole('button', { name: 'Cancel' }).click();
  await d.box.waitFor({ state: 'hidden', timeout: 10000 });
  // Data no run has trained on: the same question, without a time.
  d = await ask('Synthetic DVS digits');
  log('sweep question (synth):', d.message, '|', d.detail);
  assert(/^Sweep of tiny-ui\.snn\.json: train 10 models, (no estimate of the time|about .+)\. Start it\?$/.test(d.message), `sweep question on synth: "${d.message}"`);
  await page.keyboard.press('Escape');
  await d.box.waitFor({ state: 'hidden', timeout: 10000 });
  await page.waitForTimeout(2000);
  const toasts = await t.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  assert(!toasts.some((x) => /sweep of/i.test(x)) && sweepFolders(t).length === before.length, `a cancelled sweep started: ${JSON.stringify(toasts)}, ${JSON.stringify(sweepFolders(t))}`);
}

/**
 * The report's log-scale switch is a native checkbox (the deprecated webview UI toolkit is gone): clicking
 * its label turns the chart's axis to log, in the packaged extension.
 */
export async function reportLogScale(t) {
  const { poll, assert, openFile, runCommand, frameWith } = t;
  await t.closeAllEditors();
  await openFile(t.MNIST);
  await runCommand(t.CMD.energyReport);
  const frame = await frameWith('#synops-chart .main-svg', 60000);
  const box = frame.locator('#log-scale');
  const what = await box.evaluate((el) => `${el.tagName.toLowerCase()}${el.getAttribute('type') ? `[type=${el.getAttribute('type')}]` : ''}`);
  assert(what === 'input[type=checkbox]', `#log-scale is <${what}>, not a native checkbox`);
  const axis = () => frame.evaluate(() => document.querySelector('#synops-chart').layout?.yaxis?.type);
  const start = await axis();
  await frame.locator('label', { has: box }).click(); // the label toggles it, as a user clicks the words
  await poll(async () => (await axis()) !== start || null, { timeout: 10000, what: `the y axis to leave "${start}"` });
  assert(await box.isChecked() === (await axis() === 'log'), `checkbox ${await box.isChecked()}, axis ${await axis()}`);
  await box.press('Space'); // and the keyboard
  await poll(async () => (await axis()) === start || null, { timeout: 10000, what: `the y axis back to "${start}" after Space` });
  const installed = fs.readdirSync(path.join(t.OUT, 'ext')).find((n) => n.startsWith('synops-studio.'));
  if (installed) {
    const licences = fs.readFileSync(path.join(t.OUT, 'ext', installed, 'dist', 'THIRD_PARTY_LICENSES.txt'), 'utf8');
    assert(!licences.includes('webview-ui-toolkit'), 'the packaged THIRD_PARTY_LICENSES.txt still lists @vscode/webview-ui-toolkit');
  }
}
