/**
 * `npm run bench`: milliseconds per sample of each simulation engine on the paper's two networks,
 * with events/s and SynOps/s, and the event-driven : dense ratio measured in the same run.
 * - MNIST-DVS network (templates/mnist-dvs.snn.json): one 3000-event chunk over 300 ms, 1 ms bins —
 *   the Sinabs fixture's chunk and weights when the shared data folder is there, else synthetic ones.
 * - CIFAR-10 All-ConvNet (templates/cifar10-allconv.snn.json): one image for 10 steps — the fixture's
 *   image and weights when available, else random ones.
 * The shared data folder is `--data <dir>`, else `SYNOPS_SHARED_DATA`, else `../shared/data` from the
 * repository root. The dense engine runs on tfjs' wasm backend. `simulateEvents` keeps the plan (weight
 * layouts, tables, buffers) of the same model and weights between calls, as a run over many samples does;
 * the first call, which builds it, is timed apart.
 * Beside each engine, the PyTorch peer (`bench/peer.ts`) simulates the same sample the way Sinabs does (each
 * layer's synaptic ops on all steps at once, then integrate-and-fire through time), at 1 and 2 threads, in
 * this run; its per-layer spike counts must equal ours, else the difference is printed instead of a ratio.
 * Then the event-data table: read speed per format and the time to generate the synthetic digit set.
 * Then training images/s per backend and thread count, with the peer training the same networks from the
 * same initial weights in this run (its loss at those weights must equal ours first).
 * `--train-only` runs the training table alone (with its PyTorch peer), for measuring training changes;
 * `--quick` leaves out the pure-JS cpu backend's training rows (seconds to minutes per step); `--sim-only`
 * runs the simulation table alone (ours and the PyTorch peer), for measuring simulation changes.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { ModelFile } from '../src/core/model/types';
import { simulateDense } from '../src/core/sim/dense-engine';
import { eventEngineUsesWasm, simulateEvents } from '../src/core/sim/event-engine';
import { binEvents, imageInput, type SpikeInput } from '../src/core/sim/input';
import { neuronParams, type NeuronParams } from '../src/core/sim/neuron';
import type { SimResult } from '../src/core/sim/result';
import type { ModelWeights } from '../src/core/sim/weights';
import { table } from '../src/cli/table';
import { sharedDataDir } from '../scripts/shared-data';
import { loadFixture, weightsFor } from '../src/io/sim/sinabs-fixture';
import { benchData } from './data';
import { countDifferences, lossCheckDifference, peerCell, peerLine, speedRatio } from './compare';
import { runPeer, type PeerRun } from './peer';
import { specInput, specWeights, type SimJob } from './torch-spec';
import { trainBench, trainPeerJobs, type TrainBenchRow } from './train';
import { syntheticCase } from './synthetic';

/** Thread counts the peer runs at; our engines simulate on 1, our trainer takes each (`ourTrainer` in train.ts). */
const PEER_THREADS = [1, 2];

interface BenchCase { name: string; model: ModelFile; weights: ModelWeights; input: SpikeInput; neuron: Partial<NeuronParams>; events: number; source: string }

function dataDir(): string {
  const i = process.argv.indexOf('--data');
  return i >= 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : sharedDataDir();
}

function template(name: string): ModelFile {
  return JSON.parse(readFileSync(resolve(__dirname, '..', 'templates', name), 'utf8')) as ModelFile;
}

function cases(): BenchCase[] {
  const dir = join(dataDir(), 'sinabs-reference');
  const mnist = template('mnist-dvs.snn.json');
  const cifar = template('cifar10-allconv.snn.json');
  const out: BenchCase[] = [];
  const mnistFile = join(dir, 'mnist_dvs_seed1.json');
  if (existsSync(mnistFile)) {
    const fx = loadFixture(mnistFile);
    out.push({ name: 'MNIST-DVS chunk (3000 ev, 300 ms)', model: mnist, weights: weightsFor(mnist, fx.weights), input: fx.input, neuron: fx.neuron, events: 3000, source: 'sinabs fixture' });
  } else {
    const s = syntheticCase(mnist, 1);
    const e = s.events!;
    out.push({ name: 'MNIST-DVS chunk (3000 ev, 300 ms)', model: mnist, weights: s.weights, input: binEvents(e, mnist.input.shape, { steps: 300, t0: 0 }), neuron: {}, events: e.x.length, source: 'synthetic' });
  }
  const cifarFile = join(dir, 'cifar_seed1.json');
  if (existsSync(cifarFile)) {
    const fx = loadFixture(cifarFile);
    out.push({ name: 'CIFAR-10 image (10 steps)', model: cifar, weights: weightsFor(cifar, fx.weights), input: fx.input, neuron: fx.neuron, events: 0, source: 'sinabs fixture' });
  } else {
    const s = syntheticCase(cifar, 2);
    out.push({ name: 'CIFAR-10 image (10 steps)', model: cifar, weights: s.weights, input: imageInput(s.image!, cifar.input.shape, 10), neuron: { minVMem: -1 }, events: 0, source: 'synthetic' });
  }
  return out;
}

