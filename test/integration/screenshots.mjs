// The documentation's screenshots of every view, light and dark, from the real product, and the time from
// command to first paint of each view. Started by `npm run screenshots` (run.sh with SYNOPS_IT_SCRIPT), which
// packages and installs the extension and serves code-server on the fixture workspace, as for the UI checks.
//
// Real data first: `synops data synth` writes 10 synthetic DVS digits per class into .synops/data/digits,
// `synops reproduce --budget smoke` trains and simulates its six models on them (seconds), `synops export`
// writes one of them as a .nir graph; then "Train Model" from the palette trains the MNIST-DVS model for a
// few epochs while the monitor is shot. Each view is opened from a closed state, timed (command → first
// painted text → first content element → fully drawn, polled every ~50 ms), and shot in Default Dark
// Modern and Default Light Modern as docs/images/<view>-<dark|light>.png, cropped to the view.
//
// Usage: node test/integration/screenshots.mjs --url <workbench url> --out <run folder> [--summary <file>]
//        [--images <dir>] (default $SYNOPS_SHOTS_IMAGES or docs/images) [--only view,view]
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import {
  answerInput, assert, closeOverlays, codeLensTexts, launch, log, openFile, openWorkbench, page, poll, quickInputBox, quickRows,
  pickRow, runCommand, screenshot, showSynopsSidebar, sleep,
} from './workbench.mjs';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' }, out: { type: 'string' }, summary: { type: 'string' },
    images: { type: 'string', default: process.env.SYNOPS_SHOTS_IMAGES || path.join(REPO, 'docs', 'images') },
    only: { type: 'string', default: process.env.SYNOPS_SHOTS_ONLY || '' },
  },
});
if (!opts.url || !opts.out) {
  console.error('usage: node screenshots.mjs --url <workbench url> --out <run folder> [--summary <file>] [--images <dir>]');
  process.exit(2);
}
const OUT = path.resolve(opts.out);
const WS = path.join(OUT, 'ws');
const IMAGES = path.resolve(opts.images);
fs.mkdirSync(IMAGES, { recursive: true });

