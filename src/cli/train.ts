import { resolve } from 'node:path';
import { train, evaluateRun, isRunDataRoot } from '../io/train/api';
import type { BackendName, ThreadsChoice } from '../core/train/backend';
import { sweep, type SweepRequest } from '../io/train/sweep';
import { EVAL_SPLITS, type EvalSplit } from '../core/train/samples';
import { MAX_BATCH_SIZE, MAX_EPOCHS, MAX_SEED } from '../core/model/limits';
import { readRunInfo } from '../io/train/run';
import { STRATEGIES, type Evaluation, type EvalResult, type Strategy, type TrainProgress } from '../core/train/types';
import { intOption, parseArgs, threadsOption, usageError } from './args';
import { withFaults } from './errors';
import { diagnosisLines } from './diagnosis';
import { table } from './table';
import { renderNeuroBench } from './neurobench';

const COMMON = '[--workspace <dir>] [--max-recordings N] [--snn-samples N] [--backend tensorflow|wasm|cpu] [--threads auto|N] [--json]';
export const TRAIN_USAGE = `  train <model.snn.json> --data <dataset dir | synth> [--strategy ${STRATEGIES.join('|')}] [--target S0] [--lambda λ]
        [--epochs E] [--batch B] [--lr LR] [--seed S] [--from <finished run dir>] [--distill <teacher run dir>] [--out <run dir>] ${COMMON}
      trains with the SynOp loss (or a baseline), saves the run in <workspace>/.synops/runs/<id> (or --out; an
      unfinished run there is resumed; --from fine-tunes a finished run of the same model; --distill also learns the soft outputs of a finished run of
      the same model: (1 − 0.5)·CE + 0.5·T²·KL at T = 4) and evaluates the ANN proxy and the spiking simulation on the held-out 20 %`;
export const SWEEP_USAGE = `  sweep <model.snn.json> --data <dataset dir | synth> [--kind independent|chain] [--targets a,b,…] [--epochs E]
        [--pretrain-epochs E] [--rho ρ] [--out <dir>] ${COMMON}
      one model per SynOps target (default 10 targets logspace(1e4, 2e6), 8 epochs, batch 256), or a warm-started chain`;
export const EVAL_USAGE = `  eval <run dir> --data <dataset dir | synth> [--split all|test] [--snn] [--snn-samples N] [--rhos a,b,…]
        [--workspace <dir>] [--json]
      accuracy and SynOps per layer of a trained run: ANN proxy, and with --snn the spiking simulation.
      --split all (default): every sample of the folder; test: its held-out 20 % split with the run's seed
      (on the run's own data folder, the samples the run held out)`;

const VALUED = ['data', 'strategy', 'target', 'lambda', 'epochs', 'batch', 'lr', 'seed', 'out', 'workspace', 'max-recordings', 'snn-samples', 'backend', 'threads', 'kind', 'targets', 'pretrain-epochs', 'rho', 'rhos'];

/** Integer options and their bounds (`limits.ts`); the others are positive numbers. */
const INT_OPTIONS: Record<string, [number, number]> = { epochs: [1, MAX_EPOCHS], batch: [1, MAX_BATCH_SIZE], seed: [0, MAX_SEED], 'pretrain-epochs': [1, MAX_EPOCHS] };

function numOpt(opts: Map<string, string | true>, name: string): number | undefined | string {
  const v = opts.get(name);
  if (v === undefined) return undefined;
  const bounds = INT_OPTIONS[name];
  if (bounds) return intOption(opts, name, 0, ...bounds);
  const n = Number(v);
  if (name === 'lr' && !(n > 0 && n <= 1)) return `--lr needs a learning rate in (0, 1], got ${String(v)}`;
  return Number.isFinite(n) && n > 0 ? n : `--${name} needs a positive number, got ${String(v)}`;
}

function listOpt(opts: Map<string, string | true>, name: string): number[] | undefined | string {
  const v = opts.get(name);
  if (v === undefined) return undefined;
  const xs = String(v).split(',').map(Number);
  return xs.every((x) => Number.isFinite(x) && x > 0) ? xs : `--${name} needs comma-separated positive numbers`;
}

