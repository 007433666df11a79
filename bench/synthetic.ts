import type { ModelFile } from '../src/core/model/types';
import { layerStats } from '../src/core/model/shapes';
import { expectedWeightShape, type ModelWeights } from '../src/core/sim/weights';
import type { EventChunk } from '../src/core/sim/input';

/** A seeded uniform generator in [0, 1) (LCG; reproducible benchmarks, not statistics). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

/**
 * Synthetic benchmark data when the shared data is absent: Kaiming-uniform weights (bound √(6 / fan_in)),
 * and for event input 3000 events over 300 ms from a blob moving across the frame plus 10 % noise;
 * for image input uniform pixels in [−1, 1).
 */
export function syntheticCase(model: ModelFile, seed: number): { weights: ModelWeights; events?: EventChunk; image?: Float32Array } {
  const r = rng(seed);
  const stats = layerStats(model);
  const weights: ModelWeights = {};
  model.layers.forEach((l, i) => {
    if (l.type !== 'conv2d' && l.type !== 'linear') return;
    const shape = expectedWeightShape(model, stats, i);
    const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
    const bound = Math.sqrt(6 / fanIn);
    weights[l.name] = { shape, weight: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (2 * r() - 1) * bound) };
  });
  const [c, h, w] = model.input.shape;
  if (model.input.kind === 'image') return { weights, image: Float32Array.from({ length: c * h * w }, () => 2 * r() - 1) };
  const n = 3000;
  const x: number[] = []; const y: number[] = []; const t: number[] = [];
  for (let e = 0; e < n; e++) {
    const ms = Math.floor((e / n) * 300);
    const noise = r() < 0.1;
    const cx = 14 + (36 * ms) / 300;
    const cy = h / 2 + 14 * Math.sin((2 * Math.PI * ms) / 300);
    const gx = noise ? r() * w : cx + 4 * (r() + r() + r() - 1.5);
    const gy = noise ? r() * h : cy + 4 * (r() + r() + r() - 1.5);
    x.push(Math.min(w - 1, Math.max(0, Math.floor(gx)))); y.push(Math.min(h - 1, Math.max(0, Math.floor(gy)))); t.push(ms * 1000);
  }
  return { weights, events: { x, y, t } };
}
