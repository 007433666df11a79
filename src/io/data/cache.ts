/**
 * On-disk cache of a recording's frames, so later epochs read frames instead of events.
 *
 * One file per (recording, preparation), in the format of `core/data/frameCodec.ts`. The key hashes the file path, size and modification time and the
 * preparation options, so an edited recording or a new chunk size misses. Writes are atomic: a temporary
 * file in the cache folder, then a rename, so a crash or a concurrent reader never sees half a file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../atomic';

export { writeAtomic };
import type { Dvs128Orientation } from '../../core/data/aedat2';
import { readAllEvents } from '../../core/data/detect';
import { decodeFrames, encodeFrames } from '../../core/data/frameCodec';
import { checkFramePixels, dropPixels, findHotPixels, recordingFrames, type FrameOptions, type Frames } from '../../core/data/frames';
import { fileSource } from './files';

export interface PrepOptions extends FrameOptions {
  /** DVS128 (AEDAT 2.0) orientation, see `aedat2.ts` (default raw). */
  orientation?: Dvs128Orientation;
  /** Remove hot pixels before chunking (see `findHotPixels`). */
  hotPixelFilter?: boolean;
}

/** Cache key of a recording under a preparation. */
export function cacheKey(file: string, prep: PrepOptions): string {
  const st = statSync(file);
  const what = JSON.stringify([file, st.size, st.mtimeMs, prep.chunk ?? 3000, prep.keepPartial ?? false, prep.size ?? null, prep.hotPixelFilter ?? false, prep.orientation ?? 'raw']);
  return createHash('sha256').update(what).digest('hex').slice(0, 32);
}



/** Frames of a recording, prepared from its events. */
export async function prepareFrames(file: string, prep: PrepOptions = {}): Promise<Frames> {
  const { meta, events } = await readAllEvents(fileSource(file), { orientation: prep.orientation });
  const sensor: [number, number] = [meta.width, meta.height];
  if (prep.hotPixelFilter) checkFramePixels(file, meta.width, meta.height, 'sensor');
  checkFramePixels(file, ...(prep.size ?? sensor), 'frame');
  const ev = prep.hotPixelFilter ? dropPixels(events, meta.width, findHotPixels(events, sensor)) : events;
  return recordingFrames(ev, sensor, prep);
}

/** A folder of cached frames. `stats` counts hits and misses (tests and benchmarks read it). */
export class FrameCache {
  readonly stats = { hits: 0, misses: 0 };
  constructor(readonly dir: string) { mkdirSync(dir, { recursive: true }); }

  /** The frames of `file` under `prep`: from the cache when present, else prepared and stored. */
  async frames(file: string, prep: PrepOptions = {}): Promise<Frames> {
    const path = join(this.dir, `${cacheKey(file, prep)}.frames`);
    let cached: Frames | undefined;
    // Only a regular file is read: a pipe put in the cache folder would block the read forever.
    try { cached = statSync(path).isFile() ? decodeFrames(readFileSync(path)) : undefined; } catch { cached = undefined; }
    if (cached) { this.stats.hits++; return cached; }
    this.stats.misses++;
    const f = await prepareFrames(file, prep);
    writeAtomic(path, encodeFrames(f));
    return f;
  }
}
