/**
 * The gradient of a non-overlapping average pooling (kernel = stride, 'valid', the only pooling the model
 * builder emits) as broadcasting ops, for the backends whose `AvgPoolGrad` kernel is slow: on wasm it was
 * 22 % of a training step of the MNIST-DVS network (a window loop per input element). With windows that do
 * not overlap, every input element of a window gets `dy / k²` of that window, and the rows and columns past
 * the last window (a 29-wide input pooled by 2 leaves one) get 0:
 *   `dx[b, y, x, c] = dy[b, ⌊y/k⌋, ⌊x/k⌋, c] / k²` for `y < oh·k, x < ow·k`, else 0.
 * Example (k = 2, one channel, a 3×3 input → 1×1 output, dy = 8): dx = [[2, 2, 0], [2, 2, 0], [0, 0, 0]].
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';

/** `dx` `[B, H, W, C]` of an average pooling with kernel = stride = `k`, 'valid', from `dy` `[B, oh, ow, C]`. */
export function avgPoolGradNonOverlapping(xShape: readonly number[], dy: tf.Tensor4D, k: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, oh, ow, c] = dy.shape;
    const [, h, w] = xShape;
    const spread = tf.mul(tf.reshape(dy, [b, oh, 1, ow, 1, c]), tf.fill([1, 1, k, 1, k, 1], 1 / (k * k)));
    const up = tf.reshape(spread, [b, oh * k, ow * k, c]) as tf.Tensor4D;
    return h === oh * k && w === ow * k ? up : tf.pad(up, [[0, 0], [0, h - oh * k], [0, w - ow * k], [0, 0]]);
  });
}

let stockGrad: tf.GradConfig | undefined;

/** Backends on which the replacement runs (tfjs-node keeps its native kernel). */
const REPLACED_ON = new Set(['wasm', 'cpu']);

/** Registers the gradient of `AvgPool` above where it applies (idempotent); elsewhere tfjs' own gradient runs. */
export function installPoolGradients(): void {
  if (stockGrad) return;
  stockGrad = tf.getGradient('AvgPool');
  const stock = stockGrad;
  tf.unregisterGradient('AvgPool');
  tf.registerGradient({
    kernelName: 'AvgPool',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as { filterSize: number | [number, number]; strides: number | [number, number]; pad: unknown; dimRoundingMode?: string };
      const f = typeof a.filterSize === 'number' ? [a.filterSize, a.filterSize] : a.filterSize;
      const s = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
      const usable = REPLACED_ON.has(tf.getBackend()) && a.pad === 'valid' && !a.dimRoundingMode
        && f[0] === f[1] && s[0] === f[0] && s[1] === f[1] && (dy as tf.Tensor).rank === 4;
      if (!usable) return stock.gradFunc(dy, saved, attrs);
      const [x] = saved;
      return { x: () => avgPoolGradNonOverlapping(x.shape, dy as tf.Tensor4D, f[0]) };
    },
  });
}
