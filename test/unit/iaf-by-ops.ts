// The integrate-and-fire recurrence through time unrolled in tfjs ops, one bin at a time: the reference the
// fused `iafThroughTime` (train-through-time.test.ts) and the wasm kernels of `iaf-layer.ts`
// (train-iaf-layer.test.ts) are held to.
import * as tf from '@tensorflow/tfjs-core';
import { qrelu } from '../../src/core/train/qrelu';

/** Identity forward, zero gradient: the reset's detach. */
const detach = tf.customGrad(((x: tf.Tensor) => ({ value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/**
 * The spikes of `current` `[B·T, …]` (sample-major) from `v0`: v ← v + I_t; s_t = QReLU(v); v ← v − detach(s_t),
 * in float32; its gradient is tfjs' autodiff of those ops.
 */
export function iafByOps(current: tf.Tensor, batch: number, bins: number, v0: number): tf.Tensor {
  const per = current.size / (batch * bins);
  const steps = tf.unstack(tf.reshape(current, [batch, bins, per]), 1);
  let v: tf.Tensor = tf.fill([batch, per], v0);
  const spikes = steps.map((i) => {
    v = tf.add(v, i);
    const s = qrelu(v);
    v = tf.sub(v, detach(s));
    return s;
  });
  return tf.reshape(tf.stack(spikes, 1), current.shape);
}
