// Runs test/integration/inhost/suite.ts (bundled) inside code-server's real extension host, the way
// @vscode/test-electron does on desktop: the workbench URL payload carries extensionTestsPath, and the
// workbench reports the suite's console output and exit code through window.codeAutomationLog /
// window.codeAutomationExit, which this script exposes to the page.
// Usage: node drive.mjs --url <workbench url with payload> --out <folder> [--summary <file>]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: { url: { type: 'string' }, out: { type: 'string' }, summary: { type: 'string' } },
});
const OUT = path.resolve(opts.out ?? '.');
const TIMEOUT_MS = 300000; // the whole suite, which trains a few small models
const profileDir = path.join(OUT, 'chromium-profile');
fs.rmSync(profileDir, { recursive: true, force: true });
fs.mkdirSync(profileDir, { recursive: true });
const context = await chromium.launchPersistentContext(profileDir, {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  env: { ...process.env, XDG_CONFIG_HOME: path.join(profileDir, 'xdg-config') },
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage'],
});
const page = context.pages()[0] ?? await context.newPage();
let counts = null;
let finish;
const exited = new Promise((resolve) => (finish = resolve));
// Everything the workbench and extension host log goes to console.log in the output folder; the suite's
// own result lines are echoed.
const consoleLog = fs.createWriteStream(path.join(OUT, 'console.log'));
const t0 = Date.now();
const stamp = () => `+${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
// The browser's own messages (webview frames included) go to the same file with a "browser" tag.
page.on('console', (msg) => {
  if (msg.type() === 'error' || msg.type() === 'warning') consoleLog.write(`[browser-${msg.type()}] ${stamp()} ${msg.text().slice(0, 500)}\n`);
});
// Failed and slow (> 5 s) requests: a webview resource the service worker never answers stalls for 30 s.
const started = new WeakMap();
page.on('request', (req) => started.set(req, Date.now()));
page.on('requestfailed', (req) => consoleLog.write(`[browser-error] ${stamp()} request failed (${req.failure()?.errorText}): ${req.url().slice(0, 300)}\n`));
page.on('requestfinished', async (req) => {
  const ms = Date.now() - (started.get(req) ?? Date.now());
  if (ms > 5000) consoleLog.write(`[browser-warning] ${stamp()} slow request (${ms} ms, ${(await req.response())?.status()}): ${req.url().slice(0, 300)}\n`);
});
await page.exposeFunction('codeAutomationLog', (type, args) => {
  const text = (Array.isArray(args) ? args : [args]).map(String).join(' ');
  for (const line of text.split('\n')) {
    consoleLog.write(`[${type}] ${stamp()} ${line}\n`);
    if (/^(PASS|FAIL|slow:|timing:|inhost:) /.test(line)) console.log(`[inhost] ${line}`);
    const m = line.match(/^inhost: (\d+) passed, (\d+) failed$/);
    if (m) counts = { passed: Number(m[1]), failed: Number(m[2]) };
  }
});
await page.exposeFunction('codeAutomationExit', (code) => finish(code));
await page.goto(opts.url);
const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS))]);
await page.screenshot({ path: path.join(OUT, 'inhost-final.png') }).catch(() => {});
await context.close().catch(() => {});
await new Promise((resolve) => consoleLog.end(resolve));
fs.rmSync(profileDir, { recursive: true, force: true });
console.log(`[inhost] extension tests exit code: ${code}`);
if (!counts) counts = { passed: 0, failed: 1 }; // the suite did not load or never reported
const summary = `${counts.passed} passed, ${counts.failed} failed`;
if (code !== 0 || counts.failed) {
  // CI keeps only what is printed: the workbench's last errors and warnings say what a failed step waited on.
  const lines = fs.readFileSync(path.join(OUT, 'console.log'), 'utf8').split('\n').filter((l) => /^\[(browser-)?(error|warn|warning)\]/.test(l));
  console.log(`[inhost] last ${Math.min(40, lines.length)} of ${lines.length} error/warning lines of the workbench:`);
  for (const l of lines.slice(-40)) console.log(`[inhost]   ${l.slice(0, 300)}`);
}
if (opts.summary) fs.writeFileSync(opts.summary, summary + '\n');
console.log(summary);
process.exit(code === 0 && counts.failed === 0 ? 0 : 1);
