/**
 * N-MNIST `.bin` files (Orchard et al. 2015, ATIS sensor, 34×34): no header, 5-byte records:
 * byte 0 = x (0..33), byte 1 = y (0..33), byte 2 bit 7 = polarity (1 = ON), the remaining 23 bits
 * (byte 2 bits 6..0, bytes 3, 4; big-endian) = timestamp in µs.
 *
 * Orientation: x, y as stored (row = y from the top shows the digit upright). Polarity: bit 7 = 1 is ON.
 * Timestamps must not go back; a 23-bit wrap is not unwrapped (recordings last ~300 ms, far below 8.4 s).
 */
import { DEFAULT_BLOCK_BYTES, recordBlocks, withOpen, type ByteSource } from './bytes';
import { EventBuilder, EventDataError, type EventBatch, type EventFileMeta, type EventReader, type ReadOptions } from './events';

/** N-MNIST sensor size (34×34). */
export const NMNIST_SIZE = 34;
const RECORD = 5;
/** Largest timestamp a record can hold: 2^23 − 1 µs. */
export const NMNIST_MAX_T = (1 << 23) - 1;

/** Opens an N-MNIST `.bin` file. */
export async function openNmnist(src: ByteSource): Promise<EventReader> {
  const file = src.name;
  const size = await withOpen(src, async (b) => b.size);
  const meta: EventFileMeta = { file, format: 'nmnist', width: NMNIST_SIZE, height: NMNIST_SIZE, dataOffset: 0, fileSize: size };
  return {
    meta,
    async *batches(opts: ReadOptions = {}): AsyncGenerator<EventBatch> {
      let prev = -1;
      for await (const block of recordBlocks(src, 0, RECORD, opts.blockBytes ?? DEFAULT_BLOCK_BYTES, opts.signal)) {
        const b = block.bytes;
        const n = Math.floor(b.length / RECORD);
        const out = new EventBuilder(n);
        for (let i = 0, o = 0; i < n; i++, o += RECORD) {
          const x = b[o];
          const y = b[o + 1];
          if (x >= NMNIST_SIZE || y >= NMNIST_SIZE) {
            throw new EventDataError('out-of-sensor', file, block.offset + o, `event at (${x}, ${y}) lies outside the 34×34 sensor`, 'x and y in 0..33');
          }
          const t = ((b[o + 2] & 0x7f) << 16) | (b[o + 3] << 8) | b[o + 4];
          if (t < prev) {
            throw new EventDataError('time-backwards', file, block.offset + o + 2, `timestamp ${t} µs is earlier than the previous one (${prev} µs)`, 'non-decreasing timestamps');
          }
          prev = t;
          out.push(x, y, t, b[o + 2] >>> 7);
        }
        if (b.length % RECORD !== 0) {
          throw new EventDataError('truncated', file, block.offset + n * RECORD, `the last record has ${b.length % RECORD} of ${RECORD} bytes`, '5-byte N-MNIST records');
        }
        if (out.length) yield out.take();
      }
    },
  };
}

/** Encodes events as an N-MNIST `.bin` file. x, y in 0..33, t whole µs in 0 .. 2^23 − 1, p 1 = ON. */
export function encodeNmnist(ev: { x: ArrayLike<number>; y: ArrayLike<number>; t: ArrayLike<number>; p: ArrayLike<number> }): Uint8Array {
  const n = ev.x.length;
  const out = new Uint8Array(n * RECORD);
  for (let i = 0, o = 0; i < n; i++, o += RECORD) {
    const t = ev.t[i];
    if (!(t >= 0 && t <= NMNIST_MAX_T)) throw new RangeError(`event ${i}: timestamp ${t} µs does not fit 23 bits`);
    out[o] = ev.x[i];
    out[o + 1] = ev.y[i];
    out[o + 2] = (ev.p[i] ? 0x80 : 0) | ((t >>> 16) & 0x7f);
    out[o + 3] = (t >>> 8) & 0xff;
    out[o + 4] = t & 0xff;
  }
  return out;
}
