import { layerStats, type LayerStats } from '../../src/core/model/shapes';
import type { LayerSpec, ModelFile } from '../../src/core/model/types';
import { framesInput, type SpikeInput } from '../../src/core/sim/input';
import { expectedWeightShape, type ModelWeights } from '../../src/core/sim/weights';
import type { LayerWeights } from '../../src/core/sim/weights';

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

/** The shape of a random network of the engines' property tests. */
export interface RandomNet {
  c: number; h: number; w: number; k: number; stride: number; pad: number; oc: number; bias: boolean;
  pool: 'none' | 'avg-after' | 'avg-before' | 'sum-after'; second: boolean; oc2: number; classes: number;
}

/**
 * conv (bias optional) → relu, with average or sum pooling before or after it → [conv 2×2 → relu] → flatten →
 * linear (bias with `linearBias`) → spiking output, and weights from `weight(layer, shape)`; undefined when a
 * shape collapses to nothing.
 */
export function randomNet(p: RandomNet, weight: (layer: LayerSpec, shape: number[]) => ModelWeights[string], linearBias = false) {
  const layers: LayerSpec[] = [{ type: 'conv2d', name: 'c1', outChannels: p.oc, kernel: p.k, stride: p.stride, padding: p.pad, bias: p.bias }];
  const pool: LayerSpec = { type: p.pool === 'sum-after' ? 'sumpool' : 'avgpool', name: 'p1', kernel: 2 };
  if (p.pool === 'avg-before') layers.push(pool);
  layers.push({ type: 'relu', name: 'r1' });
  if (p.pool === 'avg-after' || p.pool === 'sum-after') layers.push(pool);
  if (p.second) layers.push({ type: 'conv2d', name: 'c2', outChannels: p.oc2, kernel: 2, padding: 1 }, { type: 'relu', name: 'r2' });
  layers.push({ type: 'flatten', name: 'f' }, { type: 'linear', name: 'fc', outFeatures: p.classes, bias: linearBias });
  const model = net(layers, [p.c, p.h, p.w], true);
  let stats: LayerStats[];
  try { stats = layerStats(model); } catch { return undefined; }
  if (stats.some((s) => s.outShape.some((d) => d < 1))) return undefined;
  const weights: ModelWeights = {};
  model.layers.forEach((l, i) => {
    if (l.type === 'conv2d' || l.type === 'linear') weights[l.name] = weight(l, expectedWeightShape(model, stats, i));
  });
  return { model, weights };
}

/**
 * A random network of `randomNet` with a second conv, its weights uniform in [(−shift)·0.9, (2 − shift)·0.9)
 * and conv biases in [−0.05, 0.15), all from `rand`, and `steps` frames of input where each pixel holds 1 or 2
 * events with probability `density`; null when a shape collapses.
 */
export function randomEventNet(p: RandomNet & { c: number; h: number; w: number; steps: number }, rand: () => number, shift: number, density: number) {
  const built = randomNet({ ...p, second: true }, (l, shape) => ({
    shape, weight: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.fround((rand() * 2 - shift) * 0.9)),
    bias: l.type === 'conv2d' && l.bias ? Float32Array.from({ length: shape[0] }, () => Math.fround(rand() * 0.2 - 0.05)) : undefined,
  }));
  if (!built) return null;
  const size = p.c * p.h * p.w;
  const input = framesInput(Array.from({ length: p.steps * size }, () => (rand() < density ? 1 + Math.floor(rand() * 2) : 0)), [p.c, p.h, p.w], p.steps);
  return { ...built, input };
}

/**
 * A reference for the summed input current of a linear output layer, in plain loops: the layer `fc` applied
 * to the previous spiking layer's total spike counts (`counts`, channels-first `shape`), through a 2×2
 * pooling (floor mode, ÷4 for an average) when one sits between, plus the bias of every step:
 * `Σ_i W[o,i]·x_i + steps·b_o`. The layer is linear, so this is `Σ_t (W·x_t + b)`.
 */
export function linearOfCounts(counts: ArrayLike<number>, shape: number[], pool: 'avg' | 'sum' | null, fc: LayerWeights, steps: number): number[] {
  let x = Array.from(counts);
  if (pool !== null) {
    const [c, h, wd] = shape;
    x = [];
    for (let ch = 0; ch < c; ch++) for (let oy = 0; oy < Math.floor(h / 2); oy++) for (let ox = 0; ox < Math.floor(wd / 2); ox++) {
      let sum = 0;
      for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) sum += counts[(ch * h + 2 * oy + dy) * wd + 2 * ox + dx];
      x.push(pool === 'avg' ? sum / 4 : sum);
    }
  }
  const [nOut, nIn] = fc.shape;
  if (x.length !== nIn) throw new Error(`linearOfCounts: ${x.length} inputs, the layer takes ${nIn}`);
  return Array.from({ length: nOut }, (_, o) => {
    let sum = 0;
    for (let i = 0; i < nIn; i++) sum += fc.weight[o * nIn + i] * x[i];
    return sum + steps * (fc.bias?.[o] ?? 0);
  });
}
