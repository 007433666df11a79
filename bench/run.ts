/**
 * `npm run bench`: milliseconds per sample of each simulation engine on the paper's two networks,
 * with events/s and SynOps/s, and the event-driven : dense ratio measured in the same run.
 * - MNIST-DVS network (templates/mnist-dvs.snn.json): one 3000-event chunk over 300 ms, 1 ms bins —
 *   the Sinabs fixture's chunk and weights when the shared data folder is there, else synthetic ones.
 * - CIFAR-10 All-ConvNet (templates/cifar10-allconv.snn.json): one image for 10 steps — the fixture's
 *   image and weights when available, else random ones.
 * The shared data folder is `--data <dir>`, else `SYNOPS_SHARED_DATA`, else `../shared/data` from the
 * repository root. The dense engine runs on tfjs' wasm backend.
 * Then the event-data table: read speed per format and the time to generate the synthetic digit set.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { ModelFile } from '../src/core/model/types';
import { simulateDense } from '../src/core/sim/dense-engine';
import { simulateEvents } from '../src/core/sim/event-engine';
import { binEvents, imageInput, type SpikeInput } from '../src/core/sim/input';
import type { NeuronParams } from '../src/core/sim/neuron';
import type { SimResult } from '../src/core/sim/result';
import type { ModelWeights } from '../src/core/sim/weights';
import { table } from '../src/cli/table';
import { sharedDataDir } from '../scripts/shared-data';
import { loadFixture, weightsFor } from '../src/core/sim/sinabs-fixture';
import { benchData } from './data';
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

async function time(run: () => SimResult | Promise<SimResult>, reps: number): Promise<{ ms: number; result: SimResult }> {
  let result = await run(); // warm-up (JIT, wasm, weight layout)
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    result = await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], result };
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const load = loadavg();
  const rows: string[][] = [];
  for (const c of cases()) {
    const reps = c.events ? 9 : 3;
    const ev = await time(() => simulateEvents(c.model, c.weights, c.input, { neuron: c.neuron }), reps);
    const de = await time(() => simulateDense(c.model, c.weights, c.input, { neuron: c.neuron }), reps);
    if (ev.result.layers.some((l, i) => l.total !== de.result.layers[i].total)) throw new Error(`${c.name}: the engines disagree`);
    const synops = ev.result.totalSynops;
    for (const [engine, r] of [['event-driven', ev], ['dense (tfjs wasm)', de]] as const) {
      rows.push([c.name, engine, r.ms.toFixed(1), c.events ? fmt(c.events / (r.ms / 1000)) : '—', fmt(synops / (r.ms / 1000)), engine === 'event-driven' ? `${(de.ms / ev.ms).toFixed(2)}× faster than dense` : '', c.source]);
    }
  }
  console.log(`load average ${load.map((x) => x.toFixed(2)).join(' ')} (1/5/15 min), ${process.version}, median of 9 (MNIST-DVS) / 3 (CIFAR) runs after a warm-up`);
  console.log(table(['sample', 'engine', 'ms/sample', 'events/s', 'SynOps/s', 'event : dense', 'data'], rows, [false, false, true, true, true, false, false]));

  console.log('\nEvent data: read speed per format and synthetic-set generation');
  const data = await benchData();
  console.log(table(['measure', 'value', 'unit', 'detail'], data.map((r) => [r.name, fmt(r.value), r.unit, r.detail]), [false, true, false, false]));
}

function fmt(x: number): string {
  return x >= 1e9 ? `${(x / 1e9).toFixed(2)} G` : x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0);
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
