// A tiny event model for the N-MNIST-sized halves dataset (halves-dataset.ts) and TF.js weights for it,
// written by hand: flatten the 34×34 input, one linear layer to `outputs` classes, ReLU.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function tinyModel(over: { chunkEvents?: number; outputs?: number; shape?: number[]; sensor?: number[]; name?: string } = {}): Record<string, unknown> {
  const { chunkEvents = 100, outputs = 2, shape = [1, 34, 34], sensor, name = 'tiny' } = over;
  return {
    format: 'synops-model', version: 1, name,
    input: { kind: 'events', shape, chunkEvents, dtMs: 1, ...(sensor ? { sensor } : {}) },
    layers: [
      { type: 'conv2d', name: 'c1', outChannels: 2, kernel: 3, stride: 3 },
      { type: 'relu', name: 'r1' },
      { type: 'flatten', name: 'f' },
      { type: 'linear', name: 'fc', outFeatures: outputs },
      { type: 'relu', name: 'r2' },
    ],
    training: { epochs: 1, batchSize: 8, seed: 1 },
    conversion: { finetune: false },
  };
}

/** Writes `model.json` + `weights.bin` (TF.js layout) for `tinyModel()` on a 34×34 input into `dir`; `fill(i)` gives each value. */
export function writeTinyWeights(dir: string, fill: (name: string, i: number) => number = () => 0.01, outputs = 2): string {
  mkdirSync(dir, { recursive: true });
  // conv 3×3 stride 3 on 34×34 → 2×11×11 = 242 features.
  const specs = [{ name: 'c1/kernel', shape: [3, 3, 1, 2], dtype: 'float32' }, { name: 'fc/kernel', shape: [242, outputs], dtype: 'float32' }];
  const arrays = specs.map((s) => Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, (_, i) => fill(s.name, i)));
  const bytes = Buffer.concat(arrays.map((a) => Buffer.from(a.buffer)));
  writeFileSync(join(dir, 'weights.bin'), bytes);
  const file = join(dir, 'model.json');
  writeFileSync(file, JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: specs }] }));
  return file;
}
