// The workbench helpers every Playwright script here shares (ui.mjs, the UI checks; screenshots.mjs, the
// documentation's screenshots): start chromium on a fresh profile, load the workbench, run commands from the
// palette, open files with Quick Open, find a webview's frame, read code lenses and toasts, save screenshots.
// `page`, `quickInput`, `quickInputBox` and `quickRows` are live bindings: set by `launch`, read by importers.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const t0 = Date.now();
export const log = (...a) => console.log(`[ui ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`, ...a);

/** The run folder screenshots go to (set by `launch`). */
export let OUT;
export let page; // set once the browser is up (see `launch`)
/** The browser context `launch` made. */
export let context;

// ------------------------------------------------------------------ helpers
export const sleep = (ms) => page.waitForTimeout(ms);
export const norm = (s) => String(s ?? '').replace(/\u00a0/g, ' ').replace(/[ \t]+/g, ' ').trim();
export const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `num` appears in `text` as a whole number (not part of a longer one). */
export const hasNumber = (text, num) => new RegExp(`(^|[^\\d,.])${escapeRe(num)}($|[^\\d,])`).test(norm(text));
export const parseNumber = (s) => {
  const m = norm(s).replace(/,/g, '').match(/-?\d+(\.\d+)?(e[-+]?\d+)?/i);
  return m ? Number(m[0]) : NaN;
};
export function assert(cond, message) { if (!cond) throw new Error(message); }

export async function poll(fn, { timeout = 30000, interval = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) { last = e; }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}` +
        (last instanceof Error ? ` (last error: ${last.message})` : ''));
    }
    await sleep(interval);
  }
}

// Quick input (command palette, Quick Open, quick picks); locators are created once the page exists.
export let quickInput, quickInputBox, quickRows;

export async function closeOverlays() {
  for (let i = 0; i < 3; i++) {
    if (!(await quickInput.isVisible().catch(() => false))) break;
    await page.keyboard.press('Escape');
    await sleep(100);
  }
}

// Once the extension's commands are known to be missing, every later check fails fast instead of
// waiting out its full timeout.
let extensionMissing = false;
export function markExtensionMissing() { extensionMissing = true; }
export const patience = (ms) => (extensionMissing ? Math.min(ms, 5000) : ms);

/** Run a command by its palette title; returns when its row was clicked (ms since the epoch). The palette snapshots the command list when it opens, so while the
 *  extension's contributions are not registered yet, close it and try again. */
export async function runCommand(title, { timeout = patience(90000) } = {}) {
  const deadline = Date.now() + timeout;
  const label = new RegExp(`^${escapeRe(title)}$`);
  for (;;) {
    await closeOverlays();
    await page.keyboard.press('F1');
    await quickInputBox.waitFor({ state: 'visible', timeout: 15000 });
    await quickInputBox.fill('>' + title);
    const row = quickRows.filter({ has: page.locator('.label-name', { hasText: label }) }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 3000 });
      const clickedAt = Date.now();
      await row.click();
      await quickInput.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
      return clickedAt;
    } catch {
      if (Date.now() > deadline) throw new Error(`command "${title}" not found in the command palette`);
    }
  }
}

/** Quick Open (Ctrl+P) a workspace file by name and wait until its editor tab is active; returns when its row was clicked. */
export async function openFile(name, { textEditor = true, folder } = {}) {
  await closeOverlays();
  // `folder`: the row must also name this folder (its description), when several files share the name.
  const named = quickRows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(name)}$`) }) });
  const row = (folder ? named.filter({ hasText: folder }) : quickRows.filter({ hasText: name })).first();
  const activeTab = page.locator('.editor-group-container.active .tab.active', { hasText: name });
  let clickedAt = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      await page.keyboard.press('Control+P');
      await quickInputBox.waitFor({ state: 'visible', timeout: 15000 });
      // With a folder, the query names it too, so fewer files match and the list settles sooner. A box that
      // does not take the text (seen once in CI, right after a viewport resize) is closed and opened again.
      await quickInputBox.fill(folder ? `${folder}/${name}` : name, { timeout: 10000 });
      await row.waitFor({ state: 'visible', timeout: 10000 }); // file search index may still be warming up
      // Results keep arriving while the index warms up and can move the row under the click: check what opened.
      clickedAt = Date.now();
      await row.click();
      await activeTab.waitFor({ timeout: attempt >= 5 ? 15000 : 5000 });
      break;
    } catch (e) {
      if (attempt >= 5) throw new Error(`Quick Open did not open ${folder ? `${folder}/` : ''}${name}: ${e.message}`);
      await closeOverlays();
    }
  }
  if (!textEditor) return clickedAt; // a notebook draws its cells in an overlay outside the editor group
  await page.locator('.editor-group-container.active .monaco-editor .view-lines')
    .first().waitFor({ timeout: 15000 });
  return clickedAt;
}

