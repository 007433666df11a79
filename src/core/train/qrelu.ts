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

/**
 * QCFS's quantizer at threshold 1 (Bu et al. 2022, with L = θ = 1 and no upper clip, as our neurons fire
 * several spikes per step): forward `floor(max(x, 0) + ½)`, the spike count of an integrate-and-fire neuron
 * that starts at θ/2 = ½ and receives a total input x ≥ 0 evenly; backward the ReLU gradient, as `qrelu`.
 * Examples: 0.4 → 0, 0.5 → 1, 1.49 → 1, −3 → 0.
 */
export const qround: (x: tf.Tensor) => tf.Tensor = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.floor(tf.add(tf.relu(x), 0.5)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.step(saved[0])),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

/** `floor`: the paper's QReLU (spiking neurons start at 0); `round`: QCFS (they start at θ/2). Never mixed. */
export type Quantizer = 'floor' | 'round';

export function quantize(x: tf.Tensor, q: Quantizer): tf.Tensor {
  return q === 'round' ? qround(x) : qrelu(x);
}

/** The membrane a spiking neuron starts at so that it counts as `q` quantizes (threshold 1). */
export function initialMembraneOf(q: Quantizer): number {
  return q === 'round' ? 0.5 : 0;
}

/** `q` on one number (for readouts computed on the host side of a tensor). */
export function quantizeNumber(x: number, q: Quantizer): number {
  return Math.floor(Math.max(x, 0) + (q === 'round' ? 0.5 : 0));
}
