/**
 * `npm run bench:sim-profile`: where the time of one event-driven simulation goes (the Sinabs fixture's CIFAR-10
 * image, 10 steps, or `--net mnist` for the MNIST-DVS chunk), per layer and per part, at 1 and 2 threads.
 * The engine's methods are wrapped with timers (a few dozen wrapped calls per step, each costing well under
 * a microsecond): per conv layer its bucketing, its kernel (scatter or gather: the calling thread's own
 * kernel calls) and, when the step is shared with helper threads, "threaded": the hand-off and the wait for
 * the helpers' chunks, then the JS around them (tap lists, bias, conversions); per spiking layer its
 * integration kernel (likewise) and the bookkeeping of the spikes it emits; pooling;
 * a conv whose spiking layer sums and integrates its rows in one kernel pass (`gatherIaf`, `event-fused.ts`)
 * has its groups under the conv and the kernel under the spiking layer, and "join" is the wait for the
 * helpers' chunks of a shared step; the rest (the first layer's kept current, the output, the result) as the remainder of the sample's time.
 * Each part's figure is its median over the timed samples (`--min`: its least, what a loaded machine's
 * preemptions inflate least, for comparing two versions of a kernel).
 * A figure, not a test: the load average is printed with it.
 *
 *   npm run bench:sim-profile -- [--net cifar|mnist] [--reps N] [--threads 1,2] [--min]
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { ModelFile } from '../src/core/model/types';
import { simulateEvents } from '../src/core/sim/event-engine';
import { ConvOp, PoolOp } from '../src/core/sim/event-ops';
import { IafLayer } from '../src/core/sim/event-iaf';
import { FusingIafLayer } from '../src/core/sim/event-iaf-fused';
import { KernelPool } from '../src/core/sim/wasm-threads';
import { table } from '../src/cli/table';
import { sharedDataDir } from '../scripts/shared-data';
import { loadFixture, weightsFor } from '../src/io/sim/sinabs-fixture';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Accumulated ms by key, and the key stack (a wrapped call inside another is taken out of the outer one). */
const totals = new Map<string, number>();
const stack: { key: string; t0: number; inner: number }[] = [];
let on = false;

function timed<T>(key: string, f: () => T): T {
  if (!on) return f();
  const frame = { key, t0: performance.now(), inner: 0 };
  stack.push(frame);
  try {
    return f();
  } finally {
    stack.pop();
    const ms = performance.now() - frame.t0;
    totals.set(key, (totals.get(key) ?? 0) + ms - frame.inner);
    if (stack.length) stack[stack.length - 1].inner += ms;
  }
}

/** Labels of the op and spiking-layer instances, in the order they first run (layer order). */
const labels = new Map<object, string>();
let convN = 0, iafN = 0, poolN = 0;
function label(o: object, kind: 'conv' | 'iaf' | 'pool'): string {
  let l = labels.get(o);
  if (!l) { l = kind === 'conv' ? `conv${++convN}` : kind === 'iaf' ? `spike${++iafN}` : `pool${++poolN}`; labels.set(o, l); }
  return l;
}
let current = '';

type AnyFn = (...a: unknown[]) => unknown;
function wrap(proto: object, name: string, key: (self: object) => string): void {
  const p = proto as Record<string, AnyFn>;
  const f = p[name];
  p[name] = function (this: object, ...a: unknown[]) { return timed(key(this), () => f.apply(this, a)); };
}

const convKey = (kind: 'conv' | 'iaf' | 'pool', part: string) => (self: object) => { current = label(self, kind); return `${current} ${part}`; };
const inCurrent = (part: string) => () => `${current} ${part}`;
wrap(ConvOp.prototype, 'apply', convKey('conv', 'JS glue (taps, groups, bias)'));
wrap(ConvOp.prototype, 'bucketRuns', inCurrent('bucketing'));
wrap(ConvOp.prototype, 'bucketSorted', inCurrent('bucketing'));
wrap(IafLayer.prototype, 'step', convKey('iaf', 'JS glue'));
wrap(ConvOp.prototype, 'prepareFused', convKey('conv', 'JS glue (taps, groups, bias)'));
wrap(FusingIafLayer.prototype, 'startFused', convKey('iaf', 'JS glue'));
wrap(FusingIafLayer.prototype, 'finishFused', convKey('iaf', 'JS glue'));
wrap(IafLayer.prototype, 'takeCandidates', inCurrent('spike bookkeeping'));
wrap(IafLayer.prototype, 'takeChunks', inCurrent('spike bookkeeping'));
wrap(PoolOp.prototype, 'apply', convKey('pool', 'pooling'));
wrap(PoolOp.prototype, 'applyInto', convKey('pool', 'pooling'));
wrap(KernelPool.prototype, 'gather', inCurrent('kernel (gather, threaded)'));
wrap(KernelPool.prototype, 'iaf', inCurrent('kernel (iaf, threaded)'));
wrap(KernelPool.prototype, 'startGatherIaf', inCurrent('kernel (gatherIaf, threaded)'));
wrap(KernelPool.prototype, 'join', inCurrent('threads: join (wait for the helpers)'));
const wrappedKernels = new WeakSet<object>();
const prepare = (ConvOp.prototype as unknown as Record<string, AnyFn>).prepare;
(ConvOp.prototype as unknown as Record<string, AnyFn>).prepare = function (this: { arena: { kernel: Record<string, AnyFn> | null } }, ...a: unknown[]) {
  const k = this.arena.kernel;
  if (k && !wrappedKernels.has(k)) {
    wrappedKernels.add(k);
    for (const name of ['gather', 'scatter', 'iaf', 'axpy', 'gatherIaf']) { const f = k[name]; k[name] = (...b: unknown[]) => timed(`${current} kernel (${name})`, () => f(...b)); }
  }
  return prepare.apply(this, a);
};

