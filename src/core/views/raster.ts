/**
 * The data of the spike-raster view (the paper's Fig. 1A–C) for one chunk of DVS events: the input
 * events, and — when a model and its weights are given — the spiking simulation's per-layer spikes.
 * Large rasters are decimated evenly to `maxEntries` per layer; counts per step and totals never are.
 */
import type { EventBatch, EventFileMeta } from '../data/events';
import type { ModelFile } from '../model/types';
import { runEventPlan } from '../sim/event-engine';
import { binEvents } from '../sim/input';
import { planNetwork } from '../sim/network';
import { modelNeuron, type NeuronParams } from '../sim/neuron';
import type { ModelWeights } from '../sim/weights';
import type { EventFileFacts, RasterLayer, RasterPayload } from '../../protocol/views';

export interface RasterOptions {
  /** Time bin in ms (default: the model's, else 1). */
  dtMs?: number;
  /** Entries kept per layer (and input events kept) before decimation (default 20,000). */
  maxEntries?: number;
  model?: ModelFile;
  weights?: ModelWeights;
  neuron?: Partial<NeuronParams>;
  /** The chunk's class label, when the dataset knows it. */
  label?: number;
  title?: string;
  signal?: AbortSignal;
}

/** Indices `0..n−1` thinned evenly to at most `max`. */
function keepEvenly(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(Math.floor((k * n) / max));
  return out;
}

/**
 * The kept input events in the model's input pixels, as `binEvents` maps them: pixel `(⌊x / bx⌋, ⌊y / by⌋)` with
 * the block `bx × by` = sensor / input size (128×128 → 64×64: 2×2 sensor pixels make one input pixel).
 */
export function networkView(input: RasterPayload['input'], shape: readonly number[], sensor: readonly [number, number] | readonly number[]): NonNullable<RasterPayload['networkInput']> {
  const [, h, w] = shape;
  const bx = sensor[0] / w;
  const by = sensor[1] / h;
  return { width: w, height: h, block: [bx, by], x: input.x.map((v) => Math.floor(v / bx)), y: input.y.map((v) => Math.floor(v / by)), t: input.t, p: input.p, total: input.total, dropped: input.dropped };
}

/** Raster payload of one chunk of events (already cut to the chunk). */
export function chunkRaster(chunk: EventBatch, meta: Pick<EventFileMeta, 'width' | 'height' | 'file'>, opts: RasterOptions = {}): RasterPayload {
  const max = opts.maxEntries ?? 20_000;
  const dtMs = opts.dtMs ?? (opts.model?.input.kind === 'events' ? opts.model.input.dtMs : 1);
  const t0 = chunk.length ? chunk.t[0] : 0;
  const lastStep = chunk.length ? Math.floor((chunk.t[chunk.length - 1] - t0) / (1000 * dtMs)) : 0;
  const steps = lastStep + 1;
  const kept = keepEvenly(chunk.length, max);
  const input = {
    width: meta.width, height: meta.height, total: chunk.length, dropped: chunk.length - kept.length,
    x: kept.map((i) => chunk.x[i]), y: kept.map((i) => chunk.y[i]), t: kept.map((i) => chunk.t[i] - t0), p: kept.map((i) => chunk.p[i]),
  };
  const payload: RasterPayload = { schemaVersion: 1, title: opts.title ?? `${chunk.length.toLocaleString('en-US')} events of ${meta.file}`, dtMs, steps, input, layers: [], chunkStartUs: t0 };
  if (!opts.model || !opts.weights) {
    payload.note = 'Input events only: pick a trained model to see the spiking layers.';
    return payload;
  }
  const model = opts.model;
  if (model.input.kind !== 'events') throw new Error(`model "${model.name}" takes images, not events`);
  const sensor = model.input.sensor ?? [meta.width, meta.height];
  const spikes = binEvents(chunk, model.input.shape, { dtMs, sensor, steps, t0 });
  payload.networkInput = networkView(input, model.input.shape, sensor);
  // Record every spike up to a generous cap; decimation per layer happens below, with the count dropped.
  const result = runEventPlan(planNetwork(model, opts.weights), spikes, { neuron: { ...modelNeuron(model), ...opts.neuron }, recordCap: 2_000_000, signal: opts.signal });
  const rec = result.record;
  payload.layers = result.layers.map((l, li): RasterLayer => {
    const entries: number[] = [];
    for (let k = 0; rec && k < rec.n; k++) if (rec.layer[k] === li) entries.push(k);
    const keep = keepEvenly(entries.length, max).map((j) => entries[j]);
    return {
      name: l.name, shape: l.shape, total: l.total, perStep: Array.from(l.perStep),
      neurons: keep.map((k) => rec!.neuron[k]), steps: keep.map((k) => rec!.step[k]), counts: keep.map((k) => rec!.count[k]),
      dropped: entries.length - keep.length,
    };
  });
  payload.output = { counts: Array.from(result.output.values), predicted: result.output.predicted, ties: result.output.ties, label: opts.label };
  if (rec?.truncated) payload.note = rec.message;
  return payload;
}

/**
 * The event viewer's heading for chunk `index` (0-based) of `chunkCount`, from the file's facts: format, sensor,
 * events, duration and polarity balance; and the recording's event rate with the chunk's place in it
 * (the raster's `t` is relative to the chunk's first event, `chunkStartUs`).
 */
export function withFileFacts(payload: RasterPayload, f: EventFileFacts, name: string, index: number, chunkCount: number): RasterPayload {
  const title = `${name} — chunk ${index + 1} of ${chunkCount} · ${f.format} ${f.width}×${f.height} · ${f.events.toLocaleString('en-US')} events over ${((f.lastUs - f.firstUs) / 1e6).toFixed(2)} s · ${f.events ? Math.round((100 * f.onEvents) / f.events) : 0} % ON`;
  const chunkStartMs = payload.chunkStartUs !== undefined ? (payload.chunkStartUs - f.firstUs) / 1000 : undefined;
  const rate = { binMs: f.rateBinMs, counts: f.rate, chunkStartMs, chunkEndMs: chunkStartMs !== undefined ? chunkStartMs + payload.steps * payload.dtMs : undefined };
  return { ...payload, title, rate };
}
