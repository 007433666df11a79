import { kernelSize, isSpikingLayer, isWeightLayer, type ModelFile, type Shape } from '../model/types';
import { numel, type LayerStats } from '../model/shapes';

/** Index used for the input (the data), which emits spikes like a spiking layer does. */
export const INPUT_INDEX = -1;

/**
 * One stream of spikes from an emitter (the input or a spiking layer) to the weight layer that receives it.
 * `fanout[e]` is the number of synaptic operations one spike of emitter element `e` costs, with `e` the
 * row-major index into `emitterShape` (`[C, H, W]` or `[F]`). A spike that passes an average or sum pooling
 * on its way costs one operation per connection of the pooled unit it lands in (the pooling factor is
 * undone, as Sinabs' per-layer figures do); a spike dropped by a floor-mode pooling costs nothing.
 */
export interface Connection {
  emitter: number;
  emitterName: string;
  receiver: number;
  receiverName: string;
  emitterShape: Shape;
  fanout: Float64Array;
}

/**
 * Exact per-position fan-out of a weight layer's input (the transposed convolution of ones): for a conv
 * with `C_out` channels, input element `(c, y, x)` reaches `C_out · ny(y) · nx(x)` outputs, where `ny(y)`
 * counts the output rows `oy` whose window `[oy·s − p, oy·s − p + kH − 1]` holds `y` (and alike for x).
 * Every input of a linear layer reaches all its outputs.
 */
export function weightLayerFanout(model: Pick<ModelFile, 'layers'>, stats: LayerStats[], index: number): Float64Array {
  const layer = model.layers[index];
  const st = stats[index];
  const out = new Float64Array(numel(st.inShape));
  if (layer.type === 'linear') return out.fill(layer.outFeatures);
  if (layer.type !== 'conv2d') throw new Error(`layer ${index} is not a weight layer`);
  const [c, h, w] = st.inShape;
  const [, oh, ow] = st.outShape;
  const [kh, kw] = kernelSize(layer);
  const s = layer.stride ?? 1;
  const p = layer.padding ?? 0;
  const ny = coverCounts(h, oh, kh, s, p);
  const nx = coverCounts(w, ow, kw, s, p);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < h; y++) {
      const base = (ch * h + y) * w;
      for (let x = 0; x < w; x++) out[base + x] = layer.outChannels * ny[y] * nx[x];
    }
  }
  return out;
}

/** For each input coordinate `0..n−1`, how many of the `nOut` windows (size k, stride s, padding p) hold it. */
export function coverCounts(n: number, nOut: number, k: number, s: number, p: number): Int32Array {
  const counts = new Int32Array(n);
  for (let o = 0; o < nOut; o++) {
    const lo = Math.max(0, o * s - p);
    const hi = Math.min(n - 1, o * s - p + k - 1);
    for (let i = lo; i <= hi; i++) counts[i]++;
  }
  return counts;
}

/** Pulls a per-element cost at a pooling's output back to its input: each input adds the cost of every window it falls in. */
function pullBackThroughPool(cost: Float64Array, inShape: Shape, outShape: Shape, k: number, s: number): Float64Array {
  const [c, h, w] = inShape;
  const [, oh, ow] = outShape;
  const back = new Float64Array(numel(inShape));
  for (let ch = 0; ch < c; ch++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const v = cost[(ch * oh + oy) * ow + ox];
        for (let dy = 0; dy < k; dy++) {
          const rowBase = (ch * h + oy * s + dy) * w + ox * s;
          for (let dx = 0; dx < k; dx++) back[rowBase + dx] += v;
        }
      }
    }
  }
  return back;
}

/**
 * Every emitter → receiver connection of the model, in order. An emitter is the input or a spiking layer;
 * its receiver is the first weight layer after it, reached through pooling, flatten and dropout layers.
 * An emitter with no weight layer after it (the output) has no connection.
 */
export function connections(model: Pick<ModelFile, 'layers'>, stats: LayerStats[]): Connection[] {
  const result: Connection[] = [];
  const emitters = [INPUT_INDEX, ...model.layers.flatMap((l, i) => (isSpikingLayer(l) ? [i] : []))];
  for (const emitter of emitters) {
    let receiver = -1;
    for (let j = emitter + 1; j < model.layers.length; j++) {
      const l = model.layers[j];
      if (isWeightLayer(l)) { receiver = j; break; }
      if (isSpikingLayer(l)) break;
    }
    if (receiver < 0) continue;
    let cost = weightLayerFanout(model, stats, receiver);
    for (let j = receiver - 1; j > emitter; j--) {
      const l = model.layers[j];
      if (l.type === 'avgpool' || l.type === 'sumpool') {
        cost = pullBackThroughPool(cost, stats[j].inShape, stats[j].outShape, l.kernel, l.stride ?? l.kernel);
      }
      // flatten and dropout keep the row-major element order, so the cost array carries over unchanged.
    }
    const emitterShape = emitter === INPUT_INDEX ? stats[0]?.inShape ?? [] : stats[emitter].outShape;
    result.push({
      emitter,
      emitterName: emitter === INPUT_INDEX ? 'input' : model.layers[emitter].name,
      receiver,
      receiverName: model.layers[receiver].name,
      emitterShape,
      fanout: cost,
    });
  }
  return result;
}

/** `Σ_e spikes[e] · fanout[e]`: the SynOps one emitter's spike counts cost (eq. 1 with exact fan-out). */
export function synopsOf(conn: Connection, spikes: ArrayLike<number>): number {
  if (spikes.length !== conn.fanout.length) {
    throw new Error(`spike map of ${conn.emitterName} has ${spikes.length} elements, expected ${conn.fanout.length}`);
  }
  let total = 0;
  for (let e = 0; e < spikes.length; e++) total += spikes[e] * conn.fanout[e];
  return total;
}

/** `Σ_e fanout[e]`: the SynOps if every element of the emitter spiked once. */
export function totalFanout(conn: Connection): number {
  let total = 0;
  for (const f of conn.fanout) total += f;
  return total;
}
