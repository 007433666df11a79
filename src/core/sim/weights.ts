import { kernelSize, isWeightLayer, type ModelFile } from '../model/types';
import type { LayerStats } from '../model/shapes';

/**
 * The weights of one weight layer, in PyTorch layout: conv `[out, in, kH, kW]`, linear `[out, in]`,
 * row-major float32. `bias` has `out` elements when the layer has a bias.
 */
export interface LayerWeights {
  shape: number[];
  weight: Float32Array;
  bias?: Float32Array;
}

/** Weights of a model, by layer name (the model file's `name` of each conv2d/linear layer). */
export type ModelWeights = Record<string, LayerWeights>;

/** The PyTorch-layout weight shape a weight layer needs: conv `[C_out, C_in, kH, kW]`, linear `[out, in]`. */
export function expectedWeightShape(model: Pick<ModelFile, 'layers'>, stats: LayerStats[], index: number): number[] {
  const layer = model.layers[index];
  const inShape = stats[index].inShape;
  if (layer.type === 'conv2d') return [layer.outChannels, inShape[0], ...kernelSize(layer)];
  if (layer.type === 'linear') return [layer.outFeatures, inShape[0]];
  throw new Error(`layer ${index} "${layer.name}" (${layer.type}) has no weights`);
}

/**
 * Checks that `weights` has exactly the model's weight layers with the right shapes, element counts and
 * biases; throws an error that names the layer and what to fix.
 */
export function checkWeights(model: Pick<ModelFile, 'layers'>, stats: LayerStats[], weights: ModelWeights): void {
  const wanted = new Set<string>();
  model.layers.forEach((layer, index) => {
    if (!isWeightLayer(layer)) return;
    wanted.add(layer.name);
    const w = weights[layer.name];
    if (!w) throw new Error(`no weights for layer "${layer.name}"; the weight file must have one entry per conv2d/linear layer, named like the model file's layers`);
    const shape = expectedWeightShape(model, stats, index);
    const n = shape.reduce((a, b) => a * b, 1);
    if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`weights of layer "${layer.name}" have shape [${w.shape.join(', ')}], the model needs [${shape.join(', ')}] (PyTorch layout)`);
    }
    if (w.weight.length !== n) throw new Error(`weights of layer "${layer.name}" have ${w.weight.length} values, shape [${shape.join(', ')}] needs ${n}`);
    const outs = shape[0];
    if (layer.bias && (!w.bias || w.bias.length !== outs)) throw new Error(`layer "${layer.name}" has bias: true but its weights bring ${w.bias ? `${w.bias.length} bias values instead of ${outs}` : 'no bias'}`);
    if (!layer.bias && w.bias) throw new Error(`layer "${layer.name}" has no bias in the model file but its weights bring one; set "bias": true or drop it`);
  });
  for (const name of Object.keys(weights)) {
    if (!wanted.has(name)) throw new Error(`weights name a layer "${name}" that is not a conv2d/linear layer of the model`);
  }
}