/**
 * The first call (planning, weight layouts, JIT compilation) is timed on its own; then warm-up calls until
 * at least 3 calls and 300 ms have passed (the JIT settles), then the median of `reps` calls, in wall-clock
 * time and in CPU time of this process (the machine is shared: CPU time is what load does not inflate).
 */
interface Timed { ms: number; cpuMs: number; firstMs: number; result: SimResult }

async function time(run: () => SimResult | Promise<SimResult>, reps: number): Promise<Timed> {
  let t0 = performance.now();
  let result = await run();
  const firstMs = performance.now() - t0;
  for (let n = 1; n < 3 || performance.now() - t0 < 300; n++) result = await run();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    t0 = performance.now();
    result = await run();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { ms: median(times), cpuMs: median(cpu), firstMs, result };
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  if (process.argv.includes('--train-only')) return trainTable();
  const load = loadavg();
  const reps = { events: 21, image: 5 };
  // The event-driven engine at each thread count the peer runs (its helper threads share a step's rows);
  // the dense engine is tfjs' wasm backend, one thread.
  const measured: { c: BenchCase; ev: Timed[]; de: Timed }[] = [];
  for (const c of cases()) {
    const n = c.events ? reps.events : reps.image;
    const ev: Timed[] = [];
    for (const threads of PEER_THREADS) ev.push(await time(() => simulateEvents(c.model, c.weights, c.input, { neuron: c.neuron, threads }), n));
    const de = await time(() => simulateDense(c.model, c.weights, c.input, { neuron: c.neuron }), n);
    for (const e of ev) if (e.result.layers.some((l, i) => l.counts.some((x, j) => x !== de.result.layers[i].counts[j]))) throw new Error(`${c.name}: the engines disagree`);
    measured.push({ c, ev, de });
  }
  // The peer runs after ours, never beside it: the two sides do not share the cores.
  const simJobs: SimJob[] = measured.map(({ c }) => ({ label: c.name, model: c.model, neuron: neuronParams(c.neuron), weights: specWeights(c.weights), input: specInput(c.input), threads: PEER_THREADS, reps: c.events ? reps.events : reps.image, seconds: 3 }));
  const simPeer = await runPeer({ sim: simJobs }, { timeoutMs: 240_000 });
  const rows: string[][] = [];
  const checks: string[] = [];
  for (const { c, ev, de } of measured) {
    const ours = ev[0].result.layers.map((l) => ({ name: l.name, total: l.total }));
    const peer = PEER_THREADS.map((t) => peerLine(simPeer, 'sim', c.name, t));
    const differs = peer.map((p) => (p ? countDifferences(ours, p.layers) : []));
    peer.forEach((p, k) => {
      if (!p) return;
      if (differs[k].length) checks.push(`!!! ${c.name}, PyTorch at ${PEER_THREADS[k]} thread(s): spike counts DIFFER from ours, no speed ratio printed:\n    ${differs[k].join('\n    ')}`);
      else checks.push(`${c.name}, PyTorch at ${PEER_THREADS[k]} thread(s): spike counts equal ours on all ${ours.length} spiking layers (${ours.reduce((a, l) => a + l.total, 0)} spikes)`);
    });
    const synops = ev[0].result.totalSynops;
    const engines: [string, Timed][] = [...ev.map((e, k) => [`event-driven (${PEER_THREADS[k]} thr)`, e] as [string, Timed]), ['dense (tfjs wasm, 1 thr)', de]];
    for (const [engine, r] of engines) {
      const vsPeer = peer.flatMap((p, k) => [peerCell(simPeer, c.name, p?.ms, 1), !p ? '—' : differs[k].length ? 'counts differ' : speedRatio(p.ms, r.ms)]);
      rows.push([c.name, engine, r.ms.toFixed(1), r.cpuMs.toFixed(1), r.firstMs.toFixed(0), c.events ? fmt(c.events / (r.ms / 1000)) : '—', fmt(synops / (r.ms / 1000)), engine.startsWith('event') ? `${(de.ms / r.ms).toFixed(2)}× faster than dense` : '', ...vsPeer, c.source]);
    }
  }
  console.log(`load average ${load.map((x) => x.toFixed(2)).join(' ')} (1/5/15 min), ${process.version}; ms/sample: median of ${reps.events} (MNIST-DVS) / ${reps.image} (CIFAR) calls after a warm-up; CPU ms: this process's CPU time per sample; first call: planning, weight layout and JIT included`);
  console.log(`event-driven multiply-adds: ${eventEngineUsesWasm() ? 'WebAssembly SIMD' : 'plain typed-array loops (no WebAssembly SIMD here)'}; the event-driven engine at ${PEER_THREADS.join(' and ')} thread(s) (helper threads share a step's rows; CPU ms counts them), the dense engine on 1; compare a row with PyTorch at the same thread count`);
  console.log(peerHeader(simPeer, 'PyTorch IAF: Sinabs\' way (each layer\'s ops on all steps at once, then IAF through time), median of up to as many calls as ours (at least 3, about 3 s) after one; vs PyTorch = its ms ÷ ours (> 1: ours faster)'));
  for (const line of checks) console.log(line);
  console.log(table(['sample', 'engine', 'ms/sample', 'CPU ms', 'first call ms', 'events/s', 'SynOps/s', 'event : dense', ...PEER_THREADS.flatMap((t) => [`PyTorch ms (${t} thr)`, `vs PyTorch (${t} thr)`]), 'data'], rows,
    [false, false, true, true, true, true, true, false, ...PEER_THREADS.flatMap(() => [true, true]), false]));

  if (process.argv.includes('--sim-only')) return;

  console.log('\nEvent data: read speed per format and synthetic-set generation');
  const data = await benchData();
  console.log(table(['measure', 'value', 'unit', 'detail'], data.map((r) => [r.name, fmt(r.value), r.unit, r.detail]), [false, true, false, false]));

  await trainTable();
}

