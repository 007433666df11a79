/**
 * AEDAT 4.0 files (iniVation DV software).
 *
 * Layout: `#!AER-DAT4.0\r\n`, int32 LE length of the IOHeader, the IOHeader flatbuffer (fields:
 * 0 compression enum, 1 int64 data-table position or −1, 2 XML info string naming the streams), then
 * packets: int32 LE stream id, int32 LE payload size, payload = compressed size-prefixed flatbuffer.
 * Polarity packets (identifier `EVTS`) hold a vector of 16-byte `Event` structs:
 * int64 t (µs), int16 x, int16 y, bool on, 3 bytes padding.
 *
 * Packets are read one after the other from the header on; the data table at the end of the file is not
 * used to find packets (it can be stale). Its position only ends the scan when a packet boundary lands
 * exactly on it, or when the bytes after the last packet are an unknown stream that starts like a
 * compressed frame (a table whose recorded position is stale). Frame, IMU and trigger packets are skipped
 * without being decompressed. Orientation: x, y as stored. Polarity: `on` = 1 is ON.
 */
import { withOpen, type ByteSource } from './bytes';
import { CodecLimitError, lz4Frame, MAX_PACKET_BYTES, zstdFrame } from './codecs';
import { EventBuilder, EventDataError, throwIfAborted, type EventBatch, type EventFileMeta, type EventReader, type ReadOptions } from './events';
import { FlatReader } from './flatbuf';

export const AEDAT4_MAGIC = '#!AER-DAT4.0\r\n';
/** IOHeader compression enum of the DV software. */
export const AEDAT4_COMPRESSION = ['none', 'lz4', 'lz4-high', 'zstd', 'zstd-high'] as const;
export type Aedat4Compression = (typeof AEDAT4_COMPRESSION)[number];
const MAX_HEADER = 64 << 20;
const EVENT_BYTES = 16;

/** One stream declared in the IOHeader's XML. */
export interface Aedat4Stream {
  id: number;
  /** Four-letter type: `EVTS` polarity events, `FRME` frames, `IMUS` IMU, `TRIG` triggers. */
  type: string;
  width?: number;
  height?: number;
}

export interface Aedat4Meta extends EventFileMeta {
  compression: Aedat4Compression;
  dataTablePosition: number;
  streams: Aedat4Stream[];
  /** Id of the polarity stream whose events are returned. */
  eventStream: number;
}

