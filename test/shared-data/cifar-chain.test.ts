// The CIFAR-10 path of the paper, end to end on the real batch in ../shared/data/cifar10, with a budget of
// seconds: the All-ConvNet template pre-trained with ReLU, two warm-started SynOp+QReLU fine-tunings, each
// evaluated as the quantized ANN and as a spiking network fed the analog image for 10 steps. The numbers
// mean nothing at this size; the test holds the pipeline to its shapes and bookkeeping.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ModelFile } from '../../src/core/model/types';
import { sweep } from '../../src/io/train/sweep';
import type { RunInfo } from '../../src/core/train/types';
import { sharedData, skipUnlessShared } from './helpers';

const workspace = mkdtempSync(join(tmpdir(), 'synops-cifar-'));
const template = join(__dirname, '..', '..', 'templates', 'cifar10-allconv.snn.json');

describe('CIFAR-10 All-ConvNet, the chain procedure on the shared batch', { skip: skipUnlessShared('cifar10') }, () => {
  after(() => rmSync(workspace, { recursive: true, force: true }));

  it('pre-trains, fine-tunes two decreasing targets from it, and simulates every model over 10 steps', async () => {
    const model = JSON.parse(readFileSync(template, 'utf8')) as ModelFile;
    // Calibration simulates its samples once per spiking layer (9 here): with the default 256 (all 48 of
    // this batch) it was two thirds of this test's 108 s. Four samples keep the step in the pipeline.
    model.conversion = { ...model.conversion, calibrate: { samples: 4 } };
    const weightLayers = model.layers.filter((l) => l.type === 'conv2d' || l.type === 'linear').length;
    const r = await sweep({
      model, data: join(sharedData, 'cifar10'), workspace, kind: 'chain', targets: [4e7, 2e7], epochs: 1, pretrainEpochs: 1,
      batchSize: 16, maxRecordings: 60, snnSamples: 3, out: join(workspace, 'sweep'), backend: 'wasm',
    });
    assert.equal(r.rows.length, 2);
    for (const [k, row] of r.rows.entries()) {
      const info = JSON.parse(readFileSync(join(row.runDir, 'run.json'), 'utf8')) as RunInfo;
      assert.equal(info.state, 'done');
      assert.equal(info.config.strategy, 'synops-qrelu');
      assert.equal(info.config.target, [4e7, 2e7][k]);
      // 60 images of data_batch_1, 80/20: 48 to train, 12 held out.
      assert.deepEqual([info.data.trainSamples, info.data.testSamples], [48, 12]);
      const snn = row.evaluation.snn!;
      assert.equal(snn.samples, 3);
      assert.equal(snn.meanSteps, 10);
      // One SynOps entry per receiving weight layer: the analog input into conv1, then every spiking layer.
      assert.equal(snn.synopsPerLayer.length, weightLayers);
      assert.ok(Number.isFinite(snn.totalSynops));
      assert.deepEqual(row.evaluation.scaled?.map((s) => s.rho), [1.5, 2]);
    }
  });
});
