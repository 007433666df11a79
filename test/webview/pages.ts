/**
 * Page helpers shared by the panel tests: the host's page (`panelHtml`, the extension's exact CSP) with the
 * test's stand-in for VS Code run first by nonce, a page opener that records every CSP violation, page
 * error, console error and failed request, and the assertion that there were none.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { createNonce, panelCsp, panelHtml, type PanelHtmlOptions } from '../../src/host/panels/panelHtml';
import { bundle, DARK_THEME, launch, pagePrelude, plotlyScript, readRepoFile, REPO, serve, type StaticServer } from './harness';

/** The panel page for `dist/webview/<view>.js`, with an optional saved state; `build` is the host's page builder. */
export function panelPage(server: StaticServer, view: string, title: string, state?: unknown, theme = DARK_THEME,
  build: (o: PanelHtmlOptions) => string = panelHtml): string {
  const nonce = createNonce();
  const html = build({
    cspSource: server.origin,
    nonce,
    scriptUri: `${server.origin}/dist/webview/${view}.js`,
    styleUri: `${server.origin}/media/report.css`,
    title,
  });
  const at = html.indexOf('<script');
  return `${html.slice(0, at)}<script nonce="${nonce}">${pagePrelude(theme, state)}</script>\n${html.slice(at)}`;
}

/** A page that imports the notebook renderer module and renders `outputs` through it, under the panel CSP. */
export function rendererPage(server: StaticServer, outputs: Array<{ id: string; mime: string; json?: unknown; text?: string }>): string {
  const nonce = createNonce();
  return `<!DOCTYPE html><html><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${panelCsp(server.origin, nonce)}">
<script nonce="${nonce}">${pagePrelude(DARK_THEME)}</script></head><body>
${outputs.map((o) => `<div class="output" id="out-${o.id}"></div>`).join('\n')}
<script type="module" nonce="${nonce}">
import { activate } from '/dist/renderer/index.js';
const outputs = ${JSON.stringify(outputs).replace(/</g, '\\u003c')};
const api = await activate({ getState: () => undefined, setState: () => {}, workspace: { isTrusted: true } });
for (const o of outputs) {
  const item = { id: o.id, mime: o.mime, metadata: {},
    text: () => o.text ?? JSON.stringify(o.json), json: () => o.json ?? JSON.parse(o.text), data: () => new Uint8Array() };
  await api.renderOutputItem(item, document.getElementById('out-' + o.id), new AbortController().signal);
}
window.__rendererApi = api;
window.__done = true;
</script></body></html>`;
}

export interface Problems { violations: unknown[]; pageErrors: string[]; consoleErrors: string[]; failedRequests: string[] }

/** `waitUntil`: what `goto` waits for; 'commit' for a page whose load is held back on purpose. */
export async function openPage(context: BrowserContext, server: StaticServer, path: string, body: string,
  { waitUntil = 'load' }: { waitUntil?: 'load' | 'commit' } = {}): Promise<{ page: Page; problems: Problems }> {
  server.routes.set(path, { type: 'text/html; charset=utf-8', body });
  const page = await context.newPage();
  const problems: Problems = { violations: [], pageErrors: [], consoleErrors: [], failedRequests: [] };
  // Chromium asks for /favicon.ico by itself; any other failed request is the page's.
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.failedRequests.push(`${r.status()} ${r.url()}`); });
  page.on('requestfailed', (r) => problems.failedRequests.push(`${r.failure()?.errorText} ${r.url()}`));
  page.on('pageerror', (e) => problems.pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.consoleErrors.push(m.text()); });
  await page.goto(server.origin + path, { waitUntil });
  return { page, problems };
}

export async function assertClean(page: Page, problems: Problems): Promise<void> {
  problems.violations = await page.evaluate(() => (window as unknown as { __violations: unknown[] }).__violations);
  assert.deepEqual(problems.violations, [], 'CSP violations');
  assert.deepEqual(problems.pageErrors, [], 'page errors');
  assert.deepEqual(problems.failedRequests, [], 'failed requests');
  assert.deepEqual(problems.consoleErrors.filter((t) => !t.startsWith('Failed to load resource')), [], 'console errors');
}

type Win = { __posted: Array<{ type: string }>; __state: unknown };
export const posted = (page: Page) => page.evaluate(() => (window as unknown as Win).__posted);
export const savedState = <T>(page: Page) => page.evaluate(() => (window as unknown as Win).__state) as Promise<T>;

/** Posts a host message to the page, as `webview.postMessage` does. */
export async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

export async function waitForReady(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as Win).__posted.some((m) => m.type === 'ready'));
}

export const text = async (page: Page, selector: string): Promise<string> => (await page.locator(selector).innerText()).trim();

/** Where the view tests keep their screenshots. */
export const ARTIFACTS = join(REPO, 'test-artifacts', 'webview');

/**
 * For one test file: a loopback server with the view's panel bundle (`webview/<view>/main.ts`), the
 * stylesheet and, with `renderer`, the notebook renderer module, and a browser; both closed after the file.
 * Read `server` and `browser` inside tests.
 */
export function usePanelView(view: string, { renderer = false } = {}): { server: StaticServer; browser: Awaited<ReturnType<typeof launch>> } {
  const env = {} as { server: StaticServer; browser: Awaited<ReturnType<typeof launch>> };
  before(async () => {
    env.server = await serve();
    env.server.routes.set(`/dist/webview/${view}.js`, { type: 'text/javascript', body: await bundle(`webview/${view}/main.ts`, 'iife') });
    env.server.routes.set('/dist/webview/plotly.min.js', { type: 'text/javascript', body: plotlyScript() });
    if (renderer) env.server.routes.set('/dist/renderer/index.js', { type: 'text/javascript', body: await bundle('webview/renderer/index.ts', 'esm') });
    env.server.routes.set('/media/report.css', { type: 'text/css', body: readRepoFile('media/report.css') });
    env.browser = await launch();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
