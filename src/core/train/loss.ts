/**
 * Training objectives (paper eq. 2). With `S` the SynOps per sample of the spiking layers (batch mean of
 * `Σ_l Σ_i a_i^l · fanout_i^l`, see `net.ts`):
 * - `target`:  `L = CE + ((S − S0) / S0)²` (α = 1/S0² of the paper);
 * - `penalty`: `L = CE + λ·S`;
 * - `none`:    `L = CE` (baseline).
 * By default `S` leaves out the input's SynOps: they depend only on the data (the paper's Fig. 2), carry no
 * gradient, and targets such as 1e4 lie below the input's own ~2e5 on MNIST-DVS. `countInput` adds them.
 * Weight decay, when set, adds `(wd/2)·Σ w²` (the gradient `wd·w` of PyTorch's Adam `weight_decay`).
 *
 * Distillation (Hinton et al. 2015), when `distill` is set and the batch carries a teacher's logits `z_t`:
 * the data term becomes `(1 − α)·CE + α·T²·KL(softmax(z_t/T) ‖ softmax(z/T))`, and `ce` reports this
 * blended term (the SynOp term is unchanged). The T² keeps the soft term's gradient on CE's scale.
 */
import * as tf from '@tensorflow/tfjs-core';
import { INPUT_INDEX } from '../synops/fanout';
import { forward, synopsPerConnection, type ForwardOptions, type TrainNet } from './net';

export type SynopObjective = { kind: 'none' } | { kind: 'target'; target: number } | { kind: 'penalty'; lambda: number };

export interface LossOptions {
  objective: SynopObjective;
  /** Knowledge distillation from a teacher's logits (the batch must carry them): weight α in [0, 1], temperature T > 0. */
  distill?: { weight: number; temperature: number };
  countInput?: boolean;
  weightDecay?: number;
}

export interface LossParts {
  total: tf.Scalar;
  ce: tf.Scalar;
  /** The SynOp term as added to the loss (0 for `none`). */
  synopTerm: tf.Scalar;
  /** SynOps per sample per connection, `net.connections` order. */
  perConnection: tf.Tensor1D;
  /** The `S` the objective sees. */
  synops: tf.Scalar;
  /** Correct predictions in the batch (argmax of the logits). */
  correct: tf.Scalar;
}

/** The SynOp term for a known S, in plain numbers (for reports and tests). */
export function synopTermOf(objective: SynopObjective, s: number): number {
  if (objective.kind === 'target') return ((s - objective.target) / objective.target) ** 2;
  if (objective.kind === 'penalty') return objective.lambda * s;
  return 0;
}

/** Mean softmax cross-entropy of logits `[B, K]` against integer labels `[B]`. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const oneHot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, logits.shape[1]);
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

/**
 * `α·T²·KL(softmax(z_t/T) ‖ softmax(z/T))`, batch mean: `Σ_k p_k·(log p_k − log q_k)` with `p` the teacher's
 * and `q` the student's softened distributions.
 */
export function distillTerm(logits: tf.Tensor2D, teacher: tf.Tensor2D, weight: number, temperature: number): tf.Scalar {
  const logP = tf.logSoftmax(tf.div(teacher, temperature));
  const kl = tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, tf.logSoftmax(tf.div(logits, temperature)))), 1);
  return tf.mul(tf.mean(kl), weight * temperature * temperature) as tf.Scalar;
}

/** `S` (the connections the objective counts) and the SynOp term of `opts.objective`, as tensors. */
export function synopTermOfTensor(net: TrainNet, perConnection: tf.Tensor1D, opts: LossOptions): { synops: tf.Scalar; synopTerm: tf.Scalar } {
  const mask = net.connections.map((c) => (c.emitter === INPUT_INDEX && !opts.countInput ? 0 : 1));
  const synops = tf.sum(tf.mul(perConnection, tf.tensor1d(mask))) as tf.Scalar;
  const o = opts.objective;
  const synopTerm = (o.kind === 'target' ? tf.square(tf.div(tf.sub(synops, o.target), o.target))
    : o.kind === 'penalty' ? tf.mul(synops, o.lambda) : tf.scalar(0)) as tf.Scalar;
  return { synops, synopTerm };
}

/** Forward pass and every part of the loss for one batch (call inside `tf.tidy` or a gradient function). */
export function lossParts(net: TrainNet, x: tf.Tensor4D, labels: tf.Tensor1D, fwd: ForwardOptions, opts: LossOptions, teacher?: tf.Tensor2D): LossParts {
  const { logits, emitted, counted } = forward(net, x, fwd);
  const d = opts.distill;
  const ce = d && teacher
    ? tf.add(tf.mul(crossEntropy(logits, labels), 1 - d.weight), distillTerm(logits, teacher, d.weight, d.temperature)) as tf.Scalar
    : crossEntropy(logits, labels);
  const perConnection = synopsPerConnection(net, emitted, counted);
  const { synops, synopTerm } = synopTermOfTensor(net, perConnection, opts);
  let total = tf.add(ce, synopTerm) as tf.Scalar;
  if (opts.weightDecay) {
    const sq = [...net.vars.values()].map((v) => tf.sum(tf.square(v)));
    total = tf.add(total, tf.mul(tf.addN(sq), opts.weightDecay / 2));
  }
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'float32')) as tf.Scalar;
  return { total, ce, synopTerm, perConnection, synops, correct };
}
