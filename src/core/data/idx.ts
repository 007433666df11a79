/**
 * MNIST IDX files (`train-images-idx3-ubyte`, `…-labels-idx1-ubyte`, optionally gzipped `.gz`):
 * bytes 0–1 zero, byte 2 element type (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
 * 0x0E float64), byte 3 number of dimensions, then each dimension as a big-endian uint32, then the data,
 * big-endian, row-major. Images: dims `[count, 28, 28]`; labels: `[count]`.
 */
import { createGunzip } from 'node:zlib';
import { withOpen, type ByteSource } from './bytes';
import { EventDataError } from './events';

/**
 * Largest IDX array read, in bytes of (decompressed) file: 1 GiB. MNIST's largest file, the training
 * images, is 47 MB, and EMNIST's largest (ByClass training images) 547 MB; anything larger is not an
 * image dataset this extension can hold in memory, and a gzip stream that inflates past it is a bomb.
 */
export const MAX_IDX_BYTES = 1 << 30;

const TYPES: Record<number, { bytes: number; name: string }> = {
  0x08: { bytes: 1, name: 'uint8' }, 0x09: { bytes: 1, name: 'int8' }, 0x0b: { bytes: 2, name: 'int16' },
  0x0c: { bytes: 4, name: 'int32' }, 0x0d: { bytes: 4, name: 'float32' }, 0x0e: { bytes: 8, name: 'float64' },
};

export interface IdxArray {
  type: string;
  dims: number[];
  /** Elements row-major; `Uint8Array` for uint8 files, else numbers converted from big-endian. */
  data: Uint8Array | Float64Array;
}

/** Decodes IDX bytes (already gunzipped). `file` names the source in errors. */
export function decodeIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || !TYPES[bytes[2]]) {
    throw new EventDataError('bad-magic', file, 0, `magic ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`, '00 00 <type 08|09|0b|0c|0d|0e> <dims>');
  }
  const type = TYPES[bytes[2]];
  const nd = bytes[3];
  if (nd < 1 || 4 + 4 * nd > bytes.length) throw new EventDataError('bad-header', file, 3, `${nd} dimensions in a ${bytes.length}-byte file`, 'at least one dimension, all present');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(dv.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * nd;
  const need = count * type.bytes;
  if (start + need !== bytes.length) {
    throw new EventDataError(start + need > bytes.length ? 'truncated' : 'bad-header', file, start, `dimensions [${dims.join(', ')}] need ${need} data bytes but ${bytes.length - start} follow`, 'a data size that matches the dimensions');
  }
  if (type.bytes === 1 && type.name === 'uint8') return { type: type.name, dims, data: new Uint8Array(bytes.subarray(start)) };
  // Other types become 8-byte numbers: bound that array too (an int8 file grows eightfold).
  if (count * 8 > MAX_IDX_BYTES) {
    throw new EventDataError('unsupported', file, 4, `${count} ${type.name} elements need ${count * 8} bytes as numbers, more than the ${MAX_IDX_BYTES}-byte limit`, `at most ${MAX_IDX_BYTES / 8} elements of a type other than uint8`);
  }
  const data = new Float64Array(count);
  for (let i = 0, o = start; i < count; i++, o += type.bytes) {
    switch (bytes[2]) {
      case 0x09: data[i] = dv.getInt8(o); break;
      case 0x0b: data[i] = dv.getInt16(o); break;
      case 0x0c: data[i] = dv.getInt32(o); break;
      case 0x0d: data[i] = dv.getFloat32(o); break;
      default: data[i] = dv.getFloat64(o);
    }
  }
  return { type: type.name, dims, data };
}

/**
 * The size in bytes an IDX file must have, from its first bytes; `undefined` while fewer than the header's
 * bytes are known, or when the magic is wrong (the decoder then says what is wrong).
 */
function idxFileBytes(head: Uint8Array): number | undefined {
  if (head.length < 4) return undefined;
  const type = TYPES[head[2]];
  if (head[0] !== 0 || head[1] !== 0 || !type || head[3] < 1) return -1;
  const start = 4 + 4 * head[3];
  if (head.length < start) return undefined;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let count = 1;
  for (let i = 0; i < head[3]; i++) count *= dv.getUint32(4 + 4 * i);
  return start + count * type.bytes;
}

/**
 * Gunzips IDX bytes, stopping as soon as the output passes what the header's dimensions declare (or
 * `MAX_IDX_BYTES`), so a small file that inflates to gigabytes never does.
 */
async function gunzipIdx(gz: Uint8Array, file: string): Promise<Uint8Array> {
  const inflate = createGunzip();
  inflate.end(gz);
  const parts: Buffer[] = [];
  let got = 0;
  let limit = MAX_IDX_BYTES;
  let sized = false;
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      parts.push(chunk);
      got += chunk.length;
      if (!sized) {
        const want = idxFileBytes(parts.length > 1 ? Buffer.concat(parts) : chunk);
        if (want === -1) break; // a bad magic: the decoder reports it from the bytes so far
        if (want !== undefined) {
          sized = true;
          if (want > MAX_IDX_BYTES) {
            throw new EventDataError('unsupported', file, 4, `the dimensions declare ${want} bytes of IDX data, more than the ${MAX_IDX_BYTES}-byte limit`, `an IDX file under ${MAX_IDX_BYTES >> 20} MiB (split it)`);
          }
          limit = want;
        }
      }
      if (got > limit) {
        throw new EventDataError('bad-header', file, limit, `the gzip stream inflates past the ${limit} bytes ${sized ? 'the IDX dimensions declare' : 'an IDX file may have'}`, 'a gzipped IDX file whose data matches its dimensions');
      }
    }
  } catch (e) {
    if (e instanceof EventDataError) throw e;
    throw new EventDataError('truncated', file, 0, `the gzip stream is damaged (${(e as Error).message})`, 'a complete gzip file');
  } finally {
    inflate.destroy();
  }
  return Buffer.concat(parts);
}

/** Reads an IDX file (MNIST files are small: read whole; `.gz` is gunzipped, bounded by its dimensions). */
export async function readIdx(src: ByteSource): Promise<IdxArray> {
  const file = src.name;
  let bytes = await withOpen(src, async ({ size, read }) => {
    if (size > MAX_IDX_BYTES) throw new EventDataError('unsupported', file, 0, `the file has ${size} bytes, more than the ${MAX_IDX_BYTES}-byte limit`, `an IDX file under ${MAX_IDX_BYTES >> 20} MiB`);
    return read(0, size);
  }, 'a readable IDX file');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await gunzipIdx(bytes, file);
  return decodeIdx(bytes, file);
}
