// Byte-level fixtures for the event-data tests: every file is written here, by hand, so the unit tests
// need nothing outside the repository.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { compress as lz4Compress } from 'lz4js';
import { crc32 } from '../../src/io/data/archive';

/** A fresh temporary folder, removed when the test file ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'synops-data-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function write(dir: string, name: string, bytes: Uint8Array | string): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export interface Ev { x: number; y: number; t: number; p: number }

/** Collects the events of async batches into plain objects. */
export async function collect(batches: AsyncIterable<{ x: ArrayLike<number>; y: ArrayLike<number>; t: ArrayLike<number>; p: ArrayLike<number>; length: number }>): Promise<Ev[]> {
  const out: Ev[] = [];
  for await (const b of batches) for (let i = 0; i < b.length; i++) out.push({ x: b.x[i], y: b.y[i], t: b.t[i], p: b.p[i] });
  return out;
}

// ---- AEDAT 4.0 ----

/** IOHeader flatbuffer: root table with compression (int32), data-table position (int64), info (string). */
export function ioHeader(compression: number, dataTablePosition: number, xml: string): Uint8Array {
  const s = new TextEncoder().encode(xml);
  const out = new Uint8Array(44 + s.length + 1);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 20, true); // root table at 20
  out.set(ascii('IOHE'), 4);
  // vtable at 8: length 10, table size 20, fields at +4, +8, +16
  [10, 20, 4, 8, 16].forEach((v, i) => dv.setUint16(8 + 2 * i, v, true));
  dv.setInt32(20, 20 - 8, true); // table − vtable
  dv.setInt32(24, compression, true);
  dv.setBigInt64(28, BigInt(dataTablePosition), true);
  dv.setUint32(36, 40 - 36, true); // string at 40
  dv.setUint32(40, s.length, true);
  out.set(s, 44);
  return out;
}

export function streamXml(streams: Array<{ id: number; type: string; width?: number; height?: number }>): string {
  const nodes = streams.map((s) => `<node name="${s.id}" path="/mainloop/Recorder/outInfo/${s.id}/">
  <attr key="compression" type="string">LZ4</attr>
  <attr key="typeIdentifier" type="string">${s.type}</attr>
  <node name="info" path="/mainloop/Recorder/outInfo/${s.id}/info/">${s.width !== undefined ? `
    <attr key="sizeX" type="int">${s.width}</attr>
    <attr key="sizeY" type="int">${s.height}</attr>` : ''}
  </node>
</node>`).join('\n');
  return `<dv version="2.0">\n<node name="outInfo" path="/mainloop/Recorder/outInfo/">\n${nodes}\n</node>\n</dv>\n`;
}

/** Size-prefixed `EventPacket` flatbuffer holding 16-byte events (int64 t, int16 x, int16 y, bool on). */
export function eventPacket(events: Ev[], ident = 'EVTS'): Uint8Array {
  const out = new Uint8Array(32 + 16 * events.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, out.length - 4, true);
  dv.setUint32(4, 16, true); // root table at 4 + 16 = 20
  out.set(ascii(ident), 8);
  [6, 8, 4].forEach((v, i) => dv.setUint16(12 + 2 * i, v, true)); // vtable at 12: one field at +4
  dv.setInt32(20, 20 - 12, true);
  dv.setUint32(24, 28 - 24, true); // vector at 28
  dv.setUint32(28, events.length, true);
  events.forEach((e, i) => {
    const o = 32 + 16 * i;
    dv.setBigInt64(o, BigInt(e.t), true);
    dv.setInt16(o + 8, e.x, true);
    dv.setInt16(o + 10, e.y, true);
    out[o + 12] = e.p;
  });
  return out;
}

