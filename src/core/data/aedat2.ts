/**
 * AEDAT 2.0 (jAER) files from a DVS128, the format of MNIST-DVS.
 *
 * Layout: ASCII header lines that start with `#` (the first is `#!AER-DAT2.0`, lines end with CRLF),
 * then 8-byte big-endian records `uint32 address, uint32 timestamp (µs)`.
 *
 * DVS128 address (16 bits): bit 0 polarity, bits 1–7 x, bits 8–14 y, bit 15 special (external) event.
 *
 * Conventions chosen here:
 * - Orientation (default `raw`): the sensor address as stored, x = (addr >> 1) & 0x7F,
 *   y = (addr >> 8) & 0x7F, no mirroring. Two other views are offered:
 *   `jaer`: what jAER draws, as an image with row 0 at the top (x → 127 − x, y → 127 − y; jAER mirrors x
 *   and puts y = 0 at the bottom); `mnist-dvs-upright`: MNIST-DVS digits upright in an image with row 0
 *   at the top (x → 127 − y, y → 127 − x: the camera was turned relative to the screen; the same mapping
 *   as SpikingJelly's and events-tfds' MNIST-DVS loaders, and a recorded "0" comes out taller than wide).
 *   The synthetic digits of `synth/` are written in the same physical orientation as MNIST-DVS, so real and
 *   synthetic recordings agree under every view.
 * - Polarity: as jAER, bit 0 = 1 is OFF, so `p = 1 − bit0` (1 = ON).
 * - Special events (bit 15) carry no pixel; they are skipped and counted.
 * - Timestamps must not go back. A 32-bit clock wrap (a jump back by more than 2^31 µs) is unwrapped
 *   by adding 2^32 µs, as jAER does; any other step back is an error.
 */
import { DEFAULT_BLOCK_BYTES, latin1, readHead, recordBlocks, type ByteSource } from './bytes';
import { EventBuilder, EventDataError, type EventBatch, type EventFileMeta, type EventReader, type ReadOptions } from './events';

export const AEDAT2_MAGIC = '#!AER-DAT2.0';
/** DVS128 sensor size. */
export const DVS128 = 128;
const RECORD = 8;
const MAX_HEADER = 1 << 20;

/** How DVS128 addresses become (x, y); see the file comment. */
export type Dvs128Orientation = 'raw' | 'jaer' | 'mnist-dvs-upright';

export interface Aedat2Options {
  /** Default `raw`. */
  orientation?: Dvs128Orientation;
}

/** Maps raw DVS128 (x, y) to the chosen view; returns `[x, y]`. */
export function orientDvs128(x: number, y: number, o: Dvs128Orientation): [number, number] {
  return o === 'raw' ? [x, y] : o === 'jaer' ? [127 - x, 127 - y] : [127 - y, 127 - x];
}

/** Parses the header lines; returns them and the byte offset where records start. */
export function parseAedat2Header(bytes: Uint8Array, file: string, fileSize: number): { lines: string[]; dataOffset: number } {
  const magic = latin1(bytes, 0, Math.min(bytes.length, AEDAT2_MAGIC.length));
  if (magic !== AEDAT2_MAGIC) {
    if (magic.startsWith('#!AER-DAT')) {
      throw new EventDataError('unsupported', file, 0, `AEDAT version "${latin1(bytes, 0, Math.min(bytes.length, 16)).split(/\r?\n/)[0]}" is not supported`, `"${AEDAT2_MAGIC}"`);
    }
    throw new EventDataError('bad-magic', file, 0, `the file starts with ${JSON.stringify(magic)}`, `"${AEDAT2_MAGIC}"`);
  }
  const lines: string[] = [];
  let off = 0;
  while (off < bytes.length && bytes[off] === 0x23) {
    const nl = bytes.indexOf(0x0a, off);
    if (nl < 0) {
      if (bytes.length >= fileSize) throw new EventDataError('truncated', file, off, 'the header line never ends', 'a line ending (LF) and then event records');
      throw new EventDataError('bad-header', file, off, `the header is longer than ${bytes.length} bytes`, `a header of comment lines under ${MAX_HEADER} bytes`);
    }
    lines.push(latin1(bytes, off, nl).replace(/\r$/, ''));
    off = nl + 1;
  }
  return { lines, dataOffset: off };
}