/** Progress on stderr: one line per epoch, a rewritten line per batch on a terminal. */
function progress(json: boolean): (p: TrainProgress) => void {
  return (p) => {
    if (p.type === 'batch' && process.stderr.isTTY && !json) {
      process.stderr.write(`\repoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(3)} CE ${p.ce.toFixed(3)} S ${fmt(p.synops)} ${p.imagesPerSec.toFixed(0)} img/s   `);
    } else if (p.type === 'epoch') {
      const m = p.metrics;
      process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}epoch ${m.epoch}/${p.epochs}: loss ${m.loss.toFixed(4)} CE ${m.ce.toFixed(4)} SynOp term ${m.synopTerm.toFixed(4)} S ${fmt(m.synops)} train ${(100 * m.accuracy).toFixed(1)} % test ${m.valAccuracy !== undefined ? (100 * m.valAccuracy).toFixed(1) : '–'} % (S ${fmt(m.valSynops ?? 0)}) ${m.imagesPerSec.toFixed(0)} img/s ${m.seconds.toFixed(1)} s\n`);
    } else if (p.type === 'phase' && !json && (p.done === undefined || p.done === p.total)) {
      process.stderr.write(`${p.phase}: ${p.message}${p.total ? ` (${p.total})` : ''}\n`);
    }
  };
}

const fmt = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(3)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(1));

function evalRows(name: string, e: EvalResult): string[] {
  return [name, `${(100 * e.accuracy).toFixed(2)} %`, fmt(e.totalSynops), fmt(e.hiddenSynops), e.synopsPerLayer.map((l) => `${l.emitter}→${l.receiver} ${fmt(l.synops)}`).join(', '), e.ties ? `${e.samples} (${e.ties} ties, counted wrong)` : String(e.samples)];
}

function printEvaluation(ev: Evaluation): void {
  const rows = [evalRows(`ANN (${ev.ann.activation})`, ev.ann), evalRows('ANN quantized', ev.annQuantized)];
  if (ev.snn) rows.push(evalRows('SNN', ev.snn));
  // A membrane readout's argmax does not change with the gain: the ×gain row is its spike counts (what Speck reads).
  const g = ev.snnOutputGain;
  if (g) rows.push(evalRows(`SNN, output ×${g.outputGain}${g.spikeReadout ? ', spike counts' : ''}`, g.spikeReadout ? { ...g, ...g.spikeReadout } : g));
  for (const s of ev.scaled ?? []) {
    rows.push(evalRows(`ANN-Q ρ=${s.rho}`, s.annQuantized));
    if (s.snn) rows.push(evalRows(`SNN ρ=${s.rho}`, s.snn));
  }
  console.log(table(['evaluation', 'accuracy', 'SynOps/sample', 'w/o input', 'per layer', 'samples'], rows, [false, true, true, true, false, true]));
  if (ev.snn) {
    const aids = ev.snn.conversion;
    console.log(`SNN readout: ${ev.snn.readoutKind ?? 'spikes'}${ev.snn.spikeReadout ? ` (read by output spike counts, as Speck reads: ${(100 * ev.snn.spikeReadout.accuracy).toFixed(2)} %, ${ev.snn.spikeReadout.ties} ties)` : ''}`
      + `${aids?.lambdas ? '; weights normalized' : ''}${aids?.initialMembrane ? '; initial membranes set (calibrated or the quantizer\'s ½)' : ''}`);
    if (ev.annQuantizedTrained) console.log(`ANN quantized as trained, before fine-tuning through time: ${(100 * ev.annQuantizedTrained.accuracy).toFixed(2)} %`);
  }
  if (ev.snn?.diagnosis) for (const line of diagnosisLines(ev.snn.diagnosis)) console.log(line);
  if (ev.snn?.neurobench) console.log(`\n${renderNeuroBench(ev.snn.neurobench)}`);
}

interface Common { workspace: string; maxRecordings?: number; snnSamples?: number; backend?: BackendName; threads?: ThreadsChoice; json: boolean }

function common(opts: Map<string, string | true>): Common | string {
  const max = opts.has('max-recordings') ? intOption(opts, 'max-recordings', 0) : undefined;
  if (typeof max === 'string') return max;
  const snn = opts.has('snn-samples') ? intOption(opts, 'snn-samples', 0, 0) : undefined;
  if (typeof snn === 'string') return snn;
  const backend = opts.get('backend') as BackendName | undefined;
  if (backend && !['tensorflow', 'wasm', 'cpu'].includes(backend)) return '--backend is tensorflow, wasm or cpu';
  const threads = threadsOption(opts);
  if (typeof threads === 'string') return threads;
  return { workspace: String(opts.get('workspace') ?? process.cwd()), maxRecordings: max, snnSamples: snn, backend, threads: threads?.value, json: opts.has('json') };
}
/** Runs a task with Ctrl-C as cancel; its faults (a `TrainError`, a file system error) are worded by `main`. */
async function withCancel(task: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  try {
    return await task(ac.signal);
  } finally {
    process.off('SIGINT', stop);
  }
}

/** `synops train`: exit 0 ok, 1 bad input or failed run, 2 usage. */
export function runTrain(args: string[]): Promise<number> {
  return withFaults('train', () => trainCommand(args));
}

async function trainCommand(args: string[]): Promise<number> {
  const { positional, opts, error } = parseArgs(args, [...VALUED, 'from', 'distill'], ['json']);
  const usage = (msg: string): number => usageError('train', msg);
  if (error) return usage(error);
  if (positional.length !== 1) return usage('give exactly one model file');
  const data = opts.get('data');
  if (typeof data !== 'string') return usage('--data <dataset dir | synth> is required');
  const strategy = opts.get('strategy') as Strategy | undefined;
  if (strategy && !STRATEGIES.includes(strategy)) return usage(`--strategy is one of ${STRATEGIES.join(', ')}`);
  const c = common(opts);
  if (typeof c === 'string') return usage(c);
  const nums: Record<string, number | undefined> = {};
  for (const k of ['target', 'lambda', 'epochs', 'batch', 'lr', 'seed']) {
    const v = numOpt(opts, k);
    if (typeof v === 'string') return usage(v);
    nums[k] = v;
  }
  return withCancel(async (signal) => {
    const r = await train({ model: positional[0], data, workspace: c.workspace, maxRecordings: c.maxRecordings, snnSamples: c.snnSamples, backend: c.backend, threads: c.threads,
      strategy, target: nums.target, lambda: nums.lambda, epochs: nums.epochs, batchSize: nums.batch, learningRate: nums.lr, seed: nums.seed,
      out: opts.get('out') as string | undefined, ...(opts.has('from') ? { warmStart: resolve(String(opts.get('from'))) } : {}),
      ...(opts.has('distill') ? { distill: { teacher: resolve(String(opts.get('distill'))) } } : {}) }, { signal, onProgress: progress(c.json) });
    if (c.json) { console.log(JSON.stringify(r, null, 1)); return 0; }
    console.log(`run ${r.runId} (${r.backend.name}${r.backend.simd ? ', SIMD' : ''}) in ${r.runDir}`);
    printEvaluation(r.evaluation);
    return 0;
  });
}

/** `synops sweep`: exit 0 ok, 1 bad input, 2 usage. */
export function runSweep(args: string[]): Promise<number> {
  return withFaults('sweep', () => sweepCommand(args));
}

async function sweepCommand(args: string[]): Promise<number> {
  const { positional, opts, error } = parseArgs(args, VALUED, ['json']);
  const usage = (msg: string): number => usageError('sweep', msg);
  if (error) return usage(error);
  if (positional.length !== 1) return usage('give exactly one model file');
  const data = opts.get('data');
  if (typeof data !== 'string') return usage('--data <dataset dir | synth> is required');
  const kind = (opts.get('kind') ?? 'independent') as SweepRequest['kind'];
  if (kind !== 'independent' && kind !== 'chain') return usage('--kind is independent or chain');
  const c = common(opts);
  if (typeof c === 'string') return usage(c);
  const targets = listOpt(opts, 'targets');
  if (typeof targets === 'string') return usage(targets);
  const nums: Record<string, number | undefined> = {};
  for (const k of ['epochs', 'batch', 'lr', 'seed', 'pretrain-epochs', 'rho']) {
    const v = numOpt(opts, k);
    if (typeof v === 'string') return usage(v);
    nums[k] = v;
  }
  return withCancel(async (signal) => {
    const r = await sweep({ model: positional[0], data, kind, workspace: c.workspace, maxRecordings: c.maxRecordings, snnSamples: c.snnSamples, backend: c.backend, threads: c.threads,
      targets, epochs: nums.epochs, batchSize: nums.batch, learningRate: nums.lr, seed: nums.seed, pretrainEpochs: nums['pretrain-epochs'], rho: nums.rho,
      out: opts.get('out') as string | undefined }, { signal, onProgress: progress(c.json) });
    if (c.json) { console.log(JSON.stringify(r, null, 1)); return 0; }
    console.log(`sweep in ${r.dir} (${r.backend})`);
    console.log(table(['target S0', 'accuracy', 'SynOps/sample', 'ANN-Q accuracy', 'ANN-Q SynOps'], r.rows.map((x) => [fmt(x.target), `${(100 * x.accuracy).toFixed(2)} %`, fmt(x.synops), `${(100 * x.evaluation.annQuantized.accuracy).toFixed(2)} %`, fmt(x.evaluation.annQuantized.totalSynops)]), [true, true, true, true, true]));
    return 0;
  });
}

/** `synops eval`: exit 0 ok, 1 bad input, 2 usage. */
export function runEval(args: string[]): Promise<number> {
  return withFaults('eval', () => evalCommand(args));
}

async function evalCommand(args: string[]): Promise<number> {
  const { positional, opts, error } = parseArgs(args, [...VALUED, 'split'], ['json', 'snn']);
  const usage = (msg: string): number => usageError('eval', msg);
  if (error) return usage(error);
  if (positional.length !== 1) return usage('give exactly one run folder');
  const data = opts.get('data');
  if (typeof data !== 'string') return usage('--data <dataset dir | synth> is required');
  const c = common(opts);
  if (typeof c === 'string') return usage(c);
  const rhos = listOpt(opts, 'rhos');
  if (typeof rhos === 'string') return usage(rhos);
  const split = String(opts.get('split') ?? 'all') as EvalSplit;
  if (!EVAL_SPLITS.includes(split)) return usage(`--split is ${EVAL_SPLITS.join(' or ')}, not ${split}`);
  const runDir = positional[0];
  const request = { runDir, data, workspace: c.workspace, maxRecordings: c.maxRecordings, snnSamples: opts.has('snn') ? c.snnSamples ?? 200 : 0, rhos, split };
  // Said before the evaluation starts, so a user who meant the held-out part can stop and ask for it.
  if (split === 'all' && isRunDataRoot(runDir, request)) {
    process.stderr.write(`note: ${data} is the data this run trained on; 80 % of its samples were seen in training (--split test evaluates the held-out 20 %)\n`);
  }
  return withCancel(async (signal) => {
    const ev = await evaluateRun(request, { signal, onProgress: progress(c.json) });
    if (c.json) { console.log(JSON.stringify(ev, null, 1)); return 0; }
    printEvaluation(ev);
    if (ev.data) console.log(evaluatedOn(ev.data, readRunInfo(runDir).config.seed));
    return 0;
  });
}

/** The line that says which samples an evaluation read. */
export function evaluatedOn(d: NonNullable<Evaluation['data']>, seed: number): string {
  const n = d.samples.toLocaleString('en-US');
  return d.split === 'all'
    ? `evaluated on all ${n} samples of ${d.root}`
    : `evaluated on the held-out 20 % split of ${d.root} (seed ${seed}): ${n} samples`;
}