/** The training table: ours per backend and thread count, then the PyTorch peer on the same networks. */
async function trainTable(): Promise<void> {
  console.log(`\nTraining: images/s per backend and thread count (SynOp loss + QReLU, Adam), and PyTorch on the same networks in this run; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (1/5/15 min) before`);
  const train = await trainBench({ full: process.argv.includes('--full'), quick: process.argv.includes('--quick'), threads: PEER_THREADS });
  const jobs = await trainPeerJobs(PEER_THREADS);
  const trainPeer = await runPeer({ train: jobs.map((j) => j.job) }, { timeoutMs: 600_000 });
  console.log(peerHeader(trainPeer, `PyTorch: the same model file, from our initial weights, ${jobs[0].job.warmup} warm-up step then at least ${jobs[0].job.minSteps} steps and ${jobs[0].job.seconds} s timed (as ours on wasm); ours ÷ PyTorch > 1: ours faster`));
  const unlike = new Set<string>();
  for (const { job, ours, fanoutTotals } of jobs) {
    const p = peerLine(trainPeer, 'train', job.label, PEER_THREADS[0]);
    if (!p?.check) continue;
    const diff = lossCheckDifference(ours, p.check, fanoutTotals, p.fanoutTotals);
    if (diff) { unlike.add(job.label); console.log(`!!! ${job.label}: PyTorch does NOT compute our loss at our weights, no ratio printed: ${diff}`); }
    else console.log(`${job.label}: same loss at our initial weights on a batch of ${job.check!.labels.length}, no dropout (QReLU: cross-entropy ${ours.ce.toFixed(5)}, S ${fmt(ours.synops)} SynOps/sample; ReLU: ${ours.reluCe.toFixed(5)}, ${fmt(ours.reluSynops)}; fan-out totals equal)`);
  }
  console.log(table(['network', 'backend', 'batch', ...PEER_THREADS.flatMap((t) => [`ours ${t} thr`, `PyTorch ${t} thr`, `ours ÷ PyTorch (${t} thr)`]), 'vs cpu', 'note'],
    trainRows(train, trainPeer, unlike), [false, false, true, ...PEER_THREADS.flatMap(() => [true, true, true]), true, false]));
  console.log('\nThe same steps in images per CPU-second (each side\'s process CPU time over its timed steps, all threads): what the load on a shared machine inflates least. A thread that waits spinning counts as busy, so at 2 threads it also measures how well each side keeps its threads busy');
  console.log(table(['network', 'backend', 'batch', ...PEER_THREADS.flatMap((t) => [`ours ${t} thr`, `PyTorch ${t} thr`, `ours ÷ PyTorch (${t} thr)`])],
    cpuRows(train, trainPeer, unlike), [false, false, true, ...PEER_THREADS.flatMap(() => [true, true, true])]));
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (1/5/15 min) after`);
}

/** One table row per network, backend and batch: ours and PyTorch at each thread count, ratios where both ran the same work. */
function trainRows(train: TrainBenchRow[], peer: PeerRun, unlike: Set<string>): string[][] {
  const at = (label: string, backend: string, threads: number) => train.find((r) => r.label === label && r.backend === backend && r.threads === threads);
  const firsts = train.filter((r) => r.threads === PEER_THREADS[0]);
  return firsts.map((k) => {
    const cells = PEER_THREADS.flatMap((t) => {
      const ours = at(k.label, k.backend, t);
      const theirs = peerLine(peer, 'train', k.label, t)?.imagesPerSec;
      // The note column says why the first thread count has no figure; a later one's cell says it itself.
      const oursCell = ours?.imagesPerSec != null ? ours.imagesPerSec.toFixed(1) : t !== PEER_THREADS[0] && ours?.note ? ours.note : '—';
      const ratio = ours?.imagesPerSec == null || theirs === undefined ? '—' : unlike.has(k.label) ? 'work differs' : `${(ours.imagesPerSec / theirs).toFixed(2)}×`;
      return [oursCell, peerCell(peer, k.label, theirs, 1), ratio];
    });
    const cpu = at(k.label, 'cpu', 1)?.imagesPerSec;
    return [k.network, k.backend, String(k.batch), ...cells, k.imagesPerSec !== null && cpu ? `${(k.imagesPerSec / cpu).toFixed(1)}×` : '', k.note];
  });
}

/** Rows of images per CPU-second, ours and PyTorch's, where both were measured (the wasm backend's rows). */
function cpuRows(train: TrainBenchRow[], peer: PeerRun, unlike: Set<string>): string[][] {
  const firsts = train.filter((r) => r.threads === PEER_THREADS[0] && r.imagesPerCpuSec !== undefined);
  return firsts.map((k) => [k.network, k.backend, String(k.batch), ...PEER_THREADS.flatMap((t) => {
    const ours = train.find((r) => r.label === k.label && r.backend === k.backend && r.threads === t)?.imagesPerCpuSec;
    const p = peerLine(peer, 'train', k.label, t);
    const theirs = p?.cpuSeconds ? (p.steps * p.batch) / p.cpuSeconds : undefined;
    const ratio = ours === undefined || theirs === undefined ? '—' : unlike.has(k.label) ? 'work differs' : `${(ours / theirs).toFixed(2)}×`;
    return [ours !== undefined ? ours.toFixed(1) : '—', theirs !== undefined ? theirs.toFixed(1) : 'not measured', ratio];
  })]);
}

/** The line above a table with peer columns: which interpreter and torch ran, or why none did. */
function peerHeader(run: PeerRun, what: string): string {
  if (!run.ok) return `PyTorch peer: ${run.why}`;
  const env = run.lines.find((l) => l.kind === 'env');
  const trouble = run.timedOut ? ' (stopped at its time limit)' : run.exitCode !== 0 ? ` (exited with ${run.exitCode})` : '';
  return `PyTorch peer: ${run.python}, torch ${run.torch}${env?.kind === 'env' ? `, python ${env.python}, ${env.cpus} CPUs` : ''}${trouble}. ${what}`;
}

function fmt(x: number): string {
  return x >= 1e9 ? `${(x / 1e9).toFixed(2)} G` : x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0);
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