/** Texts of the code lenses currently rendered in the active editor, one entry per lens.
 *  Monaco (VS Code 1.100) renders the lenses of one line as a content widget
 *  <span class="codelens-decoration"><a>lens with command</a><span>&nbsp;|&nbsp;</span><span>lens without</span></span>
 *  inside .contentWidgets, and only for lines in (or near) the viewport. */
export async function codeLensTexts() {
  const perLine = await page.locator('.editor-group-container.active .monaco-editor .codelens-decoration')
    .evaluateAll((els) => els.map((el) => [...el.children].map((c) => c.textContent)));
  return perLine.flat().map(norm).filter((t) => t && t !== '|');
}

/** Text of the visible lines of the active editor. */
export async function activeEditorText() {
  const lines = await page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line')
    .allInnerTexts();
  return lines.map((l) => l.replace(/\u00a0/g, ' ')).join('\n');
}

/** A webview's content lives in iframe.webview -> iframe#active-frame; search every frame for the selector. */
export async function frameWith(selector, timeout = 60000) {
  return poll(async () => {
    for (const f of page.frames()) {
      if (await f.locator(selector).count().catch(() => 0)) return f;
    }
    return null;
  }, { timeout, what: `a frame containing ${selector}` });
}

export async function visibleToasts() {
  return (await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map(norm);
}

export async function screenshot(name) {
  await page.screenshot({ path: path.join(OUT, name) }).catch((e) => log('screenshot failed:', e.message));
}

/**
 * Shows the SynOps sidebar. Clicking its activity bar item when it is already the shown view container hides
 * the sidebar instead, so the click happens only when another container (or none) is shown.
 */
export async function showSynopsSidebar() {
  const item = page.locator('.activitybar .action-item', { has: page.locator('a.action-label[aria-label^="SynOps"]') }).first();
  const shown = await item.evaluate((el) => el.classList.contains('checked')) && await page.locator('.part.sidebar').isVisible();
  if (!shown) await item.locator('a.action-label').click();
  await page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: 10000 });
}

/**
 * Starts chromium on a fresh profile in `<out>/chromium-profile` (window `width`×`height`), logs the pages'
 * console to `<out>/browser-console.log` and sets `page` and the quick-input locators. Throws with the first
 * lines of the browser's log when chromium does not start.
 */
export async function launch(out, { width = 1400, height = 900 } = {}) {
  OUT = path.resolve(out);
  fs.mkdirSync(OUT, { recursive: true });
  const consoleLog = fs.createWriteStream(path.join(OUT, 'browser-console.log'));
  const profileDir = path.join(OUT, 'chromium-profile');
  fs.rmSync(profileDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(profileDir, 'Default'), { recursive: true });
  // Allow third-party storage so webview service workers are never refused (webview iframes are another origin).
  fs.writeFileSync(path.join(profileDir, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 0 } }));
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      // Debian's chromium writes "Crash Reports" under $XDG_CONFIG_HOME even with a profile dir: keep it inside.
      env: { ...process.env, XDG_CONFIG_HOME: path.join(profileDir, 'xdg-config') },
      headless: !process.env.HEADED,
      viewport: { width, height },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-dev-shm-usage'],
    });
  } catch (e) {
    // Playwright's launch error carries the whole browser log; the first lines say what went wrong.
    const message = String(e?.message || e);
    console.error(message.split('\n').slice(0, 8).join('\n'));
    throw new Error(`chromium did not start: ${message.split('\n')[0]}`);
  }
  page = context.pages()[0] ?? await context.newPage();
  page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${String(e?.stack || e)}\n`));
  quickInput = page.locator('.quick-input-widget');
  quickInputBox = page.locator('.quick-input-widget .quick-input-box input');
  quickRows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  return { close: async () => { await context.close().catch(() => {}); consoleLog.end(); fs.rmSync(profileDir, { recursive: true, force: true }); } };
}

/** Loads the workbench at `url` and waits for its status bar. */
export async function openWorkbench(url) {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  await page.locator('.statusbar').waitFor({ timeout: 60000 });
  log('workbench loaded');
}

/** Answers the open input box (whose title contains `titlePart`) with `value`. */
export async function answerInput(titlePart, value) {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: titlePart }).waitFor({ timeout: 15000 });
  await quickInputBox.fill(value);
  await page.keyboard.press('Enter');
}

/** Clicks the first Quick Pick row containing `text`; returns the time of the click (ms since the epoch). */
export async function pickRow(text) {
  const row = quickRows.filter({ hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout: 30000 });
  await row.click();
  return Date.now();
}
