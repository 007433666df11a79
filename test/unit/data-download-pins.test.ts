// Pins and transport rules of the dataset downloader, against local servers on 127.0.0.1 only: a file
// with a wrong SHA-256 or size is deleted, an https → http redirect and other schemes are refused, plain
// http leaves this machine only with a pinned SHA-256, and an archive already on disk is checked before
// it is extracted. Nothing here reaches another machine: the rules for remote hosts are checked by
// `checkTransport`, which refuses before any connection is made.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, globalAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DATASETS, installDataset } from '../../src/io/data/catalog';
import { checkTransport, download, DownloadError } from '../../src/io/data/download';
import { concat, tarEntry, tempDir } from './data-fixtures';

const dir = tempDir();
const good = gzipSync(concat(tarEntry('cifar-10-batches-bin/test_batch.bin', Buffer.from('the real one')), new Uint8Array(1024)));
const other = gzipSync(concat(tarEntry('cifar-10-batches-bin/test_batch.bin', Buffer.from('a stale one')), new Uint8Array(1024)));
const sha256 = createHash('sha256').update(good).digest('hex');
const served: string[] = [];
let base = '';
let secure = '';

function serve(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '';
  served.push(path);
  if (path === '/to-ftp') { res.writeHead(302, { location: 'ftp://127.0.0.1/good.tar.gz' }).end(); return; }
  if (path === '/endless') {
    // No content-length: chunks until the client hangs up (bounded, so the server stops by itself).
    let n = 0;
    const tick = (): void => { if (res.destroyed || n++ > 200) { res.end(); return; } res.write(Buffer.alloc(16384)); setImmediate(tick); };
    tick();
    return;
  }
  res.writeHead(200, { 'content-length': good.length }).end(good);
}

const server = createServer(serve);
const certDir = tempDir();
let tls: { key: Buffer; cert: Buffer } | undefined;
try {
  // A throwaway certificate for 127.0.0.1 (EC, so it is quick); without openssl the https test is skipped.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
  tls = { key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) };
} catch { tls = undefined; }
// The https server answers every request with a redirect to the plain-http server's good file.
const httpsServer = tls ? createHttpsServer(tls, (_req, res) => { res.writeHead(302, { location: `${base}/good.tar.gz` }).end(); }) : undefined;

before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (httpsServer && tls) {
    await new Promise<void>((r) => httpsServer.listen(0, '127.0.0.1', () => r()));
    secure = `https://127.0.0.1:${(httpsServer.address() as AddressInfo).port}`;
    globalAgent.options.ca = [tls.cert]; // trust the throwaway certificate in this process only
  }
});
after(() => {
  server.closeAllConnections();
  server.close();
  httpsServer?.closeAllConnections();
  httpsServer?.close();
});

