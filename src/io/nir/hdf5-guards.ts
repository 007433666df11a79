/**
 * Two checks of `hdf5.ts` that HDF5 does not do for us on an untrusted `.nir`: where the file's HDF5 data
 * starts (after a user block of 512, 1024, 2048, … bytes, as the HDF5 format allows), and how long its
 * variable-length strings are before they become JavaScript strings (their lengths are not in the dataset's
 * metadata, so the declared-size checks cannot see them).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { MAX_NIR_STRING_BYTES } from '../../core/model/limits';

/** The first 8 bytes of an HDF5 superblock (the file's signature). */
const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The offset of the HDF5 signature in `file` of `size` bytes: 0, or after a user block at 512, 1024, 2048, …
 * (the places the HDF5 format allows, so at most log₂(size) reads of 8 bytes); undefined when it is in none.
 */
export function findSignature(file: string, size: number): number | undefined {
  const head = Buffer.alloc(8);
  const fd = openSync(file, 'r');
  try {
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : 2 * at) {
      if (readSync(fd, head, 0, 8, at) === 8 && head.equals(SIGNATURE)) return at;
    }
  } finally {
    closeSync(fd);
  }
  return undefined;
}

/** The parts of h5wasm's module (its Emscripten heap and the C helpers its `Dataset.value` uses) read here. */
export interface H5Module {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(p: number): void;
  get_dataset_data(fileId: bigint, path: string, count: null, offset: null, strides: null, ptr: bigint): number;
  reclaim_vlen_memory(fileId: bigint, path: string, attr: string, ptr: bigint): number;
}

/**
 * The `n` variable-length strings of dataset `path`, read as h5wasm's `Dataset.value` reads them (HDF5
 * copies each string into the module's heap and hands back pointers) but measured in the heap before any
 * becomes a JavaScript string: more than `budget.strings` bytes in all (of `MAX_NIR_STRING_BYTES` per file)
 * is refused with `tooLong`. HDF5's copies are bounded by the file's size (the strings are stored in it
 * uncompressed) and the module's fixed maximum memory, and freed before returning.
 */
export function readVlenStrings(m: H5Module, fileId: bigint, path: string, n: number, budget: { strings: number }, tooLong: (bytes: number) => never): string[] {
  const nbytes = 4 * n; // wasm32: one 4-byte char* per string
  const ptr = m._malloc(Math.max(nbytes, 4));
  if (!ptr) throw new Error(`cannot allocate ${nbytes} bytes for the string pointers`);
  try {
    m.get_dataset_data(fileId, path, null, null, null, BigInt(ptr));
    const ptrs = new Uint32Array(m.HEAPU8.slice(ptr, ptr + nbytes).buffer);
    const lengths = Array.from(ptrs, (p) => (p === 0 ? 0 : m.HEAPU8.indexOf(0, p) - p));
    const total = lengths.reduce((a, b) => a + b, 0);
    if (total > budget.strings) tooLong(total);
    budget.strings -= total;
    const utf8 = new TextDecoder('utf-8');
    return Array.from(ptrs, (p, i) => utf8.decode(m.HEAPU8.subarray(p, p + lengths[i])));
  } finally {
    m.reclaim_vlen_memory(fileId, path, '', BigInt(ptr));
    m._free(ptr);
  }
}

export { MAX_NIR_STRING_BYTES };
