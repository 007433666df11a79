import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ModelFile } from '../../src/core/model/types';
import { train } from '../../src/io/train/api';
import { estimateSweep, newestSpeed, sweepSeconds } from '../../src/io/train/estimate';
import { readMetrics } from '../../src/io/train/run';
import { tinyHalvesModel, writeHalvesDataset } from './halves-dataset';

describe('sweep time estimate', () => {
  it('scales the measured speed by MACs: hand-computed cases', () => {
    // Measured: 100 images/s on a 1,000-MAC model. Plan: 2,000 MACs (half the speed: 50 images/s),
    // 8 epochs × 400 samples = 3,200 images → 64 s per model; overhead 10 s × 2 = 20 s; 10 models → 840 s.
    const speed = { runId: 'r', imagesPerSec: 100, macs: 1000, overheadSeconds: 10 };
    const ind = sweepSeconds({ macs: 2000, trainSamples: 400, epochs: 8, kind: 'independent', models: 10 }, speed);
    assert.deepEqual(ind, { seconds: 840, trainPerModel: 64, overheadPerModel: 20 });
    // A chain: a pre-training model more: 11 × 84 = 924 s.
    assert.equal(sweepSeconds({ macs: 2000, trainSamples: 400, epochs: 8, kind: 'chain', models: 10 }, speed).seconds, 924);
  });

  const workspace = mkdtempSync(join(tmpdir(), 'synops-estimate-'));
  const data = join(workspace, 'data');
  const modelPath = join(workspace, 'tiny.snn.json');
  const TINY = tinyHalvesModel('tiny estimate');
  before(() => { writeHalvesDataset(data); writeFileSync(modelPath, JSON.stringify(TINY)); });
  after(() => rmSync(workspace, { recursive: true, force: true }));

  it('says "no estimate" before any run, then uses the run\'s measured speed and samples', async () => {
    const ask = { model: modelPath, data, workspace, kind: 'independent' as const, targets: 10, epochs: 8 };
    assert.deepEqual(estimateSweep(ask), { models: 10, basis: 'no estimate: no run in this workspace has measured a training speed yet' });
    await train({ model: modelPath, data, workspace, epochs: 2, batchSize: 8, learningRate: 0.01, snnSamples: 4 });
    const speed = newestSpeed(workspace)!;
    const all = readMetrics(join(workspace, '.synops', 'runs', speed.runId));
    assert.equal(all.filter((m) => !m.throughTime).length, 2);
    assert.equal(speed.macs, 8492);
    // 2 epochs × 32 training samples over the seconds of every epoch in metrics.json (fine-tuning through time included).
    const rate = (2 * 32) / all.reduce((s, m) => s + m.seconds, 0);
    assert.ok(Math.abs(speed.imagesPerSec - rate) <= 1e-9 * rate, `${speed.imagesPerSec} vs ${rate}`);
    assert.ok(speed.overheadSeconds! > 0, 'a finished run spends time outside its epochs (evaluation)');
    const e = estimateSweep(ask);
    // 20 recordings of 400 events in chunks of 200: 40 samples, 32 for training (the run's run.json says so).
    const expected = sweepSeconds({ macs: 8492, trainSamples: 32, epochs: 8, kind: 'independent', models: 10 }, speed).seconds;
    assert.equal(e.seconds, expected);
    assert.match(e.basis, /^8 epochs × 32 samples × 8,492 MACs per model, at the speed run \S+ measured \(/);
    // A newer run of another model does not replace the same model's speed.
    const bigger: ModelFile = { ...TINY, name: 'bigger', layers: [{ type: 'conv2d', name: 'conv1', outChannels: 8, kernel: 3 }, ...TINY.layers.slice(1)] };
    await train({ model: bigger, data, workspace, epochs: 1, batchSize: 8, learningRate: 0.01, snnSamples: 0 });
    assert.equal(newestSpeed(workspace, undefined)?.macs, 16984); // any model: the newest, conv1 with 8 channels (2 × 8,492)
    assert.equal(estimateSweep(ask).basis.match(/at the speed run (\S+) measured/)?.[1], speed.runId);
    // Other data: no run recorded its samples.
    assert.match(estimateSweep({ ...ask, data: join(workspace, 'elsewhere') }).basis, /^no estimate: no run has trained on this data yet/);
  });
});
