/**
 * The frame cache's file format (`src/io/data/cache.ts` keeps one file per recording and preparation):
 * `SFC1` magic, uint32 LE count, width, height, then `count·height·width` uint16 LE counts.
 */
import type { Frames } from './frames';

const MAGIC = 0x31434653; // 'SFC1' little-endian

/** The bytes of a cache file holding `f`. */
export function encodeFrames(f: Frames): Uint8Array {
  const out = new Uint8Array(16 + f.frames.length * 2);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, f.count, true);
  dv.setUint32(8, f.width, true);
  dv.setUint32(12, f.height, true);
  for (let i = 0; i < f.frames.length; i++) dv.setUint16(16 + 2 * i, f.frames[i], true);
  return out;
}

/** Decodes a cache file; `undefined` when it is not a complete cache file (then it is rebuilt). */
export function decodeFrames(b: Uint8Array): Frames | undefined {
  if (b.length < 16) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) return undefined;
  const count = dv.getUint32(4, true);
  const width = dv.getUint32(8, true);
  const height = dv.getUint32(12, true);
  if (b.length !== 16 + 2 * count * width * height) return undefined;
  const frames = new Uint16Array(count * width * height);
  for (let i = 0; i < frames.length; i++) frames[i] = dv.getUint16(16 + 2 * i, true);
  return { frames, count, width, height };
}
