/**
 * Pure computations behind the raster view: input events binned into frames the way the simulator bins
 * them (1 event = 1 count in its pixel and time bin, polarity ignored), and the layer rasters laid out
 * for one scatter plot with decimation. No DOM here.
 */
import type { RasterLayer, RasterPayload } from '../../src/protocol/views';

/** The input events of a chunk, indexed by time bin. */
export interface BinnedInput {
  width: number;
  height: number;
  /** Time bin of every event, `floor(t / (1000·dtMs))`; events past the last bin get -1. */
  step: Int32Array;
  /** Events per time bin. */
  perStep: number[];
  /** Event indices sorted by bin: the events of bin s are `order[start[s] .. start[s+1])`. */
  order: Int32Array;
  start: Int32Array;
  /** Events after the last bin, not shown in any frame. */
  late: number;
  /** The largest count of one pixel in one bin: the fixed colour scale of every per-bin frame. */
  maxPerStepPixel: number;
}

export function binInput(p: RasterPayload): BinnedInput {
  const { width, height, x, y, t } = p.input;
  const n = Math.min(x.length, y.length, t.length);
  const binUs = 1000 * p.dtMs;
  const step = new Int32Array(n);
  const perStep = new Array<number>(p.steps).fill(0);
  let late = 0;
  for (let i = 0; i < n; i++) {
    const s = Math.floor(t[i] / binUs);
    const inside = s >= 0 && s < p.steps && x[i] >= 0 && x[i] < width && y[i] >= 0 && y[i] < height;
    step[i] = inside ? s : -1;
    if (inside) perStep[s]++; else late++;
  }
  // Counting sort of the events by bin.
  const start = new Int32Array(p.steps + 1);
  for (let s = 0; s < p.steps; s++) start[s + 1] = start[s] + perStep[s];
  const fill = start.slice(0, p.steps);
  const order = new Int32Array(n - late);
  for (let i = 0; i < n; i++) if (step[i] >= 0) order[fill[step[i]]++] = i;
  // The colour scale of the per-bin frames: the largest pixel count of any bin.
  const frame = new Int32Array(width * height);
  let maxPerStepPixel = 0;
  for (let s = 0; s < p.steps; s++) {
    for (let k = start[s]; k < start[s + 1]; k++) {
      const i = order[k];
      const c = ++frame[y[i] * width + x[i]];
      if (c > maxPerStepPixel) maxPerStepPixel = c;
    }
    for (let k = start[s]; k < start[s + 1]; k++) frame[y[order[k]] * width + x[order[k]]] = 0;
  }
  return { width, height, step, perStep, order, start, late, maxPerStepPixel };
}

/** Event counts per pixel as rows (`z[y][x]`), over bins `from .. to` inclusive. */
export function frame(p: RasterPayload, b: BinnedInput, from: number, to: number): number[][] {
  const z = Array.from({ length: b.height }, () => new Array<number>(b.width).fill(0));
  const lo = b.start[Math.max(0, from)];
  const hi = b.start[Math.min(b.start.length - 1, to + 1)];
  for (let k = lo; k < hi; k++) {
    const i = b.order[k];
    z[p.input.y[i]][p.input.x[i]]++;
  }
  return z;
}

/** The number of neurons of a layer: the product of its shape. */
export function neuronCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A row-major neuron index as its position in the shape: `(c, y, x)` for `[C, H, W]`, `12` for `[F]`. */
export function neuronPosition(index: number, shape: readonly number[]): string {
  if (shape.length <= 1) return String(index);
  const pos: number[] = [];
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    pos.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return `(${pos.join(', ')})`;
}

/** Points of one layer on the raster, after decimation. */
export interface RasterTrace {
  layer: RasterLayer;
  band: number;
  /** Indices into the layer's `neurons/steps/counts` that are drawn. */
  kept: number[];
}

export interface RasterLayout {
  traces: RasterTrace[];
  /** Entries in the payload, entries drawn, and the stride of the decimation (1 = all drawn). */
  entries: number;
  drawn: number;
  stride: number;
  /** Entries the payload itself left out, over all layers. */
  payloadDropped: number;
}

/**
 * Keeps at most `maxPoints` raster entries, every `stride`-th of each layer, so a busy layer keeps its
 * shape instead of being cut off in time. The output layer is small and always drawn whole.
 */
export function layoutRaster(layers: readonly RasterLayer[], maxPoints: number): RasterLayout {
  const entries = layers.reduce((a, l) => a + l.neurons.length, 0);
  const last = layers.length - 1;
  const outputEntries = last >= 0 ? layers[last].neurons.length : 0;
  const stride = entries <= maxPoints ? 1 : Math.ceil((entries - outputEntries) / Math.max(1, maxPoints - outputEntries));
  let drawn = 0;
  const traces = layers.map((layer, band) => {
    const kept: number[] = [];
    const every = band === last ? 1 : stride;
    for (let i = 0; i < layer.neurons.length; i += every) kept.push(i);
    drawn += kept.length;
    return { layer, band, kept };
  });
  return { traces, entries, drawn, stride, payloadDropped: layers.reduce((a, l) => a + l.dropped, 0) };
}