/** A Zstandard frame made of raw (stored) blocks: valid Zstd without needing a compressor. */
export function zstdStored(data: Uint8Array): Uint8Array {
  const head = new Uint8Array(9);
  const dv = new DataView(head.buffer);
  dv.setUint32(0, 0xfd2fb528, true);
  head[4] = 0xa0; // 4-byte content size, single segment, no checksum
  dv.setUint32(5, data.length, true);
  const parts: Uint8Array[] = [head];
  const max = 1 << 17;
  for (let o = 0; o === 0 || o < data.length; o += max) {
    const block = data.subarray(o, Math.min(data.length, o + max));
    const last = o + max >= data.length ? 1 : 0;
    const h = (block.length << 3) | last; // block type 0 = raw
    parts.push(new Uint8Array([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), block);
  }
  return concat(...parts);
}

export const COMPRESS: Record<number, (b: Uint8Array) => Uint8Array> = { 0: (b) => b, 1: (b) => lz4Compress(b), 3: zstdStored };

export interface Aedat4Spec {
  compression?: 0 | 1 | 3;
  width?: number;
  height?: number;
  /** Packets in file order: event packets, or other streams with raw payload bytes. */
  packets: Array<{ stream: number; events?: Ev[]; payload?: Uint8Array }>;
  /** Append a data table (an LZ4 frame) and record its position; `'stale'` records a wrong one. */
  table?: 'good' | 'stale' | 'none';
}

/** An AEDAT 4.0 file: stream 0 polarity events, stream 2 IMU, stream 3 triggers. */
export function aedat4(spec: Aedat4Spec): Uint8Array {
  const comp = spec.compression ?? 1;
  const xml = streamXml([{ id: 0, type: 'EVTS', width: spec.width ?? 32, height: spec.height ?? 24 }, { id: 2, type: 'IMUS' }, { id: 3, type: 'TRIG' }]);
  const build = (tablePos: number): Uint8Array => {
    const header = ioHeader(comp, tablePos, xml);
    const len = new Uint8Array(4);
    new DataView(len.buffer).setInt32(0, header.length, true);
    const packets = spec.packets.map((p) => {
      const payload = p.events ? COMPRESS[comp](eventPacket(p.events)) : p.payload!;
      const h = new Uint8Array(8);
      const dv = new DataView(h.buffer);
      dv.setInt32(0, p.stream, true);
      dv.setInt32(4, payload.length, true);
      return concat(h, payload);
    });
    return concat(ascii('#!AER-DAT4.0\r\n'), len, header, ...packets);
  };
  const body = build(-1);
  if (!spec.table || spec.table === 'none') return body;
  const table = lz4Compress(concat(new Uint8Array([4, 0, 0, 0]), ascii('FTAB')));
  const pos = spec.table === 'good' ? body.length : body.length - 5;
  return concat(build(pos), table);
}

/** A ustar entry: 512-byte header (name, octal size, checksum) then the content padded to 512. */
export function tarEntry(name: string, content: Uint8Array): Uint8Array {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write('0', 156, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return concat(h, content, new Uint8Array((512 - (content.length % 512)) % 512));
}

/** A zip of the given entries, stored or deflated (local headers, central directory, end record). */
export function zip(entries: Array<{ name: string; data: Uint8Array; deflate: boolean; badCrc?: boolean }>): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let off = 0;
  for (const e of entries) {
    const body = e.deflate ? deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name);
    const crc = crc32(e.data) ^ (e.badCrc ? 1 : 0);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(e.deflate ? 8 : 0, 8);
    lh.writeUInt32LE(crc >>> 0, 14); lh.writeUInt32LE(body.length, 18); lh.writeUInt32LE(e.data.length, 22); lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt16LE(e.deflate ? 8 : 0, 10);
    ch.writeUInt32LE(crc >>> 0, 16); ch.writeUInt32LE(body.length, 20); ch.writeUInt32LE(e.data.length, 24); ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(off, 42);
    locals.push(lh, name, body);
    centrals.push(ch, name);
    off += 30 + name.length + body.length;
  }
  const cd = concat(...centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(off, 16);
  return concat(...locals, cd, end);
}
