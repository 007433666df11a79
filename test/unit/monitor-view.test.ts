/**
 * The training monitor's epochs as the worker sends them: the stacked per-layer SynOps add up to the total S
 * the trainer reports, so the input's SynOps into the first layer (which S leaves out by default) are set apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toView } from '../../src/worker/training';
import type { EpochMetrics } from '../../src/core/train/types';

// As the trainer reports an epoch without input SynOps counted: S = 600,000 + 35,000 + 2,926 = 637,926;
// input → conv1 (220,000) is measured but not in S.
const epoch: EpochMetrics = {
  epoch: 1, loss: 0.5, ce: 0.5, synopTerm: 0, synops: 637_926, trainAccuracy: 0.8, testAccuracy: 0.78, learningRate: 1e-3, seconds: 2, imagesPerSec: 100,
  synopsPerLayer: [
    { emitter: 'input', receiver: 'conv1', synops: 220_000 },
    { emitter: 'relu1', receiver: 'conv2', synops: 600_000 },
    { emitter: 'relu2', receiver: 'conv3', synops: 35_000 },
    { emitter: 'relu3', receiver: 'fc', synops: 2_926 },
  ],
};

test('the stacked layers sum to S; the input\'s SynOps go to uncountedSynops', () => {
  const v = toView(epoch);
  assert.deepEqual(v.synopsPerLayer, { conv2: 600_000, conv3: 35_000, fc: 2_926 });
  assert.equal(Object.values(v.synopsPerLayer).reduce((a, b) => a + b, 0), v.synops);
  assert.deepEqual(v.uncountedSynops, { conv1: 220_000 });
});

test('a run that counts input SynOps stacks conv1 too, and nothing is set apart', () => {
  const v = toView({ ...epoch, synops: 857_926 }, true);
  // 220,000 + 637,926 = 857,926
  assert.equal(Object.values(v.synopsPerLayer).reduce((a, b) => a + b, 0), 857_926);
  assert.equal(v.uncountedSynops, undefined);
});
