/**
 * Training speed: images/s of one full training step (forward, SynOp loss + QReLU, backward, Adam) for the
 * paper's MNIST-DVS network (64×64, batch 256 and 32) and the CIFAR All-ConvNet (32×32×3, batch 32), per
 * available backend and thread count, and the same networks as jobs for the PyTorch peer. Random inputs:
 * speed does not depend on the data. Run alone: `npx tsx bench/train.ts [--quick] [--full]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from '../src/core/train/adam';
import { currentBackend, selectBackend, tryLoadTfjsNode, type BackendName } from '../src/core/train/backend';
import { optimizeStep, optimizeStepParallel } from '../src/core/train/loop';
import { ParallelTrainer } from '../src/core/train/parallel';
import { shardThreadScript } from '../src/io/train/threads';
import { lossParts, type LossOptions } from '../src/core/train/loss';
import { buildNet, disposeNet, type ForwardOptions, type TrainNet } from '../src/core/train/net';
import { INPUT_INDEX, totalFanout } from '../src/core/synops/fanout';
import { parseModel } from '../src/core/model/parse';
import type { ModelFile } from '../src/core/model/types';
import { f32ToBase64, specWeights, torchWeights, type LossCheck, type TrainJob } from './torch-spec';

/** One measured (or unmeasured) cell: `imagesPerSec` null says why in `note`. */
export interface TrainBenchRow { network: string; backend: string; batch: number; threads: number; imagesPerSec: number | null; /** Images per second of this process's CPU time (all its threads), where measured. */ imagesPerCpuSec?: number; note: string; /** The peer job's label. */ label: string }

/** The step-timing rule of both sides: `warmup` untimed steps, then timed steps until `minSteps` and `seconds` passed. */
export interface Timing { warmup: number; minSteps: number; seconds: number }

export const TIMING: Timing = { warmup: 1, minSteps: 3, seconds: 2 };
/** The cpu backend takes seconds to minutes per step: one warm-up and one timed step. */
const CPU_TIMING: Timing = { warmup: 1, minSteps: 1, seconds: 0 };

/** The bench's training setup, the same on both sides. */
const SEED = 1;
const LR = 1e-3;
const TARGET_SYNOPS = 1e6;
const FORWARD: ForwardOptions = { training: true, dropoutSeed: 1, activation: 'qrelu', skipOutputActivation: true };
const LOSS: LossOptions = { objective: { kind: 'target', target: TARGET_SYNOPS } };

interface BenchNet { network: string; model: ModelFile; batch: number; label: string }

function template(name: string): ModelFile {
  const file = join(__dirname, '..', 'templates', name);
  const m = parseModel(readFileSync(file, 'utf8'), file).model;
  if (!m) throw new Error(`template ${name} does not parse`);
  return m;
}

function benchNets(): BenchNet[] {
  const mnist = template('mnist-dvs.snn.json');
  const cifar = template('cifar10-allconv.snn.json');
  return [
    { network: 'MNIST-DVS (8/12/12, 64×64)', model: mnist, batch: 256 },
    { network: 'MNIST-DVS (8/12/12, 64×64)', model: mnist, batch: 32 },
    { network: 'All-ConvNet (CIFAR-10)', model: cifar, batch: 32 },
  ].map((n) => ({ ...n, label: `${n.network} batch ${n.batch}` }));
}

/** A random batch `[B, H, W, C]` as the bench feeds it: event counts `floor(U(0, 1)·2.2)`, image pixels U(−1, 1). */
function benchBatch(model: ModelFile, batch: number, seed: number): tf.Tensor4D {
  const [c, h, w] = model.input.shape;
  return tf.tidy(() => (model.input.kind === 'events' ? tf.floor(tf.mul(tf.randomUniform([batch, h, w, c], 0, 1, 'float32', seed), 2.2)) : tf.randomUniform([batch, h, w, c], -1, 1, 'float32', seed))) as tf.Tensor4D;
}

function labels(batch: number): tf.Tensor1D {
  return tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => i % 10), 'int32');
}

