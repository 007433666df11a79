/**
 * QReLU (eq. 3–4 of the paper): forward `floor(max(x, 0))`, the spike count an integrate-and-fire neuron
 * with threshold 1 emits for a total input x; backward the ReLU gradient (straight-through):
 * `∂L/∂x = ∂L/∂y · [x > 0]`. Any shape.
 */
import * as tf from '@tensorflow/tfjs-core';

export const qrelu: (x: tf.Tensor) => tf.Tensor = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.floor(tf.relu(x)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.step(saved[0])),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;
