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
 * Then the event-data table: read speed per format and the time to generate the synthetic digit set.
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
import type { NeuronParams } from '../src/core/sim/neuron';
import type { SimResult } from '../src/core/sim/result';
import type { ModelWeights } from '../src/core/sim/weights';
import { table } from '../src/cli/table';
import { sharedDataDir } from '../scripts/shared-data';
import { loadFixture, weightsFor } from '../src/core/sim/sinabs-fixture';
import { benchData } from './data';
import { trainBench } from './train';
import { syntheticCase } from './synthetic';

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
async function time(run: () => SimResult | Promise<SimResult>, reps: number): Promise<{ ms: number; cpuMs: number; firstMs: number; result: SimResult }> {
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
  const load = loadavg();
  const rows: string[][] = [];
  const reps = { events: 21, image: 5 };
  for (const c of cases()) {
    const n = c.events ? reps.events : reps.image;
    const ev = await time(() => simulateEvents(c.model, c.weights, c.input, { neuron: c.neuron }), n);
    const de = await time(() => simulateDense(c.model, c.weights, c.input, { neuron: c.neuron }), n);
    if (ev.result.layers.some((l, i) => l.counts.some((x, j) => x !== de.result.layers[i].counts[j]))) throw new Error(`${c.name}: the engines disagree`);
    const synops = ev.result.totalSynops;
    for (const [engine, r] of [['event-driven', ev], ['dense (tfjs wasm)', de]] as const) {
      rows.push([c.name, engine, r.ms.toFixed(1), r.cpuMs.toFixed(1), r.firstMs.toFixed(0), c.events ? fmt(c.events / (r.ms / 1000)) : '—', fmt(synops / (r.ms / 1000)), engine === 'event-driven' ? `${(de.ms / ev.ms).toFixed(2)}× faster than dense` : '', c.source]);
    }
  }
  console.log(`load average ${load.map((x) => x.toFixed(2)).join(' ')} (1/5/15 min), ${process.version}; ms/sample: median of ${reps.events} (MNIST-DVS) / ${reps.image} (CIFAR) calls after a warm-up; CPU ms: this process's CPU time per sample; first call: planning, weight layout and JIT included`);
  console.log(`event-driven multiply-adds: ${eventEngineUsesWasm() ? 'WebAssembly SIMD' : 'plain typed-array loops (no WebAssembly SIMD here)'}`);
  console.log(table(['sample', 'engine', 'ms/sample', 'CPU ms', 'first call ms', 'events/s', 'SynOps/s', 'event : dense', 'data'], rows, [false, false, true, true, true, true, true, false, false]));

  console.log('\nEvent data: read speed per format and synthetic-set generation');
  const data = await benchData();
  console.log(table(['measure', 'value', 'unit', 'detail'], data.map((r) => [r.name, fmt(r.value), r.unit, r.detail]), [false, true, false, false]));

  // Training: one step = forward, SynOp loss + QReLU, backward, Adam. The baseline in this process is the
  // pure-JS cpu backend; PyTorch's figures on this kind of machine are quoted, not run.
  console.log('\nTraining: images/s per backend (SynOp loss + QReLU, Adam), ratio to the cpu backend measured here');
  const train = await trainBench({ full: process.argv.includes('--full') });
  const pytorch: Record<number, string> = { 256: '800–1,100', 32: '20–36' };
  const cpuOf = (network: string) => train.find((r) => r.network === network && r.backend === 'cpu')?.imagesPerSec ?? null;
  console.log(table(['network', 'backend', 'batch', 'images/s', 'vs cpu', 'PyTorch CPU (quoted)', 'note'], train.map((r) => {
    const cpu = cpuOf(r.network);
    return [r.network, r.backend, String(r.batch), r.imagesPerSec === null ? '—' : r.imagesPerSec.toFixed(1),
      r.imagesPerSec !== null && cpu ? `${(r.imagesPerSec / cpu).toFixed(1)}×` : '', pytorch[r.batch] ?? '', r.note];
  }), [false, false, true, true, true, true, false]));
}

function fmt(x: number): string {
  return x >= 1e9 ? `${(x / 1e9).toFixed(2)} G` : x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0);
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
