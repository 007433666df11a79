/**
 * The model file is channels-first (`[C, H, W]`, PyTorch/Sinabs); tfjs here runs channels-last
 * (`[B, H, W, C]`), and a flatten of NHWC lists features in `(h, w, c)` order. `TensorLayout` says how a
 * layer output's elements are ordered in its tensor, so per-element maps (fan-out) can be moved between
 * the two orders.
 */
import type { Shape } from '../model/types';

/** `image`: an NHWC tensor of the `[C, H, W]` shape; `flat`: `[B, F]`, flattened from `[C, H, W]` in hwc order when `from` is set. */
export type TensorLayout = { kind: 'image'; chw: Shape } | { kind: 'flat'; features: number; from?: Shape };

/** For each tensor element (per sample, row-major), the channels-first index it holds. */
export function tensorToChw(layout: TensorLayout): Int32Array {
  const chw = layout.kind === 'image' ? layout.chw : layout.from;
  if (!chw) {
    const n = layout.kind === 'flat' ? layout.features : 0;
    return Int32Array.from({ length: n }, (_, i) => i);
  }
  const [c, h, w] = chw;
  const out = new Int32Array(c * h * w);
  let k = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) out[k++] = (ch * h + y) * w + x;
  return out;
}

/** Reorders a channels-first per-element map into tensor order. */
export function chwToTensorOrder(values: ArrayLike<number>, layout: TensorLayout): Float32Array {
  const idx = tensorToChw(layout);
  if (idx.length !== values.length) throw new Error(`map has ${values.length} elements, the layer has ${idx.length}`);
  const out = new Float32Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = values[idx[k]];
  return out;
}

/** Reorders one sample's values from tensor order into channels-first order. */
export function tensorToChwOrder(values: ArrayLike<number>, layout: TensorLayout): Float64Array {
  const idx = tensorToChw(layout);
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[idx[k]] = values[k];
  return out;
}