/** The median (a sample the machine's load held up moves it least). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const net = arg('--net', 'cifar');
  const file = join(sharedDataDir(), 'sinabs-reference', net === 'mnist' ? 'mnist_dvs_seed1.json' : 'cifar_seed1.json');
  const tpl = JSON.parse(readFileSync(join(__dirname, '..', 'templates', net === 'mnist' ? 'mnist-dvs.snn.json' : 'cifar10-allconv.snn.json'), 'utf8')) as ModelFile;
  const fx = loadFixture(file);
  const weights = weightsFor(tpl, fx.weights);
  const reps = Number(arg('--reps', '20'));
  const threadList = arg('--threads', '1,2').split(',').map(Number);
  const columns: Map<string, number>[] = [];
  const walls: number[] = [];
  for (const threads of threadList) {
    const run = () => simulateEvents(tpl, weights, fx.input, { neuron: fx.neuron, threads });
    for (let i = 0; i < 5; i++) run();
    const perSample: Map<string, number>[] = [];
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      totals.clear();
      on = true;
      const t0 = performance.now();
      timed('sample', run);
      times.push(performance.now() - t0);
      on = false;
      perSample.push(new Map(totals));
    }
    walls.push(median(times));
    const keys = new Set(perSample.flatMap((m) => [...m.keys()]));
    const pick = process.argv.includes('--min') ? (xs: number[]) => Math.min(...xs) : median;
    columns.push(new Map([...keys].map((k) => [k, pick(perSample.map((m) => m.get(k) ?? 0))])));
  }
  const keys = [...new Set(columns.flatMap((c) => [...c.keys()]))].filter((k) => k !== 'sample');
  const order = (k: string) => { const m = /^([a-z]+)(\d+)/.exec(k); return m ? (m[1] === 'pool' ? 2 : 0) + Number(m[2]) * 10 + (m[1] === 'spike' ? 1 : 0) : 1e9; };
  keys.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const rows = keys.map((k) => [k, ...columns.map((c) => (c.get(k) ?? 0).toFixed(2))]);
  rows.push(['rest (kept current, output, result; outside the wrapped calls)', ...columns.map((c) => (c.get('sample') ?? 0).toFixed(2))]);
  rows.push([`sample (sum of the parts' ${process.argv.includes('--min') ? 'least times' : 'medians'})`, ...columns.map((c) => [...c.values()].reduce((a, b) => a + b, 0).toFixed(2))]);
  rows.push(['sample (median wall)', ...walls.map((w) => w.toFixed(2))]);
  console.log(`${net} fixture, event-driven engine, ${reps} samples after 5 warm-up; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} (1/5/15 min); ms per sample, ${process.argv.includes('--min') ? 'least' : 'median'} over the samples of each part`);
  console.log(table(['part', ...threadList.map((t) => `${t} thr`)], rows, [false, ...threadList.map(() => true)]));
  console.log('\nThe same, summed per kind of part (the serial JS is bucketing, glue, bookkeeping and the remainder):');
  const kinds = ['kernels on the calling thread', 'hand-off and wait for the helpers', 'bucketing the inputs by position', 'JS glue (tap lists, groups, pooling)', 'spike bookkeeping (trains, counts)', 'remainder (kept current, output, result)'];
  const kindOf = (k: string) => k === 'sample' ? 5 : /threaded|join/.test(k) ? 1 : /kernel \(/.test(k) ? 0 : /bucketing/.test(k) ? 2 : /bookkeeping/.test(k) ? 4 : 3;
  const sums = columns.map((c) => { const x = kinds.map(() => 0); for (const [k, v] of c) x[kindOf(k)] += v; return x; });
  const serial = sums.map((x) => x[2] + x[3] + x[4] + x[5]);
  console.log(table(['kind', ...threadList.map((t) => `${t} thr`)], [...kinds.map((k, i) => [k, ...sums.map((x) => x[i].toFixed(1))]), ['serial JS (the four above)', ...serial.map((x) => x.toFixed(1))], ['sample (median wall)', ...walls.map((w) => w.toFixed(1))]],
    [false, ...threadList.map(() => true)]));
}

main();
