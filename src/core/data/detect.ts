/**
 * Format detection by magic bytes, then by extension, and the entry points `openEvents` / `readAllEvents`.
 *
 * `#!AER-DAT4.0` → AEDAT 4.0; `#!AER-DAT2.0` → AEDAT 2.0; `%` → Prophesee DAT / EVT 2.0 (`.raw`);
 * no magic and `.bin` → N-MNIST. Anything else is refused with a "format not supported" error.
 */
import { extname } from 'node:path';
import { AEDAT2_MAGIC, openAedat2, type Aedat2Options } from './aedat2';
import { openAedat4 } from './aedat4';
import { latin1, readHead, type ByteSource } from './bytes';
import { EventBuilder, EventDataError, sliceBatch, type EventBatch, type EventFileMeta, type EventFormat, type EventReader, type ReadOptions } from './events';
import { openNmnist } from './nmnist';
import { openProphesee } from './prophesee';

/** File extensions of event recordings this folder reads. */
export const EVENT_EXTENSIONS = ['.aedat', '.aedat4', '.bin', '.dat', '.raw'];

/** Tells the format of an event file from its first bytes and its extension (of `src.name`). */
export async function detectEventFormat(src: ByteSource): Promise<EventFormat> {
  const file = src.name;
  const { bytes } = await readHead(src, 16);
  const head = latin1(bytes);
  const ext = extname(file).toLowerCase();
  if (head.startsWith('#!AER-DAT4.0')) return 'aedat4';
  if (head.startsWith(AEDAT2_MAGIC)) return 'aedat2';
  if (head.startsWith('#!AER-DAT')) {
    throw new EventDataError('unsupported', file, 0, `AEDAT version "${head.split(/\r?\n/)[0]}" is not supported`, '#!AER-DAT2.0 or #!AER-DAT4.0');
  }
  if (head.startsWith('%')) return ext === '.raw' ? 'prophesee-evt2' : 'prophesee-dat';
  if (ext === '.bin') return 'nmnist';
  if (ext === '.aedat' || ext === '.aedat4') {
    throw new EventDataError('bad-magic', file, 0, `the file starts with ${JSON.stringify(head.slice(0, 12))}`, '"#!AER-DAT2.0" or "#!AER-DAT4.0"');
  }
  throw new EventDataError('unsupported', file, 0, `format not supported (extension "${ext}", no known magic)`, `an AEDAT 2.0/4.0, N-MNIST .bin or Prophesee .dat/.raw file`);
}

/** Opens an event file of any supported format. */
export async function openEvents(src: ByteSource, options: Aedat2Options = {}): Promise<EventReader> {
  const format = await detectEventFormat(src);
  switch (format) {
    case 'aedat2': return openAedat2(src, options);
    case 'aedat4': return openAedat4(src);
    case 'nmnist': return openNmnist(src);
    case 'prophesee-dat': case 'prophesee-evt2': return openProphesee(src);
  }
}

/** Reads every event of a (small) file into one batch. Large files: iterate `openEvents(src).batches()`. */
export async function readAllEvents(src: ByteSource, opts: ReadOptions & Aedat2Options = {}): Promise<{ meta: EventFileMeta; events: EventBatch }> {
  const reader = await openEvents(src, opts);
  const all = new EventBuilder(1 << 12);
  for await (const b of reader.batches(opts)) all.append(b);
  return { meta: reader.meta, events: all.take() };
}

/**
 * Events `index·chunk … (index+1)·chunk − 1` of a file (the last chunk may be shorter), streaming past the
 * ones before. Throws when the file has fewer than `index·chunk + 1` events.
 */
export async function readEventChunk(src: ByteSource, index: number, chunk: number, opts: ReadOptions & Aedat2Options = {}): Promise<{ meta: EventFileMeta; events: EventBatch }> {
  const file = src.name;
  const reader = await openEvents(src, opts);
  const start = index * chunk;
  const end = start + chunk;
  const out = new EventBuilder(chunk);
  let seen = 0;
  for await (const b of reader.batches(opts)) {
    const lo = Math.max(start - seen, 0);
    const hi = Math.min(end - seen, b.length);
    if (lo < hi) out.append(sliceBatch(b, lo, hi));
    seen += b.length;
    if (seen >= end) break;
  }
  if (out.length === 0) throw new Error(`${file}: chunk ${index} starts at event ${start}, but the file has ${seen} events (${Math.ceil(seen / chunk)} chunks of ${chunk})`);
  return { meta: reader.meta, events: out.take() };
}
