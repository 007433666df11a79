import { kernelSize, type LayerSpec, type ModelFile, type Shape } from './types';

/** Static facts of one layer of a model, in the order of `model.layers`. */
export interface LayerStats {
  index: number;
  name: string;
  type: LayerSpec['type'];
  inShape: Shape;
  outShape: Shape;
  /** Trainable parameters (weights, plus biases where enabled). */
  params: number;
  /** Multiply-accumulates of the dense ANN for one forward pass (weight layers only). */
  macs: number;
}

/** A shape that cannot be computed, with the layer that causes it. */
export class ShapeError extends Error {
  constructor(readonly layerIndex: number, readonly field: string | undefined, message: string) {
    super(message);
  }
}

export function numel(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Output side of a floor-mode sliding window: `floor((n + 2p − k) / s) + 1`. */
export function windowOut(n: number, k: number, s: number, p: number): number {
  return Math.floor((n + 2 * p - k) / s) + 1;
}

/**
 * Propagates the input shape through the layers and counts parameters and MACs.
 * A conv layer `[C_in, H, W] → [C_out, H', W']` has `C_out·C_in·kH·kW` weights and does that many MACs at
 * each of its `H'·W'` output positions; a linear layer has `in·out` of both.
 * Throws a `ShapeError` naming the first layer whose shape is impossible.
 */
export function layerStats(model: Pick<ModelFile, 'input' | 'layers'>): LayerStats[] {
  let shape: Shape = [...model.input.shape];
  const stats: LayerStats[] = [];
  model.layers.forEach((layer, index) => {
    const inShape = shape;
    let params = 0;
    let macs = 0;
    const fail = (field: string | undefined, msg: string): never => {
      throw new ShapeError(index, field, `layer ${index} "${layer.name}" (${layer.type}): ${msg}`);
    };
    switch (layer.type) {
      case 'conv2d': {
        if (inShape.length !== 3) fail(undefined, `needs a [channels, height, width] input but gets [${inShape.join(', ')}]; remove the flatten before it or use a linear layer`);
        const [c, h, w] = inShape;
        const [kh, kw] = kernelSize(layer);
        const s = layer.stride ?? 1;
        const p = layer.padding ?? 0;
        if (kh > h + 2 * p || kw > w + 2 * p) {
          fail('kernel', `kernel ${kh}×${kw} is larger than its ${h}×${w} input${p ? ` padded by ${p}` : ''}; use a kernel of at most ${h + 2 * p} or more padding`);
        }
        const oh = windowOut(h, kh, s, p);
        const ow = windowOut(w, kw, s, p);
        shape = [layer.outChannels, oh, ow];
        const perPosition = c * kh * kw * layer.outChannels;
        params = perPosition + (layer.bias ? layer.outChannels : 0);
        macs = perPosition * oh * ow;
        break;
      }
      case 'linear': {
        if (inShape.length !== 1) fail(undefined, `needs a flat input but gets [${inShape.join(', ')}]; add a flatten layer before it`);
        params = inShape[0] * layer.outFeatures + (layer.bias ? layer.outFeatures : 0);
        macs = inShape[0] * layer.outFeatures;
        shape = [layer.outFeatures];
        break;
      }
      case 'avgpool':
      case 'sumpool': {
        if (inShape.length !== 3) fail(undefined, `needs a [channels, height, width] input but gets [${inShape.join(', ')}]`);
        const [c, h, w] = inShape;
        const k = layer.kernel;
        const s = layer.stride ?? k;
        if (k > h || k > w) fail('kernel', `pooling ${k}×${k} does not fit its ${h}×${w} input; use a kernel of at most ${Math.min(h, w)}`);
        shape = [c, windowOut(h, k, s, 0), windowOut(w, k, s, 0)];
        break;
      }
      case 'flatten':
        shape = [numel(inShape)];
        break;
      case 'relu':
      case 'qrelu':
      case 'dropout':
        break;
      default: {
        const t: never = layer;
        fail('type', `unknown layer type ${JSON.stringify((t as LayerSpec).type)}`);
      }
    }
    stats.push({ index, name: layer.name, type: layer.type, inShape, outShape: shape, params, macs });
  });
  return stats;
}
