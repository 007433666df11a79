// Archive extraction: GNU long names and PAX paths land under their full names, names that climb out of
// the target are refused in every spelling, links are never created, and bombs stop early with the
// entry's name and offset, leaving nothing behind.
import { strict as assert } from 'node:assert';
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { crc32, extractArchive, extractionLimit } from '../../src/io/data/archive';
import { EventDataError } from '../../src/core/data/events';
import { ascii, concat, tempDir, tarEntry, zip } from './data-fixtures';

const dir = tempDir();
let serial = 0;

/** A tar header of the given type flag (GNU magic when `gnu`), name truncated to its 100-byte field. */
function tarHeader(name: string, size: number, type: string, opts: { gnu?: boolean; prefix?: string; linkname?: string } = {}): Uint8Array {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(type, 156, 'latin1');
  if (opts.linkname) h.write(opts.linkname, 157, 'utf8');
  h.write(opts.gnu ? 'ustar  \0' : 'ustar\x0000', 257, 'latin1');
  if (opts.prefix) h.write(opts.prefix, 345, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}
const pad = (b: Uint8Array): Uint8Array => concat(b, new Uint8Array((512 - (b.length % 512)) % 512));

/** A file entry preceded by a GNU `././@LongLink` entry carrying its full name, as GNU tar writes it. */
function gnuLongEntry(name: string, content: Uint8Array): Uint8Array {
  const long = Buffer.from(`${name}\0`, 'utf8');
  return concat(tarHeader('././@LongLink', long.length, 'L', { gnu: true }), pad(long), tarHeader(name, content.length, '0', { gnu: true }), pad(content));
}

/** A file entry preceded by a PAX extended header whose `path` record names it, as POSIX tar writes it. */
function paxEntry(name: string, content: Uint8Array): Uint8Array {
  const body = ` path=${name}\n`;
  let len = body.length + 2;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  const rec = Buffer.from(`${len}${body}`, 'utf8');
  return concat(tarHeader('PaxHeaders/x', rec.length, 'x'), pad(rec), tarHeader(name, content.length, '0'), pad(content));
}

const end = new Uint8Array(1024);
const tgz = (...parts: Uint8Array[]): Uint8Array => gzipSync(concat(...parts, end));
const put = (name: string, bytes: Uint8Array): string => { const f = join(dir, `${serial++}-${name}`); writeFileSync(f, bytes); return f; };
const target = (): string => join(dir, `out-${serial++}`);

/** Every file under `root`, relative, sorted. */
function files(root: string): string[] {
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[]).filter((f) => lstatSync(join(root, f)).isFile() || lstatSync(join(root, f)).isSymbolicLink()).sort();
}

async function refused(p: Promise<unknown>, pattern: RegExp, code?: string): Promise<EventDataError> {
  let err: unknown;
  try { await p; } catch (e) { err = e; }
  assert.ok(err instanceof EventDataError, `expected an EventDataError, got ${String(err)}`);
  assert.match(err.message, pattern);
  if (code) assert.equal(err.code, code, err.message);
  return err;
}

describe('tar names', () => {
  const deep = `${'N-MNIST/Train/'}${'a-long-folder-name-'.repeat(6)}/3/00001.bin`; // 137 characters

  it('a GNU long name lands under the full name, not the 100-byte header field', async () => {
    assert.ok(deep.length > 100);
    const out = target();
    assert.equal(await extractArchive(put('gnu.tar.gz', tgz(gnuLongEntry(deep, ascii('gnu')))), out), 1);
    assert.deepEqual(files(out), [deep]);
    assert.equal(readFileSync(join(out, deep), 'utf8'), 'gnu');
  });

  it('a PAX path lands under the full name', async () => {
    const out = target();
    assert.equal(await extractArchive(put('pax.tar', concat(paxEntry(deep, ascii('pax')), end)), out), 1);
    assert.deepEqual(files(out), [deep]);
  });

  it('a ustar prefix is joined to the name', async () => {
    const out = target();
    const h = tarHeader('00002.bin', 5, '0', { prefix: 'cifar-10-batches-bin/deeper' });
    await extractArchive(put('prefix.tar', concat(h, pad(ascii('hello')), end)), out);
    assert.deepEqual(files(out), ['cifar-10-batches-bin/deeper/00002.bin']);
  });
});

