import type { Shape } from '../model/types';

/**
 * The input of one sample as the spiking network sees it: for each time step a sparse list of input
 * elements and their values (event counts, or analog current), elements as row-major indices into the
 * model's input shape `[C, H, W]`. Step `t` holds entries `stepStart[t] .. stepStart[t+1] − 1`, indices
 * ascending and unique within a step.
 */
export interface SpikeInput {
  shape: Shape;
  steps: number;
  stepStart: Int32Array;
  index: Int32Array;
  value: Float64Array;
  /** Every step carries the same values (an analog image): engines may compute the first layer once. */
  constant: boolean;
}

/** DVS events of one sample. `t` in microseconds; `p` polarity (1 = ON, 0 = OFF), may be omitted. */
export interface EventChunk {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  t: ArrayLike<number>;
  p?: ArrayLike<number>;
}

export interface BinOptions {
  /** Bin width in ms (default 1). */
  dtMs?: number;
  /** Sensor `[width, height]`; each input pixel sums a `width/W × height/H` block (default: the input size). */
  sensor?: [number, number];
  /** Number of steps; default: up to the bin of the last event. Events past the last step are dropped. */
  steps?: number;
  /** Time of the start of bin 0 in µs; default: the first event's time. */
  t0?: number;
}

/** Most steps binning makes: 1,000,000 (over 16 minutes at 1 ms; a sample lasts seconds at most). */
export const MAX_BIN_STEPS = 1_000_000;

/**
 * Bins events at `dtMs` into per-step event counts: step `⌊(t − t0) / (1000·dtMs)⌋`, pixel
 * `(⌊x / bx⌋, ⌊y / by⌋)` with block `bx × by` = sensor / input size (128×128 → 64×64 sums 2×2 blocks).
 * A 1-channel input ignores polarity; a 2-channel input puts OFF events in channel 0 and ON in channel 1.
 */
export function binEvents(events: EventChunk, shape: Shape, opts: BinOptions = {}): SpikeInput {
  const [c, h, w] = shape;
  if (shape.length !== 3 || (c !== 1 && c !== 2)) throw new Error(`event input needs shape [1 or 2, H, W], got [${shape.join(', ')}]`);
  const [sw, sh] = opts.sensor ?? [w, h];
  if (sw % w !== 0 || sh % h !== 0) throw new Error(`sensor ${sw}×${sh} is not a whole multiple of the input ${w}×${h}`);
  const bx = sw / w;
  const by = sh / h;
  const n = events.x.length;
  const dtUs = 1000 * (opts.dtMs ?? 1);
  if (!(dtUs > 0)) throw new Error('dtMs must be positive');
  const t0 = opts.t0 ?? (n ? events.t[0] : 0);
  let last = 0;
  for (let e = 0; e < n; e++) last = Math.max(last, Math.floor((events.t[e] - t0) / dtUs));
  const steps = opts.steps ?? (n ? last + 1 : 0);
  // Two events an hour apart would otherwise allocate and simulate millions of empty steps.
  if (!(steps <= MAX_BIN_STEPS)) throw new Error(`the events span ${steps} steps of ${dtUs / 1000} ms, more than ${MAX_BIN_STEPS}; give fewer events per sample, a larger dtMs or fewer steps`);
  const keys: number[] = [];
  const size = c * h * w;
  for (let e = 0; e < n; e++) {
    const step = Math.floor((events.t[e] - t0) / dtUs);
    if (step < 0 || step >= steps) continue;
    const x = Math.floor(events.x[e] / bx);
    const y = Math.floor(events.y[e] / by);
    if (x < 0 || x >= w || y < 0 || y >= h) throw new Error(`event ${e} at (${events.x[e]}, ${events.y[e]}) lies outside the ${sw}×${sh} sensor`);
    const ch = c === 2 ? (events.p && events.p[e] ? 1 : 0) : 0;
    keys.push(step * size + (ch * h + y) * w + x);
  }
  return fromKeys(keys, shape, steps);
}

/** Builds a `SpikeInput` from `step·size + index` keys, one per unit of input (counting repeats). */
function fromKeys(keys: number[], shape: Shape, steps: number): SpikeInput {
  const size = shape.reduce((a, b) => a * b, 1);
  const sorted = Float64Array.from(keys).sort();
  const stepStart = new Int32Array(steps + 1);
  const index: number[] = [];
  const value: number[] = [];
  let k = 0;
  for (let t = 0; t < steps; t++) {
    stepStart[t] = index.length;
    while (k < sorted.length && Math.floor(sorted[k] / size) === t) {
      const key = sorted[k];
      let count = 0;
      while (k < sorted.length && sorted[k] === key) { count++; k++; }
      index.push(key - t * size);
      value.push(count);
    }
  }
  stepStart[steps] = index.length;
  return { shape, steps, stepStart, index: Int32Array.from(index), value: Float64Array.from(value), constant: false };
}

