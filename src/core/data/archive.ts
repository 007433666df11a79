/**
 * Archive extraction for downloaded datasets: `.tar`, `.tar.gz` / `.tgz` (parsed by `tar-stream`, which
 * reads ustar, GNU long names and PAX paths, behind node:zlib's gunzip) and `.zip` (stored or deflated
 * entries, read entry by entry through the central directory; ZIP64 is not supported).
 *
 * Safety rules, every one checked before a byte of the entry is written:
 * - entry names that are absolute or climb out of the target folder are refused (a backslash counts as
 *   a separator); symbolic and hard links, devices and pipes are never created (links are skipped, so
 *   nothing can be written through them);
 * - entries are streamed to disk, never held whole in memory;
 * - an archive unpacks to at most `extractionLimit(its size)` bytes and `MAX_ENTRIES` entries, so a
 *   bomb (2 MB expanding to gigabytes) stops early; a zip entry may not inflate past its declared size.
 * A failed extraction removes the files it wrote.
 */
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip, createInflateRaw } from 'node:zlib';
import { extract as tarExtract, type Header } from 'tar-stream';
import { openFile, readAt } from './blocks';
import { EventDataError, throwIfAborted } from './events';

/**
 * How many times its own size an archive may unpack to: 50. The datasets' archives hold recordings and
 * images that compress little (CIFAR-10's tar.gz unpacks to 1.1 times its size; event files to a few
 * times), while a zip or gzip bomb reaches hundreds or a thousand times.
 */
export const MAX_EXPANSION = 50;
/** Bytes any archive may unpack to on top of `MAX_EXPANSION`: 64 MiB, for small archives of sparse data. */
export const EXPANSION_ALLOWANCE = 64 << 20;
/** Most entries one archive may hold: 200,000 (N-MNIST's Train.zip, the largest, has 60,000 recordings). */
export const MAX_ENTRIES = 200_000;
/** Deflate's largest ratio (RFC 1951: 258 bytes from a 2-bit code, about 1032:1); more is a lie. */
const DEFLATE_MAX_RATIO = 1032;

/** The most bytes an archive of `archiveBytes` bytes may unpack to. */
export function extractionLimit(archiveBytes: number): number {
  return archiveBytes * MAX_EXPANSION + EXPANSION_ALLOWANCE;
}

/** Files written so far by one extraction, so that a failure can take them away again. */
class Written {
  files: string[] = [];
  bytes = 0;
  entries = 0;
  constructor(readonly archive: string, readonly limit: number) {}

  /** Counts an entry at `offset`; refuses it when the archive passes `MAX_ENTRIES`. */
  entry(name: string, offset: number): void {
    if (++this.entries > MAX_ENTRIES) {
      throw new EventDataError('unsupported', this.archive, offset, `entry "${name}" is entry ${this.entries}, more than the ${MAX_ENTRIES} an archive may hold`, `an archive of at most ${MAX_ENTRIES} entries`);
    }
  }

  /** Counts `n` more unpacked bytes of entry `name`; refuses them past the limit. */
  grow(n: number, name: string, offset: number): void {
    this.bytes += n;
    if (this.bytes > this.limit) this.refuse(name, offset);
  }

  /** The error for an archive that unpacks past the limit at entry `name`. */
  refuse(name: string, offset: number): never {
    throw new EventDataError('unsupported', this.archive, offset, `entry "${name}" takes the archive past ${this.limit} unpacked bytes (${MAX_EXPANSION} times its size + ${EXPANSION_ALLOWANCE >> 20} MiB): a compression bomb or not a dataset archive`, `an archive that unpacks to at most ${MAX_EXPANSION} times its size`);
  }

  async remove(): Promise<void> {
    await Promise.all(this.files.map((f) => rm(f, { force: true })));
  }
}