// ------------------------------------------------------------------ real data, made by the product's CLI
function synops(...args) {
  const t = Date.now();
  execFileSync(process.execPath, [path.join(REPO, 'bin', 'synops.js'), ...args], { cwd: WS, stdio: ['ignore', 'ignore', 'inherit'] });
  log(`synops ${args.slice(0, 2).join(' ')}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
function prepareWorkspace() {
  // The UI checks' fixtures (hand-written runs, a broken model, a sample reproduction) are not the product's
  // output: out of the screenshots' workspace.
  for (const f of ['.synops/runs', 'reproduction', 'broken.snn.json', 'sweep-bar.aedat', 'tiny-conv.nir']) fs.rmSync(path.join(WS, f), { recursive: true, force: true });
  const digits = path.join(WS, '.synops', 'data', 'digits');
  if (!fs.existsSync(digits)) synops('data', 'synth', '--out', digits, '--per-digit', '10');
  if (!fs.existsSync(path.join(WS, 'reproduction-smoke', 'report.json'))) {
    synops('reproduce', '--budget', 'smoke', '--data', digits, '--workspace', WS, '--out', path.join(WS, 'reproduction-smoke'));
  }
  // A baseline run of the model in the workspace's .synops/runs (Train Model from the palette adds a second).
  if (!fs.existsSync(path.join(WS, '.synops', 'runs'))) {
    synops('train', MODEL, '--data', digits, '--strategy', 'baseline', '--epochs', '3', '--batch', '16', '--snn-samples', '20', '--workspace', WS);
  }
  if (!fs.existsSync(path.join(WS, 'mnist-dvs-qrelu.nir'))) {
    synops('export', path.join(WS, 'reproduction-smoke', 'runs', 'synops-qrelu-01'), '--nir', path.join(WS, 'mnist-dvs-qrelu.nir'));
  }
  // One recording of the set at the top of the workspace, to open in the event-file viewer.
  const three = path.join(digits, 'grabbed_data3', 'scale16', 'mnist_3_scale16_0001.aedat');
  assert(fs.existsSync(three), `no recording ${three}`);
  fs.copyFileSync(three, path.join(WS, 'digit-3.aedat'));
  fs.writeFileSync(path.join(WS, 'views.synops-nb'), JSON.stringify({ format: 'synops-notebook', version: 1,
    cells: [{ kind: 'code', language: 'plaintext', source: 'report mnist-dvs.snn.json' },
      { kind: 'code', language: 'plaintext', source: 'raster digit-3.aedat 0 reproduction-smoke/runs/synops-qrelu-01' }] }, null, 2));
}

// ------------------------------------------------------------------ theme, crop, shoot
// The workbench's theme as its classes say (the web workbench may start light or dark, following the browser).
const currentTheme = async () => ((await page.locator('.monaco-workbench.vs-dark').count()) ? 'dark' : 'light');
let theme;
async function setTheme(want) {
  theme = await currentTheme();
  if (theme === want) return;
  await runCommand('Preferences: Color Theme', { timeout: 15000 });
  await quickInputBox.fill(want === 'light' ? 'Default Light Modern' : 'Default Dark Modern');
  await quickRows.first().waitFor({ timeout: 10000 });
  await page.keyboard.press('Enter');
  const cls = want === 'light' ? 'vs' : 'vs-dark';
  await poll(async () => page.locator(`.monaco-workbench.${cls}`).count(), { timeout: 10000, what: `the ${want} theme` });
  theme = want;
  await sleep(1500); // webviews redraw their charts on the theme change
}

/** The page rectangle of a view: the editor group of its webview (tabs and breadcrumbs included), the editor area, or the side bar. */
async function clipOf(where) {
  if (where.frame) {
    const inner = where.frame;
    const outer = inner.parentFrame()?.parentFrame() ? inner.parentFrame() : inner;
    const box = await (await outer.frameElement()).boundingBox();
    const groups = await page.locator('.editor-group-container').evaluateAll((els) => els.map((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }));
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    return groups.find((g) => cx >= g.x && cx <= g.x + g.width && cy >= g.y && cy <= g.y + g.height) ?? box;
  }
  const box = await page.locator(where.selector).first().boundingBox();
  return where.maxHeight ? { ...box, height: Math.min(box.height, where.maxHeight) } : box;
}

const shots = [];
/** Saves the view in both themes, the current one first: docs/images/<name>-<theme>.png. */
async function shoot(name, where) {
  await closeOverlays();
  await runCommand('Notifications: Clear All Notifications', { timeout: 15000 }).catch(() => {});
  for (const t of (await currentTheme()) === 'dark' ? ['dark', 'light'] : ['light', 'dark']) {
    await setTheme(t);
    // A view whose point is further down (the report's chart, the simulated layers) is scrolled to it.
    if (where.scrollTo) {
      await where.frame.evaluate((sel) => { const el = document.querySelector(sel); (el?.closest('section') ?? el)?.scrollIntoView({ block: 'start' }); }, where.scrollTo);
    }
    const clip = await clipOf(where);
    // No tooltip of the last click in the picture: the pointer rests in the view's bottom-left corner.
    if (where.before) await where.before();
    else { await page.mouse.move(clip.x + 4, clip.y + clip.height - 4); await sleep(300); }
    const file = path.join(IMAGES, `${name}-${t}.png`);
    await page.screenshot({ path: file, clip });
    shots.push(path.relative(REPO, file));
    log(`saved ${path.relative(REPO, file)} (${Math.round(fs.statSync(file).size / 1024)} KiB)`);
  }
}

// ------------------------------------------------------------------ timing
const paints = [];
/**
 * Times a view from `issue()` (which returns when the command was issued) to: the first text painted in a
 * webview frame that did not exist before (`frame`), the view's first content element (`content`), and its
 * full drawing (`drawn`), polled every ~50 ms. Returns the frame holding `drawn`.
 */
async function timeWebview(view, issue, { content, drawn, timeout = 120000 }) {
  const before = new Set(page.frames());
  const webviews = page.locator('iframe.webview');
  const webviewsBefore = await webviews.count();
  const t0 = await issue();
  const at = {};
  let found;
  const deadline = Date.now() + timeout;
  while (!at.drawn) {
    // VS Code's part: the workbench has added the webview's iframe (ours is loaded into it afterwards).
    if (!at.iframe && await webviews.count() > webviewsBefore) at.iframe = Date.now();
    for (const f of page.frames()) {
      if (before.has(f)) continue;
      const r = await f.evaluate(([c, d]) => ({
        page: !!document.querySelector('body[data-plotly]'),
        text: (document.body?.innerText ?? '').trim().length > 0, content: !!document.querySelector(c), drawn: !!document.querySelector(d),
      }), [content, drawn]).catch(() => null);
      if (!r) continue;
      const now = Date.now();
      if (r.page && !at.page) at.page = now; // our panel page's document exists (parsed up to its <body>)
      if (r.text && !at.frame) at.frame = now;
      if (r.content && !at.content) at.content = now;
      if (r.drawn && !at.drawn) { at.drawn = now; found = f; }
    }
    if (Date.now() > deadline) throw new Error(`${view}: not drawn (${drawn}) within ${timeout / 1000} s`);
    await sleep(50);
  }
  record(view, t0, { iframe: at.iframe, page: at.page, frame: at.frame ?? at.content ?? at.drawn, content: at.content ?? at.drawn, drawn: at.drawn });
  return found;
}

/** Times a workbench (non-webview) view: `content` and `drawn` are predicates polled on the page. */
async function timePage(view, issue, { content, drawn, timeout = 120000 }) {
  const t0 = await issue();
  const at = {};
  const deadline = Date.now() + timeout;
  while (!at.drawn) {
    if (!at.content && await content()) at.content = Date.now();
    if (await drawn()) { at.drawn = Date.now(); at.content ??= at.drawn; }
    if (Date.now() > deadline) throw new Error(`${view}: not drawn within ${timeout / 1000} s`);
    await sleep(50);
  }
  record(view, t0, { frame: at.content, content: at.content, drawn: at.drawn });
}

function record(view, t0, at) {
  const s = (t) => (t === undefined ? undefined : (t - t0) / 1000);
  const p = { view, iframe: s(at.iframe), page: s(at.page), frame: s(at.frame), content: s(at.content), drawn: s(at.drawn), load: os.loadavg()[0] };
  paints.push(p);
  log(`paint ${view}: ${['iframe', 'page', 'frame', 'content', 'drawn'].map((k) => `${k} ${p[k]?.toFixed(2) ?? '—'} s`).join(', ')}`);
}

async function fresh() {
  await closeOverlays();
  await runCommand('View: Close All Editors', { timeout: 15000 });
  const dontSave = page.locator('.monaco-dialog-box').getByRole('button', { name: "Don't Save", exact: true });
  if (await dontSave.waitFor({ state: 'visible', timeout: 1500 }).then(() => true, () => false)) await dontSave.click();
  if (await page.locator('.part.sidebar').isVisible()) await runCommand('View: Close Primary Side Bar', { timeout: 15000 });
  if (await page.locator('.part.panel').isVisible()) await runCommand('View: Hide Panel', { timeout: 15000 }).catch(() => {});
}

// ------------------------------------------------------------------ the views
const MODEL = 'mnist-dvs.snn.json';
const EDITOR = { selector: '.part.editor' };

async function lensesAndHover() {
  await fresh();
  await timePage('code lenses', () => openFile(MODEL), {
    content: async () => (await codeLensTexts()).length > 0,
    drawn: async () => (await codeLensTexts()).some((l) => l.startsWith('Total:')),
  });
  const line = page.locator('.editor-group-container.active .view-line', { hasText: '"conv2"' }).first();
  const hoverOn = async () => {
    await page.mouse.move(0, 0);
    await sleep(300);
    const box = await line.locator('span', { hasText: 'conv2' }).last().boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    return Date.now();
  };
  const hover = page.locator('.monaco-hover:not(.hidden)');
  await timePage('hover', hoverOn, { content: () => hover.isVisible(), drawn: async () => (await hover.locator('table').count()) > 0 });
  await shoot('lenses-hover', { ...EDITOR, before: async () => { await hoverOn(); await hover.locator('table').first().waitFor({ timeout: 15000 }); } });
}

async function modelReport() {
  await fresh();
  await openFile(MODEL);
  const frame = await timeWebview('energy report (model)', () => runCommand('SynOps: Show Energy Report'),
    { content: '#layer-table', drawn: '#synops-chart .main-svg' });
  await runCommand('View: Close Editors in Other Groups', { timeout: 15000 }).catch(() => {});
  await sleep(1000);
  await shoot('energy-report-model', { frame });
}

async function tradeoffAndRunReport() {
  await fresh();
  await openFile('report.json', { folder: 'reproduction-smoke' });
  const frame = await timeWebview('trade-off (reproduction)', () => runCommand('SynOps: Show Trade-off'),
    { content: '#tradeoff-table tr[data-run]', drawn: '#tradeoff-chart .main-svg' });
  await shoot('tradeoff', { frame });
  const button = frame.locator('#tradeoff-table tr[data-run="synops-qrelu-01"] th button').first();
  const report = await timeWebview('energy report (run, from the trade-off)', async () => { const t = Date.now(); await button.click(); return t; },
    { content: '#layer-table', drawn: '#synops-chart .main-svg' });
  await runCommand('View: Close Editors in Other Groups', { timeout: 15000 }).catch(() => {});
  await sleep(1000);
  await shoot('energy-report-run', { frame: report, scrollTo: '#synops-chart' });
}


async function trainingMonitor() {
  await fresh();
  await openFile(MODEL);
  await runCommand('SynOps: Train Model');
  await pickRow(/^SynOp loss \+ QReLU/);
  await answerInput('target', '300000');
  await answerInput('epochs', '8');
  await answerInput('batch size', '16');
  const frame = await timeWebview('training monitor (Train Model)', () => pickRow(/^digits/),
    { content: '#training-status[data-status]', drawn: '#epoch-table tr[data-epoch="2"]', timeout: 300000 });
  await frame.locator('#synops-epoch-chart .main-svg').first().waitFor({ timeout: 60000 });
  await shoot('training-running', { frame });
  await frame.locator('#training-status[data-status="done"]').waitFor({ timeout: 600000 });
  await sleep(1000);
  await shoot('training-finished', { frame });
}

async function runsView() {
  await fresh();
  await timePage('Runs view (side bar)', async () => { const t = Date.now(); await showSynopsSidebar(); return t; }, {
    content: async () => (await page.locator('.part.sidebar .monaco-list-row').count()) > 0,
    drawn: async () => (await page.locator('.part.sidebar .monaco-list-row .label-description', { hasText: 'SynOps' }).count()) > 0,
  });
  await shoot('runs-view', { selector: '.part.sidebar', maxHeight: 360 });
}

async function spikeRaster() {
  await fresh();
  await runCommand('SynOps: Show Spike Raster');
  const frame = await timeWebview('spike raster (a dataset)', () => pickRow(/digits.*\.synops\/data\/digits/),
    { content: '#raster-facts', drawn: '#event-rate-chart .main-svg' });
  await sleep(1000);
  await shoot('spike-raster', { frame });
}

async function eventFile() {
  await fresh();
  const frame = await timeWebview('event-file viewer (.aedat)', () => openFile('digit-3.aedat', { textEditor: false }),
    { content: '#time-scrubber', drawn: '#event-rate-chart .main-svg' });
  await frame.locator('#simulate-with-run').click();
  const t0 = await pickRow(/synops-qrelu/); // the run Train Model made above
  await frame.locator('#layer-summary tr[data-layer="relu1"]').waitFor({ timeout: 120000 });
  await frame.locator('#output-chart .main-svg').first().waitFor({ timeout: 60000 });
  record('event-file viewer: simulate with a run (same page)', t0, { drawn: Date.now() });
  await sleep(1000);
  await shoot('event-file', { frame, scrollTo: '#layer-raster' });
}

async function nirEditor() {
  await fresh();
  const frame = await timeWebview('.nir editor', () => openFile('mnist-dvs-qrelu.nir', { textEditor: false }),
    { content: '#layer-table', drawn: '#synops-chart .main-svg' });
  await sleep(1000);
  await shoot('nir-editor', { frame });
}

async function notebook() {
  await fresh();
  await openFile('views.synops-nb', { textEditor: false });
  await page.locator('.notebookOverlay').first().waitFor({ timeout: 30000 });
  const runAll = page.locator('.notebookOverlay .notebook-toolbar-container').getByRole('button', { name: /^Run All/ }).first();
  await timeWebview('notebook outputs (report + raster)', async () => {
    const t = Date.now();
    await runAll.click({ timeout: 15000 });
    const kernelRow = quickRows.filter({ hasText: /SynOps/ }).first();
    if (await kernelRow.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false)) await kernelRow.click();
    return t;
  }, { content: '#synops-report', drawn: '#synops-report #layer-table', timeout: 180000 });
  await sleep(2000);
  await shoot('notebook', EDITOR);
}

// The model's report first, while the model has no run of its own (an estimate); the hover's table of runs
// and the measured lenses after Train Model.
const views = [
  ['energy-report-model', modelReport], ['training', trainingMonitor], ['lenses-hover', lensesAndHover],
  ['runs-view', runsView], ['tradeoff', tradeoffAndRunReport], ['spike-raster', spikeRaster], ['event-file', eventFile],
  ['nir-editor', nirEditor], ['notebook', notebook],
];

// ------------------------------------------------------------------ run
const only = opts.only ? new Set(opts.only.split(',')) : null;
const failures = [];
let browser;
try {
  prepareWorkspace();
  browser = await launch(OUT, { width: 1280, height: 800 });
  await openWorkbench(opts.url);
  await runCommand('SynOps: Show Energy Report', { timeout: 5000 }).catch(() => {}); // wait for the extension's commands
  await closeOverlays();
  // No toasts over the views (training's progress notification included); the status bar still counts.
  await runCommand('Notifications: Toggle Do Not Disturb Mode', { timeout: 15000 }).catch((e) => log('no Do Not Disturb:', e.message));
  for (const [name, fn] of views) {
    if (only && !only.has(name)) continue;
    try {
      await fn();
    } catch (e) {
      failures.push(`${name}: ${String(e.message || e).split('\n')[0]}`);
      log(`FAIL ${name}: ${failures.at(-1)}`);
      await screenshot(`${name}-error.png`);
    }
  }
} catch (e) {
  failures.push(`setup: ${String(e.message || e).split('\n')[0]}`);
}
await browser?.close();

const load = os.loadavg().map((l) => l.toFixed(2)).join(', ');
const cell = (v) => (v === undefined ? '—' : `${v.toFixed(2)} s`);
const table = ['| view | webview iframe | our page | first text | first content | fully drawn | load (1 min) |', '|---|---:|---:|---:|---:|---:|---:|',
  ...paints.map((p) => `| ${p.view} | ${cell(p.iframe)} | ${cell(p.page)} | ${cell(p.frame)} | ${cell(p.content)} | ${cell(p.drawn)} | ${p.load.toFixed(1)} |`)].join('\n');
fs.writeFileSync(path.join(OUT, 'paint-times.md'), `${table}\n\nload average (1, 5, 15 min) at the end: ${load}; ${os.cpus().length} cores\n`);
console.log(`\n${table}\n\nload average at the end: ${load}\n${shots.length} screenshots in ${path.relative(REPO, IMAGES) || '.'}`);
for (const f of failures) console.log(`FAIL ${f}`);
const summary = `${views.filter(([n]) => !only || only.has(n)).length - failures.length} passed, ${failures.length} failed`;
if (opts.summary) fs.writeFileSync(opts.summary, summary + '\n');
console.log(summary);
process.exit(failures.length ? 1 : 0);
