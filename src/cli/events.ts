import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dvs128Orientation } from '../core/data/aedat2';
import { openEvents } from '../core/data/detect';
import { checkFramePixels, hotPixelMask } from '../core/data/frames';
import { MAX_CHUNK_EVENTS, MAX_SIDE } from '../core/model/limits';
import { intOption, parseArgs, usageError } from './args';
import { withFaults } from './errors';
import { encodePngGray } from './png';
import { fileSource } from '../io/data/files';

export const EVENTS_USAGE = `  events info <file> [--json]
      format, sensor size, event count, first/last timestamp, rate and polarity balance of an event file
  events frames <file> [--chunk 3000] [--size 64] [--out <dir>] [--hot-pixels] [--orientation raw|jaer|mnist-dvs-upright]
      PNG frames of per-pixel event counts, one per chunk of events (polarity ignored); the orientation
      applies to DVS128 (AEDAT 2.0) files, mnist-dvs-upright shows MNIST-DVS digits upright`;

/** Statistics of an event file, read in blocks. */
export interface EventsInfo {
  file: string;
  format: string;
  width: number;
  height: number;
  events: number;
  firstUs: number | null;
  lastUs: number | null;
  durationS: number;
  ratePerS: number;
  on: number;
  off: number;
  onFraction: number;
}

export async function eventsInfo(file: string): Promise<EventsInfo> {
  const reader = await openEvents(fileSource(file));
  let n = 0;
  let on = 0;
  let first: number | null = null;
  let last: number | null = null;
  for await (const b of reader.batches()) {
    if (!b.length) continue;
    if (first === null) first = b.t[0];
    last = b.t[b.length - 1];
    n += b.length;
    for (let i = 0; i < b.length; i++) on += b.p[i];
  }
  const durationS = first !== null && last !== null ? (last - first) / 1e6 : 0;
  const { format, width, height } = reader.meta;
  return { file, format, width, height, events: n, firstUs: first, lastUs: last, durationS, ratePerS: durationS > 0 ? n / durationS : 0, on, off: n - on, onFraction: n ? on / n : 0 };
}

/** `synops events`: exit 0 ok, 1 bad input, 2 usage. */
export function runEvents(args: string[]): Promise<number> {
  return withFaults('events', () => eventsCommand(args));
}

async function eventsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, opts, error } = parseArgs(rest, ['chunk', 'size', 'out', 'orientation'], ['json', 'hot-pixels']);
  const usage = (msg: string): number => usageError('events', msg);
  if (error) return usage(error);
  if (sub !== 'info' && sub !== 'frames') return usage(sub ? `unknown subcommand "${sub}"` : 'give a subcommand');
  if (positional.length !== 1) return usage('give exactly one event file');
  const file = positional[0];
  if (sub === 'info') {
    // Reader errors (file, byte offset, what was expected) and file system errors are worded by main.
    const info = await eventsInfo(file);
    if (opts.get('json')) { console.log(JSON.stringify(info, null, 2)); return 0; }
    const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
    console.log([
      `file        ${info.file}`,
      `format      ${info.format}`,
      `sensor      ${info.width}×${info.height}`,
      `events      ${info.events.toLocaleString('en-US')}`,
      `first       ${info.firstUs ?? '-'} µs`,
      `last        ${info.lastUs ?? '-'} µs`,
      `duration    ${info.durationS.toFixed(3)} s`,
      `rate        ${Math.round(info.ratePerS).toLocaleString('en-US')} events/s`,
      `polarity    ON ${info.on.toLocaleString('en-US')} (${pct(info.onFraction)}), OFF ${info.off.toLocaleString('en-US')} (${pct(1 - info.onFraction)})`,
    ].join('\n'));
    return 0;
  }
  const chunk = intOption(opts, 'chunk', 3000, 1, MAX_CHUNK_EVENTS);
  // A frame side past the largest sensor would only allocate (100,000² counters is 40 GB).
  const sizeOpt = intOption(opts, 'size', 0, 0, MAX_SIDE);
  if (typeof chunk === 'string') return usage(chunk);
  if (typeof sizeOpt === 'string') return usage(sizeOpt);
  const out = (opts.get('out') as string | undefined) ?? 'frames';
  const orientation = (opts.get('orientation') as Dvs128Orientation | undefined) ?? 'raw';
  if (!['raw', 'jaer', 'mnist-dvs-upright'].includes(orientation)) return usage(`--orientation takes raw, jaer or mnist-dvs-upright, got ${orientation}`);
  const reader = await openEvents(fileSource(file), { orientation });
  const { width, height } = reader.meta;
  // A square `--size` keeps the aspect only for square sensors; otherwise the frame is scaled to fit.
  const size: [number, number] = sizeOpt ? (width === height ? [sizeOpt, sizeOpt] : [sizeOpt, Math.max(1, Math.round((sizeOpt * height) / width))]) : [width, height];
  // Hot pixels need the counts of the whole recording first: one streaming pass to count them.
  let mask: Uint8Array | undefined;
  checkFramePixels(file, size[0], size[1], 'frame');
  if (opts.get('hot-pixels')) {
    checkFramePixels(file, width, height, 'sensor');
    const counts = new Uint32Array(width * height);
    for await (const b of reader.batches()) for (let i = 0; i < b.length; i++) counts[b.y[i] * width + b.x[i]]++;
    mask = hotPixelMask(counts);
  }
  mkdirSync(out, { recursive: true });
  const [fw, fh] = size;
  const frame = new Uint32Array(fw * fh);
  let inFrame = 0;
  let written = 0;
  const flush = (): void => {
    let max = 0;
    for (const v of frame) max = Math.max(max, v);
    const img = Uint8Array.from(frame, (v) => (max ? Math.round((255 * v) / max) : 0));
    writeFileSync(join(out, `frame_${String(written++).padStart(4, '0')}.png`), encodePngGray(img, fw, fh));
    frame.fill(0);
    inFrame = 0;
  };
  // Streams the events: a file of any size is cut into frames without holding it in memory.
  for await (const b of reader.batches()) {
    for (let i = 0; i < b.length; i++) {
      if (mask && mask[b.y[i] * width + b.x[i]]) continue;
      frame[Math.floor((b.y[i] * fh) / height) * fw + Math.floor((b.x[i] * fw) / width)]++;
      if (++inFrame === chunk) flush();
    }
  }
  if (inFrame) flush();
  console.log(`${written} frames of ${fw}×${fh} (${chunk} events each, the last may hold fewer) written to ${out}`);
  return 0;
}
