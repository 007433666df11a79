// The worker over a real forked process: handshake, a request, progress, cancellation, a crash and restart.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
// The same bundle settings `npm run build` uses.
import { buildWorker } from './worker-bundle';
import { WorkerClient, WorkerError, type WorkerState } from '../../src/host/workerProcess/client';
import { AnalyzeModel, DescribeEvents, Ping, RunReport, WorkerErrorCode, type BadInputPlace } from '../../src/protocol/messages';
import { placeOf } from '../../src/worker/handlers';
import { repoRoot } from './helpers';

/** The worker bundle (worker-bundle.ts), set by `before`. */
let workerPath = '';
const template = readFileSync(join(__dirname, '..', '..', 'templates', 'mnist-dvs.snn.json'), 'utf8');

function makeClient(states: WorkerState[] = [], crashes: unknown[] = []): WorkerClient {
  return new WorkerClient({
    workerPath,
    log: () => undefined,
    onState: (s) => states.push(s),
    onCrash: (c) => crashes.push(c),
    backoffMs: [50, 100],
    client: 'worker.test',
  });
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('worker process', () => {
  before(async () => {
    // The real worker bundle, built the way `npm run build` builds it.
    workerPath = await buildWorker();
  });

  const clients: WorkerClient[] = [];
  after(() => clients.forEach((c) => c.dispose()));

  it('answers the handshake and analyses a model file', async () => {
    const client = makeClient();
    clients.push(client);
    const hello = await client.start();
    assert.equal(hello.protocolVersion, 1);
    assert.notEqual(hello.pid, process.pid, 'the worker is another process');
    const out = await client.request(AnalyzeModel.type, { text: template, options: {} });
    // conv1: 62·62 positions × 8 out × 9 taps × 1 in = 276,768 MACs
    assert.equal(out.report?.layers.find((l) => l.name === 'conv1')?.macs, 276_768);
    assert.equal(out.report?.totals.params, 6_552);
  });

  it('reads a simulation result saved next to the model and reports measured SynOps', async () => {
    const client = makeClient();
    clients.push(client);
    const dir = mkdtempSync(join(tmpdir(), 'synops-measured-'));
    const modelPath = join(dir, 'net.snn.json');
    writeFileSync(modelPath, template);
    const first = await client.request(AnalyzeModel.type, { path: modelPath, text: template, options: {} });
    assert.equal(first.report?.basis.kind, 'estimate');
    mkdirSync(join(dir, '.synops', 'results'), { recursive: true });
    const result = {
      kind: 'synops-simulation', version: 1, modelHash: first.report?.modelHash, modelName: 'net', samples: 3,
      source: 'event-driven simulation, 3 chunks', createdAt: '2026-01-01T00:00:00Z',
      layers: [{ name: 'conv1', synopsPerSample: 100 }, { name: 'conv2', synopsPerSample: 200 }, { name: 'conv3', synopsPerSample: 300 }, { name: 'fc', synopsPerSample: 4 }],
    };
    writeFileSync(join(dir, '.synops', 'results', 'net.sim.json'), JSON.stringify(result));
    const measured = await client.request(AnalyzeModel.type, { path: modelPath, text: template, options: {} });
    assert.equal(measured.report?.basis.kind, 'measured');
    assert.equal(measured.report?.totals.synops, 604); // 100 + 200 + 300 + 4
    writeFileSync(join(dir, '.synops', 'results', 'net.sim.json'), '{ not json');
    const broken = await client.request(AnalyzeModel.type, { path: modelPath, text: template, options: {} });
    assert.equal(broken.report?.basis.kind, 'estimate');
    assert.match(broken.resultError ?? '', /net\.sim\.json: not valid JSON/);
  });

  it('says where bad input is fixed: the damaged file itself', async () => {
    const client = makeClient();
    clients.push(client);
    await client.start();
    const dir = mkdtempSync(join(tmpdir(), 'synops-bad-events-'));
    const file = join(dir, 'broken.aedat');
    writeFileSync(file, '#!AER-DAT2.0\r\n#End Of ASCII Header\r\n\x01\x02\x03'); // 3 bytes: no whole 8-byte event
    const e = await client.request(DescribeEvents.type, { file }).then(() => undefined, (err: unknown) => err);
    assert.ok(e instanceof WorkerError, `an error, not ${String(e)}`);
    assert.equal(e.code, WorkerErrorCode.BadInput, e.message);
    assert.equal((e.data as BadInputPlace).file, file, e.message);
  });

  it('reads the place from located messages', () => {
    assert.deepEqual(placeOf('/w/m.snn.json:12:5: error: "kernel" must be at most 16'), { file: '/w/m.snn.json', line: 12, column: 5 });
    assert.deepEqual(placeOf('/w/rec.bin: byte 40: event past the sensor; expected x < 34'), { file: '/w/rec.bin' });
    assert.deepEqual(placeOf('/w/runs/a is not a readable run folder (run.json, metrics.json): gone'), { file: '/w/runs/a' });
    assert.deepEqual(placeOf('profile "x" in synops.energyProfiles needs joulesPerSynOp'), { setting: 'synops.energyProfiles' });
    assert.deepEqual(placeOf('unknown dataset "foo"; known: nmnist, cifar10'), {});
  });

  it('reports on a run: its model file with the run\'s measured figures and id, a broken one as bad input at its line', async () => {
    const client = makeClient();
    clients.push(client);
    const runDir = join(repoRoot, 'test/integration/workspace/.synops/runs/fixture-trained');
    const report = await client.request(RunReport.type, { runDir, options: {} });
    assert.equal(report.runId, 'fixture-trained');
    assert.equal(report.basis.kind, 'measured');
    assert.equal(report.figuresFrom?.how, 'own');
    assert.ok(report.accuracy?.snn !== undefined, 'the run\'s accuracies');
    // A run that was never evaluated is still labelled with its id.
    const bare = mkdtempSync(join(tmpdir(), 'synops-run-'));
    writeFileSync(join(bare, 'model.snn.json'), template);
    assert.equal((await client.request(RunReport.type, { runDir: bare, options: {} })).runId, basename(bare));
    writeFileSync(join(bare, 'model.snn.json'), template.replace('"name": "conv2", "outChannels": 12, "kernel": 3', '"name": "conv2", "outChannels": 12, "kernel": 40'));
    const e = await client.request(RunReport.type, { runDir: bare, options: {} }).then(() => undefined, (err: unknown) => err);
    assert.ok(e instanceof WorkerError && e.code === WorkerErrorCode.BadInput, String(e));
    assert.match(e.message, new RegExp(`^the model of run ${basename(bare)} has errors: .*kernel 40×40`));
    const place = e.data as BadInputPlace;
    assert.equal(place.file, join(bare, 'model.snn.json'));
    assert.ok((place.line ?? 0) > 1, `a line: ${JSON.stringify(place)}`);
    const gone = await client.request(RunReport.type, { runDir: join(bare, 'nope'), options: {} }).then(() => undefined, (err: unknown) => err);
    assert.ok(gone instanceof WorkerError && gone.code === WorkerErrorCode.BadInput && /model file cannot be read \(ENOENT\)/.test(gone.message), String(gone));
  });

  it('reports a broken model as diagnostics, not as an error', async () => {
    const client = makeClient();
    clients.push(client);
    const broken = template.replace('"name": "conv2", "outChannels": 12, "kernel": 3', '"name": "conv2", "outChannels": 12, "kernel": 40');
    const out = await client.request(AnalyzeModel.type, { text: broken, options: {} });
    assert.equal(out.report, undefined);
    const err = out.diagnostics.find((d) => d.severity === 'error');
    assert.match(err?.message ?? '', /conv2.*kernel 40×40 is larger than its 31×31 input/);
  });

  it('sends progress and stops a request when it is cancelled', async () => {
    const client = makeClient();
    clients.push(client);
    await client.start();
    const progress: string[] = [];
    const abort = new AbortController();
    const pending = client.request(Ping.type, { busyMs: 30_000 }, {
      signal: abort.signal,
      onProgress: (p) => { progress.push(p.message); if (progress.length === 3) abort.abort(); },
    });
    await assert.rejects(pending, (e: unknown) => e instanceof WorkerError && e.code === WorkerErrorCode.Cancelled);
    assert.ok(progress.length >= 3, `progress seen: ${progress.length}`);
    // The worker is free again right away: a 30 s job did not keep it busy.
    const pong = await client.request(Ping.type, {});
    assert.equal(pong.slices, 0);
  });

  it('restarts a crashed worker with backoff and keeps serving', async () => {
    const states: WorkerState[] = [];
    const crashes: { signal: string | null; restartInMs?: number }[] = [];
    const client = makeClient(states, crashes);
    clients.push(client);
    const first = await client.start();
    process.kill(first.pid, 'SIGKILL');
    await waitFor(() => crashes.length === 1);
    assert.equal(crashes[0].signal, 'SIGKILL');
    assert.equal(crashes[0].restartInMs, 50);
    const pong = await client.request(Ping.type, {});
    assert.notEqual(pong.pid, first.pid, 'a new worker process answers');
    assert.deepEqual(states.slice(0, 2), ['starting', 'ready']);
    assert.ok(states.includes('restarting'));
    assert.equal(client.currentState, 'ready');
  });

  it('gives up after the last backoff step and says so', async () => {
    const crashes: { restartInMs?: number }[] = [];
    const states: WorkerState[] = [];
    const client = makeClient(states, crashes);
    clients.push(client);
    for (let i = 0; i < 3; i++) {
      await client.request(Ping.type, {}).catch(() => undefined);
      const pid = client.pid;
      if (pid) process.kill(pid, 'SIGKILL');
      await waitFor(() => crashes.length === i + 1);
    }
    assert.deepEqual(crashes.map((c) => c.restartInMs), [50, 100, undefined]);
    assert.equal(client.currentState, 'failed');
    await assert.rejects(client.request(Ping.type, {}), /keeps crashing/);
  });
});