describe('names that leave the target folder', () => {
  // The offset is the file header's in the tar stream: after the first entry (1024 bytes), and after the
  // long-name or PAX entry (1024 more) that carries the name.
  const cases: Array<[string, Uint8Array, number]> = [
    ['../ in a ustar name', tarEntry('../evil.bin', ascii('x')), 1024],
    ['an absolute name', tarEntry('/tmp/evil.bin', ascii('x')), 1024],
    ['backslashes', tarEntry('a\\..\\..\\evil.bin', ascii('x')), 1024],
    ['../ in a GNU long name', gnuLongEntry(`${'../'.repeat(40)}evil.bin`, ascii('x')), 2048],
    ['../ in a PAX path', paxEntry(`ok/${'../'.repeat(3)}evil.bin`, ascii('x')), 2048],
  ];
  for (const [what, entry, offset] of cases) {
    it(`refuses ${what}`, async () => {
      const root = join(dir, `jail-${serial++}`);
      const out = join(root, 'in');
      const f = put('evil.tar.gz', tgz(tarEntry('first.bin', ascii('ok')), entry));
      const e = await refused(extractArchive(f, out), /points outside the target folder/, 'bad-layout');
      assert.equal(e.file, f);
      assert.equal(e.offset, offset, 'the offset of the entry\'s header in the tar stream');
      assert.deepEqual(files(root), [], 'nothing written, the first entry removed again');
    });
  }

  it('never creates symbolic or hard links, so nothing is written through one', async () => {
    const out = target();
    const f = put('links.tar', concat(tarHeader('link', 0, '2', { linkname: '/tmp' }), tarHeader('hard', 0, '1', { linkname: '/etc/passwd' }), tarEntry('link/inside.bin', ascii('in')), end));
    assert.equal(await extractArchive(f, out), 1);
    assert.deepEqual(files(out), ['link/inside.bin']);
    assert.ok(lstatSync(join(out, 'link')).isDirectory());
  });

  it('refuses ../ in a zip before writing anything', async () => {
    const root = join(dir, `jail-${serial++}`);
    const f = put('evil.zip', zip([{ name: 'ok.bin', data: ascii('ok'), deflate: false }, { name: '..\\evil.bin', data: ascii('x'), deflate: true }]));
    await refused(extractArchive(f, join(root, 'in')), /points outside/);
    assert.deepEqual(files(root), []);
  });
});

/** A zip whose entries carry the given compressed bodies and declared sizes as they are (bombs, lies). */
function rawZip(entries: Array<{ name: string; body: Uint8Array; usize: number; crc: number }>): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let off = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(e.crc, 14); lh.writeUInt32LE(e.body.length, 18); lh.writeUInt32LE(e.usize, 22); lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(20, 4); ch.writeUInt16LE(20, 6); ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(e.crc, 16); ch.writeUInt32LE(e.body.length, 20); ch.writeUInt32LE(e.usize, 24); ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(off, 42);
    locals.push(lh, name, e.body);
    centrals.push(ch, name);
    off += 30 + name.length + e.body.length;
  }
  const cd = concat(...centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0); eocd.writeUInt16LE(entries.length, 8); eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12); eocd.writeUInt32LE(off, 16);
  return concat(...locals, cd, eocd);
}

describe('bombs', () => {
  const mib = new Uint8Array(1 << 20);
  const mibDeflated = deflateRawSync(mib, { level: 9 }); // ~1 KB
  const mibGzip = gzipSync(mib, { level: 9 });

  it('a 2 MB zip declaring 2 GB is refused from its central directory, before writing', async () => {
    const crc = crc32(mib);
    const entries = Array.from({ length: 2000 }, (_, i) => ({ name: `r/${i}.bin`, body: mibDeflated, usize: mib.length, crc }));
    const bytes = rawZip(entries);
    assert.ok(bytes.length < 2.5e6);
    const out = target();
    const t0 = performance.now();
    const e = await refused(extractArchive(put('bomb.zip', bytes), out), /takes the archive past \d+ unpacked bytes/, 'unsupported');
    assert.ok(e.message.includes(`past ${extractionLimit(bytes.length)}`) && /"r\/\d+\.bin"/.test(e.message), e.message);
    assert.ok(performance.now() - t0 < 1000);
    assert.deepEqual(files(out), []);
  });

  it('a zip entry that inflates past its declared size stops there', async () => {
    const out = target();
    const f = put('liar.zip', rawZip([{ name: 'small.bin', body: mibDeflated, usize: 1000, crc: 0 }]));
    await refused(extractArchive(f, out), /entry "small\.bin" inflates past its declared 1000 bytes/, 'bad-packet');
    assert.deepEqual(files(out), []);
  });

  it('a zip entry declaring more than deflate can produce is refused', async () => {
    const f = put('ratio.zip', rawZip([{ name: 'r.bin', body: ascii('tiny'), usize: 1 << 30, crc: 0 }]));
    await refused(extractArchive(f, target()), /more than deflate can hold/, 'bad-header');
  });

  it('a tar.gz entry declaring 2 GB is refused at its header', async () => {
    // The header says 2 GiB; 2,000 gzip members of 1 MiB of zeros follow (2 MB on disk).
    const member = (b: Uint8Array): Uint8Array => gzipSync(b);
    const bytes = concat(member(tarHeader('big.bin', 2 ** 31, '0')), ...Array.from({ length: 2000 }, () => mibGzip));
    const out = target();
    const t0 = performance.now();
    const e = await refused(extractArchive(put('bomb.tar.gz', bytes), out), /entry "big\.bin" takes the archive past/, 'unsupported');
    assert.equal(e.offset, 0);
    assert.ok(performance.now() - t0 < 1000);
    assert.deepEqual(files(out), []);
  });

  it('a tar.gz of endless empty blocks stops at the limit', async () => {
    const bytes = concat(...Array.from({ length: 200 }, () => mibGzip)); // 200 MiB of zero blocks: stops near 74 MB
    await refused(extractArchive(put('zeros.tar.gz', bytes), target()), /takes the archive past/, 'unsupported');
  });

  it('a failed extraction removes the files it wrote', async () => {
    const out = target();
    const f = put('half.zip', zip([{ name: 'good.bin', data: ascii('good'), deflate: true }, { name: 'bad.bin', data: ascii('bad'), deflate: true, badCrc: true }]));
    await refused(extractArchive(f, out), /CRC/);
    assert.deepEqual(files(out), []);
  });
});
