/**
 * Weights in the simulator's (PyTorch) layout written as a TF.js layers-format model (`model.json` +
 * `weights.bin`, channels-last, `<layer>/kernel` and `<layer>/bias`): the inverse of what
 * `sim/tfjs-weights.ts` reads, so `synops simulate --weights` and the other commands load an imported
 * network like a trained one. Written atomically, `model.json` last.
 */
import { join } from 'node:path';
import { writeAtomic } from '../atomic';
import { layerStats } from '../../core/model/shapes';
import type { ModelFile } from '../../core/model/types';
import { kerasTopology, packArrays, type NamedArray } from '../../core/train/weightsFormat';
import type { ModelWeights } from '../../core/sim/weights';

/** Writes `dir/model.json` and `dir/weights.bin` for `model` with `weights`; returns the path of `model.json`. */
export function writeTfjsWeights(dir: string, model: ModelFile, weights: ModelWeights, metadata: Record<string, unknown> = {}): string {
  const stats = layerStats(model);
  const arrays: NamedArray[] = [];
  model.layers.forEach((l, index) => {
    if (l.type !== 'conv2d' && l.type !== 'linear') return;
    const w = weights[l.name];
    if (l.type === 'conv2d') {
      const [o, i, kh, kw] = w.shape;
      const k = new Float32Array(w.weight.length);
      for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) for (let c = 0; c < i; c++) for (let d = 0; d < o; d++) {
        k[((a * kw + b) * i + c) * o + d] = w.weight[((d * i + c) * kh + a) * kw + b];
      }
      arrays.push({ name: `${l.name}/kernel`, shape: [kh, kw, i, o], data: k });
    } else {
      const [o, i] = w.shape;
      const chw = flattenedFrom(model, stats, index);
      const k = new Float32Array(w.weight.length);
      for (let r = 0; r < i; r++) {
        // Row r of the model (channels-first order) goes to row dst of the channels-last TF.js kernel.
        let dst = r;
        if (chw) { const [c, h, ww] = chw; dst = (r % (h * ww)) * c + Math.floor(r / (h * ww)); }
        for (let d = 0; d < o; d++) k[dst * o + d] = w.weight[d * i + r];
      }
      arrays.push({ name: `${l.name}/kernel`, shape: [i, o], data: k });
    }
    if (w.bias) arrays.push({ name: `${l.name}/bias`, shape: [w.bias.length], data: w.bias });
  });
  const { bytes, specs } = packArrays(arrays);
  writeAtomic(join(dir, 'weights.bin'), bytes);
  const topology = kerasTopology({ model, stats }, 'model') as { config: { layers: { config: Record<string, unknown> }[] } };
  for (const layer of topology.config.layers) {
    const spec = model.layers.find((l) => l.name === layer.config.name);
    if (spec && (spec.type === 'conv2d' || spec.type === 'linear')) layer.config.use_bias = !!weights[spec.name]?.bias;
  }
  const json = { format: 'layers-model', generatedBy: 'SynOps Studio', convertedBy: null, modelTopology: topology, weightsManifest: [{ paths: ['weights.bin'], weights: specs }], userDefinedMetadata: metadata };
  const path = join(dir, 'model.json');
  writeAtomic(path, JSON.stringify(json));
  return path;
}

/** The `[C, H, W]` a linear layer's input was flattened from (as `sim/tfjs-weights.ts` finds it). */
function flattenedFrom(model: ModelFile, stats: ReturnType<typeof layerStats>, index: number): number[] | undefined {
  for (let j = index - 1; j >= 0; j--) {
    const l = model.layers[j];
    if (l.type === 'flatten') return stats[j].inShape.length === 3 ? stats[j].inShape : undefined;
    if (l.type !== 'dropout' && l.type !== 'relu' && l.type !== 'qrelu') return undefined;
  }
  return undefined;
}
