/**
 * The simulation table of `npm run bench`: ms per sample of each engine on the paper's two networks, and the
 * PyTorch IAF peer on the same samples, in rounds. A round is ours (the event-driven engine at each thread
 * count) then the peer (a fresh `python3` on the same jobs); `SIM_ROUNDS` rounds alternate the two sides, so
 * a load that comes and goes over the run falls on both, and every figure is the median of the samples of
 * all rounds pooled (CIFAR: 3 × 6 = 18 calls a side and thread count; MNIST-DVS: 3 × 12 = 36). The ratio is
 * theirs ÷ ours of those two medians (> 1: ours faster), both from this run; the per-round ratios' range is
 * printed beside it, to show how much the load moved them. The dense engine (tfjs' wasm backend, one thread)
 * runs once, for the event : dense column.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { binEvents, imageInput, type SpikeInput } from '../src/core/sim/input';
import { loadFixture, weightsFor } from '../src/io/sim/sinabs-fixture';
import { syntheticCase } from './synthetic';
import { simulateDense } from '../src/core/sim/dense-engine';
import { simulateEvents } from '../src/core/sim/event-engine';
import { neuronParams, type NeuronParams } from '../src/core/sim/neuron';
import type { ModelFile } from '../src/core/model/types';
import type { SimResult } from '../src/core/sim/result';
import type { ModelWeights } from '../src/core/sim/weights';
import { countDifferences, peerLine } from './compare';
import { findTorchPython, PEER_ABSENT, runPeer, type PeerRun } from './peer';
import { specInput, specWeights, type SimJob } from './torch-spec';

/** Thread counts both sides simulate at. */
export const SIM_THREADS = [1, 2];
/** Rounds of ours-then-peer, and calls per round and side: events (MNIST-DVS chunk) and image (CIFAR). */
export const SIM_ROUNDS = 3;
export const PER_ROUND = { events: 12, image: 6 };
/** Timed calls of the dense engine, which runs once (not in rounds): events (MNIST-DVS chunk) and image (CIFAR). */
export const DENSE_REPS = { events: 21, image: 5 };

export interface BenchCase { name: string; model: ModelFile; weights: ModelWeights; input: SpikeInput; neuron: Partial<NeuronParams>; events: number; source: string }

/** Wall and CPU ms of timed calls, the first call's ms, and the last result. */
export interface Samples { ms: number[]; cpuMs: number[]; firstMs: number; result: SimResult }

/**
 * The median of the pooled samples of both sides and theirs ÷ ours, with the range of the per-round ratios
 * (each round's medians); null where a side has no samples.
 */
export function pooledRatio(ours: number[][], theirs: number[][]): { ours: number; theirs: number; ratio: number; low: number; high: number } | null {
  const all = (xs: number[][]) => xs.flat();
  if (all(ours).length === 0 || all(theirs).length === 0) return null;
  const o = median(all(ours)), t = median(all(theirs));
  const rounds = ours.map((xs, r) => (xs.length && theirs[r]?.length ? median(theirs[r]) / median(xs) : NaN)).filter((x) => !Number.isNaN(x));
  return { ours: o, theirs: t, ratio: t / o, low: Math.min(...rounds), high: Math.max(...rounds) };
}

/** The median (the mean of the two middle values of an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** `reps` timed calls (wall clock, and this process's CPU time: the helper threads count). */
async function sample(run: () => SimResult | Promise<SimResult>, reps: number, into: Samples): Promise<void> {
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    into.result = await run();
    into.ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    into.cpuMs.push((c.user + c.system) / 1000);
  }
}

/**
 * The first call (planning, weight layouts, JIT) timed on its own, then untimed calls until at least 3
 * calls and 300 ms have passed (the JIT settles).
 */
async function warm(run: () => SimResult | Promise<SimResult>): Promise<Samples> {
  let t0 = performance.now();
  let result = await run();
  const firstMs = performance.now() - t0;
  t0 = performance.now();
  for (let n = 1; n < 3 || performance.now() - t0 < 300; n++) result = await run();
  return { ms: [], cpuMs: [], firstMs, result };
}

export interface CaseResult {
  c: BenchCase;
  /** Ours per thread count (`SIM_THREADS`): all rounds' samples, and each round's. */
  ev: Samples[];
  evRounds: number[][][];
  de: Samples;
  /** The peer's ms per thread count and round (empty where it did not run or said nothing). */
  peerRounds: number[][][];
  /** Per thread count: the layers whose spike totals differ from ours in some round, or empty. */
  differs: string[][];
}

/**
 * Runs the rounds. `peer`: the last round's peer run, for the cells' messages (`{ ok: false }` when no
 * interpreter can import torch: then ours runs its rounds alone and every PyTorch cell says so).
 */