/**
 * The same input on `bins` coarser steps: step `t` of `T` summed into step `⌊t·bins/T⌋` (the grouping
 * fine-tuning through time uses, `train/time-bins.ts`). `bins` ≥ `T` returns the input as it is. Hand-checked
 * case: 4 steps into 2 put steps 0, 1 in step 0 and 2, 3 in step 1. Simulating a network on the grouped input
 * shows what its spikes owe to time resolution (`scripts/time-bins.ts`).
 */
export function groupSteps(input: SpikeInput, bins: number): SpikeInput {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`bins must be a whole number ≥ 1, not ${bins}`);
  if (input.constant || bins >= input.steps) return input;
  const size = input.shape.reduce((a, b) => a * b, 1);
  const sums = new Float64Array(bins * size);
  for (let t = 0; t < input.steps; t++) {
    const b = Math.floor((t * bins) / input.steps);
    for (let k = input.stepStart[t]; k < input.stepStart[t + 1]; k++) sums[b * size + input.index[k]] += input.value[k];
  }
  return framesInput(sums, input.shape, bins);
}

/**
 * Dense frames `[T, C, H, W]` of per-step event counts (e.g. a tensor in Sinabs' layout) as a `SpikeInput`.
 * Values must be non-negative; zeros are dropped.
 */
export function framesInput(frames: ArrayLike<number>, shape: Shape, steps: number): SpikeInput {
  const size = shape.reduce((a, b) => a * b, 1);
  if (frames.length !== steps * size) throw new Error(`frames have ${frames.length} values, ${steps} steps of [${shape.join(', ')}] need ${steps * size}`);
  const stepStart = new Int32Array(steps + 1);
  const index: number[] = [];
  const value: number[] = [];
  for (let t = 0; t < steps; t++) {
    stepStart[t] = index.length;
    for (let i = 0; i < size; i++) {
      const v = frames[t * size + i];
      if (v !== 0) { index.push(i); value.push(v); }
    }
  }
  stepStart[steps] = index.length;
  return { shape, steps, stepStart, index: Int32Array.from(index), value: Float64Array.from(value), constant: false };
}

/**
 * An analog image `[C, H, W]` injected as a constant current for `steps` steps: each step carries
 * `fround(x / steps)`, the float32 value a PyTorch float32 tensor `image / steps` holds (Sinabs' input), so
 * the total over the presentation equals the image up to float32 rounding. Zeros are kept out of the list.
 */
export function imageInput(pixels: ArrayLike<number>, shape: Shape, steps = 10): SpikeInput {
  const size = shape.reduce((a, b) => a * b, 1);
  if (pixels.length !== size) throw new Error(`image has ${pixels.length} values, shape [${shape.join(', ')}] needs ${size}`);
  if (!(steps >= 1) || !Number.isInteger(steps)) throw new Error(`steps must be a positive integer, got ${steps}`);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < size; i++) {
    const v = Math.fround(Math.fround(pixels[i]) / steps);
    if (v !== 0) { idx.push(i); val.push(v); }
  }
  const per = idx.length;
  const stepStart = new Int32Array(steps + 1);
  const index = new Int32Array(per * steps);
  const value = new Float64Array(per * steps);
  for (let t = 0; t < steps; t++) {
    stepStart[t] = t * per;
    index.set(idx, t * per);
    value.set(val, t * per);
  }
  stepStart[steps] = per * steps;
  return { shape, steps, stepStart, index, value, constant: true };
}

/** Per-element sum of the input over all steps (the input "spike counts" SynOps are computed from). */
export function inputTotals(input: SpikeInput): Float64Array {
  const size = input.shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(size);
  for (let k = 0; k < input.index.length; k++) out[input.index[k]] += input.value[k];
  return out;
}

/** Dense frames `[T, C, H, W]` as float32 (for the dense engine). */
export function toFrames(input: SpikeInput): Float32Array {
  const size = input.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size * input.steps);
  for (let t = 0; t < input.steps; t++) {
    for (let k = input.stepStart[t]; k < input.stepStart[t + 1]; k++) out[t * size + input.index[k]] = input.value[k];
  }
  return out;
}