/** One training step of ours, as a run takes it (`optimizeStep`, or `optimizeStepParallel` on threads). */
type Step = () => Promise<unknown>;

/**
 * Our trainer at `threads` threads on the current backend: THE place a thread count becomes a trainer. One
 * thread is the step a run takes alone (`optimizeStep`); more are the data-parallel trainer's threads
 * (`ParallelTrainer`, each its own tfjs backend), as `train --threads N` runs them. Returns the step and
 * what to close afterwards.
 */
async function ourTrainer(threads: number, net: TrainNet, adam: Adam, model: ModelFile, x: tf.Tensor4D, y: tf.Tensor1D): Promise<{ step: Step; close: () => Promise<void> }> {
  if (threads === 1) {
    const vars = [...net.vars.values()];
    return { step: () => optimizeStep(net, adam, vars, () => lossParts(net, x, y, FORWARD, LOSS), 'bench'), close: async () => undefined };
  }
  const parallel = await ParallelTrainer.start(model, currentBackend(), threads, SEED, shardThreadScript());
  const [, h, w, c] = x.shape;
  const batch = { x: x.dataSync() as Float32Array, frame: [h, w, c] as [number, number, number], labels: y.dataSync() as Int32Array };
  return { step: () => optimizeStepParallel(net, adam, parallel, batch, FORWARD, LOSS, 'bench'), close: () => parallel.close() };
}

