/**
 * One shape of an epoch on disk and on the wire: the stacked per-layer SynOps add up to the total S the trainer
 * reports, the input's SynOps into the first layer (which S leaves out by default) set apart; and a run folder
 * written before this shape (SynOps by connection, `trainAccuracy`/`testAccuracy`) still loads, in this shape.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layerSynops } from '../../src/core/train/epochs';
import { readMetrics } from '../../src/io/train/run';
import { runTraining } from '../../src/worker/training';
import type { EpochMetrics, LayerSynops } from '../../src/protocol/epochs';

// An epoch without input SynOps counted: S = 600,000 + 35,000 + 2,926 = 637,926; input → conv1 (220,000) is
// measured but not in S.
const connections: LayerSynops[] = [
  { emitter: 'input', receiver: 'conv1', synops: 220_000 },
  { emitter: 'relu1', receiver: 'conv2', synops: 600_000 },
  { emitter: 'relu2', receiver: 'conv3', synops: 35_000 },
  { emitter: 'relu3', receiver: 'fc', synops: 2_926 },
];
const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

const root = mkdtempSync(join(tmpdir(), 'synops-epochs-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A run folder as a run of 2 ANN epochs wrote it, `metrics` its `metrics.json` text. */
function runFolder(name: string, metrics: unknown, countInputSynops = false): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify({
    modelName: 'tiny', modelHash: '0123456789abcdef', activation: 'model', state: 'done', epochsDone: 2,
    config: { strategy: 'synops', epochs: 2, batchSize: 16, learningRate: 0.001, weightDecay: 0, target: 500_000, countInputSynops, seed: 1, evalEachEpoch: true },
    backend: { name: 'wasm', notes: [] }, data: { root: 'data', kind: 'events', trainSamples: 80, testSamples: 20, recordings: { train: 16, test: 4 } },
    createdAt: '2025-11-01T10:00:00.000Z', updatedAt: '2025-11-01T10:01:00.000Z',
  }, null, 1));
  writeFileSync(join(dir, 'metrics.json'), JSON.stringify(metrics, null, 1));
  return dir;
}

// Two epochs exactly as the trainer wrote `metrics.json` before: SynOps by connection, trainAccuracy, testAccuracy, testSynops.
const legacy = [1, 2].map((epoch) => ({
  epoch, loss: 0.7 / epoch, ce: 0.6 / epoch, synopTerm: 0.1 / epoch, synops: 637_926, synopsPerLayer: connections,
  trainAccuracy: 0.5 + 0.1 * epoch, testAccuracy: 0.45 + 0.1 * epoch, testSynops: 630_000, learningRate: 0.001, seconds: 2.5, imagesPerSec: 32, threads: 1,
}));

describe('epoch metrics', () => {
  it('stack the counted layers to S and set the input\'s SynOps apart', () => {
    const v = layerSynops(connections, false);
    assert.deepEqual(v.synopsPerLayer, { conv2: 600_000, conv3: 35_000, fc: 2_926 });
    assert.equal(sum(v.synopsPerLayer), 637_926);
    assert.deepEqual(v.uncountedSynops, { conv1: 220_000 });
  });

  it('stack conv1 too when the run counts input SynOps, and set nothing apart', () => {
    const v = layerSynops(connections, true);
    // 220,000 + 637,926 = 857,926
    assert.equal(sum(v.synopsPerLayer), 857_926);
    assert.equal(v.uncountedSynops, undefined);
  });

  it('of a run folder in the old shape load in the one shape, for the trainer and the monitor', async () => {
    const dir = runFolder('old', legacy);
    const want: EpochMetrics[] = [1, 2].map((epoch) => ({
      epoch, loss: 0.7 / epoch, ce: 0.6 / epoch, synopTerm: 0.1 / epoch, synops: 637_926,
      synopsPerLayer: { conv2: 600_000, conv3: 35_000, fc: 2_926 }, uncountedSynops: { conv1: 220_000 },
      accuracy: 0.5 + 0.1 * epoch, valAccuracy: 0.45 + 0.1 * epoch, valSynops: 630_000, learningRate: 0.001, seconds: 2.5, imagesPerSec: 32, threads: 1,
    }));
    assert.deepEqual(readMetrics(dir), want);
    const payload = await runTraining({ runDir: dir });
    assert.deepEqual(payload.history, want);
    assert.equal(payload.status, 'done');
    // The file itself is left as it was.
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')), legacy);
    // An old run that counted input SynOps stacks conv1 as its trainer did.
    assert.deepEqual(readMetrics(runFolder('old-counting', legacy, true))[0].synopsPerLayer, { conv1: 220_000, conv2: 600_000, conv3: 35_000, fc: 2_926 });
  });

  it('in the one shape are read as written', () => {
    const now: EpochMetrics[] = [{ epoch: 1, loss: 0.5, ce: 0.5, synopTerm: 0, synops: 10, synopsPerLayer: { fc: 10 }, accuracy: 0.8, learningRate: 0.001, seconds: 1, imagesPerSec: 50 }];
    assert.deepEqual(readMetrics(runFolder('new', now)), now);
  });
});
