import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
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

/** What a file that is not a regular file is, in words; `undefined` for a regular file. */
function notRegular(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

const refuse = (file: string, kind: string, expected: string): EventDataError =>
  new EventDataError('io', file, 0, `the path is ${kind}, which cannot be read as a file (opening a pipe would wait forever for a writer)`, `${expected}; copy the data to a regular file first`);

/**
 * Checks that `file` is a regular file before anything opens it, and returns its size: opening a named
 * pipe blocks until a writer appears (forever, for a reader), and a device or a socket has no size to
 * check a format against. Follows symlinks, as `open` does. `expected` says what the caller wanted.
 */
export async function regularFileSize(file: string, expected = 'a regular file'): Promise<number> {
  let st: Stats;
  try {
    st = await stat(file);
  } catch (e) {
    throw new EventDataError('io', file, 0, `cannot open the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, expected);
  }
  const kind = notRegular(st);
  if (kind) throw refuse(file, kind, expected);
  return st.size;
}

/**
 * Opens a file for reading, turning a missing, unreadable or non-regular file into an `EventDataError`
 * (code `io`). The type is checked before opening (see `regularFileSize`), and the open is non-blocking
 * where the platform has `O_NONBLOCK`, so a file swapped for a pipe in between cannot block either; the
 * type is checked again on the opened handle.
 */
export async function openFile(file: string, expected = 'a file of events'): Promise<{ fh: FileHandle; size: number }> {
  await regularFileSize(file, expected);
  let fh: FileHandle;
  try {
    fh = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new EventDataError('io', file, 0, `cannot open the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, expected);
  }
  const st = await fh.stat();
  const kind = notRegular(st);
  if (kind) {
    await fh.close();
    throw refuse(file, kind, expected);
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