export async function simRounds(cases: BenchCase[]): Promise<{ results: CaseResult[]; peer: PeerRun }> {
  const found = findTorchPython();
  const results: CaseResult[] = [];
  for (const c of cases) {
    const ev: Samples[] = [];
    for (const threads of SIM_THREADS) ev.push(await warm(() => simulateEvents(c.model, c.weights, c.input, { neuron: c.neuron, threads })));
    const de = await warm(() => simulateDense(c.model, c.weights, c.input, { neuron: c.neuron }));
    await sample(() => simulateDense(c.model, c.weights, c.input, { neuron: c.neuron }), c.events ? DENSE_REPS.events : DENSE_REPS.image, de);
    if (ev.some((e) => e.result.layers.some((l, i) => l.counts.some((x, j) => x !== de.result.layers[i].counts[j])))) throw new Error(`${c.name}: the engines disagree`);
    results.push({ c, ev, evRounds: SIM_THREADS.map(() => []), de, peerRounds: SIM_THREADS.map(() => []), differs: SIM_THREADS.map(() => []) });
  }
  let lastPeer: PeerRun = { ok: false, why: PEER_ABSENT };
  const jobs: SimJob[] = cases.map((c) => ({ label: c.name, model: c.model, neuron: neuronParams(c.neuron), weights: specWeights(c.weights), input: specInput(c.input), threads: SIM_THREADS, reps: c.events ? PER_ROUND.events : PER_ROUND.image, seconds: 10 }));
  for (let round = 0; round < SIM_ROUNDS; round++) {
    for (const r of results) {
      for (const [k, threads] of SIM_THREADS.entries()) {
        const before = r.ev[k].ms.length;
        await sample(() => simulateEvents(r.c.model, r.c.weights, r.c.input, { neuron: r.c.neuron, threads }), r.c.events ? PER_ROUND.events : PER_ROUND.image, r.ev[k]);
        r.evRounds[k].push(r.ev[k].ms.slice(before));
      }
    }
    // The peer runs after ours, never beside it: the two sides do not share the cores.
    if (found === null) continue;
    lastPeer = await runPeer({ sim: jobs }, { found, timeoutMs: 240_000 });
    for (const r of results) {
      const mine = r.ev[0].result.layers.map((l) => ({ name: l.name, total: l.total }));
      for (const [k, threads] of SIM_THREADS.entries()) {
        const p = peerLine(lastPeer, 'sim', r.c.name, threads);
        r.peerRounds[k].push(p ? p.times ?? [p.ms] : []);
        if (p && r.differs[k].length === 0) r.differs[k] = countDifferences(mine, p.layers);
      }
    }
  }
  return { results, peer: lastPeer };
}

function template(name: string): ModelFile {
  return JSON.parse(readFileSync(resolve(__dirname, '..', 'templates', name), 'utf8')) as ModelFile;
}

/** The cases: the Sinabs fixtures' MNIST-DVS chunk and CIFAR image in `dataDir` where it has them, else synthetic ones. */
export function simCases(dataDir: string): BenchCase[] {
  const dir = join(dataDir, 'sinabs-reference');
  const mnist = template('mnist-dvs.snn.json');
  const cifar = template('cifar10-allconv.snn.json');
  const fixture = (file: string, name: string, model: ModelFile, events: number): BenchCase | undefined => {
    if (!existsSync(join(dir, file))) return undefined;
    const fx = loadFixture(join(dir, file));
    return { name, model, weights: weightsFor(model, fx.weights), input: fx.input, neuron: fx.neuron, events, source: 'sinabs fixture' };
  };
  const mnistName = 'MNIST-DVS chunk (3000 ev, 300 ms)', cifarName = 'CIFAR-10 image (10 steps)';
  const syntheticMnist = (): BenchCase => {
    const s = syntheticCase(mnist, 1);
    const e = s.events!;
    return { name: mnistName, model: mnist, weights: s.weights, input: binEvents(e, mnist.input.shape, { steps: 300, t0: 0 }), neuron: {}, events: e.x.length, source: 'synthetic' };
  };
  const syntheticCifar = (): BenchCase => {
    const s = syntheticCase(cifar, 2);
    return { name: cifarName, model: cifar, weights: s.weights, input: imageInput(s.image!, cifar.input.shape, 10), neuron: { minVMem: -1 }, events: 0, source: 'synthetic' };
  };
  return [
    fixture('mnist_dvs_seed1.json', mnistName, mnist, 3000) ?? syntheticMnist(),
    fixture('cifar_seed1.json', cifarName, cifar, 0) ?? syntheticCifar(),
  ];
}
