// The dataset downloader against a local HTTP server on 127.0.0.1: resume after a dropped connection,
// cancel and resume, checksum failure, redirects, HTTP errors; and archive extraction (tar.gz, zip).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { extractArchive } from '../../src/io/data/archive';
import { installDataset } from '../../src/io/data/catalog';
import { download, DownloadError } from '../../src/io/data/download';
import { EventDataError } from '../../src/core/data/events';
import { concat, tarEntry, tempDir, zip } from './data-fixtures';

const dir = tempDir();

// Pseudo-random bytes (a linear congruential sequence): gzip cannot shrink them, so the archive stays ~200 kB.
let lcg = 12345;
const payload = new Uint8Array(200_000).map(() => (lcg = (Math.imul(lcg, 1103515245) + 12345) >>> 0) >>> 24);
const archive = gzipSync(concat(tarEntry('cifar-10-batches-bin/data_batch_1.bin', payload), tarEntry('cifar-10-batches-bin/readme.txt', Buffer.from('hi')), new Uint8Array(1024)));
const md5 = createHash('md5').update(archive).digest('hex');
const ranges: string[] = [];
let dropped = 0;

function serve(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '';
  ranges.push(`${path} ${req.headers.range ?? '-'}`);
  if (path === '/missing') { res.writeHead(404).end(); return; }
  if (path === '/redirect') { res.writeHead(302, { location: '/ok.tar.gz' }).end(); return; }
  const body = path === '/bad.tar.gz' ? Buffer.from(archive).fill(7, 100, 101) : Buffer.from(archive);
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = m ? Number(m[1]) : 0;
  if (start >= body.length) { res.writeHead(416).end(); return; }
  res.writeHead(m ? 206 : 200, { 'content-length': body.length - start, ...(m ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}) });
  if (path === '/drop.tar.gz' && dropped === 0) {
    // Sends the first third, then drops the connection.
    dropped++;
    res.write(body.subarray(start, start + Math.floor(body.length / 3)), () => res.socket?.destroy());
    return;
  }
  if (path === '/slow.tar.gz' && !m) {
    let o = 0;
    const tick = (): void => {
      if (res.destroyed) return;
      res.write(body.subarray(o, o + 4096));
      o += 4096;
      if (o < body.length) setTimeout(tick, 10); else res.end();
    };
    tick();
    return;
  }
  res.end(body.subarray(start));
}

const server = createServer(serve);
let base = '';
before(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', () => { base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`; r(); })));
after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

describe('download', () => {
  it('downloads, follows a redirect, checks the checksum and reports progress', async () => {
    const seen: number[] = [];
    const r = await download(`${base}/redirect`, { dest: join(dir, 'a.tar.gz'), pin: { md5 }, onProgress: (n) => seen.push(n) });
    assert.equal(r.bytes, archive.length);
    assert.equal(seen.at(-1), archive.length);
    assert.ok(!existsSync(join(dir, 'a.tar.gz.part')));
  });

  it('resumes after the connection drops, with a Range request', async () => {
    const r = await download(`${base}/drop.tar.gz`, { dest: join(dir, 'drop.tar.gz'), pin: { md5 } });
    assert.ok(readFileSync(r.file).equals(Buffer.from(archive)));
    assert.ok(ranges.some((x) => /^\/drop\.tar\.gz bytes=\d+-$/.test(x)), ranges.join(', '));
  });

  it('deletes a corrupted download and says so', async () => {
    await assert.rejects(download(`${base}/bad.tar.gz`, { dest: join(dir, 'bad.tar.gz'), pin: { md5 } }),
      (e: DownloadError) => e.code === 'checksum' && /does not match/.test(e.message));
    assert.ok(!existsSync(join(dir, 'bad.tar.gz.part')) && !existsSync(join(dir, 'bad.tar.gz')));
  });

  it('cancels, keeps the partial file, and resumes later', async () => {
    const ac = new AbortController();
    const dest = join(dir, 'slow.tar.gz');
    await assert.rejects(download(`${base}/slow.tar.gz`, { dest, signal: ac.signal, onProgress: (n) => { if (n >= 8192) ac.abort(); } }),
      (e: DownloadError) => e.code === 'cancelled');
    const partial = statSync(`${dest}.part`).size;
    assert.ok(partial > 0 && partial < archive.length, `partial ${partial}`);
    await download(`${base}/slow.tar.gz`, { dest, pin: { md5 } });
    assert.ok(ranges.includes(`/slow.tar.gz bytes=${partial}-`), ranges.join(', '));
  });

  it('fails on HTTP errors without retrying', async () => {
    await assert.rejects(download(`${base}/missing`, { dest: join(dir, 'm') }), (e: DownloadError) => e.code === 'http' && /HTTP 404/.test(e.message));
  });

  it('installs a dataset: download, extract, mark complete', async () => {
    const src = { id: 'cifar10' as const, title: 'test', homepage: '', files: [{ url: 'unused', name: 'ok.tar.gz', pin: { md5 } }] };
    const root = await installDataset(src, join(dir, 'store'), { baseUrl: base });
    assert.ok(readFileSync(join(root, 'cifar-10-batches-bin', 'data_batch_1.bin')).equals(Buffer.from(payload)));
    assert.ok(existsSync(join(root, 'ok.tar.gz.complete')));
  });
});

describe('archives', () => {
  it('extracts zip entries (stored and deflated) and checks their CRC', async () => {
    const f = join(dir, 'x.zip');
    writeFileSync(f, zip([{ name: 'Train/3/00001.bin', data: Buffer.from('abcde'), deflate: false }, { name: 'Train/3/00002.bin', data: payload, deflate: true }]));
    assert.equal(await extractArchive(f, join(dir, 'zx')), 2);
    assert.ok(readFileSync(join(dir, 'zx', 'Train', '3', '00002.bin')).equals(Buffer.from(payload)));
    const bad = join(dir, 'bad.zip');
    writeFileSync(bad, zip([{ name: 'a.bin', data: payload, deflate: true, badCrc: true }]));
    await assert.rejects(extractArchive(bad, join(dir, 'zb')), (e: EventDataError) => e.code === 'bad-packet' && /CRC/.test(e.message));
    const evil = join(dir, 'evil.zip');
    writeFileSync(evil, zip([{ name: '../evil.bin', data: payload, deflate: false }]));
    await assert.rejects(extractArchive(evil, join(dir, 'ze')), /outside the target folder/);
  });

  it('refuses a truncated tar.gz', async () => {
    const f = join(dir, 'cut.tar.gz');
    writeFileSync(f, archive.subarray(0, archive.length >> 1));
    await assert.rejects(extractArchive(f, join(dir, 'tc')), (e: EventDataError) => e.code === 'truncated');
  });
});
