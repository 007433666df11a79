/**
 * Samples as the spiking network sees them, on coarse time bins, for training through time: each sample's
 * 1 ms (`dtMs`) steps — exactly the steps the simulator runs (`snnInput`) — grouped into `bins` bins of equal
 * length, step `t` of `T` into bin `⌊t·bins/T⌋`; an image's constant current `x / steps` repeated over its
 * `steps` steps (then `bins` = steps). Frames are NHWC float32 `[n, bins, H, W, C]`.
 */
import { readAllEvents } from '../data/detect';
import { chunkRanges } from '../data/frames';
import type { ModelFile } from '../model/types';
import { binEvents, type SpikeInput } from '../sim/input';
import type { SampleSet } from './data';

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

/** Samples `idx` of `set` on `bins` coarse bins (events read once per recording file). */
export async function binnedSamples(model: ModelFile, set: SampleSet, idx: number[], bins: number, signal?: AbortSignal): Promise<BinnedSet> {
  const input = model.input;
  const [c, h, w] = input.shape;
  const size = c * h * w;
  const T = input.kind === 'image' ? input.steps : bins;
  const x = new Float32Array(idx.length * T * size);
  const y = new Int32Array(idx.length);
  if (input.kind === 'image') {
    // A constant current x/steps every step: bin t of sample k holds the image ÷ steps (NHWC as stored).
    idx.forEach((i, k) => {
      for (let t = 0; t < T; t++) for (let j = 0; j < size; j++) x[(k * T + t) * size + j] = Math.fround(set.x[i * size + j] / T);
      y[k] = set.y[i];
    });
    return { bins: T, shape: [...input.shape], n: idx.length, x, y };
  }
  // Read each recording once: visit the samples grouped by file.
  const order = idx.map((i, k) => ({ i, k })).sort((a, b) => (set.refs![a.i].file < set.refs![b.i].file ? -1 : set.refs![a.i].file > set.refs![b.i].file ? 1 : a.k - b.k));
  let file = '';
  let events: Awaited<ReturnType<typeof readAllEvents>> | undefined;
  for (const { i, k } of order) {
    if (signal?.aborted) throw signal.reason ?? new Error('cancelled');
    const ref = set.refs?.[i];
    if (!ref) throw new Error(`sample ${i} has no event source`);
    if (ref.file !== file) { events = await readAllEvents(ref.file); file = ref.file; }
    const { meta, events: ev } = events!;
    const [s, e] = chunkRanges(ev.length, input.chunkEvents)[ref.chunk];
    const spikes = binEvents({ x: ev.x.subarray(s, e), y: ev.y.subarray(s, e), t: ev.t.subarray(s, e) }, input.shape, { dtMs: input.dtMs, sensor: [meta.width, meta.height] });
    x.set(coarseBins(spikes, T), k * T * size);
    y[k] = set.y[i];
  }
  return { bins: T, shape: [...input.shape], n: idx.length, x, y };
}
