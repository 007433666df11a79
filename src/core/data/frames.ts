/**
 * The paper's preparation of DVS recordings: optional hot-pixel filter, chunks of N events (default
 * 3000), each chunk accumulated into a frame of per-pixel event counts with polarity ignored,
 * downsampled from the sensor to the model input by summing blocks (MNIST-DVS: 128×128 → 64×64,
 * 2×2 blocks).
 */
import { EventDataError, sliceBatch, type EventBatch } from './events';

/**
 * Most pixels one frame or per-pixel count may have: 2^24 (16.8 M; 64 MiB as 32-bit counts), 4096×4096,
 * eighteen times a 1280×720 sensor, the largest event sensors sold today. Headers can declare far more
 * (AEDAT 4.0 up to 32768×32768): checked before a frame is allocated, so such a file is refused with a
 * message instead of Node aborting on the allocation.
 */
export const MAX_FRAME_PIXELS = 1 << 24;

/** Throws an `EventDataError` naming `file` when a `width`×`height` frame would pass `MAX_FRAME_PIXELS`. */
export function checkFramePixels(file: string, width: number, height: number, what: 'sensor' | 'frame'): void {
  if (width * height <= MAX_FRAME_PIXELS) return;
  throw new EventDataError('unsupported', file, 0, `the ${what} is ${width}×${height}, ${width * height} pixels, more than the ${MAX_FRAME_PIXELS} a frame may have`,
    what === 'sensor' ? `a sensor of at most ${MAX_FRAME_PIXELS} pixels (4096×4096); without the hot-pixel filter, give a smaller frame size` : `a frame size of at most ${MAX_FRAME_PIXELS} pixels (4096×4096): give a smaller --size`);
}

export interface FrameOptions {
  /** Events per chunk (default 3000). A last chunk with fewer events is dropped unless `keepPartial`. */
  chunk?: number;
  keepPartial?: boolean;
  /** Frame size `[width, height]` in pixels (default: the sensor size). */
  size?: [number, number];
}

/** Cuts `n` events into `[start, end)` ranges of `chunk` events. */
export function chunkRanges(n: number, chunk = 3000, keepPartial = false): Array<[number, number]> {
  if (!(Number.isInteger(chunk) && chunk > 0)) throw new RangeError(`chunk must be a positive integer, got ${chunk}`);
  const out: Array<[number, number]> = [];
  for (let s = 0; s + chunk <= n; s += chunk) out.push([s, s + chunk]);
  const rest = n % chunk;
  if (keepPartial && rest) out.push([n - rest, n]);
  return out;
}

/**
 * Accumulates events into a `[height, width]` frame (row-major) of event counts, polarity ignored:
 * sensor pixel (x, y) adds 1 to frame pixel (⌊x·W/sw⌋, ⌊y·H/sh⌋).
 */
export function accumulate(ev: EventBatch, sensor: [number, number], size: [number, number], out = new Uint16Array(size[0] * size[1])): Uint16Array {
  const [sw, sh] = sensor;
  const [w, h] = size;
  for (let i = 0; i < ev.length; i++) {
    const fx = Math.floor((ev.x[i] * w) / sw);
    const fy = Math.floor((ev.y[i] * h) / sh);
    const k = fy * w + fx;
    if (out[k] < 65535) out[k]++;
  }
  return out;
}

/** Frames of one recording: `frames` is `[count, height, width]` counts. */
export interface Frames {
  frames: Uint16Array;
  count: number;
  width: number;
  height: number;
}

/** Chunks a recording and accumulates each chunk into a frame. */
export function recordingFrames(ev: EventBatch, sensor: [number, number], opts: FrameOptions = {}): Frames {
  const [w, h] = opts.size ?? sensor;
  const ranges = chunkRanges(ev.length, opts.chunk ?? 3000, opts.keepPartial ?? false);
  const frames = new Uint16Array(ranges.length * w * h);
  ranges.forEach(([s, e], k) => accumulate(sliceBatch(ev, s, e), sensor, [w, h], frames.subarray(k * w * h, (k + 1) * w * h)));
  return { frames, count: ranges.length, width: w, height: h };
}

/**
 * Hot pixels: pixels whose event count over the recording exceeds `factor` (default 10) times the mean
 * count of the pixels that fired at all, and at least `minEvents` (default 20). Returns a mask `[sh·sw]`.
 */
export function findHotPixels(ev: EventBatch, sensor: [number, number], factor = 10, minEvents = 20): Uint8Array {
  const [sw, sh] = sensor;
  const counts = new Uint32Array(sw * sh);
  for (let i = 0; i < ev.length; i++) counts[ev.y[i] * sw + ev.x[i]]++;
  return hotPixelMask(counts, factor, minEvents);
}

/** The hot-pixel mask from per-pixel event counts (for callers that count while streaming). */
export function hotPixelMask(counts: Uint32Array, factor = 10, minEvents = 20): Uint8Array {
  let active = 0;
  let total = 0;
  for (const c of counts) if (c) { active++; total += c; }
  const mean = active ? total / active : 0;
  const mask = new Uint8Array(counts.length);
  for (let k = 0; k < counts.length; k++) if (counts[k] >= minEvents && counts[k] > factor * mean) mask[k] = 1;
  return mask;
}

/** The events not on a masked pixel (a copy). */
export function dropPixels(ev: EventBatch, sensorWidth: number, mask: Uint8Array): EventBatch {
  const keep: number[] = [];
  for (let i = 0; i < ev.length; i++) if (!mask[ev.y[i] * sensorWidth + ev.x[i]]) keep.push(i);
  const pick = <T extends Uint16Array | Float64Array | Uint8Array>(a: T, make: new (n: number) => T): T => {
    const b = new make(keep.length);
    keep.forEach((i, k) => { b[k] = a[i]; });
    return b;
  };
  return { x: pick(ev.x, Uint16Array), y: pick(ev.y, Uint16Array), t: pick(ev.t, Float64Array), p: pick(ev.p, Uint8Array), length: keep.length };
}
