// `evaluateRun` and `synops eval` on every sample of a folder (`split: 'all'`, the default) or on the run's
// held-out split (`'test'`), on the tiny two-class dataset: 20 recordings of 400 events, 200-event chunks,
// so 2 samples per recording: 40 in all, 16 training recordings (32 samples) and 4 held out (8 samples).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runEval } from '../../src/cli/train';
import type { ModelFile } from '../../src/core/model/types';
import { evaluateRun, isRunDataRoot, train } from '../../src/io/train/api';
import { loadEvalData, loadEventData } from '../../src/io/train/data';
import { TrainError, type Evaluation, type RunInfo } from '../../src/core/train/types';
import { tinyHalvesModel, writeHalvesDataset } from './halves-dataset';
import { captured } from './helpers';

const workspace = mkdtempSync(join(tmpdir(), 'synops-eval-split-'));
const dataDir = join(workspace, 'data');
const otherDir = join(workspace, 'other');
let runDir = '';

const TINY = tinyHalvesModel();

describe('evaluating a run on all samples or on the held-out split', () => {
  before(async () => {
    writeHalvesDataset(dataDir);
    // Another folder: 6 recordings (12 samples) the run never saw.
    writeHalvesDataset(otherDir, { recordings: 6 });
    const r = await train({ model: TINY, data: dataDir, workspace, epochs: 1, batchSize: 8, learningRate: 0.01, snnSamples: 0, out: join(workspace, 'run') });
    runDir = r.runDir;
  });
  after(() => rmSync(workspace, { recursive: true, force: true }));

  it('reads every chunk of every recording for `all`, with each sample\'s event source beside it', async () => {
    const split = await loadEventData(dataDir, TINY, { seed: 1 });
    const all = await loadEvalData(dataDir, TINY, 'all', { seed: 1 });
    assert.deepEqual([split.train.n, split.test.n], [32, 8]);
    assert.equal(all.test.n, 40);
    assert.equal(all.train.n, 0);
    assert.equal(all.recordings.test, 20);
    // The same samples as both splits together (as recording/chunk pairs), and refs aligned with x and y.
    const key = (r: { recording: string; chunk: number }): string => `${r.recording}#${r.chunk}`;
    assert.deepEqual(all.test.refs!.map(key).sort(), [...split.train.refs!, ...split.test.refs!].map(key).sort());
    const size = 17 * 17;
    const frameOf = new Map<string, { x: Float32Array; y: number }>();
    for (const set of [split.train, split.test]) set.refs!.forEach((r, i) => frameOf.set(key(r), { x: set.x.subarray(i * size, (i + 1) * size), y: set.y[i] }));
    all.test.refs!.forEach((r, i) => {
      const f = frameOf.get(key(r))!;
      assert.equal(all.test.y[i], f.y, key(r));
      assert.deepEqual(all.test.x.subarray(i * size, (i + 1) * size), f.x, key(r));
    });
    // `test` is the held-out split itself.
    const test = await loadEvalData(dataDir, TINY, 'test', { seed: 1 });
    assert.deepEqual(test.test.refs!.map(key), split.test.refs!.map(key));
  });

  it('evaluates all 40 samples by default, the 8 held out with split test, and records which', async () => {
    const info = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunInfo;
    assert.equal(info.data.testSamples, 8);
    const all = await evaluateRun({ runDir, data: dataDir, workspace, snnSamples: 3 });
    assert.deepEqual(all.data, { root: dataDir, split: 'all', samples: 40 });
    assert.equal(all.ann.samples, 40);
    assert.equal(all.annQuantized.samples, 40);
    // The spiking simulation reads the events through the refs of the whole folder's set.
    assert.equal(all.snn?.samples, 3);
    const test = await evaluateRun({ runDir, data: dataDir, workspace, snnSamples: 0, split: 'test' });
    assert.deepEqual(test.data, { root: dataDir, split: 'test', samples: 8 });
    assert.equal(test.ann.samples, 8);
    // The run folder keeps the last evaluation with its data.
    assert.deepEqual((JSON.parse(readFileSync(join(runDir, 'evaluation.json'), 'utf8')) as Evaluation).data, test.data);
    const other = await evaluateRun({ runDir, data: otherDir, workspace, snnSamples: 0, split: 'all' });
    assert.deepEqual(other.data, { root: otherDir, split: 'all', samples: 12 });
    await assert.rejects(evaluateRun({ runDir, data: dataDir, workspace, split: 'train' as 'all' }), (e: unknown) => e instanceof TrainError && e.code === 'bad-input' && /unknown split "train"; use all or test/.test(e.message));
  });

  it('knows the run\'s own data folder', () => {
    assert.equal(isRunDataRoot(runDir, { data: dataDir, workspace }), true);
    assert.equal(isRunDataRoot(runDir, { data: join(dataDir, '.'), workspace }), true);
    assert.equal(isRunDataRoot(runDir, { data: otherDir, workspace }), false);
    assert.equal(isRunDataRoot(runDir, { data: 'synth', workspace }), false);
    assert.equal(isRunDataRoot(join(workspace, 'nothing'), { data: dataDir, workspace }), false);
  });

  it('synops eval says which samples it evaluated, notes training data, and refuses another split', async () => {
    const all = await captured(() => runEval([runDir, '--data', dataDir, '--workspace', workspace]));
    assert.equal(all.value, 0, all.stderr);
    assert.match(all.stdout, new RegExp(`evaluated on all 40 samples of ${dataDir}\\n`));
    assert.match(all.stderr, /is the data this run trained on; 80 % of its samples were seen in training \(--split test evaluates the held-out 20 %\)/);
    const test = await captured(() => runEval([runDir, '--data', dataDir, '--workspace', workspace, '--split', 'test']));
    assert.equal(test.value, 0, test.stderr);
    assert.match(test.stdout, new RegExp(`evaluated on the held-out 20 % split of ${dataDir} \\(seed 1\\): 8 samples\\n`));
    assert.doesNotMatch(test.stderr, /seen in training/);
    const other = await captured(() => runEval([runDir, '--data', otherDir, '--workspace', workspace]));
    assert.equal(other.value, 0, other.stderr);
    assert.match(other.stdout, /evaluated on all 12 samples of /);
    assert.doesNotMatch(other.stderr, /seen in training/);
    const json = await captured(() => runEval([runDir, '--data', dataDir, '--workspace', workspace, '--split', 'test', '--json']));
    assert.deepEqual((JSON.parse(json.stdout) as Evaluation).data, { root: dataDir, split: 'test', samples: 8 });
    const bogus = await captured(() => runEval([runDir, '--data', dataDir, '--split', 'bogus']));
    assert.equal(bogus.value, 2);
    assert.match(bogus.stderr.split('\n')[0], /^synops eval: --split is all or test, not bogus \(synops eval --help shows the usage\)$/);
  });
});

