import type { LayerSpec, ModelFile } from '../../src/core/model/types';
import { framesInput, type SpikeInput } from '../../src/core/sim/input';
import type { ModelWeights } from '../../src/core/sim/weights';

/** A small event-input model. */
export function net(layers: LayerSpec[], shape: number[], spikingOutput = false): Pick<ModelFile, 'input' | 'layers' | 'spikingOutput'> {
  return { input: { kind: 'events', shape, chunkEvents: 10, dtMs: 1 }, layers, spikingOutput };
}

/** Weights from plain arrays. */
export function w(entries: Record<string, { shape: number[]; data: number[]; bias?: number[] }>): ModelWeights {
  const out: ModelWeights = {};
  for (const [k, v] of Object.entries(entries)) out[k] = { shape: v.shape, weight: Float32Array.from(v.data), bias: v.bias ? Float32Array.from(v.bias) : undefined };
  return out;
}

/** Input from per-step frames. */
export function frames(steps: number[][], shape: number[]): SpikeInput {
  return framesInput(steps.flat(), shape, steps.length);
}
