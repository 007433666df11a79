/**
 * The facts the event-file viewer shows before any chunk is opened: format, sensor, event count, time
 * span, polarity balance and the event rate over time. One streaming pass, so a large file is never
 * loaded whole.
 */
import type { ByteSource } from '../data/bytes';
import { openEvents } from '../data/detect';
import { throwIfAborted } from '../data/events';
import type { EventFileFacts } from '../../protocol/views';

export type { EventFileFacts as EventFileSummary };

/** Reads a file once and summarizes it; `chunkEvents` is the chunk size the viewer browses by. */
export async function describeEventFile(src: ByteSource, chunkEvents = 3000, signal?: AbortSignal): Promise<EventFileFacts> {
  const file = src.name;
  const reader = await openEvents(src);
  const meta = reader.meta;
  const baseBinUs = 10_000;
  let bins = new Float64Array(1024);
  let used = 0;
  let events = 0;
  let on = 0;
  let first = NaN;
  let last = NaN;
  for await (const b of reader.batches({ signal })) {
    throwIfAborted(signal);
    for (let i = 0; i < b.length; i++) {
      if (Number.isNaN(first)) first = b.t[i];
      last = b.t[i];
      const bin = Math.floor((b.t[i] - first) / baseBinUs);
      if (bin >= bins.length) {
        const grown = new Float64Array(Math.max(bins.length * 2, bin + 1));
        grown.set(bins);
        bins = grown;
      }
      bins[bin]++;
      if (bin + 1 > used) used = bin + 1;
      on += b.p[i];
    }
    events += b.length;
  }
  // Merge 10 ms bins until there are at most 600 of them.
  const factor = Math.max(1, Math.ceil(used / 600));
  const rate: number[] = [];
  for (let i = 0; i < used; i += factor) {
    let s = 0;
    for (let j = i; j < Math.min(used, i + factor); j++) s += bins[j];
    rate.push(s);
  }
  return {
    file, format: meta.format, width: meta.width, height: meta.height, header: meta.header,
    events, firstUs: events ? first : 0, lastUs: events ? last : 0, onEvents: on,
    rateBinMs: (baseBinUs * factor) / 1000, rate, chunkEvents, chunks: Math.ceil(events / chunkEvents),
  };
}
