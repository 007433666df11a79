/**
 * Archive extraction for downloaded datasets: `.tar`, `.tar.gz` / `.tgz` (streamed through gunzip) and
 * `.zip` (stored or deflated entries, read entry by entry through the central directory; ZIP64 is not
 * supported). Entry names that are absolute or climb out of the target folder are refused.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { createGunzip, inflateRawSync } from 'node:zlib';
import { readAt } from './blocks';
import { EventDataError, throwIfAborted } from './events';

/** The path of entry `name` inside `outDir`, or an error when it would land outside. */
function safeJoin(outDir: string, name: string, archive: string, offset: number): string {
  const clean = normalize(name.replace(/\\/g, '/'));
  if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`) || clean.startsWith('../')) {
    throw new EventDataError('bad-layout', archive, offset, `archive entry "${name}" points outside the target folder`, 'relative entry names');
  }
  return join(outDir, clean);
}

/** Extracts a tar stream (gzipped when `gzip`) into `outDir`; returns the number of files written. */
async function extractTar(archive: string, outDir: string, gzip: boolean, signal?: AbortSignal): Promise<number> {
  const input = createReadStream(archive);
  const stream = gzip ? input.pipe(createGunzip()) : input;
  let buf: Buffer = Buffer.alloc(0);
  let pos = 0; // offset in the tar stream of buf[0]
  let files = 0;
  let pending: { path: string; size: number; parts: Buffer[]; got: number } | undefined;
  let skip = 0;
  let ended = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      throwIfAborted(signal);
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (pending) {
          const take = Math.min(pending.size - pending.got, buf.length);
          pending.parts.push(buf.subarray(0, take));
          pending.got += take;
          buf = buf.subarray(take); pos += take;
          if (pending.got < pending.size) break;
          await mkdir(dirname(pending.path), { recursive: true });
          await writeFile(pending.path, Buffer.concat(pending.parts));
          files++;
          skip = (512 - (pending.size % 512)) % 512;
          pending = undefined;
        }
        if (skip) {
          const take = Math.min(skip, buf.length);
          buf = buf.subarray(take); pos += take; skip -= take;
          if (skip) break;
        }
        if (ended || buf.length < 512) break;
        const h = buf.subarray(0, 512);
        if (h.every((b) => b === 0)) { ended = true; break; }
        const field = (o: number, n: number): string => h.toString('latin1', o, o + n).replace(/\0.*$/s, '');
        const sum = parseInt(field(148, 8).trim(), 8);
        let check = 0;
        for (let i = 0; i < 512; i++) check += i >= 148 && i < 156 ? 32 : h[i];
        if (sum !== check) throw new EventDataError('bad-header', archive, pos, `tar header checksum ${sum}, computed ${check}`, 'a valid tar header');
        const size = parseInt(field(124, 12).trim() || '0', 8);
        const type = field(156, 1) || '0';
        const prefix = field(345, 155);
        const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
        buf = buf.subarray(512); pos += 512;
        if (type === '0' || type === '7') {
          pending = { path: safeJoin(outDir, name, archive, pos - 512), size, parts: [], got: 0 };
        } else {
          if (type === '5') await mkdir(safeJoin(outDir, name, archive, pos - 512), { recursive: true });
          skip = Math.ceil(size / 512) * 512; // links, pax headers and the like carry no file for us
        }
      }
    }
  } catch (e) {
    if (e instanceof EventDataError || (e as Error).name === 'AbortError') throw e;
    throw new EventDataError('truncated', archive, pos, `the archive cannot be read (${(e as Error).message})`, gzip ? 'a complete .tar.gz file' : 'a complete .tar file');
  }
  if (pending || skip) throw new EventDataError('truncated', archive, pos, 'the archive ends inside an entry', 'complete tar entries');
  return files;
}

/** Extracts a zip file entry by entry; returns the number of files written. */
async function extractZip(archive: string, outDir: string, signal?: AbortSignal): Promise<number> {
  const fh = await open(archive, 'r');
  try {
    const size = (await fh.stat()).size;
    const tailLen = Math.min(size, 65557);
    const tail = Buffer.from(await readAt(fh, size - tailLen, tailLen));
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new EventDataError('bad-magic', archive, size - tailLen, 'no zip end-of-central-directory record', 'a zip file');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOff = tail.readUInt32LE(eocd + 16);
    if (cdOff === 0xffffffff || count === 0xffff) throw new EventDataError('unsupported', archive, size - tailLen + eocd, 'a ZIP64 archive', 'a zip file under 4 GB with fewer than 65,535 entries');
    if (cdOff + cdSize > size) throw new EventDataError('truncated', archive, size - tailLen + eocd + 16, `the central directory (${cdSize} bytes at ${cdOff}) lies past the end of the file`, 'a complete zip file');
    const cd = Buffer.from(await readAt(fh, cdOff, cdSize));
    let p = 0;
    let files = 0;
    for (let k = 0; k < count; k++) {
      throwIfAborted(signal);
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new EventDataError('bad-header', archive, cdOff + p, 'no central directory entry', 'a zip central directory entry');
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      const csize = cd.readUInt32LE(p + 20);
      const usize = cd.readUInt32LE(p + 24);
      const nlen = cd.readUInt16LE(p + 28);
      const elen = cd.readUInt16LE(p + 30);
      const clen = cd.readUInt16LE(p + 32);
      const local = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nlen);
      p += 46 + nlen + elen + clen;
      const target = safeJoin(outDir, name, archive, cdOff + p);
      if (name.endsWith('/')) { await mkdir(target, { recursive: true }); continue; }
      const lh = Buffer.from(await readAt(fh, local, 30));
      if (lh.length < 30 || lh.readUInt32LE(0) !== 0x04034b50) throw new EventDataError('bad-header', archive, local, 'no local file header', 'a zip local file header');
      const start = local + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
      const data = Buffer.from(await readAt(fh, start, csize));
      if (data.length < csize) throw new EventDataError('truncated', archive, start, `entry "${name}" has ${data.length} of ${csize} bytes`, 'complete entries');
      let bytes: Buffer;
      if (method === 0) bytes = data;
      else if (method === 8) {
        try { bytes = inflateRawSync(data); } catch (e) {
          throw new EventDataError('bad-packet', archive, start, `entry "${name}" does not inflate (${(e as Error).message})`, 'deflated data');
        }
      } else throw new EventDataError('unsupported', archive, local, `compression method ${method} of entry "${name}"`, 'stored (0) or deflated (8) entries');
      if (bytes.length !== usize || crc32(bytes) !== crc) throw new EventDataError('bad-packet', archive, start, `entry "${name}" fails its size or CRC check`, 'the size and CRC-32 of the central directory');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, bytes);
      files++;
    }
    return files;
  } finally {
    await fh.close();
  }
}

let crcTable: Int32Array | undefined;
/** CRC-32 (zip, PNG) of bytes. */
export function crc32(b: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Extracts `archive` (by extension: .zip, .tar, .tar.gz, .tgz) into `outDir`; returns the files written. */
export async function extractArchive(archive: string, outDir: string, signal?: AbortSignal): Promise<number> {
  await mkdir(outDir, { recursive: true });
  const lower = archive.toLowerCase();
  if (lower.endsWith('.zip')) return extractZip(archive, outDir, signal);
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return extractTar(archive, outDir, true, signal);
  if (lower.endsWith('.tar')) return extractTar(archive, outDir, false, signal);
  throw new EventDataError('unsupported', archive, 0, 'not an archive this extension can unpack', '.zip, .tar, .tar.gz or .tgz');
}
