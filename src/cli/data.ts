import { DATASETS, installDataset } from '../io/data/catalog';
import { DEFAULT_PER_DIGIT, synthDataset, type MnistDvsScale } from '../io/data/synth/generate';
import { intOption, parseArgs, usageError } from './args';
import { withFaults } from './errors';

export const DATA_USAGE = `  data synth --out <dir> [--per-digit N] [--seed S] [--scales 16|4,8,16]
      writes synthetic DVS digit recordings (AEDAT 2.0, MNIST-DVS layout); default ${DEFAULT_PER_DIGIT} per digit at scale 16
  data download <${DATASETS.map((d) => d.id).join('|')}> --dir <dir>
      downloads (resumable, checksum-checked) and extracts a dataset from its official location into <dir>/<id>`;

async function runDownload(id: string | undefined, dir: string | undefined, usage: (msg: string) => number): Promise<number> {
  const source = DATASETS.find((d) => d.id === id);
  if (!source) return usage(`give a dataset: ${DATASETS.map((d) => d.id).join(', ')}`);
  if (!dir) return usage('--dir <dir> is required');
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  try {
    const root = await installDataset(source, dir, {
      signal: ac.signal,
      onProgress: (file, received, total) => {
        if (process.stderr.isTTY) process.stderr.write(`\r${file}: ${(received / 1e6).toFixed(1)}${total ? ` / ${(total / 1e6).toFixed(1)}` : ''} MB`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(`${source.title} is in ${root}`);
    return 0;
  } finally {
    process.off('SIGINT', stop);
  }
}

/** `synops data`: exit 0 ok, 1 bad input, 2 usage. */
export function runData(args: string[]): Promise<number> {
  return withFaults('data', () => dataCommand(args));
}

async function dataCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, opts, error } = parseArgs(rest, ['out', 'per-digit', 'seed', 'scales', 'dir'], []);
  const usage = (msg: string): number => usageError('data', msg);
  if (error) return usage(error);
  if (sub === 'download') return runDownload(positional[0], opts.get('dir') as string | undefined, usage);
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
