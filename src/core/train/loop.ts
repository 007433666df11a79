/**
 * One training epoch: seeded shuffle, batches (augmented for images), Adam on the chosen objective, the
 * loss checked for NaN/Inf before any weight changes, a yield to the event loop after every batch so a
 * cancel request (the AbortSignal) is seen between batches.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, subSeed } from '../data/rng';
import type { Adam } from './adam';
import type { SampleSet } from './samples';
import { lossParts, type LossOptions, type LossParts } from './loss';
import type { Readout } from '../../protocol/report';
import type { ActivationMode, ForwardOptions, TrainNet } from './net';
import { gradTensors, type ParallelTrainer, type StepBatch } from './parallel';
import type { TimeForwardOptions } from './through-time';
import { layerSynops } from './epochs';
import { TrainError, type EpochMetrics, type TrainConfig, type TrainProgress } from './types';

export interface EpochContext {
  runId: string;
  epochs: number;
  activation: ActivationMode;
  loss: LossOptions;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /** Readout of the spiking output when training through time. */
  readout?: Readout;
  /** Threads that share each batch (`parallel.ts`); absent: this thread trains alone. */
  parallel?: ParallelTrainer;
  /** The teacher's logits of every training sample, `[n, classes]` row-major (distillation, `teacher.ts`). */
  teacher?: { logits: Float32Array; classes: number };
}

/** Learning rate of epoch `epoch` (1-based) under the step schedule. */
export function learningRateAt(cfg: TrainConfig, epoch: number): number {
  let lr = cfg.learningRate;
  for (const e of cfg.lrSteps?.epochs ?? []) if (epoch >= e) lr *= cfg.lrSteps!.factor;
  return lr;
}

/** The order samples are visited in epoch `epoch`: a shuffle seeded by (seed, epoch). */
export function epochOrder(n: number, seed: number, epoch: number): number[] {
  return new Rng(subSeed(seed, `shuffle/${epoch}`)).shuffle(Array.from({ length: n }, (_, i) => i));
}

/**
 * A batch as NHWC floats. Images with `augment`: zero-pad by `cropPad` and crop back at a random offset,
 * then flip left–right with probability ½ (seeded per batch).
 */
export function makeBatch(set: SampleSet, idx: number[], cfg: TrainConfig, seed: number): Float32Array {
  const [c, h, w] = set.shape;
  const size = c * h * w;
  const out = new Float32Array(idx.length * size);
  const pad = cfg.augment?.cropPad ?? 0;
  const flip = cfg.augment?.flip ?? false;
  const rng = new Rng(seed);
  idx.forEach((i, k) => {
    const src = set.x.subarray(i * size, (i + 1) * size);
    if (!pad && !flip) { out.set(src, k * size); return; }
    const dy = pad ? rng.int(2 * pad + 1) - pad : 0;
    const dx = pad ? rng.int(2 * pad + 1) - pad : 0;
    const mirror = flip && rng.next() < 0.5;
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < w; x++) {
        const sx0 = mirror ? w - 1 - x : x;
        const sx = sx0 + dx;
        if (sx < 0 || sx >= w) continue;
        for (let ch = 0; ch < c; ch++) out[k * size + (y * w + x) * c + ch] = src[(sy * w + sx) * c + ch];
      }
    }
  });
  return out;
}

/** The teacher's logits of samples `idx`, `[idx.length, classes]` row-major. */
export function teacherRows(t: { logits: Float32Array; classes: number }, idx: number[]): Float32Array {
  const out = new Float32Array(idx.length * t.classes);
  idx.forEach((i, k) => out.set(t.logits.subarray(i * t.classes, (i + 1) * t.classes), k * t.classes));
  return out;
}

/** Sums of an epoch's batch statistics, weighted by batch size (`correct` is a count already). */
export interface EpochSums { loss: number; ce: number; term: number; s: number; correct: number; seen: number }

/** Adds a batch's `[total, ce, synopTerm, S, correct, per connection…]` of `n` samples to the sums. */
export function accumulate(sums: EpochSums, perConn: Float64Array, v: ArrayLike<number>, n: number): void {
  sums.loss += v[0] * n; sums.ce += v[1] * n; sums.term += v[2] * n; sums.s += v[3] * n; sums.correct += v[4]; sums.seen += n;
  for (let k = 0; k < perConn.length; k++) perConn[k] += v[5 + k] * n;
}

/**
 * One Adam step on the loss `parts` builds (inside a gradient tape): returns the batch's statistics
 * `[total, ce, synopTerm, S, correct, per connection…]`. A NaN/Inf loss throws a `non-finite` TrainError
 * before any weight changes (`where` names the batch in the message).
 */
export async function optimizeStep(net: TrainNet, adam: Adam, varList: tf.Variable[], parts: () => Pick<LossParts, 'total' | 'ce' | 'synopTerm' | 'synops' | 'correct' | 'perConnection'>, where: string): Promise<Float32Array> {
  let stats: tf.Tensor | undefined;
  const { value, grads } = tf.tidy(() => tf.variableGrads(() => {
    const p = parts();
    stats = tf.keep(tf.concat([tf.stack([p.total, p.ce, p.synopTerm, p.synops, p.correct]), p.perConnection]));
    return p.total;
  }, varList));
  const v = (await stats!.data()) as Float32Array;
  stats!.dispose();
  value.dispose();
  if (!Number.isFinite(v[0])) {
    tf.dispose(grads);
    throw new TrainError('non-finite', `the loss became ${v[0]} in ${where} (CE ${v[1]}, SynOp term ${v[2]}, S ${v[3]}); training stopped and the last good checkpoint is kept. Lower the learning rate or pick a less extreme SynOps target`);
  }
  adam.apply(net.vars, grads);
  tf.dispose(grads);
  return v;
}

