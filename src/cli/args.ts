import type { ThreadsChoice } from '../core/train/backend';

/** A usage problem as one line that points at the command's --help; returns exit code 2. */
export function usageError(command: string, msg: string): number {
  console.error(`synops ${command}: ${msg} (synops ${command} --help shows the usage)`);
  return 2;
}
/** Splits CLI arguments into positionals and `--name value` / `--flag` options; unknown options are reported. */
export function parseArgs(args: string[], valued: string[], flags: string[]): { positional: string[]; opts: Map<string, string | true>; error?: string } {
  const positional: string[] = [];
  const opts = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const name = a.slice(2);
    if (flags.includes(name)) opts.set(name, true);
    else if (valued.includes(name)) {
      const v = args[++i];
      if (v === undefined) return { positional, opts, error: `${a} needs a value` };
      opts.set(name, v);
    } else return { positional, opts, error: `unknown option ${a}` };
  }
  return { positional, opts };
}

/** An integer option from `min` to `max`, or an error message. */
export function intOption(opts: Map<string, string | true>, name: string, dflt: number, min = 1, max = Number.MAX_SAFE_INTEGER): number | string {
  const v = opts.get(name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  return max === Number.MAX_SAFE_INTEGER ? `--${name} must be an integer ≥ ${min}, got ${String(v)}` : `--${name} must be an integer from ${min} to ${max.toLocaleString('en-US')}, got ${String(v)}`;
}

/** `--threads auto|N`: threads per training step (N from 1 to 64). */
export function threadsOption(opts: Map<string, string | true>): { value: ThreadsChoice } | string | undefined {
  if (!opts.has('threads')) return undefined;
  const t = opts.get('threads');
  if (t === 'auto') return { value: 'auto' };
  const n = Number(t);
  return Number.isInteger(n) && n >= 1 && n <= 64 ? { value: n } : `--threads is auto or a whole number from 1 to 64, not "${t}"`;
}