/** Images/s of our training step at `threads` threads on the current backend, timed by `timing`, in wall and in CPU time (the process's, all threads). */
async function stepsPerSec(model: ModelFile, batch: number, timing: Timing, threads: number): Promise<{ wall: number; cpu: number }> {
  const net = buildNet(model, SEED);
  const adam = new Adam(LR);
  const x = benchBatch(model, batch, 1);
  const y = labels(batch);
  const trainer = await ourTrainer(threads, net, adam, model, x, y);
  try {
    for (let i = 0; i < timing.warmup; i++) await trainer.step();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    while (n < timing.minSteps || performance.now() - t0 < timing.seconds * 1000) { await trainer.step(); n++; }
    const wall = (n * batch) / ((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    return { wall, cpu: (n * batch) / ((c.user + c.system) / 1e6) };
  } finally {
    await trainer.close();
    tf.dispose([x, y]);
    disposeNet(net);
    adam.dispose();
  }
}

/**
 * One row per network, backend and thread count; a backend that does not load, a trainer that fails to
 * start, or a skipped measurement gets a row saying why.
 */
export async function trainBench(opts: { backends?: BackendName[]; threads?: number[]; quick?: boolean; full?: boolean } = {}): Promise<TrainBenchRow[]> {
  const rows: TrainBenchRow[] = [];
  const nets = benchNets();
  for (const b of opts.backends ?? ['tensorflow', 'wasm', 'cpu'] as BackendName[]) {
    const row = (n: BenchNet, threads: number, imagesPerSec: number | null, note: string, imagesPerCpuSec?: number) => rows.push({ network: n.network, backend: b, batch: n.batch, threads, imagesPerSec, imagesPerCpuSec, note, label: n.label });
    const threadCounts = opts.threads ?? [1];
    if (b === 'tensorflow') {
      const r = tryLoadTfjsNode();
      if (!r.ok) { for (const n of nets) for (const t of threadCounts) row(n, t, null, r.why ?? 'not available'); continue; }
    }
    const info = await selectBackend(b);
    for (const n of nets) {
      for (const threads of threadCounts) {
        if (b === 'cpu' && opts.quick) { row(n, threads, null, 'skipped (quick)'); continue; }
        // One All-ConvNet step on cpu takes minutes (~0.2 images/s); only --full measures it.
        if (b === 'cpu' && n.model.input.kind === 'image' && !opts.full) { row(n, threads, null, 'skipped (minutes per step; --full runs it)'); continue; }
        // Native TensorFlow sizes its own thread pool (a run trains on it alone): one figure, in the note.
        if (b === 'tensorflow') {
          if (threads === 1) row(n, threads, null, `${(await stepsPerSec(n.model, n.batch, TIMING, 1)).wall.toFixed(1)} images/s on TensorFlow's own thread pool (not a 1-thread figure)`);
          else row(n, threads, null, 'not measured (a run on tfjs-node trains on TensorFlow\'s threads, not ours)');
          continue;
        }
        let ips: { wall: number; cpu: number };
        try { ips = await stepsPerSec(n.model, n.batch, b === 'cpu' ? CPU_TIMING : TIMING, threads); } catch (e) {
          row(n, threads, null, `not measured (${threads}-thread trainer failed: ${(e as Error).message})`);
          continue;
        }
        row(n, threads, ips.wall, b === 'wasm' ? `SIMD ${info.simd ? 'on' : 'off'}, ${threads === 1 ? 'one thread' : `${threads} training threads`}` : '', ips.cpu);
      }
    }
  }
  return rows;
}

/** Cross-entropy and S (SynOps per sample, spiking layers) of `net` on `x` without dropout: the check both sides compute. */
function lossCheck(net: TrainNet, x: tf.Tensor4D, y: tf.Tensor1D): LossCheck {
  return tf.tidy(() => {
    const q = lossParts(net, x, y, { ...FORWARD, training: false }, LOSS);
    const r = lossParts(net, x, y, { ...FORWARD, training: false, activation: 'relu' }, LOSS);
    const num = (t: tf.Scalar) => t.dataSync()[0];
    return { ce: num(q.ce), synops: num(q.synops), loss: num(q.total), reluCe: num(r.ce), reluSynops: num(r.synops) };
  });
}

/** A PyTorch training job and our side of its check: loss parts on the check batch, fan-out totals of the spiking layers. */
export interface PeerTrainJob { job: TrainJob; ours: LossCheck; fanoutTotals: number[] }

/**
 * A PyTorch training job for `model` at `batch` and `threads`, starting from our own initial weights (the
 * seed of our timed steps, converted to PyTorch layout), with a check batch of 8 on which our loss parts
 * are returned beside the job: the peer reports its own on the same batch and weights, so the bench can
 * tell both sides train the same network before it compares their speeds.
 */
export async function peerTrainJob(model: ModelFile, batch: number, label: string, threads: number[], timing: Timing = TIMING): Promise<PeerTrainJob> {
  const net = buildNet(model, SEED);
  try {
    const kernels = new Map([...net.vars].map(([name, v]) => [name, { shape: v.shape, values: v.dataSync() as Float32Array }]));
    const x = benchBatch(model, 8, 2);
    const y = labels(8);
    const ours = lossCheck(net, x, y);
    const nchw = tf.tidy(() => tf.transpose(x, [0, 3, 1, 2]));
    const check = { shape: nchw.shape, x: f32ToBase64(nchw.dataSync() as Float32Array), labels: [...y.dataSync()] };
    tf.dispose([x, y, nchw]);
    const init = specWeights(await torchWeights(model, kernels));
    return {
      ours,
      fanoutTotals: net.connections.filter((c) => c.emitter !== INPUT_INDEX).map(totalFanout),
      job: { label, model, batch, threads, ...timing, targetSynops: TARGET_SYNOPS, lr: LR, seed: SEED, skipOutputActivation: true, init, check },
    };
  } finally {
    disposeNet(net);
  }
}

/** The bench's networks as PyTorch training jobs (`peerTrainJob`). */
export async function trainPeerJobs(threads: number[]): Promise<PeerTrainJob[]> {
  const out: PeerTrainJob[] = [];
  for (const n of benchNets()) out.push(await peerTrainJob(n.model, n.batch, n.label, threads));
  return out;
}

if (require.main === module) {
  trainBench({ quick: process.argv.includes('--quick'), full: process.argv.includes('--full'), threads: [1, 2] }).then((rows) => {
    for (const r of rows) console.log(`${r.network.padEnd(28)} ${r.backend.padEnd(10)} batch ${String(r.batch).padStart(3)}  ${r.threads} thr  ${r.imagesPerSec === null ? '     –' : r.imagesPerSec.toFixed(1).padStart(7)} img/s  ${r.note}`);
  }, (e: unknown) => { console.error(e); process.exitCode = 1; });
}
