import { join, resolve } from 'node:path';
import { DEFAULT_PER_DIGIT } from '../io/data/synth/generate';
import { BUDGETS, trainingText, type BudgetName } from '../core/reproduce/budget';
import { reproduce, rerender, type ReproduceResult } from '../io/reproduce/procedure';
import { fmtSynops, label, tableRows } from '../core/reproduce/report';
import type { BackendName } from '../core/train/backend';
import { loadModel } from '../io/train/api';
import { DISTILL_DEFAULTS } from '../io/train/request';
import type { TrainProgress } from '../core/train/types';
import { intOption, parseArgs, threadsOption, usageError } from './args';
import { withFaults } from './errors';
import { diagnosisLines } from './diagnosis';
import { table } from './table';

export const REPRODUCE_USAGE = `  reproduce [--data synth|<N-MNIST dir>|<MNIST-DVS dir>] [--budget quick|medium|full|smoke] [--out <dir>]
        [--workspace <dir>] [--snn-samples N] [--per-digit N] [--link-steps N] [--finetune-steps N] [--lr-decay F] [--seed N] [--model <model.snn.json>] [--backend tensorflow|wasm|cpu] [--threads auto|N] [--distill] [--json] [--rerender]
      the paper's experiment headless: baseline, weight-scaling sweep, SynOp-loss sweep, SynOp+QReLU sweep, each
      model simulated as a spiking network on the held-out 20 %; writes report.json and a self-contained
      report.html (default folder <cwd>/.synops/reproduce/<timestamp>) and prints the table.
      quick: minutes on a 2-core CPU (default; 100 synthetic recordings per digit); medium: the same procedure
      on the paper-size synthetic set (1,000 per digit), ~47 min (estimated); full: the paper's 10 targets × 8 epochs at
      batch 256 (hours); smoke: a seconds-long pipeline check. --per-digit N: synthetic recordings per digit
      (--data synth; overrides the budget's; each size is generated once into <workspace>/.synops/data/synth-N).
      --link-steps N: at least N training steps per chain link (quick and medium: 400; a link trains the
      budget's epochs or more); the control trains on as long as the chain adds. --finetune-steps N: at least N
      steps of fine-tuning through time per model (quick: 850, so 16 epochs on N-MNIST's ≈ 1,790 samples). --seed N: another split and
      initialisation (default 1), to see how much a result owes to them. --lr-decay F: every model (baseline,
      control, each link) trains its last fraction F of epochs at a tenth of the learning rate (default: constant).
      --model: a variant of the MNIST-DVS network to train instead (e.g. other "training" or "conversion" options).
      --distill: every SynOp model also learns the reference's soft outputs (knowledge distillation from the
      control, weight 0.5, temperature 4), beside the paper's objective; the report says so.
      --rerender --out <dir>: rebuild that folder's summary and report.html from its points, training nothing`;

const VALUED = ['data', 'budget', 'out', 'workspace', 'snn-samples', 'per-digit', 'link-steps', 'finetune-steps', 'lr-decay', 'seed', 'backend', 'threads', 'model'];

