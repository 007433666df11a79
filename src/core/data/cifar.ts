/**
 * CIFAR-10 binary batches (`data_batch_1.bin` … `test_batch.bin`): no header, 3,073-byte records:
 * 1 label byte (0..9), then 1,024 red, 1,024 green, 1,024 blue bytes, each plane 32×32 row-major.
 */
import { DEFAULT_BLOCK_BYTES, openFile, recordBlocks } from './blocks';
import { EventDataError, type ReadOptions } from './events';

export const CIFAR_RECORD = 3073;
export const CIFAR_SIDE = 32;
export const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** A block of CIFAR images: `images` is `[count, 3, 32, 32]` bytes (channel-major, RGB), `labels` `[count]`. */
export interface ImageBatch {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  /** Index of the first image of the block in the file. */
  first: number;
}

/** Checks the size of a batch file; returns its number of records. */
export async function cifarCount(file: string): Promise<number> {
  const { fh, size } = await openFile(file);
  await fh.close();
  if (size === 0 || size % CIFAR_RECORD !== 0) {
    throw new EventDataError('truncated', file, size - (size % CIFAR_RECORD), `the file has ${size} bytes, ${size % CIFAR_RECORD} past the last whole record`, `a multiple of ${CIFAR_RECORD}-byte records (label + 3×32×32)`);
  }
  return size / CIFAR_RECORD;
}

/** Streams the images of a CIFAR-10 batch file. */
export async function* cifarBatches(file: string, opts: ReadOptions = {}): AsyncGenerator<ImageBatch> {
  await cifarCount(file);
  let first = 0;
  for await (const block of recordBlocks(file, 0, CIFAR_RECORD, opts.blockBytes ?? DEFAULT_BLOCK_BYTES * 4, opts.signal)) {
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

/** Reads a whole CIFAR-10 batch file (30 MB for 10,000 images). */
export async function readCifar(file: string, opts: ReadOptions = {}): Promise<ImageBatch> {
  const n = await cifarCount(file);
  const images = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  for await (const b of cifarBatches(file, opts)) {
    images.set(b.images, b.first * 3072);
    labels.set(b.labels, b.first);
  }
  return { images, labels, count: n, first: 0 };
}