const isDownloadError = (code: DownloadError['code'], pattern: RegExp) => (e: unknown): boolean => {
  assert.ok(e instanceof DownloadError, `expected a DownloadError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  assert.match(e.message, pattern);
  return true;
};

describe('pins', () => {
  it('a matching SHA-256 and size pass; a wrong SHA-256 deletes the file', async () => {
    const ok = await download(`${base}/good.tar.gz`, { dest: join(dir, 'ok.tar.gz'), pin: { sha256, size: good.length } });
    assert.equal(ok.bytes, good.length);
    const dest = join(dir, 'wrong.tar.gz');
    await assert.rejects(download(`${base}/good.tar.gz`, { dest, pin: { sha256: 'ab'.repeat(32) } }), isDownloadError('checksum', /SHA-256 [0-9a-f]{64} does not match the pinned abab/));
    assert.ok(!existsSync(dest) && !existsSync(`${dest}.part`));
  });

  it('a file larger than its pinned size is refused from its length, before its body', async () => {
    const dest = join(dir, 'long.tar.gz');
    await assert.rejects(download(`${base}/good.tar.gz`, { dest, pin: { size: good.length - 1 } }), isDownloadError('checksum', new RegExp(`sends ${good.length} bytes, the catalog pins ${good.length - 1}`)));
    assert.ok(!existsSync(`${dest}.part`));
  });

  it('a body without a length stops at the pinned size', async () => {
    const dest = join(dir, 'endless.bin');
    await assert.rejects(download(`${base}/endless`, { dest, pin: { size: 100_000 } }), isDownloadError('checksum', /more than the 100000 bytes the catalog pins/));
    assert.ok(!existsSync(`${dest}.part`));
  });
});

describe('transport', () => {
  it('refuses an https → http redirect', { skip: tls ? false : 'openssl is not installed' }, async () => {
    const before = served.length;
    await assert.rejects(download(`${secure}/good.tar.gz`, { dest: join(dir, 'down.tar.gz'), pin: { sha256 } }), isDownloadError('insecure', /refusing the redirect from https:\/\/127\.0\.0\.1:\d+\/good\.tar\.gz to plain http/));
    assert.equal(served.length, before, 'the http location was never asked');
  });

  it('refuses a redirect to another scheme', async () => {
    await assert.rejects(download(`${base}/to-ftp`, { dest: join(dir, 'ftp.bin') }), isDownloadError('insecure', /scheme ftp: is not downloaded \(redirected from/));
  });

  it('plain http to another machine needs both the entry\'s consent and a pinned SHA-256', () => {
    const remote = 'http://datasets.example/x.zip';
    assert.throws(() => checkTransport(remote, {}), isDownloadError('insecure', /refusing plain http: use https/));
    assert.throws(() => checkTransport(remote, { allowHttp: true, pin: { md5: '0'.repeat(32) } }), isDownloadError('insecure', /without a pinned SHA-256/));
    assert.throws(() => checkTransport(remote, { pin: { sha256 } }), isDownloadError('insecure', /use https/));
    checkTransport(remote, { allowHttp: true, pin: { sha256 } });
    checkTransport('https://datasets.example/x.zip', {});
    checkTransport('http://127.0.0.1:8080/x.zip', {});
    checkTransport('http://[::1]/x.zip', {});
    assert.throws(() => checkTransport('http://127.0.0.1/x.zip', {}, 'https://datasets.example/x.zip'), isDownloadError('insecure', /redirect/));
    assert.throws(() => checkTransport('file:///etc/passwd', {}), isDownloadError('insecure', /file:/));
  });

  it('the catalog\'s MNIST-DVS over plain http is refused until its SHA-256 is pinned', async () => {
    const mnistDvs = DATASETS.find((d) => d.id === 'mnist-dvs')!;
    // If a hash is pinned one day, this test would reach the publisher: it must then change.
    assert.ok(mnistDvs.files.every((f) => f.httpOnly && f.url.startsWith('http:') && !f.pin.sha256), 'MNIST-DVS got pinned: update this test');
    const store = join(dir, 'store-dvs');
    await assert.rejects(installDataset({ ...mnistDvs, files: mnistDvs.files.slice(0, 1) }, store), isDownloadError('insecure', /without a pinned SHA-256.*; or put a copy of grabbed_data0\.zip you have checked in .*store-dvs\/mnist-dvs$/));
  });
});

describe('an archive already on disk', () => {
  const source = { id: 'cifar10' as const, title: 'test', homepage: '', files: [{ url: 'unused', name: 'good.tar.gz', pin: { sha256, size: good.length } }] };

  it('is checked before extraction: a stale one is downloaded again, a matching one is not', async () => {
    const store = join(dir, 'store');
    const root = join(store, 'cifar10');
    await installDataset(source, store, { baseUrl: base }); // creates the folder
    const extracted = join(root, 'cifar-10-batches-bin', 'test_batch.bin');
    // A stale archive left in the folder, no marker: it must not be extracted.
    writeFileSync(join(root, 'good.tar.gz'), other);
    writeFileSync(extracted, 'overwritten');
    rmSync(join(root, 'good.tar.gz.complete'));
    const before = served.length;
    await installDataset(source, store, { baseUrl: base });
    assert.equal(served.length, before + 1, 'downloaded again');
    assert.equal(readFileSync(extracted, 'utf8'), 'the real one');
    // A matching archive without a marker is extracted without a download.
    rmSync(join(root, 'good.tar.gz.complete'));
    await installDataset(source, store, { baseUrl: base });
    assert.equal(served.length, before + 1);
  });
});
