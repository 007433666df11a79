/**
 * A file's bytes as the core's `ByteSource` (`fileSource`), and the checked open under it: a missing,
 * unreadable or non-regular file (a pipe, a socket, a device, a folder) becomes a one-line
 * `EventDataError` (code `io`) before anything blocks on it.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { ByteSource, OpenBytes } from '../../core/data/bytes';
import { EventDataError } from '../../core/data/events';

/** Reads exactly `length` bytes at `position` (fewer only at the end of the file). */
async function readAt(fh: FileHandle, position: number, length: number): Promise<Uint8Array> {
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
async function regularFileSize(file: string, expected = 'a regular file'): Promise<number> {
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
 * The bytes of `file` for the core's decoders: each `open` is a checked `openFile` (its size is the file's
 * size then) whose reads are positioned reads, so a decoder holds one block of the file at a time.
 */
export function fileSource(file: string): ByteSource {
  return {
    name: file,
    async open(expected?: string): Promise<OpenBytes> {
      const { fh, size } = await openFile(file, expected);
      return { size, read: (offset, length) => readAt(fh, offset, length), close: () => fh.close() };
    },
  };
}
