/**
 * Training samples in memory (what `src/io/train/data.ts` loads from a dataset folder): frames NHWC float32
 * `[N, H, W, C]`; each event sample also remembers its recording and chunk so the spiking evaluation can bin
 * the same events in time (`snnInput`).
 */
import type { ByteSource } from '../data/bytes';
import { readAllEvents } from '../data/detect';
import { chunkRanges } from '../data/frames';
import type { ModelFile, Shape } from '../model/types';
import { binEvents, imageInput, type SpikeInput } from '../sim/input';

/** Where an event sample came from: its recording file (`source` reads it), and its chunk in that recording. */
export interface SampleRef { file: string; source: ByteSource; recording: string; chunk: number }

/** Samples of one split. `x` is NHWC `[n, H, W, C]` of the `[C, H, W]` input `shape`. */
export interface SampleSet {
  shape: Shape;
  n: number;
  x: Float32Array;
  y: Int32Array;
  /** Event samples: where each came from (for the spiking evaluation). */
  refs?: SampleRef[];
}

export interface TrainData {
  kind: string;
  root: string;
  train: SampleSet;
  test: SampleSet;
  /** Recordings (or images) per split. */
  recordings: { train: number; test: number };
}

/** Which samples of a folder an evaluation reads: every one, or the held-out split of a run's seed. */
export type EvalSplit = 'all' | 'test';
export const EVAL_SPLITS: readonly EvalSplit[] = ['all', 'test'];

/**
 * The last recording file `snnInput` read, kept so that the chunks of one recording (consecutive in a
 * sample set) read it once. One per loop over samples; `{}` to start.
 */
export interface RecordingCache { file?: string; read?: ReturnType<typeof readAllEvents> }

/**
 * The spiking network's input of test sample `i`: its chunk's events binned at `dtMs`, or the image as a
 * constant current. With `cache`, a recording read for the previous sample is not read again.
 */
export async function snnInput(model: ModelFile, set: SampleSet, i: number, cache: RecordingCache = {}): Promise<SpikeInput> {
  const input = model.input;
  if (input.kind === 'image') {
    const [c, h, w] = input.shape;
    const chw = new Float32Array(c * h * w);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) chw[(ch * h + y) * w + x] = set.x[i * c * h * w + (y * w + x) * c + ch];
    return imageInput(chw, input.shape, input.steps);
  }
  const ref = set.refs?.[i];
  if (!ref) throw new Error(`sample ${i} has no event source`);
  if (cache.file !== ref.file || !cache.read) { cache.file = ref.file; cache.read = readAllEvents(ref.source); }
  const { meta, events } = await cache.read;
  const [s, e] = chunkRanges(events.length, input.chunkEvents)[ref.chunk];
  const sub = { x: events.x.subarray(s, e), y: events.y.subarray(s, e), t: events.t.subarray(s, e) };
  return binEvents(sub, input.shape, { dtMs: input.dtMs, sensor: [meta.width, meta.height] });
}