function stamp(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

/** Progress on stderr: a line per epoch and per evaluation phase. */
function progress(p: TrainProgress): void {
  if (p.type === 'epoch') {
    const m = p.metrics;
    process.stderr.write(`    epoch ${m.epoch}/${p.epochs}: CE ${m.ce.toFixed(3)} S ${fmtSynops(m.synops)} test ${m.valAccuracy !== undefined ? (100 * m.valAccuracy).toFixed(1) : '–'} % (S ${fmtSynops(m.valSynops ?? 0)}) ${m.seconds.toFixed(0)} s\n`);
  } else if (p.type === 'phase' && p.phase === 'data' && p.done !== undefined && p.done === p.total) {
    process.stderr.write(`    ${p.message} (${p.total})\n`);
  }
}

/** The table and the summary lines of a report (or the summary as JSON). */
function printReport(r: ReproduceResult, json: boolean): void {
  const s = r.report.summary;
  if (json) { console.log(JSON.stringify(s, null, 1)); return; }
  const t = tableRows(r.report.points);
  console.log(table(t.header, t.rows, t.right));
  console.log('');
  console.log(`${s.dataset.kind} (${s.dataset.model}); ${s.split.text}`);
  console.log(`budget ${r.report.budget.name}: ${trainingText(r.report.budget)}`);
  console.log(`baseline SNN ${(100 * s.baseline.snnAccuracy).toFixed(1)} % at ${fmtSynops(s.baseline.snnSynops)} SynOps/sample; dense ANN ${fmtSynops(s.annMacs)} MACs`);
  console.log(s.criterion.text);
  if (s.outputGain) console.log(s.outputGain.criterion.text);
  console.log(s.proxy.text);
  if (s.conversion) console.log(s.conversion.text);
  if (s.conversionGap) console.log(s.conversionGap.text);
  // Where the reference and the headline model lose in conversion, layer by layer.
  const shown = [r.report.points.find((p) => p.strategy === 'baseline' && !p.control), s.best ? r.report.points[s.best.index] : undefined];
  for (const p of shown) if (p?.snn?.diagnosis) { console.log(''); console.log(`${label(p)}:`); for (const line of diagnosisLines(p.snn.diagnosis)) console.log(`  ${line}`); }
  if (s.orderingHolds !== null) console.log(`curve order at equal SynOps (SynOp+QReLU ≥ SynOp loss ≥ weight scaling): ${s.orderingHolds ? 'holds' : 'does not hold everywhere'}`);
  console.log(`wall time ${(s.wallSeconds / 60).toFixed(1)} min on ${s.backend}`);
  console.log(`report: ${r.reportHtml}\n        ${r.reportJson}`);
}

/** `synops reproduce`: exit 0 ok, 1 bad input or failed run, 2 usage. */
export function runReproduce(args: string[]): Promise<number> {
  return withFaults('reproduce', () => reproduceCommand(args));
}

async function reproduceCommand(args: string[]): Promise<number> {
  const { positional, opts, error } = parseArgs(args, VALUED, ['json', 'rerender', 'distill']);
  const usage = (msg: string): number => usageError('reproduce', msg);
  if (error) return usage(error);
  if (positional.length) return usage(`unexpected argument ${positional[0]}`);
  const budgetName = String(opts.get('budget') ?? 'quick');
  if (!Object.prototype.hasOwnProperty.call(BUDGETS, budgetName)) return usage(`--budget is ${Object.keys(BUDGETS).join(', ')}`);
  const budget = { ...BUDGETS[budgetName as BudgetName] };
  if (opts.has('snn-samples')) {
    const v = intOption(opts, 'snn-samples', 0, 1);
    if (typeof v === 'string') return usage(v);
    budget.snnSamples = v;
  }
  if (opts.has('link-steps')) {
    if (!budget.chain || budget.sweep !== 'chain') return usage(`--link-steps sets the steps of a chain's links; the ${budget.name} budget trains each model from fresh weights`);
    const v = intOption(opts, 'link-steps', 0, 1);
    if (typeof v === 'string') return usage(v);
    budget.chain = { ...budget.chain, minSteps: v };
  }
  if (opts.has('finetune-steps')) {
    const v = intOption(opts, 'finetune-steps', 0, 1);
    if (typeof v === 'string') return usage(v);
    budget.finetuneMinSteps = v;
  }
  if (opts.has('lr-decay')) {
    const v = Number(opts.get('lr-decay'));
    if (!(v > 0 && v < 1)) return usage(`--lr-decay is the fraction of each model's epochs trained at a tenth of the learning rate, in (0, 1), not ${String(opts.get('lr-decay'))}`);
    budget.lrDecay = { last: v, factor: 0.1 };
  }
  if (opts.has('seed')) {
    const v = intOption(opts, 'seed', 1, 1);
    if (typeof v === 'string') return usage(v);
    budget.seed = v;
  }
  const backend = opts.get('backend') as BackendName | undefined;
  if (backend && !['tensorflow', 'wasm', 'cpu'].includes(backend)) return usage('--backend is tensorflow, wasm or cpu');
  const threads = threadsOption(opts);
  if (typeof threads === 'string') return usage(threads);
  const data = String(opts.get('data') ?? 'synth');
  if (opts.has('per-digit')) {
    if (data !== 'synth') return usage('--per-digit sets the size of the synthetic digits; it needs --data synth');
    const v = intOption(opts, 'per-digit', 0, 1);
    if (typeof v === 'string') return usage(v);
    budget.synthPerDigit = v;
  }
  const cwd = process.cwd();
  const workspace = resolve(String(opts.get('workspace') ?? cwd));
  const out = resolve(String(opts.get('out') ?? join(cwd, '.synops', 'reproduce', stamp())));
  const json = opts.has('json');
  if (opts.has('rerender')) {
    if (!opts.has('out')) return usage('--rerender needs --out <the reproduction folder>');
    // Faults (a missing or damaged folder) are worded by main.
    printReport(rerender(out), json);
    return 0;
  }

  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGINT', stop);
  try {
    process.stderr.write(`synops reproduce: data ${data}${data === 'synth' ? ` (${budget.synthPerDigit ?? DEFAULT_PER_DIGIT} recordings per digit)` : ''}, budget ${budget.name}, report in ${out}\n`);
    const model = opts.has('model') ? loadModel(resolve(String(opts.get('model')))) : undefined;
    const r = await reproduce({ data: data === 'synth' ? data : resolve(data), budget, out, workspace, backend, threads: threads?.value, model, ...(opts.has('distill') ? { distill: DISTILL_DEFAULTS } : {}) },
      { signal: ac.signal, onProgress: progress, log: (line) => process.stderr.write(`${line}\n`) });
    printReport(r, json);
    return 0;
  } finally {
    process.off('SIGINT', stop);
  }
}
