/**
 * Decompression of AEDAT 4.0 packets: LZ4 frames (block decoding by `lz4js`, the frame checked here so
 * that truncated or corrupt input fails instead of looping) and Zstandard frames (`fzstd`).
 */
import { decompressBlock } from 'lz4js';
import { decompress as zstdDecompress } from 'fzstd';

/**
 * Largest decompressed packet accepted: 64 MiB, 4 M events of 16 bytes. DV writes packets of a few
 * thousand events (the DVXplorer sample's largest is 48 KB, 3,000 events); a packet that claims or
 * decodes to more is a damaged or hostile file, refused before its memory is allocated.
 */
export const MAX_PACKET_BYTES = 64 << 20;

/**
 * Largest Zstandard window accepted for a frame that does not declare its content size: 8 MiB, the size
 * the Zstandard format (RFC 8878, "Window_Descriptor") recommends that decoders support and encoders
 * not exceed. `fzstd` allocates the window up front, so a 32 KiB frame asking for a 2 GB window would
 * cost 2 GB before a byte is decoded.
 */
export const ZSTD_MAX_WINDOW = 8 << 20;
const ZSTD_BLOCK_MAX = 128 << 10;

/** A frame that would decode past a stated limit (as opposed to a damaged frame). */
export class CodecLimitError extends Error {
  override readonly name = 'CodecLimitError';
}

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
    if (expectedSize > MAX_PACKET_BYTES) throw new CodecLimitError(`LZ4 content size ${expectedSize} exceeds the ${MAX_PACKET_BYTES}-byte limit`);
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
      if (d + maxBlock > MAX_PACKET_BYTES) throw new CodecLimitError(`LZ4 content at byte ${s - 4} exceeds the ${MAX_PACKET_BYTES}-byte limit`);
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

/**
 * Walks the frames of a Zstandard stream (RFC 8878) without decoding them: checks each frame header and
 * block header, and returns the most bytes the stream can decode to, as its blocks allow (a raw or RLE
 * block regenerates its stated size, a compressed one at most the block maximum, min(window, 128 KiB)).
 * Throws a `CodecLimitError` when that, a declared content size, or a window without a declared size
 * passes the limits, and an `Error` naming the byte for a malformed frame.
 */
export function zstdBound(src: Uint8Array): number {
  let s = 0;
  let bound = 0;
  while (s < src.length) {
    if (s + 8 > src.length) throw new Error(`Zstd frame at byte ${s} cut short (${src.length - s} bytes)`);
    const magic = u32le(src, s);
    if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) { // a skippable frame: size, then data nobody decodes
      s += 8 + u32le(src, s + 4);
      if (s > src.length) throw new Error('Zstd skippable frame runs past the end of the data');
      continue;
    }
    if (magic !== 0xfd2fb528) throw new Error(`no Zstd frame magic 0xFD2FB528 at byte ${s}`);
    const frame = s;
    const fhd = src[s + 4];
    if (fhd & 0x08) throw new Error(`Zstd frame header at byte ${s + 4} sets its reserved bit`);
    const single = (fhd >> 5) & 1;
    const fcsBytes = [single, 2, 4, 8][fhd >> 6];
    let p = s + 5;
    let window = 0;
    if (!single) {
      const wd = src[p++];
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    p += [0, 1, 2, 4][fhd & 3];
    if (p + fcsBytes > src.length) throw new Error(`Zstd frame header at byte ${frame} cut short`);
    let declared = -1;
    if (fcsBytes) {
      declared = 0;
      for (let i = fcsBytes - 1; i >= 0; i--) declared = declared * 256 + src[p + i];
      if (fcsBytes === 2) declared += 256;
    }
    p += fcsBytes;
    if (single) window = declared;
    if (declared > MAX_PACKET_BYTES) throw new CodecLimitError(`Zstd frame at byte ${frame} declares ${declared} bytes, more than the ${MAX_PACKET_BYTES}-byte limit`);
    if (declared <= 0 && window > ZSTD_MAX_WINDOW) throw new CodecLimitError(`Zstd frame at byte ${frame} asks for a ${window}-byte window without declaring its size, more than the ${ZSTD_MAX_WINDOW}-byte limit`);
    const blockMax = Math.min(window, ZSTD_BLOCK_MAX);
    let regen = 0;
    for (let last = 0; !last;) {
      if (p + 3 > src.length) throw new Error(`Zstd block header at byte ${p} cut short`);
      const h = src[p] | (src[p + 1] << 8) | (src[p + 2] << 16);
      last = h & 1;
      const type = (h >> 1) & 3;
      const size = h >>> 3;
      if (type === 3) throw new Error(`Zstd block at byte ${p} has the reserved type 3`);
      if (size > blockMax) throw new Error(`Zstd block at byte ${p} of ${size} bytes exceeds the block maximum ${blockMax}`);
      p += 3;
      const stored = type === 1 ? 1 : size;
      if (p + stored > src.length) throw new Error(`Zstd block at byte ${p - 3} runs past the end of the data`);
      p += stored;
      regen += type === 2 ? blockMax : size;
      if (declared < 0 && bound + regen > MAX_PACKET_BYTES) {
        throw new CodecLimitError(`Zstd data at byte ${p - 3 - stored} can decode to more than the ${MAX_PACKET_BYTES}-byte limit`);
      }
    }
    if (fhd & 0x04) p += 4; // content checksum
    if (p > src.length) throw new Error(`Zstd frame at byte ${frame} cut short before its checksum`);
    bound += declared >= 0 ? Math.min(declared, regen) : regen;
    if (bound > MAX_PACKET_BYTES) throw new CodecLimitError(`Zstd data can decode to ${bound} bytes, more than the ${MAX_PACKET_BYTES}-byte limit`);
    s = p;
  }
  return bound;
}

/**
 * Decodes Zstandard data after `zstdBound` has bounded what it can decode to (and the window `fzstd`
 * allocates); errors from the decoder are rethrown with a plain message.
 */
export function zstdFrame(src: Uint8Array): Uint8Array {
  const bound = zstdBound(src);
  let out: Uint8Array;
  try {
    out = zstdDecompress(src);
  } catch (e) {
    throw new Error(`Zstd: ${(e as Error).message}`);
  }
  if (out.length > bound) throw new Error(`Zstd data decoded to ${out.length} bytes, more than its blocks allow (${bound})`);
  return out;
}
