import { open, type FileHandle } from 'node:fs/promises';
import { EventDataError, throwIfAborted } from './events';

/** Default bytes per block read from disk: 1 MiB. */
export const DEFAULT_BLOCK_BYTES = 1 << 20;

/** A block of a file: its bytes and the byte offset of the first one. */
export interface Block {
  offset: number;
  bytes: Uint8Array;
}

/** Reads exactly `length` bytes at `position` (fewer only at the end of the file). */
export async function readAt(fh: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** Opens a file for reading, turning a missing or unreadable file into an `EventDataError` (code `io`). */
export async function openFile(file: string): Promise<{ fh: FileHandle; size: number }> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new EventDataError('io', file, 0, `cannot open the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'a readable file');
  }
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw new EventDataError('io', file, 0, 'not a regular file', 'a file of events');
  }
  return { fh, size: st.size };
}

/**
 * Streams `file` from `start` to its end in blocks of whole records: each block's length is a multiple
 * of `recordBytes` except perhaps the last, so a record never straddles two blocks.
 */
export async function* recordBlocks(
  file: string, start: number, recordBytes: number, blockBytes: number, signal?: AbortSignal,
): AsyncGenerator<Block> {
  const { fh, size } = await openFile(file);
  try {
    const step = Math.max(1, Math.floor(blockBytes / recordBytes)) * recordBytes;
    for (let pos = start; pos < size; pos += step) {
      throwIfAborted(signal);
      const bytes = await readAt(fh, pos, Math.min(step, size - pos));
      yield { offset: pos, bytes };
    }
  } finally {
    await fh.close();
  }
}

/** Reads up to `max` bytes from the start of a file (for headers and magic numbers). */
export async function readHead(file: string, max: number): Promise<{ bytes: Uint8Array; size: number }> {
  const { fh, size } = await openFile(file);
  try {
    return { bytes: await readAt(fh, 0, Math.min(max, size)), size };
  } finally {
    await fh.close();
  }
}

/** Latin-1 text of bytes (header lines are ASCII). */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end; i += 4096) s += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 4096)));
  return s;
}
