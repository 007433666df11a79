/**
 * Convolution gradients written as forward convolutions, for backends whose own backprop kernels are
 * missing or slow: `@tensorflow/tfjs-backend-wasm` 4.22 has no `Conv2DBackpropFilter` (a conv net cannot
 * train there) and its `Conv2DBackpropInput` is ~10× slower than a forward convolution; the pure-JS cpu
 * backend's filter gradient is its bottleneck. Layout NHWC, filters `[kH, kW, C_in, C_out]`.
 *
 * - Filter gradient: `dW[i, j, c, o] = Σ_b Σ_{y, x} x_pad[b, y·s + i, x·s + j, c] · dy[b, y, x, o]`, which is
 *   one convolution with the batch as channels: the padded input transposed to `[C_in, H_p, W_p, B]`
 *   convolved ('valid', dilation s) with dy transposed to `[OH, OW, B, C_out]`, giving `[C_in, kH', kW', C_out]`
 *   (kH' ≥ kH when floor mode left rows unused; those are sliced off).
 * - Input gradient: `dx = conv(dilate_s(dy), flip(W)ᵀ)`, the output gradient with s − 1 zeros between its
 *   elements, padded by `kH − 1 − pad_top` (and what makes the result H high), convolved with the spatially
 *   flipped filter whose in/out channels are swapped.
 *
 * `installConvGradients()` makes the gradient of `Conv2D` on the wasm and cpu backends: on wasm with SIMD the
 * kernels of `kernels/wasm-conv.ts` (one pass each, in place on the backend's memory; 3–13× faster than the
 * functions above on the MNIST-DVS net's filter gradients, 1.8–3× on its input gradients), elsewhere the
 * functions above; any other backend (tfjs-node) keeps tfjs' own gradient, which calls its native kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients by itself (the tfjs union package imports this file).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { filterGradWasm, inputGradWasm, registerWasmConvKernels, wasmConvReady } from './kernels/wasm-conv';

export type Pad4 = { top: number; bottom: number; left: number; right: number };

/** Padding tfjs uses for a conv2d with `pad` ('same' | 'valid' | explicit number) on an `h × w` input. */
export function convPadding(h: number, w: number, kh: number, kw: number, stride: number, pad: 'same' | 'valid' | number): Pad4 {
  const info = tf.backend_util.computeConv2DInfo([1, h, w, 1], [kh, kw, 1, 1], [stride, stride], 1, pad as 'same');
  return { top: info.padInfo.top, bottom: info.padInfo.bottom, left: info.padInfo.left, right: info.padInfo.right };
}

/**
 * Gradient of a conv2d's filter. `x` `[B, H, W, C_in]`, `dy` `[B, OH, OW, C_out]`; returns `[kH, kW, C_in, C_out]`.
 */
export function filterGradAsConv(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], stride: number, pad: 'same' | 'valid' | number): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filterShape;
    const [, h, w] = x.shape;
    const [, oh, ow] = dy.shape;
    const p = convPadding(h, w, kh, kw, stride, pad);
    // Rows and columns past the last window never reach the output; leaving them out keeps kH' = kH.
    const usedH = (oh - 1) * stride + kh;
    const usedW = (ow - 1) * stride + kw;
    let xp: tf.Tensor4D = p.top || p.bottom || p.left || p.right ? tf.pad(x, [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]]) : x;
    if (xp.shape[1] !== usedH || xp.shape[2] !== usedW) xp = tf.slice(xp, [0, 0, 0, 0], [-1, usedH, usedW, -1]);
    const xt = tf.transpose(xp, [3, 1, 2, 0]); // [C_in, H_p, W_p, B]
    const dyt = tf.transpose(dy, [1, 2, 0, 3]); // [OH, OW, B, C_out]
    const g = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', [stride, stride]); // [C_in, kH, kW, C_out]
    return tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** `dy` `[B, OH, OW, C]` with `s − 1` zeros between elements along H and W: `[B, (OH−1)·s + 1, (OW−1)·s + 1, C]`. */
export function dilateSpatial(dy: tf.Tensor4D, s: number): tf.Tensor4D {
  if (s === 1) return dy;
  return tf.tidy(() => {
    const [b, oh, ow, c] = dy.shape;
    const e = tf.reshape(dy, [b, oh, 1, ow, 1, c]);
    const padded = tf.pad(e, [[0, 0], [0, 0], [0, s - 1], [0, 0], [0, s - 1], [0, 0]]);
    const flat = tf.reshape(padded, [b, oh * s, ow * s, c]);
    return tf.slice(flat, [0, 0, 0, 0], [-1, (oh - 1) * s + 1, (ow - 1) * s + 1, -1]) as tf.Tensor4D;
  });
}

/** Gradient of a conv2d's input. `dy` `[B, OH, OW, C_out]`, `filter` `[kH, kW, C_in, C_out]`; returns `[B, H, W, C_in]`. */
export function inputGradAsConv(xShape: [number, number, number, number], dy: tf.Tensor4D, filter: tf.Tensor4D, stride: number, pad: 'same' | 'valid' | number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = xShape;
    const [kh, kw] = filter.shape;
    const p = convPadding(h, w, kh, kw, stride, pad);
    const d = dilateSpatial(dy, stride);
    const top = kh - 1 - p.top;
    const left = kw - 1 - p.left;
    const bottom = h + kh - 1 - d.shape[1] - top;
    const right = w + kw - 1 - d.shape[2] - left;
    // Negative amounts (never for valid convs, kept for safety) become a crop.
    let dp = tf.pad(d, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]]);
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      dp = tf.slice(dp, [0, Math.max(0, -top), Math.max(0, -left), 0], [-1, h + kh - 1, w + kw - 1, -1]);
    }
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [kH, kW, C_out, C_in]
    return tf.conv2d(dp, flipped, 1, 'valid');
  });
}

let stockGrad: tf.GradConfig | undefined;

/** Backends on which the replacement gradients run. */
export const REPLACED_ON = new Set(['wasm', 'cpu']);

/**
 * Registers the gradient of `Conv2D` built from the functions above (idempotent). tfjs-node and any other
 * backend keep the stock gradient. Only NHWC, dilation 1 (what the model builder emits) take the new path.
 */
export function installConvGradients(): void {
  if (stockGrad) return;
  registerWasmConvKernels();
  stockGrad = tf.getGradient('Conv2D');
  const stock = stockGrad;
  tf.unregisterGradient('Conv2D');
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as { strides: number | [number, number]; pad: 'same' | 'valid' | number; dataFormat: string; dilations: number | [number, number]; dimRoundingMode?: string };
      const strides = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
      const dil = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : (a.dilations ?? [1, 1]);
      const usable = REPLACED_ON.has(tf.getBackend()) && strides[0] === strides[1] && dil[0] === 1 && dil[1] === 1
        && a.dataFormat !== 'NCHW' && (typeof a.pad !== 'object') && !a.dimRoundingMode;
      if (!usable) return stock.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const g = dy as tf.Tensor4D;
      if (wasmConvReady()) {
        return {
          x: () => inputGradWasm(x.shape, g, filter, strides[0], a.pad),
          filter: () => filterGradWasm(x, g, filter.shape, strides[0], a.pad),
        };
      }
      return {
        x: () => inputGradAsConv(x.shape, g, filter, strides[0], a.pad),
        filter: () => filterGradAsConv(x, g, filter.shape, strides[0], a.pad),
      };
    },
  });
}