describe('CIFAR-10 batches, all or held out', () => {
  const root = mkdtempSync(join(tmpdir(), 'synops-eval-cifar-'));
  const CIFAR: ModelFile = { format: 'synops-model', version: 1, name: 'cifar', input: { kind: 'image', shape: [3, 32, 32], steps: 1 }, layers: [{ type: 'flatten', name: 'flat' }, { type: 'linear', name: 'fc', outFeatures: 10 }] };
  /** `n` records of 3,073 bytes: the label, then 3,072 bytes of image equal to the record's index. */
  const batch = (n: number, first: number): Uint8Array => {
    const b = new Uint8Array(n * 3073);
    for (let i = 0; i < n; i++) { b[i * 3073] = (first + i) % 10; b.fill(first + i, i * 3073 + 1, (i + 1) * 3073); }
    return b;
  };
  after(() => rmSync(root, { recursive: true, force: true }));

  it('takes the training and test batches together for all, each alone as the split', async () => {
    writeFileSync(join(root, 'data_batch_1.bin'), batch(10, 0));
    writeFileSync(join(root, 'test_batch.bin'), batch(4, 100));
    const split = await loadEventData(root, CIFAR);
    const all = await loadEvalData(root, CIFAR, 'all');
    assert.deepEqual([split.train.n, split.test.n, all.test.n, all.train.n], [10, 4, 14, 0]);
    assert.deepEqual(all.test.x, Float32Array.from([...split.train.x, ...split.test.x]));
    assert.deepEqual([...all.test.y], [...split.train.y, ...split.test.y]);
    assert.equal((await loadEvalData(root, CIFAR, 'test')).test.n, 4);
    // Without a test batch the split holds out the last 20 % of the training images; all is every image.
    rmSync(join(root, 'test_batch.bin'));
    const held = await loadEventData(root, CIFAR);
    assert.deepEqual([held.train.n, held.test.n, (await loadEvalData(root, CIFAR, 'all')).test.n], [8, 2, 10]);
  });
});
