/**
 * Prophesee event files.
 *
 * - `.dat` (DAT): ASCII header lines starting with `%`, then 1 byte event type (0x0C = CD events, or
 *   0x00 = `Event2d`, the type of older ATIS recordings such as N-CARS: the same 8-byte layout),
 *   1 byte event size (8), then 8-byte little-endian events: uint32 t (µs), uint32 data with
 *   x = bits 0–13, y = bits 14–27, polarity = bits 28–31 (1 = ON). Sensor size from `% Width`/`% Height`,
 *   `% geometry WxH` or `% format ...;width=W;height=H`; without any, the Gen1 ATIS size 304×240.
 * - `.raw` EVT 2.0: `%` header lines up to `% end`, then 32-bit little-endian words, type = bits 28–31:
 *   0 CD OFF / 1 CD ON (t low 6 bits = bits 22–27, x = bits 11–21, y = bits 0–10), 8 EVT_TIME_HIGH
 *   (t bits 6–33 = bits 0–27), 10 trigger, 14 others, 15 continued (skipped). CD words before the first
 *   TIME_HIGH have no full timestamp and are skipped, as Metavision does. EVT 3.0 is not supported.
 *
 * Orientation: x, y as stored. Polarity: 1 = ON.
 */
import { DEFAULT_BLOCK_BYTES, latin1, readHead, recordBlocks, type ByteSource } from './bytes';
import { EventBuilder, EventDataError, type EventBatch, type EventFileMeta, type EventReader, type ReadOptions } from './events';

const MAX_HEADER = 1 << 16;
/** DAT event types read: 0x00 `Event2d` (N-CARS, older ATIS recordings) and 0x0C CD; both 8-byte x/y/p/t. */
const DAT_EVENT_TYPES = [0x00, 0x0c];

interface Header { lines: string[]; end: number; width?: number; height?: number; evt?: string }

/** Reads the `%` header lines and the sensor size they give. */
function parseHeader(bytes: Uint8Array, file: string): Header {
  if (bytes[0] !== 0x25) throw new EventDataError('bad-magic', file, 0, `the file starts with byte 0x${(bytes[0] ?? 0).toString(16)}`, 'a "%" header line');
  const lines: string[] = [];
  let off = 0;
  while (off < bytes.length && bytes[off] === 0x25) {
    const nl = bytes.indexOf(0x0a, off);
    if (nl < 0) throw new EventDataError('bad-header', file, off, 'a header line does not end', `header lines ending in LF within ${MAX_HEADER} bytes`);
    const line = latin1(bytes, off, nl).replace(/\r$/, '');
    lines.push(line);
    off = nl + 1;
    if (/^% end\s*$/.test(line)) break;
  }
  const text = lines.join('\n');
  const num = (re: RegExp): number | undefined => { const m = text.match(re); return m ? Number(m[1]) : undefined; };
  const h: Header = { lines, end: off };
  const geo = text.match(/^% geometry (\d+)x(\d+)/m);
  h.width = num(/^% Width (\d+)/m) ?? num(/width=(\d+)/) ?? (geo ? Number(geo[1]) : undefined);
  h.height = num(/^% Height (\d+)/m) ?? num(/height=(\d+)/) ?? (geo ? Number(geo[2]) : undefined);
  h.evt = text.match(/^% evt (\S+)/m)?.[1] ?? text.match(/format (EVT\w+)/)?.[1];
  return h;
}

