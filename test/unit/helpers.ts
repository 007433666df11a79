import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModel } from '../../src/core/model/parse';
import type { ModelFile } from '../../src/core/model/types';

export const repoRoot = join(__dirname, '..', '..');

export function templateText(file: 'mnist-dvs.snn.json' | 'cifar10-allconv.snn.json'): string {
  return readFileSync(join(repoRoot, 'templates', file), 'utf8');
}

export function template(file: 'mnist-dvs.snn.json' | 'cifar10-allconv.snn.json'): ModelFile {
  const parsed = parseModel(templateText(file), file);
  if (!parsed.model) throw new Error(`template ${file} does not parse: ${JSON.stringify(parsed.diagnostics)}`);
  return parsed.model;
}

/** Runs `fn` with stdout and stderr collected (console.log/error and process.stderr.write). */
export async function captured<T>(fn: () => Promise<T>): Promise<{ value: T; stdout: string; stderr: string }> {
  const log = console.log;
  const err = console.error;
  const write = process.stderr.write.bind(process.stderr);
  let stdout = '';
  let stderr = '';
  console.log = (...a: unknown[]) => { stdout += a.join(' ') + '\n'; };
  console.error = (...a: unknown[]) => { stderr += a.join(' ') + '\n'; };
  process.stderr.write = ((s: string | Uint8Array) => { stderr += String(s); return true; }) as typeof process.stderr.write;
  try { return { value: await fn(), stdout, stderr }; } finally { console.log = log; console.error = err; process.stderr.write = write; }
}

/** max |a − b| / max |b|: a kernel's tolerance, relative to the largest magnitude of the reference `b`. */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let scale = 0, d = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    d = Math.max(d, Math.abs(a[i] - b[i]));
  }
  return d / (scale || 1);
}
