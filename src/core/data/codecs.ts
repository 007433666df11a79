/**
 * Decompression of AEDAT 4.0 packets: LZ4 frames (block decoding by `lz4js`, the frame checked here so
 * that truncated or corrupt input fails instead of looping) and Zstandard frames (`fzstd`).
 */
import { decompressBlock } from 'lz4js';
import { decompress as zstdDecompress } from 'fzstd';

/** Largest decompressed packet accepted: 256 MiB (DV writes packets of a few hundred KiB). */
export const MAX_PACKET_BYTES = 256 << 20;

const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];

function u32le(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** Decodes one LZ4 frame; throws an `Error` whose message says what is wrong and at which byte. */
export function lz4Frame(src: Uint8Array): Uint8Array {
  if (src.length < 7 || u32le(src, 0) !== LZ4_MAGIC) throw new Error('no LZ4 frame magic 0x184D2204 at byte 0');
  const flg = src[4];
  if ((flg & 0xc0) !== 0x40) throw new Error(`LZ4 frame version ${(flg >> 6) & 3} at byte 4, expected 1`);
  const blockChecksum = (flg & 0x10) !== 0;
  const contentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const maxBlock = LZ4_BLOCK_MAX[(src[5] >> 4) & 7];
  if (!maxBlock) throw new Error(`LZ4 block size code ${(src[5] >> 4) & 7} at byte 5, expected 4..7`);
  let s = 6;
  let expectedSize = -1;
  if (contentSize) {
    if (src.length < s + 9) throw new Error('LZ4 frame header cut short');
    expectedSize = u32le(src, s) + u32le(src, s + 4) * 2 ** 32;
    if (expectedSize > MAX_PACKET_BYTES) throw new Error(`LZ4 content size ${expectedSize} exceeds ${MAX_PACKET_BYTES}`);
    s += 8;
  }
  s += 1; // header checksum
  let dst = new Uint8Array(expectedSize >= 0 ? expectedSize + maxBlock : maxBlock * 2);
  let d = 0;
  for (;;) {
    if (s + 4 > src.length) throw new Error(`LZ4 frame ends at byte ${src.length} without its end mark`);
    const word = u32le(src, s);
    s += 4;
    if (word === 0) break;
    const raw = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    if (size > maxBlock || s + size > src.length) throw new Error(`LZ4 block of ${size} bytes at byte ${s - 4} exceeds the frame or the block size ${maxBlock}`);
    if (d + maxBlock > dst.length) {
      if (d + maxBlock > MAX_PACKET_BYTES) throw new Error(`LZ4 content exceeds ${MAX_PACKET_BYTES} bytes`);
      const bigger = new Uint8Array(Math.min(MAX_PACKET_BYTES, Math.max(dst.length * 2, d + maxBlock)));
      bigger.set(dst.subarray(0, d));
      dst = bigger;
    }
    if (raw) {
      dst.set(src.subarray(s, s + size), d);
      d += size;
    } else {
      const end = decompressBlock(src, dst, s, size, d);
      if (!(end >= d && end - d <= maxBlock)) throw new Error(`LZ4 block at byte ${s - 4} decodes to more than ${maxBlock} bytes`);
      d = end;
    }
    s += size + (blockChecksum ? 4 : 0);
  }
  if (contentChecksum) s += 4;
  if (s > src.length) throw new Error('LZ4 frame cut short before its checksum');
  if (expectedSize >= 0 && d !== expectedSize) throw new Error(`LZ4 frame decodes to ${d} bytes, its header says ${expectedSize}`);
  return dst.subarray(0, d);
}

/** The content size a Zstandard frame header declares, or -1 when it does not say. */
export function zstdContentSize(src: Uint8Array): number {
  if (src.length < 5 || u32le(src, 0) !== 0xfd2fb528) throw new Error('no Zstd frame magic 0xFD2FB528 at byte 0');
  const fhd = src[4];
  const single = (fhd >> 5) & 1;
  const fcsBytes = [single, 2, 4, 8][fhd >> 6];
  const at = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3];
  if (!fcsBytes) return -1;
  if (at + fcsBytes > src.length) throw new Error('Zstd frame header cut short');
  let v = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) v = v * 256 + src[at + i];
  return fcsBytes === 2 ? v + 256 : v;
}

/** Decodes a Zstandard frame; errors from the decoder are rethrown with a plain message. */
export function zstdFrame(src: Uint8Array): Uint8Array {
  const declared = zstdContentSize(src);
  // fzstd allocates the declared size up front: refuse absurd sizes before it does.
  if (declared > MAX_PACKET_BYTES) throw new Error(`Zstd content size ${declared} exceeds ${MAX_PACKET_BYTES}`);
  try {
    return zstdDecompress(src);
  } catch (e) {
    throw new Error(`Zstd: ${(e as Error).message}`);
  }
}