/** Streams of the IOHeader's XML `<node name="<id>">` entries under `outInfo`. */
export function parseAedat4Streams(xml: string): Aedat4Stream[] {
  const streams: Aedat4Stream[] = [];
  const starts = [...xml.matchAll(/<node name="(\d+)" path="[^"]*outInfo\/\d+\/">/g)];
  starts.forEach((m, k) => {
    const body = xml.slice(m.index! + m[0].length, k + 1 < starts.length ? starts[k + 1].index : xml.length);
    const attr = (key: string): string | undefined => body.match(new RegExp(`<attr key="${key}" type="[^"]*">([^<]*)</attr>`))?.[1];
    const w = attr('sizeX');
    const h = attr('sizeY');
    streams.push({ id: Number(m[1]), type: attr('typeIdentifier') ?? '', width: w === undefined ? undefined : Number(w), height: h === undefined ? undefined : Number(h) });
  });
  return streams;
}

/** Opens an AEDAT 4.0 file; `streamId` picks a polarity stream (default: the first `EVTS` stream). */
export async function openAedat4(src: ByteSource, options: { streamId?: number } = {}): Promise<EventReader & { meta: Aedat4Meta }> {
  const file = src.name;
  const meta = await withOpen(src, async ({ size, read }): Promise<Aedat4Meta> => {
    const head = await read(0, Math.min(size, 18));
    const magic = String.fromCharCode(...head.subarray(0, 14));
    if (magic !== AEDAT4_MAGIC) {
      throw new EventDataError(magic.startsWith('#!AER-DAT') ? 'unsupported' : 'bad-magic', file, 0, `the file starts with ${JSON.stringify(magic)}`, JSON.stringify(AEDAT4_MAGIC));
    }
    if (head.length < 18) throw new EventDataError('truncated', file, 14, 'the file ends inside the header length', 'an int32 IOHeader length');
    const hlen = new DataView(head.buffer, head.byteOffset).getInt32(14, true);
    if (hlen < 8 || hlen > MAX_HEADER || 18 + hlen > size) {
      throw new EventDataError('bad-header', file, 14, `the IOHeader length says ${hlen} bytes but ${size - 18} follow`, 'a positive IOHeader length that fits the file');
    }
    const hb = await read(18, hlen);
    const fb = new FlatReader(hb, (at, problem, expected) => { throw new EventDataError('bad-header', file, 18 + at, `IOHeader: ${problem}`, expected); });
    const root = fb.root(0);
    const fComp = fb.field(root, 0);
    const code = fComp < 0 ? 0 : fb.i32(fComp);
    const compression = AEDAT4_COMPRESSION[code];
    if (compression === undefined) throw new EventDataError('bad-header', file, 18 + fComp, `compression code ${code}`, 'a compression code 0..4 (none, LZ4, LZ4 high, Zstd, Zstd high)');
    const fTable = fb.field(root, 1);
    const dataTablePosition = fTable < 0 ? -1 : fb.i64(fTable);
    const fInfo = fb.field(root, 2);
    if (fInfo < 0) throw new EventDataError('bad-header', file, 18 + root, 'the IOHeader has no info XML', 'an XML description of the streams');
    const streams = parseAedat4Streams(fb.string(fInfo));
    const chosen = options.streamId !== undefined ? streams.find((s) => s.id === options.streamId) : streams.find((s) => s.type === 'EVTS');
    if (!chosen || chosen.type !== 'EVTS') {
      throw new EventDataError('unsupported', file, 18, `no polarity event stream${options.streamId !== undefined ? ` with id ${options.streamId}` : ''} (streams: ${streams.map((s) => `${s.id}:${s.type}`).join(', ') || 'none'})`, 'a stream of type EVTS');
    }
    const { width, height } = chosen;
    // Events store x and y as int16: a sensor wider or taller than 32768 cannot be addressed.
    if (!(Number.isInteger(width) && Number.isInteger(height) && width! > 0 && height! > 0 && width! <= 32768 && height! <= 32768)) {
      throw new EventDataError('bad-header', file, 18, `stream ${chosen.id} has no valid sensor size (sizeX ${width}, sizeY ${height})`, 'sizeX and sizeY in 1..32768 (events hold x and y as int16)');
    }
    return { file, format: 'aedat4', width: width!, height: height!, dataOffset: 18 + hlen, fileSize: size, compression, dataTablePosition, streams, eventStream: chosen.id };
  });
  return { meta, batches: (opts) => aedat4Batches(src, meta, opts) };
}

/** Decompresses a packet payload per the file's compression. */
function decompress(meta: Aedat4Meta, payload: Uint8Array, at: number): Uint8Array {
  try {
    switch (meta.compression) {
      case 'none': return payload;
      case 'lz4': case 'lz4-high': return lz4Frame(payload);
      case 'zstd': case 'zstd-high': return zstdFrame(payload);
    }
  } catch (e) {
    if (e instanceof CodecLimitError) {
      throw new EventDataError('unsupported', meta.file, at, `the packet payload is refused (${e.message})`, `packets that decompress to at most ${MAX_PACKET_BYTES >> 20} MiB (4 M events)`);
    }
    throw new EventDataError('bad-packet', meta.file, at, `the packet payload does not decompress (${(e as Error).message})`, `a ${meta.compression} frame`);
  }
}

const looksCompressed = (b: Uint8Array): boolean =>
  (b[0] === 0x04 && b[1] === 0x22 && b[2] === 0x4d && b[3] === 0x18) || (b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd);

/** Streams the events of the chosen polarity stream, one packet at a time (a packet is at most 4 M events). */
async function* aedat4Batches(src: ByteSource, meta: Aedat4Meta, opts: ReadOptions = {}): AsyncGenerator<EventBatch> {
  const { file, fileSize: end, width, height } = meta;
  const known = new Set(meta.streams.map((s) => s.id));
  const bytes = await src.open();
  try {
    let off = meta.dataOffset;
    let prev = -Infinity;
    while (off < end) {
      throwIfAborted(opts.signal);
      if (off === meta.dataTablePosition) break;
      if (off + 8 > end) throw new EventDataError('truncated', file, off, `${end - off} bytes left after the last packet`, 'an 8-byte packet header (stream id, size) or the end of the file');
      const ph = await bytes.read(off, 8);
      const dv = new DataView(ph.buffer, ph.byteOffset);
      const stream = dv.getInt32(0, true);
      const size = dv.getInt32(4, true);
      if (!known.has(stream)) {
        if (looksCompressed(ph)) break; // the file data table, written after the last packet
        throw new EventDataError('bad-packet', file, off, `packet of unknown stream ${stream}`, `a stream id declared in the header (${[...known].join(', ')})`);
      }
      if (size <= 0 || off + 8 + size > end) {
        throw new EventDataError('truncated', file, off + 4, `the packet claims ${size} bytes but ${end - off - 8} remain`, 'a packet size that fits the file');
      }
      if (stream !== meta.eventStream) { off += 8 + size; continue; }
      const raw = decompress(meta, await bytes.read(off + 8, size), off + 8);
      const fb = new FlatReader(raw, (at, problem, expected) => {
        throw new EventDataError('bad-packet', file, off + 8, `decompressed packet byte ${at}: ${problem}`, expected);
      });
      const sizePrefix = fb.u32(0);
      if (sizePrefix + 4 > raw.length) throw new EventDataError('bad-packet', file, off + 8, `the packet's size prefix says ${sizePrefix} bytes but ${raw.length - 4} were decompressed`, 'a size prefix that fits the packet');
      const id = fb.ident(8);
      if (id !== 'EVTS') throw new EventDataError('bad-packet', file, off + 8, `stream ${stream} holds a "${id}" packet`, 'an EVTS (polarity) packet');
      const root = fb.root(4);
      const fEl = fb.field(root, 0);
      if (fEl < 0) { off += 8 + size; continue; }
      const { start, length } = fb.vector(fEl, EVENT_BYTES);
      const out = new EventBuilder(length);
      const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let i = 0, o = start; i < length; i++, o += EVENT_BYTES) {
        const t = v.getUint32(o, true) + v.getInt32(o + 4, true) * 4294967296;
        const x = v.getInt16(o + 8, true);
        const y = v.getInt16(o + 10, true);
        if (x < 0 || y < 0 || x >= width || y >= height) {
          throw new EventDataError('out-of-sensor', file, off + 8, `event ${i} of the packet at (${x}, ${y}) lies outside the ${width}×${height} sensor`, `x in 0..${width - 1}, y in 0..${height - 1}`);
        }
        if (t < prev) {
          throw new EventDataError('time-backwards', file, off + 8, `event ${i} of the packet at ${t} µs is earlier than the previous one (${prev} µs)`, 'non-decreasing timestamps');
        }
        prev = t;
        out.push(x, y, t, raw[o + 12] ? 1 : 0);
      }
      off += 8 + size;
      if (out.length) yield out.take();
    }
  } finally {
    await bytes.close();
  }
}
