/**
 * MNIST IDX files (`train-images-idx3-ubyte`, `…-labels-idx1-ubyte`, optionally gzipped `.gz`):
 * bytes 0–1 zero, byte 2 element type (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
 * 0x0E float64), byte 3 number of dimensions, then each dimension as a big-endian uint32, then the data,
 * big-endian, row-major. Images: dims `[count, 28, 28]`; labels: `[count]`.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { EventDataError } from './events';

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

/** Reads an IDX file (MNIST files are small: read whole; `.gz` is gunzipped). */
export async function readIdx(file: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new EventDataError('io', file, 0, `cannot read the file (${(e as NodeJS.ErrnoException).code})`, 'a readable IDX file');
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new EventDataError('truncated', file, 0, `the gzip stream is damaged (${(e as Error).message})`, 'a complete gzip file');
    }
  }
  return decodeIdx(bytes, file);
}
