/**
 * Test scaffolding for the report views in a real browser: bundles the webview entry points with esbuild
 * (in memory), serves them with a page on a loopback HTTP server, and launches Debian's chromium through
 * playwright-core with a fresh profile. Nothing here is shipped.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import * as esbuild from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { plotlyGlobal } from '../../bundles.mjs';

export const REPO = join(import.meta.dirname, '..', '..');
export const CHROMIUM = process.env.SYNOPS_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Bundles one browser entry point the way esbuild.mjs does, without writing to disk: plotly.js stays out of
 * it, and the page loads `plotlyScript()` as the extension's pages do.
 */
export async function bundle(entry: string, format: 'iife' | 'esm'): Promise<string> {
  const out = await esbuild.build({
    entryPoints: [join(REPO, entry)], bundle: true, write: false, platform: 'browser', target: 'es2022',
    format, logLevel: 'silent', legalComments: 'none', outfile: 'out.js', loader: { '.css': 'text' }, plugins: [plotlyGlobal],
  });
  return out.outputFiles[0].text;
}

/** The one plotly.js file the views share, served at `/dist/webview/plotly.min.js` beside their bundles. */
export function plotlyScript(): string {
  return readFileSync(join(REPO, 'node_modules', 'plotly.js-dist-min', 'plotly.min.js'), 'utf8');
}

export interface StaticServer { origin: string; routes: Map<string, { type: string; body: string }>; close(): Promise<void> }

/** Serves the given routes (path → content) on 127.0.0.1; anything else is a 404. */
export async function serve(): Promise<StaticServer> {
  const routes = new Map<string, { type: string; body: string }>();
  const server: Server = createServer((req, res) => {
    const r = routes.get((req.url ?? '/').split('?')[0]);
    if (!r) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': r.type, 'cache-control': 'no-store' }).end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    routes,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Chromium with a fresh profile that is deleted on close. */
export async function launch(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'synops-webview-test-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A subset of VS Code's "Dark Modern" theme variables, as VS Code sets them on a webview's `<html>`. */
export const DARK_THEME: Record<string, string> = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-foreground': '#cccccc',
  '--vscode-editor-foreground': '#cccccc',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-dropdown-background': '#313131',
  '--vscode-dropdown-foreground': '#cccccc',
  '--vscode-dropdown-border': '#3c3c3c',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-textBlockQuote-background': '#2b2b2b',
  '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8',
  '--vscode-widget-border': '#313131',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-editorWidget-border': '#454545',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-textLink-foreground': '#4daafc',
  '--vscode-textLink-activeForeground': '#4daafc',
  '--vscode-inputValidation-errorBackground': '#5a1d1d',
  '--vscode-inputValidation-errorBorder': '#be1100',
  '--vscode-editorHoverWidget-background': '#202020',
};

/** The same variables from VS Code's "Light Modern" theme. */
export const LIGHT_THEME: Record<string, string> = {
  ...DARK_THEME,
  '--vscode-foreground': '#3b3b3b',
  '--vscode-editor-foreground': '#3b3b3b',
  '--vscode-editor-background': '#ffffff',
  '--vscode-descriptionForeground': '#3b3b3b',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#388a34',
  '--vscode-dropdown-background': '#ffffff',
  '--vscode-dropdown-foreground': '#3b3b3b',
  '--vscode-dropdown-border': '#cecece',
  '--vscode-textBlockQuote-background': '#f8f8f8',
  '--vscode-badge-background': '#cccccc',
  '--vscode-badge-foreground': '#3b3b3b',
  '--vscode-widget-border': '#e5e5e5',
  '--vscode-editorWidget-background': '#f8f8f8',
  '--vscode-editorWidget-border': '#c8c8c8',
  '--vscode-panel-border': '#e5e5e5',
  '--vscode-list-hoverBackground': '#f2f2f2',
  '--vscode-textLink-foreground': '#005fb8',
  '--vscode-textLink-activeForeground': '#005fb8',
  '--vscode-inputValidation-errorBackground': '#f2dede',
  '--vscode-inputValidation-errorBorder': '#be1100',
  '--vscode-editorHoverWidget-background': '#f8f8f8',
};

/**
 * A script run before the page's own: records CSP violations, applies the theme the way VS Code does
 * (CSSOM, so no inline-style CSP exception is needed) and, for the panel, stands in for `acquireVsCodeApi`.
 */
export function pagePrelude(theme: Record<string, string>, state?: unknown): string {
  const themeClass = theme === DARK_THEME ? 'vscode-dark' : 'vscode-light';
  return `
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
});
const html = document.documentElement;
for (const [k, v] of Object.entries(${JSON.stringify(theme)})) html.style.setProperty(k, v);
html.style.setProperty('background-color', 'var(--vscode-editor-background)');
document.addEventListener('DOMContentLoaded', () => {
  document.body.classList.add('${themeClass}');
  const b = document.body.style;
  b.setProperty('color', 'var(--vscode-editor-foreground)');
  b.setProperty('font-family', 'var(--vscode-font-family)');
  b.setProperty('font-size', 'var(--vscode-font-size)');
  b.setProperty('margin', '0');
  b.setProperty('padding', '0 20px');
});
window.__posted = [];
window.__state = ${JSON.stringify(state ?? null).replace(/</g, '\\u003c')} ?? undefined;
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(m),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});
`;
}

export function readRepoFile(rel: string): string {
  return readFileSync(join(REPO, rel), 'utf8');
}
