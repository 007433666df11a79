/**
 * Bytes read at random places, without knowing where they live: the event, CIFAR and IDX decoders take a
 * `ByteSource` and read it in blocks, so they are pure computation and a file of any size costs one block
 * of memory at a time. `src/io/data/files.ts` gives a file's bytes (`fileSource`); `memorySource` gives
 * bytes already in memory (tests, encoders checked against their decoder).
 */
import { throwIfAborted } from './events';

/** Default bytes per block read: 1 MiB. */
export const DEFAULT_BLOCK_BYTES = 1 << 20;

/** Bytes that can be opened for reading: a file, or an array in memory. */
export interface ByteSource {
  /** Names the bytes in errors and metadata: for a file, its path as the caller gave it. */
  readonly name: string;
  /**
   * Opens the bytes for positioned reads. Whoever opens closes (in a `finally`). `expected` says what the
   * caller wants, for the error when the bytes cannot be opened (a missing file, a pipe, a folder).
   */
  open(expected?: string): Promise<OpenBytes>;
}

/** An opened `ByteSource`. */
export interface OpenBytes {
  /** Number of bytes, fixed when opened. */
  readonly size: number;
  /** Exactly `length` bytes at `offset` (fewer only at the end). */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Bytes in memory as a `ByteSource`; reads are views of `bytes`, nothing is copied. */
export function memorySource(name: string, bytes: Uint8Array): ByteSource {
  const open: OpenBytes = {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length)),
    close: async () => undefined,
  };
  return { name, open: async () => open };
}

/** Opens `src`, runs `use` on it and closes it, whatever `use` does. */
export async function withOpen<T>(src: ByteSource, use: (b: OpenBytes) => Promise<T>, expected?: string): Promise<T> {
  const b = await src.open(expected);
  try {
    return await use(b);
  } finally {
    await b.close();
  }
}

/** A block of a source: its bytes and the byte offset of the first one. */
export interface Block {
  offset: number;
  bytes: Uint8Array;
}

/**
 * Streams `src` from `start` to its end in blocks of whole records: each block's length is a multiple
 * of `recordBytes` except perhaps the last, so a record never straddles two blocks.
 */
export async function* recordBlocks(
  src: ByteSource, start: number, recordBytes: number, blockBytes: number, signal?: AbortSignal,
): AsyncGenerator<Block> {
  const b = await src.open();
  try {
    const step = Math.max(1, Math.floor(blockBytes / recordBytes)) * recordBytes;
    for (let pos = start; pos < b.size; pos += step) {
      throwIfAborted(signal);
      const bytes = await b.read(pos, Math.min(step, b.size - pos));
      yield { offset: pos, bytes };
    }
  } finally {
    await b.close();
  }
}

/** Reads up to `max` bytes from the start of a source (for headers and magic numbers), and its size. */
export async function readHead(src: ByteSource, max: number): Promise<{ bytes: Uint8Array; size: number }> {
  return withOpen(src, async (b) => ({ bytes: await b.read(0, Math.min(max, b.size)), size: b.size }));
}

/** Latin-1 text of bytes (header lines are ASCII). */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end; i += 4096) s += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 4096)));
  return s;
}