/** Opens an AEDAT 2.0 DVS128 file; events are streamed by `batches()`. */
export async function openAedat2(src: ByteSource, options: Aedat2Options = {}): Promise<EventReader & { skippedSpecial(): number }> {
  const file = src.name;
  // Most headers are a few hundred bytes: read 16 KiB first, the full allowance only if needed.
  let { bytes, size } = await readHead(src, 1 << 14);
  let parsed: { lines: string[]; dataOffset: number };
  try {
    parsed = parseAedat2Header(bytes, file, size);
  } catch (e) {
    if (bytes.length >= size || (e as EventDataError).code === 'bad-magic') throw e;
    ({ bytes, size } = await readHead(src, MAX_HEADER));
    parsed = parseAedat2Header(bytes, file, size);
  }
  const { lines, dataOffset } = parsed;
  const meta: EventFileMeta = { file, format: 'aedat2', width: DVS128, height: DVS128, dataOffset, fileSize: size, header: lines };
  let special = 0;
  const orientation = options.orientation ?? 'raw';
  if (!['raw', 'jaer', 'mnist-dvs-upright'].includes(orientation)) throw new RangeError(`unknown DVS128 orientation "${orientation}"`);
  // x and y as linear functions of the raw address fields: out = base + ax·rawX + ay·rawY.
  const [bx, axx, axy, by, ayx, ayy] = orientation === 'raw' ? [0, 1, 0, 0, 0, 1] : orientation === 'jaer' ? [127, -1, 0, 127, 0, -1] : [127, 0, -1, 127, -1, 0];
  return {
    meta,
    skippedSpecial: () => special,
    async *batches(opts: ReadOptions = {}): AsyncGenerator<EventBatch> {
      let prev = -1;
      let wrap = 0;
      for await (const block of recordBlocks(src, dataOffset, RECORD, opts.blockBytes ?? DEFAULT_BLOCK_BYTES, opts.signal)) {
        const b = block.bytes;
        const n = Math.floor(b.length / RECORD);
        const out = new EventBuilder(n);
        for (let i = 0, o = 0; i < n; i++, o += RECORD) {
          const addr = ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
          let t = ((b[o + 4] << 24) | (b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7]) >>> 0;
          t += wrap;
          if (t < prev) {
            if (prev - t > 2 ** 31) { wrap += 2 ** 32; t += 2 ** 32; } else {
              throw new EventDataError('time-backwards', file, block.offset + o + 4, `timestamp ${t} µs is earlier than the previous one (${prev} µs)`, 'non-decreasing timestamps');
            }
          }
          prev = t;
          if (addr > 0xffff) {
            throw new EventDataError('out-of-sensor', file, block.offset + o, `address 0x${addr.toString(16)} lies outside the DVS128 address space`, 'a 16-bit DVS128 address (other jAER chips are not supported)');
          }
          if (addr & 0x8000) { special++; continue; }
          const rx = (addr >>> 1) & 0x7f;
          const ry = (addr >>> 8) & 0x7f;
          out.push(bx + axx * rx + axy * ry, by + ayx * rx + ayy * ry, t, 1 - (addr & 1));
        }
        if (b.length % RECORD !== 0) {
          throw new EventDataError('truncated', file, block.offset + n * RECORD, `the last record has ${b.length % RECORD} of ${RECORD} bytes`, '8-byte records (uint32 address, uint32 timestamp)');
        }
        if (out.length) yield out.take();
      }
    },
  };
}

/** Encodes a DVS128 address from raw coordinates and polarity (1 = ON), inverse of the reader's decoding. */
export function dvs128Address(x: number, y: number, p: number): number {
  return ((y & 0x7f) << 8) | ((x & 0x7f) << 1) | (p ? 0 : 1);
}

/**
 * Encodes events as an AEDAT 2.0 DVS128 file (header + records). `t` must be whole µs in 0 .. 2^32 − 1;
 * x, y in 0..127 in `orientation` (default raw), so that reading with the same orientation gives them back.
 */
export function encodeAedat2(ev: { x: ArrayLike<number>; y: ArrayLike<number>; t: ArrayLike<number>; p: ArrayLike<number> }, comments: string[] = [], orientation: Dvs128Orientation = 'raw'): Uint8Array {
  const head = [AEDAT2_MAGIC, '# This is a raw AE data file - do not edit',
    '# Data format is int32 address, int32 timestamp (8 bytes total), repeated for each event',
    '# Timestamps tick is 1 us', ...comments.map((c) => `# ${c}`)].map((l) => `${l}\r\n`).join('');
  const n = ev.x.length;
  const out = new Uint8Array(head.length + n * RECORD);
  for (let i = 0; i < head.length; i++) out[i] = head.charCodeAt(i);
  const dv = new DataView(out.buffer);
  for (let i = 0, o = head.length; i < n; i++, o += RECORD) {
    // Every view is its own inverse, so the same mapping takes it back to raw addresses.
    const [rx, ry] = orientDvs128(ev.x[i], ev.y[i], orientation);
    dv.setUint32(o, dvs128Address(rx, ry, ev.p[i]));
    dv.setUint32(o + 4, ev.t[i]);
  }
  return out;
}
