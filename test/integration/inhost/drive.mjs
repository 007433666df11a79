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
await page.exposeFunction('codeAutomationLog', (type, args) => {
  const text = (Array.isArray(args) ? args : [args]).map(String).join(' ');
  for (const line of text.split('\n')) {
    consoleLog.write(`[${type}] ${line}\n`);
    if (/^(PASS|FAIL|inhost:) /.test(line)) console.log(`[inhost] ${line}`);
    const m = line.match(/^inhost: (\d+) passed, (\d+) failed$/);
    if (m) counts = { passed: Number(m[1]), failed: Number(m[2]) };
  }
});
await page.exposeFunction('codeAutomationExit', (code) => finish(code));
await page.goto(opts.url);
const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS))]);
await page.screenshot({ path: path.join(OUT, 'inhost-final.png') }).catch(() => {});
await context.close().catch(() => {});
consoleLog.end();
fs.rmSync(profileDir, { recursive: true, force: true });
console.log(`[inhost] extension tests exit code: ${code}`);
if (!counts) counts = { passed: 0, failed: 1 }; // the suite did not load or never reported
const summary = `${counts.passed} passed, ${counts.failed} failed`;
if (opts.summary) fs.writeFileSync(opts.summary, summary + '\n');
console.log(summary);
process.exit(code === 0 && counts.failed === 0 ? 0 : 1);
