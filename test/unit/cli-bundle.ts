// The CLI as `npm run build` bundles it, built into a temporary folder with the wasm backend's binaries beside
// it (as esbuild.mjs puts them), and run as a real child process: 0.3 s a run instead of tsx's 2 s, so suites
// can afford many runs. The folder is kept between test processes (bundle-cache.ts): the eight files that
// run the CLI build it once instead of 3–4 s each.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildBundleAs, cachedBundle } from './bundle-cache';

async function buildInto(dir: string): Promise<void> {
  await buildBundleAs('dist/cli/main.js', join(dir, 'main.js'));
  // The .nir reader's thread, which the CLI starts from beside its bundle.
  await buildBundleAs('dist/cli/nir-thread.js', join(dir, 'nir-thread.js'));
  const wasm = dirname(createRequire(__filename).resolve('@tensorflow/tfjs-backend-wasm'));
  for (const f of readdirSync(wasm).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(wasm, f), join(dir, f));
  // Reports the process's peak memory at exit, for the suites that hold a run to a memory cap.
  writeFileSync(join(dir, 'peak.cjs'), `const fs = require('node:fs');
process.on('exit', () => { if (process.env.SYNOPS_PEAK_FILE) fs.writeFileSync(process.env.SYNOPS_PEAK_FILE, String(process.resourceUsage().maxRSS)); });
`);
}

let built: Promise<string> | undefined;

/** The CLI bundle's path, built once per change of the sources (see bundle-cache.ts); readable by every user (see `unprivileged`). */
export function buildCli(): Promise<string> {
  built ??= cachedBundle('synops-cli-bundle', ['test/unit/cli-bundle.ts'], ['main.js', 'nir-thread.js', 'peak.cjs'], buildInto).then((dir) => join(dir, 'main.js'));
  return built;
}

/** Spawn options that drop root, so permission tests mean something when the suite runs as root. */
export function unprivileged(): { uid: number; gid: number } | undefined {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  ms: number;
  /** The time limit was reached and the process killed. */
  timedOut: boolean;
  /** Peak resident memory in MB, when the process exited on its own. */
  peakMb?: number;
}

export interface CliOptions {
  cwd?: string;
  /** Time limit, ms (default 30 s); the process is killed with SIGKILL past it. */
  timeoutMs?: number;
  /** V8 heap cap in MB (`--max-old-space-size`). */
  heapMb?: number;
  /** Scripts to preload (`--require`), e.g. a fault injector. */
  preload?: string[];
  env?: NodeJS.ProcessEnv;
  user?: { uid: number; gid: number };
  input?: string;
}

/** Runs `synops <args>` from the bundle. */
export function runCli(bundle: string, args: string[], o: CliOptions = {}): CliRun {
  const peakFile = join(mkdtempSync(join(tmpdir(), 'synops-peak-')), 'peak');
  chmodSync(dirname(peakFile), 0o777);
  const node = [...(o.heapMb ? [`--max-old-space-size=${o.heapMb}`] : []), '--require', join(dirname(bundle), 'peak.cjs'), ...(o.preload ?? []).flatMap((p) => ['--require', p])];
  const t0 = Date.now();
  const opts: SpawnSyncOptions = {
    cwd: o.cwd, encoding: 'utf8', timeout: o.timeoutMs ?? 30_000, killSignal: 'SIGKILL', input: o.input ?? '',
    env: { ...process.env, ...o.env, SYNOPS_PEAK_FILE: peakFile }, ...(o.user ?? {}), maxBuffer: 16 << 20,
  };
  const r = spawnSync(process.execPath, [...node, bundle, ...args], opts);
  const ms = Date.now() - t0;
  const peak = existsSync(peakFile) ? Number(readFileSync(peakFile, 'utf8')) / 1024 : undefined;
  rmSync(dirname(peakFile), { recursive: true, force: true });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { code: r.status, signal: r.signal, out: String(r.stdout ?? ''), err: String(r.stderr ?? ''), ms, timedOut, peakMb: peak };
}

/** `runCli` without blocking, so a suite can run a few at once. */
export function runCliAsync(bundle: string, args: string[], o: CliOptions = {}): Promise<CliRun> {
  const peakDir = mkdtempSync(join(tmpdir(), 'synops-peak-'));
  chmodSync(peakDir, 0o777);
  const peakFile = join(peakDir, 'peak');
  const node = [...(o.heapMb ? [`--max-old-space-size=${o.heapMb}`] : []), '--require', join(dirname(bundle), 'peak.cjs'), ...(o.preload ?? []).flatMap((p) => ['--require', p])];
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...node, bundle, ...args], { cwd: o.cwd, env: { ...process.env, ...o.env, SYNOPS_PEAK_FILE: peakFile }, ...(o.user ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => { if (out.length < 1 << 20) out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { if (err.length < 1 << 20) err += b.toString(); });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, o.timeoutMs ?? 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const peakMb = existsSync(peakFile) ? Number(readFileSync(peakFile, 'utf8')) / 1024 : undefined;
      rmSync(peakDir, { recursive: true, force: true });
      resolve({ code, signal, out, err, ms: Date.now() - t0, timedOut, peakMb });
    });
  });
}

/** Lines of a stack trace (`    at f (file:1:2)`): none may reach the user for an ordinary fault. */
export const STACK_LINE = /^\s+at .+/m;
