/**
 * Samples as the spiking network sees them, on coarse time bins, for training through time: each sample's
 * 1 ms (`dtMs`) steps — exactly the steps the simulator runs (`snnInput`) — grouped into `bins` bins of equal
 * length, step `t` of `T` into bin `⌊t·bins/T⌋`; an image's constant current `x / steps` repeated over its
 * `steps` steps (then `bins` = steps). Frames are NHWC float32 `[n, bins, H, W, C]`.
 */
import { numel } from '../model/shapes';
import type { ModelFile } from '../model/types';
import type { SpikeInput } from '../sim/input';
import { snnInput, type RecordingCache, type SampleSet } from './samples';

export interface BinnedSet {
  /** Bins per sample. */
  bins: number;
  /** `[C, H, W]` of the model input. */
  shape: number[];
  n: number;
  /** `[n, bins, H, W, C]`. */
  x: Float32Array;
  y: Int32Array;
}

/**
 * Sums a sample's steps into `bins` coarse bins, NHWC `[bins, H, W, C]`. Hand-checked case: 4 steps into
 * 2 bins put steps 0, 1 in bin 0 (⌊0·2/4⌋ = ⌊1·2/4⌋ = 0) and steps 2, 3 in bin 1.
 */
export function coarseBins(input: SpikeInput, bins: number): Float32Array {
  const [c, h, w] = input.shape.length === 3 ? input.shape : [input.shape[0], 1, 1];
  const size = c * h * w;
  const out = new Float32Array(bins * size);
  const T = Math.max(1, input.steps);
  for (let t = 0; t < input.steps; t++) {
    const b = Math.floor((t * bins) / T);
    for (let k = input.stepStart[t]; k < input.stepStart[t + 1]; k++) {
      const i = input.index[k];
      const ch = Math.floor(i / (h * w));
      const yx = i - ch * h * w;
      out[b * size + yx * c + ch] += input.value[k];
    }
  }
  return out;
}

/** Samples `idx` of `set` on `bins` coarse bins (an image on its own `steps`), as the simulator would see them. */
export async function binnedSamples(model: ModelFile, set: SampleSet, idx: number[], bins: number, signal?: AbortSignal): Promise<BinnedSet> {
  const input = model.input;
  const size = numel(input.shape);
  const T = input.kind === 'image' ? input.steps : bins;
  const x = new Float32Array(idx.length * T * size);
  const y = new Int32Array(idx.length);
  // Visit the samples grouped by recording, so that each file is read once.
  const file = (i: number): string => set.refs?.[i]?.file ?? '';
  const order = idx.map((i, k) => ({ i, k })).sort((a, b) => (file(a.i) < file(b.i) ? -1 : file(a.i) > file(b.i) ? 1 : a.k - b.k));
  const cache: RecordingCache = {};
  for (const { i, k } of order) {
    if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
    x.set(coarseBins(await snnInput(model, set, i, cache), T), k * T * size);
    y[k] = set.y[i];
  }
  return { bins: T, shape: [...input.shape], n: idx.length, x, y };
}
