// Training through the real worker process: a tiny N-MNIST-like dataset (flat folder + labels.txt),
// progress with per-epoch snapshots for the training monitor, the run listed afterwards, and cancel.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildWorker } from './worker-bundle';
import { WorkerClient, WorkerError } from '../../src/host/workerProcess/client';
import { writeHalvesDataset } from './halves-dataset';
import { AnalyzeModel, EvaluateRun, ListRuns, RunSweep, TrainModel, WorkerErrorCode, type WorkProgress } from '../../src/protocol/messages';
import { FINETUNE_DEFAULTS } from '../../src/io/train/request';

/** The worker bundle (worker-bundle.ts), set by `before`. */
let workerPath = '';
const workspace = mkdtempSync(join(tmpdir(), 'synops-ws-'));
const dataDir = join(workspace, 'data');

/** 20 recordings of 400 events on N-MNIST's 34×34 sensor: class 0 fires in the left half, class 1 in the right. */
function makeDataset(): void {
  writeHalvesDataset(dataDir);
  const model = JSON.parse(readFileSync(join(__dirname, '..', '..', 'templates', 'mnist-dvs.snn.json'), 'utf8'));
  model.name = 'tiny halves';
  model.input = { kind: 'events', shape: [1, 17, 17], sensor: [34, 34], chunkEvents: 200, dtMs: 1 };
  model.layers = [
    { type: 'conv2d', name: 'conv1', outChannels: 4, kernel: 3 }, { type: 'relu', name: 'relu1' }, { type: 'avgpool', name: 'pool1', kernel: 2 },
    { type: 'flatten', name: 'flatten' }, { type: 'linear', name: 'fc', outFeatures: 2 },
  ];
  writeFileSync(join(workspace, 'tiny.snn.json'), JSON.stringify(model, null, 2));
}