/** Opens a Prophesee `.dat` (CD events) or `.raw` EVT 2.0 file. */
export async function openProphesee(src: ByteSource): Promise<EventReader> {
  const file = src.name;
  const { bytes, size } = await readHead(src, MAX_HEADER);
  const h = parseHeader(bytes, file);
  const raw = /\.raw$/i.test(file) || (h.evt !== undefined && /^(EVT)?2(\.0)?$/i.test(h.evt));
  if (h.evt !== undefined && !/^(EVT)?2(\.0)?$/i.test(h.evt)) {
    throw new EventDataError('unsupported', file, 0, `Prophesee event format "${h.evt}" is not supported`, 'EVT 2.0 or DAT (CD events)');
  }
  if (raw && h.evt === undefined) throw new EventDataError('unsupported', file, 0, 'a .raw file that does not say its encoding', 'a "% evt 2.0" header line');
  let dataOffset = h.end;
  if (!raw) {
    if (dataOffset + 2 > size) throw new EventDataError('truncated', file, dataOffset, 'the file ends after the header', 'event type and event size bytes');
    const type = bytes[dataOffset];
    const evSize = bytes[dataOffset + 1];
    if (!DAT_EVENT_TYPES.includes(type) || evSize !== 8) {
      throw new EventDataError('unsupported', file, dataOffset, `DAT event type 0x${type.toString(16)} of ${evSize} bytes`, 'CD events (type 0x0c) or Event2d (type 0x00), 8 bytes each');
    }
    dataOffset += 2;
  }
  const width = h.width ?? 304;
  const height = h.height ?? 240;
  // What the event words can address: DAT x and y have 14 bits, EVT 2.0 x and y 11 bits.
  const most = raw ? 2048 : 16384;
  if (!(width > 0 && height > 0 && width <= most && height <= most)) {
    throw new EventDataError('bad-header', file, 0, `sensor size ${width}×${height}`, `a sensor size in 1..${most} (${raw ? 'EVT 2.0 has 11-bit' : 'DAT has 14-bit'} coordinates)`);
  }
  const meta: EventFileMeta = { file, format: raw ? 'prophesee-evt2' : 'prophesee-dat', width, height, dataOffset, fileSize: size, header: h.lines };
  const outside = (x: number, y: number, at: number): never => {
    throw new EventDataError('out-of-sensor', file, at, `event at (${x}, ${y}) lies outside the ${width}×${height} sensor`, `x in 0..${width - 1}, y in 0..${height - 1}`);
  };
  const backwards = (t: number, prev: number, at: number): never => {
    throw new EventDataError('time-backwards', file, at, `timestamp ${t} µs is earlier than the previous one (${prev} µs)`, 'non-decreasing timestamps');
  };
  return {
    meta,
    async *batches(opts: ReadOptions = {}): AsyncGenerator<EventBatch> {
      const rec = raw ? 4 : 8;
      let prev = -1;
      let high = -1;
      for await (const block of recordBlocks(src, dataOffset, rec, opts.blockBytes ?? DEFAULT_BLOCK_BYTES, opts.signal)) {
        const b = block.bytes;
        const n = Math.floor(b.length / rec);
        const out = new EventBuilder(raw ? n : n);
        for (let i = 0, o = 0; i < n; i++, o += rec) {
          const w0 = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
          if (!raw) {
            const d = (b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] << 24)) >>> 0;
            const x = d & 0x3fff;
            const y = (d >>> 14) & 0x3fff;
            const p = d >>> 28;
            if (x >= width || y >= height) outside(x, y, block.offset + o);
            if (p > 1) throw new EventDataError('bad-packet', file, block.offset + o + 4, `polarity ${p}`, 'polarity 0 or 1');
            if (w0 < prev) backwards(w0, prev, block.offset + o);
            prev = w0;
            out.push(x, y, w0, p);
            continue;
          }
          const type = w0 >>> 28;
          if (type === 8) { high = (w0 & 0x0fffffff) * 64; continue; }
          if (type === 10 || type === 14 || type === 15) continue;
          if (type > 1) throw new EventDataError('bad-packet', file, block.offset + o, `EVT 2.0 word type ${type}`, 'a word type 0, 1, 8, 10, 14 or 15');
          if (high < 0) continue;
          const t = high + ((w0 >>> 22) & 0x3f);
          const x = (w0 >>> 11) & 0x7ff;
          const y = w0 & 0x7ff;
          if (x >= width || y >= height) outside(x, y, block.offset + o);
          if (t < prev) backwards(t, prev, block.offset + o);
          prev = t;
          out.push(x, y, t, type);
        }
        if (b.length % rec !== 0) {
          throw new EventDataError('truncated', file, block.offset + n * rec, `the last record has ${b.length % rec} of ${rec} bytes`, `${rec}-byte records`);
        }
        if (out.length) yield out.take();
      }
    },
  };
}
