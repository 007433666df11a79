/**
 * Archive extraction for downloaded datasets: `.tar`, `.tar.gz` / `.tgz` (parsed by `tar-stream`, which
 * reads ustar, GNU long names and PAX paths, behind node:zlib's gunzip) and `.zip` (parsed by `yauzl`:
 * stored or deflated entries, read entry by entry through the central directory, ZIP64 included).
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
import { createGunzip } from 'node:zlib';
import { openPromise as openZip, type Entry, type ZipFile } from 'yauzl';
import { extract as tarExtract, type Header } from 'tar-stream';
import { openFile } from './files';
import { EventDataError, throwIfAborted } from '../../core/data/events';

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

/** The EventDataError for a failure yauzl reports while reading `archive`'s structure. */
function zipError(archive: string, e: unknown, where: number, name?: string): EventDataError {
  if (e instanceof EventDataError) return e;
  const msg = (e as Error).message;
  const entry = name === undefined ? '' : `entry "${name}": `;
  if (/end of central directory record signature not found/i.test(msg)) return new EventDataError('bad-magic', archive, where, 'no zip end-of-central-directory record', 'a zip file');
  if (/invalid relative path|absolute path|invalid characters/i.test(msg)) return new EventDataError('bad-layout', archive, where, `archive entry points outside the target folder (${msg})`, 'relative entry names');
  if (/unsupported compression method|encrypted/i.test(msg)) return new EventDataError('unsupported', archive, where, `${entry}${msg}`, 'stored (0) or deflated (8) entries');
  if (/too many bytes|too few bytes|invalid (stored|code|block|distance)|unexpected end|incorrect header/i.test(msg)) return new EventDataError('bad-packet', archive, where, `${entry}does not inflate to its declared size (${msg})`, 'the size of the central directory');
  if (/past|truncated|out of bounds|not enough|end of file/i.test(msg)) return new EventDataError('truncated', archive, where, `${entry}${msg}`, 'a complete zip file');
  return new EventDataError('bad-header', archive, where, `${entry}${msg}`, 'a valid zip file');
}

/**
 * Extracts a zip file entry by entry (parsed by `yauzl`, which checks names for `..`, absolute paths and
 * backslashes, and holds each entry to its declared uncompressed size); returns the number of files
 * written. yauzl does not check CRC-32s: that is done here while writing.
 */
async function extractZip(archive: string, outDir: string, w: Written, signal?: AbortSignal): Promise<number> {
  await openFile(archive, 'an archive file').then(({ fh }) => fh.close()); // type checks (no pipe, no folder)
  let zip: ZipFile;
  try {
    zip = await openZip(archive, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true });
  } catch (e) {
    throw zipError(archive, e, 0);
  }
  try {
    // First pass: every entry's header and declared size, so a bomb is refused before anything is written.
    const entries: Entry[] = [];
    let declared = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on('error', reject);
        zip.on('end', resolve);
        zip.on('entry', (e: Entry) => {
          try {
            const at = e.relativeOffsetOfLocalHeader;
            w.entry(e.fileName, at);
            safeJoin(outDir, e.fileName, archive, at);
            if (e.compressionMethod !== 0 && e.compressionMethod !== 8) throw new EventDataError('unsupported', archive, at, `compression method ${e.compressionMethod} of entry "${e.fileName}"`, 'stored (0) or deflated (8) entries');
            if (e.uncompressedSize > (e.compressionMethod === 0 ? e.compressedSize : e.compressedSize * DEFLATE_MAX_RATIO + 64)) {
              throw new EventDataError('bad-header', archive, at, `entry "${e.fileName}" declares ${e.uncompressedSize} bytes from ${e.compressedSize} compressed, more than ${e.compressionMethod === 0 ? 'a stored entry' : 'deflate'} can hold`, 'sizes deflate can produce');
            }
            declared += e.uncompressedSize;
            if (declared > w.limit) w.refuse(e.fileName, at);
            entries.push(e);
            zip.readEntry();
          } catch (err) {
            reject(err);
          }
        });
        zip.readEntry();
      });
    } catch (e) {
      throw zipError(archive, e, 0);
    }
    let files = 0;
    for (const e of entries) {
      throwIfAborted(signal);
      const at = e.relativeOffsetOfLocalHeader;
      const target = safeJoin(outDir, e.fileName, archive, at);
      if (e.fileName.endsWith('/')) { await mkdir(target, { recursive: true }); continue; }
      let body: Readable;
      try {
        body = await zip.openReadStreamPromise(e);
      } catch (err) {
        throw zipError(archive, err, at, e.fileName);
      }
      // yauzl can emit an inflate error before we start reading, without destroying the stream it handed
      // out: an iterator started after that would wait forever. Destroying it with the error makes any
      // reader see it; a late zlib error (data after the deflate stream's end) stays no uncaught exception.
      let failed: Error | undefined;
      body.on('error', (err: Error) => {
        failed ??= err;
        if (!body.destroyed) body.destroy(err);
      });
      let crc = -1;
      let n: number;
      try {
        n = await writeEntry(target, bounded(body, e.uncompressedSize, () => new EventDataError('bad-packet', archive, at, `entry "${e.fileName}" inflates past its declared ${e.uncompressedSize} bytes`, 'the size of the central directory')), w, e.fileName, at,
          true, (c) => { crc = crc32Update(crc, c); });
      } catch (err) {
        if (/too many bytes/i.test((err as Error).message)) throw new EventDataError('bad-packet', archive, at, `entry "${e.fileName}" inflates past its declared ${e.uncompressedSize} bytes`, 'the size of the central directory');
        throw zipError(archive, err, at, e.fileName);
      } finally {
        body.destroy();
      }
      if (failed && n !== e.uncompressedSize) throw zipError(archive, failed, at, e.fileName);
      if (n !== e.uncompressedSize || ((crc ^ -1) >>> 0) !== e.crc32) throw new EventDataError('bad-packet', archive, at, `entry "${e.fileName}" fails its size or CRC check`, 'the size and CRC-32 of the central directory');
      files++;
    }
    return files;
  } finally {
    zip.close();
  }
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
