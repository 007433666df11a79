/**
 * CIFAR-10 binary batches (`data_batch_1.bin` … `test_batch.bin`): no header, 3,073-byte records:
 * 1 label byte (0..9), then 1,024 red, 1,024 green, 1,024 blue bytes, each plane 32×32 row-major.
 */
import { DEFAULT_BLOCK_BYTES, recordBlocks, withOpen, type ByteSource } from './bytes';
import { EventDataError, type ReadOptions } from './events';

export const CIFAR_RECORD = 3073;
export const CIFAR_SIDE = 32;
export const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
/**
 * Most records `readCifar` holds in memory from one file: 60,000, the whole of CIFAR-10 (184 MB). An
 * official batch file has 10,000; a larger file is read in blocks (`cifarBatches`) or a record at a
 * time (`readCifarRecord`), never whole.
 */
export const MAX_CIFAR_RECORDS = 60_000;

/** A block of CIFAR images: `images` is `[count, 3, 32, 32]` bytes (channel-major, RGB), `labels` `[count]`. */
export interface ImageBatch {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  /** Index of the first image of the block in the file. */
  first: number;
}

/** Checks the size of a batch file; returns its number of records. */
export async function cifarCount(src: ByteSource): Promise<number> {
  const file = src.name;
  const size = await withOpen(src, async (b) => b.size, 'a CIFAR-10 batch file');
  if (size === 0 || size % CIFAR_RECORD !== 0) {
    throw new EventDataError('truncated', file, size - (size % CIFAR_RECORD), `the file has ${size} bytes, ${size % CIFAR_RECORD} past the last whole record`, `a multiple of ${CIFAR_RECORD}-byte records (label + 3×32×32)`);
  }
  return size / CIFAR_RECORD;
}

/** Streams the images of a CIFAR-10 batch file. */
export async function* cifarBatches(src: ByteSource, opts: ReadOptions = {}): AsyncGenerator<ImageBatch> {
  const file = src.name;
  await cifarCount(src);
  let first = 0;
  for await (const block of recordBlocks(src, 0, CIFAR_RECORD, opts.blockBytes ?? DEFAULT_BLOCK_BYTES * 4, opts.signal)) {
    const count = block.bytes.length / CIFAR_RECORD;
    const images = new Uint8Array(count * 3072);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const o = i * CIFAR_RECORD;
      const label = block.bytes[o];
      if (label > 9) throw new EventDataError('bad-packet', file, block.offset + o, `label ${label} of record ${first + i}`, 'a CIFAR-10 label 0..9 (CIFAR-100 files are not supported)');
      labels[i] = label;
      images.set(block.bytes.subarray(o + 1, o + CIFAR_RECORD), i * 3072);
    }
    yield { images, labels, count, first };
    first += count;
  }
}

/** Reads a whole CIFAR-10 batch file (30 MB for 10,000 images); at most `MAX_CIFAR_RECORDS` records. */
export async function readCifar(src: ByteSource, opts: ReadOptions = {}): Promise<ImageBatch> {
  const file = src.name;
  const n = await cifarCount(src);
  if (n > MAX_CIFAR_RECORDS) {
    throw new EventDataError('unsupported', file, MAX_CIFAR_RECORDS * CIFAR_RECORD, `the file holds ${n} records, more than the ${MAX_CIFAR_RECORDS} read into memory at once`, `a CIFAR-10 batch file (10,000 records); split larger files`);
  }
  const images = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  for await (const b of cifarBatches(src, opts)) {
    images.set(b.images, b.first * 3072);
    labels.set(b.labels, b.first);
  }
  return { images, labels, count: n, first: 0 };
}

/**
 * Reads record `index` of a CIFAR-10 batch file alone, by a positioned read: a file of any size costs
 * 3,073 bytes. `count` is the file's number of records.
 */
export async function readCifarRecord(src: ByteSource, index: number): Promise<{ image: Uint8Array; label: number; count: number }> {
  const file = src.name;
  const n = await cifarCount(src);
  if (!(Number.isInteger(index) && index >= 0 && index < n)) throw new RangeError(`record ${index} is out of range; ${file} has ${n} images (0..${n - 1})`);
  const rec = await withOpen(src, (b) => b.read(index * CIFAR_RECORD, CIFAR_RECORD), 'a CIFAR-10 batch file');
  if (rec.length < CIFAR_RECORD) throw new EventDataError('truncated', file, index * CIFAR_RECORD + rec.length, `record ${index} has ${rec.length} of ${CIFAR_RECORD} bytes`, 'a complete record');
  const label = rec[0];
  if (label > 9) throw new EventDataError('bad-packet', file, index * CIFAR_RECORD, `label ${label} of record ${index}`, 'a CIFAR-10 label 0..9 (CIFAR-100 files are not supported)');
  return { image: rec.slice(1), label, count: n };
}