/** `optimizeStep` with the batch shared by the threads of `parallel`: the same checks, the same Adam step. */
export async function optimizeStepParallel(net: TrainNet, adam: Adam, parallel: ParallelTrainer, batch: StepBatch, fwd: ForwardOptions, loss: LossOptions, where: string, time?: Omit<TimeForwardOptions, 'batch'>): Promise<Float32Array> {
  const { grads, stats: v } = await parallel.step(net, batch, fwd, loss, time);
  if (!Number.isFinite(v[0])) throw new TrainError('non-finite', `the loss became ${v[0]} in ${where} (CE ${v[1]}, SynOp term ${v[2]}, S ${v[3]}); training stopped and the last good checkpoint is kept. Lower the learning rate or pick a less extreme SynOps target`);
  const g = gradTensors(net, grads);
  adam.apply(net.vars, g);
  tf.dispose(Object.values(g));
  return v;
}

/** Reports a finished batch and yields to the event loop (so a cancel is seen between batches). */
export async function batchDone(ctx: EpochContext, sums: EpochSums, b: { epoch: number; batch: number; batches: number; v: ArrayLike<number>; start: number }): Promise<void> {
  const secs = (performance.now() - b.start) / 1000;
  const v = b.v;
  ctx.onProgress?.({ type: 'batch', runId: ctx.runId, epoch: b.epoch, epochs: ctx.epochs, batch: b.batch, batches: b.batches, loss: v[0], ce: v[1], synopTerm: v[2], synops: v[3], imagesPerSec: sums.seen / secs });
  await new Promise((r) => setImmediate(r));
}

/**
 * The epoch's metrics from its sums: means per sample, SynOps by receiving layer (the input's apart unless
 * the run counts them, `countInput`: its `countInputSynops`).
 */
export function epochMetrics(net: TrainNet, adam: Adam, sums: EpochSums, perConn: Float64Array, epoch: number, start: number, countInput: boolean): EpochMetrics {
  const seconds = (performance.now() - start) / 1000;
  const m = Math.max(1, sums.seen);
  return {
    epoch, loss: sums.loss / m, ce: sums.ce / m, synopTerm: sums.term / m, synops: sums.s / m,
    ...layerSynops(net.connections.map((cn, k) => ({ emitter: cn.emitterName, receiver: cn.receiverName, synops: perConn[k] / m })), countInput),
    accuracy: sums.correct / m, learningRate: adam.lr, seconds, imagesPerSec: sums.seen / seconds,
  };
}

/** Trains one epoch (1-based `epoch`) and returns its metrics (no test evaluation). */
export async function trainEpoch(net: TrainNet, adam: Adam, set: SampleSet, cfg: TrainConfig, epoch: number, ctx: EpochContext): Promise<EpochMetrics> {
  const start = performance.now();
  const order = epochOrder(set.n, cfg.seed, epoch);
  const bs = cfg.batchSize;
  const batches = Math.ceil(set.n / bs);
  const [c, h, w] = set.shape;
  const nConn = net.connections.length;
  adam.lr = learningRateAt(cfg, epoch);
  const sums: EpochSums = { loss: 0, ce: 0, term: 0, s: 0, correct: 0, seen: 0 };
  const perConn = new Float64Array(nConn);
  const varList = [...net.vars.values()];
  for (let b = 0; b < batches; b++) {
    if (ctx.signal?.aborted) throw new TrainError('cancelled', `cancelled in epoch ${epoch}, batch ${b + 1} of ${batches}`);
    const idx = order.slice(b * bs, (b + 1) * bs);
    const bseed = subSeed(cfg.seed, `batch/${epoch}/${b}`);
    const xb = makeBatch(set, idx, cfg, bseed);
    const labels = Int32Array.from(idx, (i) => set.y[i]);
    const soft = ctx.teacher ? teacherRows(ctx.teacher, idx) : undefined;
    const fwd: ForwardOptions = { training: true, dropoutSeed: bseed, activation: ctx.activation, skipOutputActivation: cfg.outputActivation !== 'spiking', addedOutputActivation: cfg.outputActivation === 'spiking', inputDropout: cfg.augment?.inputDropout };
    const where = `epoch ${epoch}, batch ${b + 1}`;
    const v = ctx.parallel && idx.length > 1
      ? await optimizeStepParallel(net, adam, ctx.parallel, { x: xb, frame: [h, w, c], labels, ...(soft ? { teacher: soft } : {}) }, fwd, ctx.loss, where)
      : await optimizeStep(net, adam, varList, () => lossParts(net, tf.tensor4d(xb, [idx.length, h, w, c]), tf.tensor1d(labels, 'int32'), fwd, ctx.loss, soft && tf.tensor2d(soft, [idx.length, ctx.teacher!.classes])), where);
    accumulate(sums, perConn, v, idx.length);
    await batchDone(ctx, sums, { epoch, batch: b + 1, batches, v, start });
  }
  return epochMetrics(net, adam, sums, perConn, epoch, start, cfg.countInputSynops);
}