describe('training through the worker', () => {
  const clients: WorkerClient[] = [];
  before(async () => {
    workerPath = await buildWorker();
    makeDataset();
  });
  after(() => clients.forEach((c) => c.dispose()));
  const client = (): WorkerClient => { const c = new WorkerClient({ workerPath, log: () => undefined }); clients.push(c); return c; };

  it('trains, reports every epoch, evaluates, and lists the run', async () => {
    const progress: WorkProgress[] = [];
    const c = client();
    const r = await c.request(TrainModel.type, { modelPath: join(workspace, 'tiny.snn.json'), data: dataDir, workspace, epochs: 2, snnSamples: 4 }, { onProgress: (p) => progress.push(p) });
    const snapshots = progress.filter((p) => p.training).map((p) => p.training!);
    assert.ok(snapshots.length >= 2, `training snapshots: ${snapshots.length}`);
    const last = snapshots.at(-1)!;
    // Two ANN epochs, then the default fine-tuning through time of an event model (FINETUNE_DEFAULTS: 4 epochs).
    assert.deepEqual(last.history.map((h) => h.epoch), Array.from({ length: 2 + FINETUNE_DEFAULTS.epochs }, (_, i) => i + 1));
    assert.equal(last.modelName, 'tiny halves');
    assert.equal(last.runId, r.runId);
    assert.ok(['wasm', 'cpu', 'tensorflow'].includes(r.backend), r.backend);
    assert.equal(r.row.state, 'done');
    assert.equal(r.row.snnSamples, 4);
    assert.ok(r.row.annSynops! > 0 && r.row.snnSynops! > 0);
    const runs = await c.request(ListRuns.type, { workspace });
    assert.deepEqual(runs.map((x) => x.id), [r.runId]);
    // The row returned is built from the run just made, and is the row the list reads back from its files.
    assert.deepEqual(r.row, runs[0]);
    // The run's model file reports the simulated SynOps as measured.
    const runModel = join(r.runDir, 'model.snn.json');
    const analysed = await c.request(AnalyzeModel.type, { path: runModel, text: readFileSync(runModel, 'utf8'), options: {} });
    assert.equal(analysed.report?.basis.kind, 'measured');
    // …and the run's quantized-ANN proxy and accuracies beside it.
    assert.equal(analysed.report?.runId, r.runId);
    assert.equal(analysed.report?.accuracy?.ann, r.row.annAccuracy);
    const proxy = analysed.report?.layers.filter((l) => l.synopsAnn !== undefined).reduce((a, l) => a + l.synopsAnn!, 0) ?? 0;
    assert.ok(Math.abs(proxy - r.row.annSynops!) < 1e-6 * r.row.annSynops!, `${proxy} vs ${r.row.annSynops}`);
    assert.ok(Math.abs((analysed.report?.totals.synops ?? 0) - r.row.snnSynops!) < 1e-6 * r.row.snnSynops!);
    // The runs of one model, by the worker's rule: the evaluated run of this hash, the run of this name; none of another.
    const hash = analysed.report!.modelHash;
    assert.deepEqual((await c.request(ListRuns.type, { workspace, of: { modelHash: hash } })).map((x) => x.id), [r.runId]);
    assert.deepEqual(await c.request(ListRuns.type, { workspace, of: { modelHash: `${hash}0` } }), []);
    assert.deepEqual((await c.request(ListRuns.type, { workspace, of: { modelName: 'tiny halves' } })).map((x) => x.id), [r.runId]);
    assert.deepEqual(await c.request(ListRuns.type, { workspace, of: { modelName: 'tiny' } }), []);
  });

  it('stops when cancelled and leaves the run folder to resume', async () => {
    const c = client();
    const abort = new AbortController();
    const pending = c.request(TrainModel.type, { modelPath: join(workspace, 'tiny.snn.json'), data: dataDir, workspace, epochs: 50, snnSamples: 0 }, {
      signal: abort.signal,
      onProgress: (p) => { if (p.training?.history.length === 1) abort.abort(); },
    });
    await assert.rejects(pending, (e: unknown) => e instanceof WorkerError && e.code === WorkerErrorCode.Cancelled);
    const runs = await c.request(ListRuns.type, { workspace });
    const cancelled = runs.find((x) => x.epochs === 50);
    assert.ok(cancelled, JSON.stringify(runs));
    assert.equal(cancelled.state, 'cancelled');
    assert.ok(cancelled.epochsDone! >= 1 && cancelled.epochsDone! < 50);
    // A run stopped before its evaluation is one of the model's runs (the hover's), not one its figures can follow.
    const byName = await c.request(ListRuns.type, { workspace, of: { modelName: 'tiny halves' } });
    assert.ok(byName.some((x) => x.id === cancelled.id));
    const evaluated = await c.request(ListRuns.type, { workspace, of: { modelHash: cancelled.modelHash! } });
    assert.ok(evaluated.every((x) => x.id !== cancelled.id && x.snnSynops !== undefined), JSON.stringify(evaluated));
  });

  it('runs an independent sweep of one run per target, and re-evaluates a run with the first layer ×ρ', async () => {
    const c = client();
    const sweep = await c.request(RunSweep.type, { modelPath: join(workspace, 'tiny.snn.json'), data: dataDir, workspace, kind: 'independent', targets: [300, 3000], epochs: 1, snnSamples: 2 });
    assert.equal(sweep.rows.length, 2);
    assert.ok(sweep.rows.every((r) => r.strategy === 'synops-qrelu' && r.state === 'done' && r.annSynops !== undefined), JSON.stringify(sweep.rows));
    assert.deepEqual(sweep.rows.map((r) => r.target), [300, 3000]);
    const again = await c.request(EvaluateRun.type, { runDir: sweep.rows[0].dir, data: dataDir, workspace, snnSamples: 2, rhos: [0.5, 2] });
    assert.deepEqual(again.scaled?.map((x) => x.rho), [0.5, 2]);
    // Doubling the first layer's weights cannot lower the input-driven activity of the quantized ANN.
    assert.ok(again.scaled![1].annSynops >= again.scaled![0].annSynops);
    // On the run's own data folder Evaluate Run measures the held-out split (4 of 20 recordings, 8 samples),
    // on a folder the run never saw every sample (6 recordings, 12 samples).
    const evaluated = (): { split: string; samples: number } => JSON.parse(readFileSync(join(sweep.rows[0].dir, 'evaluation.json'), 'utf8')).data;
    assert.deepEqual(evaluated(), { root: dataDir, split: 'test', samples: 8 });
    const otherDir = join(workspace, 'other');
    writeHalvesDataset(otherDir, { recordings: 6 });
    await c.request(EvaluateRun.type, { runDir: sweep.rows[0].dir, data: otherDir, workspace, snnSamples: 0 });
    assert.deepEqual(evaluated(), { root: otherDir, split: 'all', samples: 12 });
  });

  it('runs the warm-started chain: a ReLU pre-training, then each target from the previous model', async () => {
    const c = client();
    const chain = await c.request(RunSweep.type, { modelPath: join(workspace, 'tiny.snn.json'), data: dataDir, workspace, kind: 'chain', targets: [3000, 1500], epochs: 1, snnSamples: 2 });
    assert.equal(chain.rows.length, 2);
    assert.deepEqual(chain.rows.map((r) => r.target), [3000, 1500]);
    assert.ok(chain.rows.every((r) => r.state === 'done' && r.annSynops !== undefined), JSON.stringify(chain.rows));
    // every model of the chain was evaluated also with the first layer ×1.5 and ×2, as the paper tests CIFAR
    assert.deepEqual(chain.rows[0].scaled?.map((x) => x.rho), [1.5, 2]);
  });
});
