/**
 * Runs the PyTorch peer (`bench/peer/torch_peer.py`) in the bench's own run, so a ratio to PyTorch is one
 * of two figures measured on the same machine at the same time. The interpreter is the first of
 * `SYNOPS_PYTHON`, `python3` (PATH) and `/usr/bin/python3` (Debian's, where `npm run bench:peers` installs
 * python3-torch) that can `import torch`. Without one every PyTorch cell says `PEER_ABSENT`: the bench
 * never prints a quoted figure in place of a measurement.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { PeerLine, PeerSpec } from './torch-spec';

export const PEER_SCRIPT = join(__dirname, 'peer', 'torch_peer.py');

/** What a PyTorch cell says when no interpreter can import torch. */
export const PEER_ABSENT = 'not measured (python3-torch absent: npm run bench:peers)';

/** The interpreters to try, in order. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [...(env.SYNOPS_PYTHON ? [env.SYNOPS_PYTHON] : []), 'python3', '/usr/bin/python3'];
}

/** The first candidate that imports torch, with torch's version; null when none does. */
export function findTorchPython(candidates: string[] = pythonCandidates(), env: NodeJS.ProcessEnv = process.env): { python: string; torch: string } | null {
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { env, encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return { python, torch: r.stdout.trim() };
  }
  return null;
}

export type PeerRun =
  | { ok: true; python: string; torch: string; lines: PeerLine[]; timedOut: boolean; exitCode: number | null; stderr: string }
  | { ok: false; why: string };

export interface PeerOptions {
  /** Interpreters to try (default `pythonCandidates()`). */
  candidates?: string[];
  /** An interpreter `findTorchPython` found already (the search imports torch in each candidate: seconds). */
  found?: { python: string; torch: string };
  env?: NodeJS.ProcessEnv;
  /** The peer is stopped after this long; what it printed until then is kept. */
  timeoutMs: number;
}

/**
 * Runs the peer on `spec` and collects its result lines (also those printed before a timeout or a crash).
 * `{ ok: false, why: PEER_ABSENT }` when no interpreter can import torch.
 */
export async function runPeer(spec: PeerSpec, opts: PeerOptions): Promise<PeerRun> {
  const env = opts.env ?? process.env;
  const found = opts.found ?? findTorchPython(opts.candidates ?? pythonCandidates(env), env);
  if (!found) return { ok: false, why: PEER_ABSENT };
  return new Promise((resolve, reject) => {
    const child = spawn(found.python, [PEER_SCRIPT], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      // A line cut by the kill is not valid JSON: only complete lines count.
      const lines = out.split('\n').filter((l) => l.startsWith('{')).flatMap((l) => { try { return [JSON.parse(l) as PeerLine]; } catch { return []; } });
      resolve({ ok: true, ...found, lines, timedOut, exitCode: code, stderr: err });
    });
    // The peer may die before reading all of a large spec; its exit code and stderr tell why, not EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(spec));
  });
}

/** Why a peer cell has no number: the peer is absent, timed out, failed, or did not get to it. */
export function peerMissing(run: PeerRun, label: string): string {
  if (!run.ok) return run.why;
  const error = run.lines.find((l) => l.kind === 'error' && l.label === label);
  if (error && error.kind === 'error') return `not measured (peer error: ${error.message})`;
  if (run.timedOut) return 'not measured (peer stopped at its time limit)';
  if (run.exitCode !== 0) return `not measured (peer exited with ${run.exitCode}: ${lastLine(run.stderr)})`;
  return 'not measured';
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
