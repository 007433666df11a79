import { DEFAULT_PER_DIGIT, synthDataset, type MnistDvsScale } from '../core/data/synth/generate';
import { intOption, parseArgs } from './args';

export const DATA_USAGE = `  data synth --out <dir> [--per-digit N] [--seed S] [--scales 16|4,8,16]
      writes synthetic DVS digit recordings (AEDAT 2.0, MNIST-DVS layout); default ${DEFAULT_PER_DIGIT} per digit at scale 16`;

/** `synops data`: exit 0 ok, 1 bad input, 2 usage. */
export async function runData(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, opts, error } = parseArgs(rest, ['out', 'per-digit', 'seed', 'scales'], []);
  const usage = (msg: string): number => { console.error(`synops data: ${msg}\n${DATA_USAGE}`); return 2; };
  if (error) return usage(error);
  if (sub !== 'synth') return usage(sub ? `unknown subcommand "${sub}"` : 'give a subcommand');
  if (positional.length) return usage(`unexpected argument ${positional[0]}`);
  const out = opts.get('out');
  if (typeof out !== 'string') return usage('--out <dir> is required');
  const per = intOption(opts, 'per-digit', DEFAULT_PER_DIGIT);
  const seed = intOption(opts, 'seed', 1, 0);
  if (typeof per === 'string') return usage(per);
  if (typeof seed === 'string') return usage(seed);
  const scales = String(opts.get('scales') ?? '16').split(',').map(Number);
  if (!scales.every((s) => s === 4 || s === 8 || s === 16)) return usage('--scales takes 4, 8 and/or 16, comma-separated');
  let lastPct = -1;
  const r = await synthDataset({
    out, perDigit: per, seed, scales: scales as MnistDvsScale[],
    onProgress: (done, total) => {
      const pct = Math.floor((100 * done) / total);
      if (pct % 10 === 0 && pct !== lastPct && process.stderr.isTTY) process.stderr.write(`\r${pct} %`);
      lastPct = pct;
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\r');
  console.log(`${r.files} recordings, ${r.events.toLocaleString('en-US')} events written to ${out} in ${(r.ms / 1000).toFixed(1)} s`);
  return 0;
}
