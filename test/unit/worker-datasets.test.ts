// "Download Dataset" through the real worker process, against a loopback HTTP server that serves
// MNIST-DVS-shaped zips: progress, the extracted layout, cancellation and resume, and a corrupted archive.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildWorker } from './worker-bundle';
import { encodeAedat2 } from '../../src/core/data/aedat2';
import { WorkerClient, WorkerError } from '../../src/host/workerProcess/client';
import { DownloadDataset, InspectDataset, WorkerErrorCode } from '../../src/protocol/messages';
import { zip } from './data-fixtures';

/** The worker bundle (worker-bundle.ts), set by `before`. */
let workerPath = '';

/** grabbed_data{d}.zip holding two tiny recordings of digit d at scale 16 (3 events each). */
function digitZip(d: number, corrupt = false): Uint8Array {
  const ev = { x: [1, 2, 3], y: [4, 5, 6], t: [10, 20, 30], p: [1, 0, 1] };
  const entries = [1, 2].map((n) => ({ name: `grabbed_data${d}/scale16/mnist_${d}_scale16_${String(n).padStart(4, '0')}.aedat`, data: encodeAedat2(ev), deflate: true, badCrc: corrupt }));
  return zip(entries);
}

let server: Server;
let base = '';
let slowMode = false;
const served: string[] = [];

describe('dataset download through the worker', () => {
  before(async () => {
    workerPath = await buildWorker();
    server = createServer((req, res) => {
      served.push(`${req.url} ${req.headers.range ?? ''}`.trim());
      const m = /^\/(bad\/)?grabbed_data(\d)\.zip$/.exec(req.url ?? '');
      if (!m) { res.writeHead(404).end(); return; }
      const body = Buffer.from(digitZip(Number(m[2]), Boolean(m[1])));
      res.writeHead(200, { 'content-length': body.length });
      // In slow mode the first file trickles, so a cancellation lands in the middle of it.
      if (slowMode) { res.write(body.subarray(0, 10)); setTimeout(() => res.end(body.subarray(10)), 2000); } else res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  const clients: WorkerClient[] = [];
  after(() => { clients.forEach((c) => c.dispose()); server.close(); });
  const client = (): WorkerClient => { const c = new WorkerClient({ workerPath, log: () => undefined }); clients.push(c); return c; };

  it('downloads, extracts and recognises the layout, with progress', async () => {
    const target = mkdtempSync(join(tmpdir(), 'synops-ds-'));
    const progress: number[] = [];
    const r = await client().request(DownloadDataset.type, { id: 'mnist-dvs', targetDir: target, baseUrl: base }, { onProgress: (p) => progress.push(p.fraction ?? 0) });
    assert.equal(r.path, join(target, 'mnist-dvs'));
    assert.equal(r.summary.kind, 'mnist-dvs');
    assert.equal(r.summary.recordings, 20); // 10 digits × 2 recordings
    assert.deepEqual(Object.values(r.summary.perLabel), Array(10).fill(2));
    assert.ok(progress.length >= 10 && progress.at(-1)! > 0.85, `progress ${progress.join(',')}`);
    assert.ok(existsSync(join(target, 'mnist-dvs', 'grabbed_data7', 'scale16', 'mnist_7_scale16_0002.aedat')));
    // A second call finds every file done and downloads nothing.
    const before = served.length;
    await client().request(DownloadDataset.type, { id: 'mnist-dvs', targetDir: target, baseUrl: base });
    assert.equal(served.length, before);
    const inspected = await client().request(InspectDataset.type, { dir: r.path, list: 3 });
    assert.equal(inspected.recordings, 20);
    // the first three recordings in the layout's order: digit 0's two, then digit 1's first
    assert.deepEqual(inspected.list?.map((x) => x.label), [0, 0, 1]);
    assert.ok(inspected.list?.every((x) => x.file.endsWith('.aedat')));
  });

  it('stops when cancelled and finishes on the next try', async () => {
    const target = mkdtempSync(join(tmpdir(), 'synops-ds-'));
    const c = client();
    await c.start();
    slowMode = true;
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    await assert.rejects(c.request(DownloadDataset.type, { id: 'mnist-dvs', targetDir: target, baseUrl: base }, { signal: abort.signal }),
      (e: unknown) => e instanceof WorkerError && e.code === WorkerErrorCode.Cancelled);
    slowMode = false;
    assert.ok(!existsSync(join(target, 'mnist-dvs', 'grabbed_data0.zip.complete')));
    const r = await c.request(DownloadDataset.type, { id: 'mnist-dvs', targetDir: target, baseUrl: base });
    assert.equal(r.summary.recordings, 20);
  });

  it('refuses a corrupted archive as bad input and a folder that is no dataset', async () => {
    const target = mkdtempSync(join(tmpdir(), 'synops-ds-'));
    await assert.rejects(client().request(DownloadDataset.type, { id: 'mnist-dvs', targetDir: target, baseUrl: `${base}/bad` }),
      (e: unknown) => e instanceof WorkerError && e.code === WorkerErrorCode.BadInput && /CRC/i.test(e.message) && /downloaded again next time/.test(e.message));
    assert.ok(!existsSync(join(target, 'mnist-dvs', 'grabbed_data0.zip')), 'the damaged archive is gone');
    const empty = mkdtempSync(join(tmpdir(), 'synops-empty-'));
    await assert.rejects(client().request(InspectDataset.type, { dir: empty }),
      (e: unknown) => e instanceof WorkerError && e.code === WorkerErrorCode.BadInput && /no known dataset layout/.test(e.message));
    assert.deepEqual(readdirSync(empty), []);
  });
});
