/**
 * Loads training data into memory (the samples' types are `src/core/train/samples.ts`): event datasets as accumulated frames (one per chunk of `chunkEvents` events,
 * per-pixel counts, polarity ignored, downsampled to the model input by summing blocks), split 80/20 by
 * recording; CIFAR-10 as images. Frames are NHWC float32 `[N, H, W, C]`; each event sample also remembers
 * its recording and chunk so the spiking evaluation can bin the same events in time. An evaluation reads
 * either that held-out split or every sample of a folder (`loadEvalData`).
 */
import { join } from 'node:path';
import { FrameCache, prepareFrames } from '../data/cache';
import { readCifar } from '../../core/data/cifar';
import { scanDataset, type Recording } from '../data/datasets';
import { throwIfAborted } from '../../core/data/events';
import { splitByRecording } from '../../core/data/split';
import type { ModelFile, Shape } from '../../core/model/types';
import type { EvalSplit, SampleRef, SampleSet, TrainData } from '../../core/train/samples';
import { fileSource } from '../data/files';

export interface LoadOptions {
  seed?: number;
  testFraction?: number;
  /** Folder for the frame cache (event data); none: prepare in memory every time. */
  cacheDir?: string;
  /** Use at most this many recordings (spread over labels by the split order); for quick runs. */
  maxRecordings?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

function take<T extends { label: number }>(items: T[], max?: number): T[] {
  if (!max || items.length <= max) return items;
  // Interleave labels so a cut keeps every class.
  const by = new Map<number, T[]>();
  for (const it of items) by.set(it.label, [...(by.get(it.label) ?? []), it]);
  const out: T[] = [];
  for (let k = 0; out.length < max; k++) {
    let any = false;
    for (const list of by.values()) if (k < list.length && out.length < max) { out.push(list[k]); any = true; }
    if (!any) break;
  }
  return out;
}

async function eventSamples(recs: Recording[], model: ModelFile, cache: FrameCache | undefined, opts: LoadOptions, done: { n: number; total: number }): Promise<SampleSet> {
  const input = model.input;
  if (input.kind !== 'events') throw new Error('not an event model');
  const [c, h, w] = input.shape;
  if (c !== 1) throw new Error(`training reads event frames with polarity ignored: the model input needs 1 channel, not ${c}`);
  const prep = { chunk: input.chunkEvents, size: [w, h] as [number, number] };
  const frames: Uint16Array[] = [];
  const y: number[] = [];
  const refs: SampleRef[] = [];
  for (const rec of recs) {
    throwIfAborted(opts.signal);
    const source = fileSource(rec.file);
    const f = cache ? await cache.frames(rec.file, prep) : await prepareFrames(rec.file, prep);
    if (f.width !== w || f.height !== h) throw new Error(`${rec.file}: frames are ${f.width}×${f.height}, the model input is ${w}×${h}`);
    for (let k = 0; k < f.count; k++) {
      frames.push(f.frames.subarray(k * w * h, (k + 1) * w * h));
      y.push(rec.label);
      refs.push({ file: rec.file, source, recording: rec.id, chunk: k });
    }
    done.n++;
    opts.onProgress?.(done.n, done.total);
    if (done.n % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  const x = new Float32Array(frames.length * w * h);
  frames.forEach((f, i) => x.set(f, i * w * h));
  return { shape: input.shape, n: frames.length, x, y: Int32Array.from(y), refs };
}

/** Loads an event dataset folder (MNIST-DVS layout, N-MNIST, or flat with labels.txt) for `model`. */
export async function loadEventData(root: string, model: ModelFile, opts: LoadOptions = {}): Promise<TrainData> {
  const index = scanDataset(root);
  if (index.kind === 'cifar10') return cifarData(root, model, opts, 'split');
  const recs = take(index.recordings, opts.maxRecordings);
  const { train, test } = splitByRecording(recs, { seed: opts.seed ?? 0, testFraction: opts.testFraction ?? 0.2 });
  const cache = opts.cacheDir ? new FrameCache(opts.cacheDir) : undefined;
  const done = { n: 0, total: recs.length };
  return {
    kind: index.kind, root,
    train: await eventSamples(train, model, cache, opts, done),
    test: await eventSamples(test, model, cache, opts, done),
    recordings: { train: train.length, test: test.length },
  };
}

/** CIFAR-10 images normalised as the model asks (`symmetric`: [−1, 1], default; `unit`: [0, 1]), NHWC. */
export async function loadCifarData(root: string, model: ModelFile, opts: LoadOptions = {}): Promise<TrainData> {
  return cifarData(root, model, opts, 'split');
}

/**
 * CIFAR-10 as `split` (training batches / test batch, or the last 20 % of the training batches held out when
 * there is no test batch) or `all`: the images of both parts in `test`, `train` empty.
 */
async function cifarData(root: string, model: ModelFile, opts: LoadOptions, mode: 'split' | 'all'): Promise<TrainData> {
  const index = scanDataset(root);
  const files = index.batches ?? [];
  const norm = model.input.kind === 'image' ? model.input.normalize ?? 'symmetric' : 'symmetric';
  // Appends at most `max` images of `list` to `xs`/`ys`, so `all` builds one set without copying two.
  const read = async (list: string[], max: number | undefined, xs: Float32Array[], ys: number[]): Promise<void> => {
    let taken = 0;
    for (const f of list) {
      const b = await readCifar(fileSource(f), { signal: opts.signal });
      const count = max ? Math.min(b.count, max - taken) : b.count;
      for (let i = 0; i < count; i++) {
        const img = new Float32Array(3072);
        for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let ch = 0; ch < 3; ch++) {
          const u = b.images[i * 3072 + (ch * 32 + y) * 32 + x] / 255;
          img[(y * 32 + x) * 3 + ch] = norm === 'symmetric' ? (u - 0.5) / 0.5 : u;
        }
        xs.push(img);
        ys.push(b.labels[i]);
      }
      taken += count;
      if (max && taken >= max) break;
    }
  };
  const toSet = (xs: Float32Array[], ys: number[]): SampleSet => {
    const x = new Float32Array(xs.length * 3072);
    xs.forEach((a, i) => x.set(a, i * 3072));
    return { shape: [3, 32, 32], n: xs.length, x, y: Int32Array.from(ys) };
  };
  const trainFiles = files.filter((f) => !/test_batch/.test(f));
  const testFiles = files.filter((f) => /test_batch/.test(f));
  const max = opts.maxRecordings;
  const testMax = max ? Math.ceil(max / 5) : undefined;
  if (mode === 'all') {
    const xs: Float32Array[] = [];
    const ys: number[] = [];
    await read(trainFiles, max, xs, ys);
    if (testFiles.length) await read(testFiles, testMax, xs, ys);
    const all = toSet(xs, ys);
    return { kind: 'cifar10', root, train: emptySet(all.shape), test: all, recordings: { train: 0, test: all.n } };
  }
  const read1 = async (list: string[], m: number | undefined): Promise<SampleSet> => {
    const xs: Float32Array[] = [];
    const ys: number[] = [];
    await read(list, m, xs, ys);
    return toSet(xs, ys);
  };
  if (!testFiles.length) {
    // Only training batches (e.g. one batch of the official set): hold out the last 20 % of its images.
    const all = await read1(trainFiles, max);
    const nTest = Math.floor(all.n / 5);
    const nTrain = all.n - nTest;
    const part = (from: number, to: number): SampleSet => ({ shape: all.shape, n: to - from, x: all.x.slice(from * 3072, to * 3072), y: all.y.slice(from, to) });
    const train = part(0, nTrain);
    const test = part(nTrain, all.n);
    return { kind: 'cifar10', root, train, test, recordings: { train: train.n, test: test.n } };
  }
  const train = await read1(trainFiles, max);
  const test = await read1(testFiles, testMax);
  return { kind: 'cifar10', root, train, test, recordings: { train: train.n, test: test.n } };
}

const emptySet = (shape: Shape): SampleSet => ({ shape, n: 0, x: new Float32Array(0), y: new Int32Array(0), refs: [] });

/**
 * The samples an evaluation reads, in `test` (where `evaluateRunDir` reads them):
 * - `test`: the held-out split of `loadEventData` with `opts.seed`, the very samples a run of that seed held out;
 * - `all`: every sample of the folder — every chunk of every recording (at most `maxRecordings` recordings,
 *   the same ones the split would divide) or every image — with `train` empty. Its samples are those of both
 *   splits together, in the folder's order rather than train-then-test; `refs` stay aligned with `x` and `y`.
 */
export async function loadEvalData(root: string, model: ModelFile, split: EvalSplit, opts: LoadOptions = {}): Promise<TrainData> {
  if (split === 'test') return loadEventData(root, model, opts);
  const index = scanDataset(root);
  if (index.kind === 'cifar10') return cifarData(root, model, opts, 'all');
  const recs = take(index.recordings, opts.maxRecordings);
  const cache = opts.cacheDir ? new FrameCache(opts.cacheDir) : undefined;
  const all = await eventSamples(recs, model, cache, opts, { n: 0, total: recs.length });
  return { kind: index.kind, root, train: emptySet(all.shape), test: all, recordings: { train: 0, test: recs.length } };
}

/** Default cache folder of a workspace's prepared frames. */
export function frameCacheDir(workspace: string): string {
  return join(workspace, '.synops', 'cache', 'frames');
}