/** The path of entry `name` inside `outDir`, or an error when it would land outside. */
function safeJoin(outDir: string, name: string, archive: string, offset: number): string {
  const clean = normalize(name.replace(/\\/g, '/'));
  if (isAbsolute(clean) || /^[A-Za-z]:/.test(clean) || clean === '..' || clean.startsWith(`..${sep}`) || clean.startsWith('../')) {
    throw new EventDataError('bad-layout', archive, offset, `archive entry "${name}" points outside the target folder`, 'relative entry names');
  }
  if (clean === '.' || clean === `.${sep}` || clean.includes('\0')) {
    throw new EventDataError('bad-layout', archive, offset, `archive entry name ${JSON.stringify(name)} names no file`, 'a relative file name');
  }
  return join(outDir, clean);
}

/**
 * Writes `chunks` to a new file `target`, counting them against the limit when `count` (a tar stream is
 * counted as it is parsed instead); returns the bytes written.
 */
async function writeEntry(target: string, chunks: AsyncIterable<Uint8Array>, w: Written, name: string, offset: number, count: boolean, onChunk?: (c: Uint8Array) => void): Promise<number> {
  await mkdir(dirname(target), { recursive: true });
  let out: FileHandle;
  try {
    out = await open(target, 'w');
  } catch (e) {
    throw new EventDataError('io', w.archive, offset, `entry "${name}" cannot be written to ${target} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'a writable target folder');
  }
  w.files.push(target);
  let n = 0;
  try {
    for await (const chunk of chunks) {
      if (count) w.grow(chunk.length, name, offset);
      onChunk?.(chunk);
      await out.write(chunk);
      n += chunk.length;
    }
  } finally {
    await out.close();
  }
  return n;
}

/** Extracts a tar stream (gzipped when `gzip`) into `outDir`; returns the number of files written. */
async function extractTar(archive: string, outDir: string, gzip: boolean, w: Written, signal?: AbortSignal): Promise<number> {
  const { fh } = await openFile(archive, 'an archive file');
  const input = fh.createReadStream({ autoClose: false });
  const source: Readable = gzip ? input.pipe(createGunzip()) : input;
  if (gzip) input.on('error', (e) => source.destroy(e));
  source.on('error', () => undefined); // read through `feed`, which sees every error; none may go uncaught after it
  const ex = tarExtract();
  let fed = 0; // bytes of the tar stream handed to the parser
  let next = 0; // where the header after the last entry starts in the tar stream
  let current = '(tar header)';
  const where = gzip ? ' of the decompressed tar stream' : '';

  // Feeds the tar stream to the parser, counting it: a stream of empty blocks unpacks to no file but
  // must not run on for gigabytes either.
  const feed = async (): Promise<void> => {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      throwIfAborted(signal);
      fed += chunk.length;
      w.grow(chunk.length, current, next);
      if (ex.destroyed) return;
      if (!ex.write(chunk)) await drained(ex);
    }
    ex.end(null);
  };
  const unpack = async (): Promise<number> => {
    let files = 0;
    for await (const entry of ex) {
      throwIfAborted(signal);
      const h: Header = entry.header;
      const at = entry.offset;
      next = at + 512 + Math.ceil(h.size / 512) * 512;
      current = h.name;
      w.entry(h.name, at);
      const target = safeJoin(outDir, h.name, archive, at);
      if (h.type === 'file' || h.type === 'contiguous-file') {
        if (next > w.limit) w.refuse(h.name, at); // its declared size alone passes the limit: refused before writing
        await writeEntry(target, entry as AsyncIterable<Uint8Array>, w, h.name, at, false);
        files++;
      } else {
        if (h.type === 'directory') await mkdir(target, { recursive: true });
        // Links, devices, pipes: nothing is created for them; their data (if any) is read past.
        await drain(entry as AsyncIterable<unknown>);
      }
    }
    return files;
  };
  try {
    const [, files] = await Promise.all([
      feed().catch((e: unknown) => { ex.destroy(e as Error); throw e; }),
      unpack().catch((e: unknown) => { source.destroy(); ex.destroy(); throw e; }),
    ]);
    return files;
  } catch (e) {
    if (e instanceof EventDataError || (e as Error).name === 'AbortError') throw e;
    const msg = (e as Error).message;
    if (/unexpected end|premature/i.test(msg)) throw new EventDataError('truncated', archive, fed, `the archive ends inside an entry (${msg})`, gzip ? 'a complete .tar.gz file' : 'complete tar entries');
    if (gzip && (e as NodeJS.ErrnoException).code?.startsWith('Z_')) throw new EventDataError('truncated', archive, 0, `the gzip stream is damaged (${msg})`, 'a complete .tar.gz file');
    throw new EventDataError('bad-header', archive, next, `tar header${where}: ${msg}`, 'a valid tar header');
  } finally {
    input.destroy();
    await fh.close();
  }
}

/** Extracts a zip file entry by entry; returns the number of files written. */
async function extractZip(archive: string, outDir: string, w: Written, signal?: AbortSignal): Promise<number> {
  const { fh, size } = await openFile(archive, 'an archive file');
  try {
    const tailLen = Math.min(size, 65557);
    const tail = Buffer.from(await readAt(fh, size - tailLen, tailLen));
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0 || eocd + 22 > tail.length) throw new EventDataError('bad-magic', archive, size - tailLen, 'no zip end-of-central-directory record', 'a zip file');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOff = tail.readUInt32LE(eocd + 16);
    if (cdOff === 0xffffffff || count === 0xffff) throw new EventDataError('unsupported', archive, size - tailLen + eocd, 'a ZIP64 archive', 'a zip file under 4 GB with fewer than 65,535 entries');
    if (cdOff + cdSize > size) throw new EventDataError('truncated', archive, size - tailLen + eocd + 16, `the central directory (${cdSize} bytes at ${cdOff}) lies past the end of the file`, 'a complete zip file');
    const cd = Buffer.from(await readAt(fh, cdOff, cdSize));
    // First pass: every entry's header and declared size, so a bomb is refused before anything is written.
    const entries: Array<{ name: string; method: number; crc: number; csize: number; usize: number; local: number; at: number }> = [];
    let declared = 0;
    for (let k = 0, p = 0; k < count; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new EventDataError('bad-header', archive, cdOff + p, 'no central directory entry', 'a zip central directory entry');
      const nlen = cd.readUInt16LE(p + 28);
      const e = {
        method: cd.readUInt16LE(p + 10), crc: cd.readUInt32LE(p + 16), csize: cd.readUInt32LE(p + 20), usize: cd.readUInt32LE(p + 24),
        local: cd.readUInt32LE(p + 42), name: cd.toString('utf8', p + 46, Math.min(cd.length, p + 46 + nlen)), at: cdOff + p,
      };
      p += 46 + nlen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
      w.entry(e.name, e.at);
      safeJoin(outDir, e.name, archive, e.at);
      if (e.method !== 0 && e.method !== 8) throw new EventDataError('unsupported', archive, e.at, `compression method ${e.method} of entry "${e.name}"`, 'stored (0) or deflated (8) entries');
      if (e.usize > (e.method === 0 ? e.csize : e.csize * DEFLATE_MAX_RATIO + 64)) {
        throw new EventDataError('bad-header', archive, e.at, `entry "${e.name}" declares ${e.usize} bytes from ${e.csize} compressed, more than ${e.method === 0 ? 'a stored entry' : 'deflate'} can hold`, 'sizes deflate can produce');
      }
      declared += e.usize;
      if (declared > w.limit) w.refuse(e.name, e.at);
      entries.push(e);
    }
    let files = 0;
    for (const e of entries) {
      throwIfAborted(signal);
      const target = safeJoin(outDir, e.name, archive, e.at);
      if (e.name.endsWith('/')) { await mkdir(target, { recursive: true }); continue; }
      const lh = Buffer.from(await readAt(fh, e.local, 30));
      if (lh.length < 30 || lh.readUInt32LE(0) !== 0x04034b50) throw new EventDataError('bad-header', archive, e.local, 'no local file header', 'a zip local file header');
      const start = e.local + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
      if (start + e.csize > size) throw new EventDataError('truncated', archive, start, `entry "${e.name}" has ${Math.max(0, size - start)} of ${e.csize} bytes`, 'complete entries');
      const raw = fileRange(fh, start, e.csize);
      let body: Readable = raw;
      if (e.method === 8) {
        // Inflates as a stream and stops one byte past the declared size: an entry that lies about its
        // size cannot write more than it declared.
        body = raw.pipe(createInflateRaw({ maxOutputLength: e.usize + 1 }));
        raw.on('error', (err) => body.destroy(err));
        // Data after the end of the deflate stream makes zlib fail after the entry was read: that error
        // has no reader left and must not become an uncaught exception (the CRC check judges the entry).
        body.on('error', () => undefined);
      }
      let crc = -1;
      let n: number;
      try {
        n = await writeEntry(target, bounded(body, e.usize, () => new EventDataError('bad-packet', archive, start, `entry "${e.name}" inflates past its declared ${e.usize} bytes`, 'the size of the central directory')), w, e.name, start,
          true, (c) => { crc = crc32Update(crc, c); });
      } catch (err) {
        if (err instanceof EventDataError) throw err;
        throw new EventDataError('bad-packet', archive, start, `entry "${e.name}" does not inflate (${(err as Error).message})`, 'deflated data');
      } finally {
        body.destroy();
        raw.destroy();
      }
      if (n !== e.usize || ((crc ^ -1) >>> 0) !== e.crc) throw new EventDataError('bad-packet', archive, start, `entry "${e.name}" fails its size or CRC check`, 'the size and CRC-32 of the central directory');
      files++;
    }
    return files;
  } finally {
    await fh.close();
  }
}

/** `length` bytes of an open file from `start`, as a stream of 64 KiB chunks (the handle stays open). */
function fileRange(fh: FileHandle, start: number, length: number): Readable {
  return Readable.from((async function* () {
    for (let o = 0; o < length; o += 1 << 16) yield Buffer.from(await readAt(fh, start + o, Math.min(1 << 16, length - o)));
  })());
}

/** Resolves when a full writable can take more (or has closed, after an error). */
function drained(ex: ReturnType<typeof tarExtract>): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => { ex.off('drain', done); ex.off('close', done); resolve(); };
    ex.on('drain', done);
    ex.on('close', done);
  });
}

/** Reads a stream to its end, discarding what it holds. */
async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  const it = stream[Symbol.asyncIterator]();
  while (!(await it.next()).done) { /* discarded */ }
}

/** Passes the chunks of `body` on, throwing `fail()` once they pass `max` bytes. */
async function* bounded(body: Readable, max: number, fail: () => Error): AsyncGenerator<Uint8Array> {
  let n = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > max) { body.destroy(); throw fail(); }
    yield chunk;
  }
}

let crcTable: Int32Array | undefined;
/** Continues a CRC-32 over `b` from the running value `c` (start with −1; the CRC is `(c ^ −1) >>> 0`). */
function crc32Update(c: number, b: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let v = n;
      for (let k = 0; k < 8; k++) v = v & 1 ? 0xedb88320 ^ (v >>> 1) : v >>> 1;
      crcTable[n] = v;
    }
  }
  for (let i = 0; i < b.length; i++) c = crcTable[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return c;
}

/** CRC-32 (zip, PNG) of bytes. */
export function crc32(b: Uint8Array): number {
  return (crc32Update(-1, b) ^ -1) >>> 0;
}

/**
 * Extracts `archive` (by extension: .zip, .tar, .tar.gz, .tgz) into `outDir`; returns the files written.
 * On failure the files written so far are removed again.
 */
export async function extractArchive(archive: string, outDir: string, signal?: AbortSignal): Promise<number> {
  const lower = archive.toLowerCase();
  const kind = lower.endsWith('.zip') ? 'zip' : lower.endsWith('.tar.gz') || lower.endsWith('.tgz') ? 'tgz' : lower.endsWith('.tar') ? 'tar' : undefined;
  if (!kind) throw new EventDataError('unsupported', archive, 0, 'not an archive this extension can unpack', '.zip, .tar, .tar.gz or .tgz');
  const { fh, size } = await openFile(archive, 'an archive file');
  await fh.close();
  await mkdir(outDir, { recursive: true });
  const w = new Written(archive, extractionLimit(size));
  try {
    return kind === 'zip' ? await extractZip(archive, outDir, w, signal) : await extractTar(archive, outDir, kind === 'tgz', w, signal);
  } catch (e) {
    await w.remove();
    throw e;
  }
}
