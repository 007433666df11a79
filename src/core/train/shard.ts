/**
 * One shard of a data-parallel training step: the gradient of this shard's share of the batch loss, exact
 * for the whole batch once the shards' gradients are summed (`parallel.ts`).
 *
 * With shards k of n_k samples (Σ n_k = n), the batch loss is `L = CE + T(S)` where `CE = Σ_k (n_k/n)·CE_k`
 * and `S = Σ_k (n_k/n)·S_k` (batch means of per-sample terms). The SynOp term `T` is not a sum over samples,
 * so each shard differentiates the surrogate
 *   `L_k = (n_k/n)·CE_k + T'(S)·(n_k/n)·S_k  (+ (n_k/n)·(wd/2)·Σw²)`
 * with `T'(S)` a constant: `2(S − S0)/S0²` (target), `λ` (penalty), 0 (none). Then `Σ_k ∇L_k = ∇CE + T'(S)·∇S
 * = ∇L`. `T'(S)` needs every shard's `S_k` (a forward pass each), so the shards meet at a barrier inside the
 * step: `exchange(n_k·S_k)` returns `Σ_k n_k·S_k`.
 * Example: target 100, shards of 2 and 6 samples with S_k = 90 and 130: S = (2·90 + 6·130)/8 = 120,
 * T'(S) = 2·20/10⁴ = 0.004, and shard 1's surrogate is (2/8)·CE_1 + 0.004·(2/8)·S_1.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LossOptions, LossParts, SynopObjective } from './loss';
import type { TrainNet } from './net';

/** `T'(S)`: the derivative of the SynOp term at `s`. */
export function synopTermSlope(objective: SynopObjective, s: number): number {
  if (objective.kind === 'target') return (2 * (s - objective.target)) / (objective.target * objective.target);
  if (objective.kind === 'penalty') return objective.lambda;
  return 0;
}

/** What a shard reports besides its gradients: `[CE_k, S_k, correct_k, (wd/2)·Σw², per connection…]` (per-sample means of the shard). */
export type ShardStats = Float32Array;

/** The parts of a batch's loss a shard needs (`lossParts`, or `timeLossParts` through time). */
export type ShardParts = Pick<LossParts, 'ce' | 'synops' | 'perConnection' | 'correct'>;

/**
 * Gradients (by variable name) of a shard of `rows.n` samples of a batch of `rows.total`, whose loss parts
 * `parts` builds (inside the gradient tape), and its statistics. `exchange` is called once, mid-step, with
 * `n_k·S_k` and must return `Σ_k n_k·S_k`.
 */
export function shardGradients(net: TrainNet, rows: { n: number; total: number }, parts: () => ShardParts, opts: LossOptions, exchange: (weightedS: number) => number): { grads: Map<string, Float32Array>; stats: ShardStats } {
  const share = rows.n / rows.total;
  let stats: ShardStats | undefined;
  const vars = [...net.vars.values()];
  const { value, grads } = tf.tidy(() => tf.variableGrads(() => {
    const { ce, synops, perConnection, correct } = parts();
    const sk = synops.dataSync()[0];
    const slope = synopTermSlope(opts.objective, exchange(rows.n * sk) / rows.total);
    let surrogate = tf.mul(tf.add(ce, tf.mul(synops, slope)), share);
    let wd = 0;
    if (opts.weightDecay) {
      const sq = tf.mul(tf.addN(vars.map((v) => tf.sum(tf.square(v)))), opts.weightDecay / 2);
      wd = sq.dataSync()[0];
      surrogate = tf.add(surrogate, tf.mul(sq, share));
    }
    const head = Float32Array.of(ce.dataSync()[0], sk, correct.dataSync()[0], wd);
    const per = perConnection.dataSync();
    stats = new Float32Array(head.length + per.length);
    stats.set(head);
    stats.set(per, head.length);
    return surrogate as tf.Scalar;
  }, vars));
  value.dispose();
  const out = new Map<string, Float32Array>();
  for (const [name, v] of net.vars) out.set(name, grads[v.name].dataSync() as Float32Array);
  tf.dispose(grads);
  return { grads: out, stats: stats! };
}
