// What training and evaluation refuse before they begin (issue #13): data that does not fit the model
// (item 6), labels past its outputs (item 10), a run folder in use or resumed with other settings (item 9),
// damaged run files (item 7) and weights that are not finite or lie outside the run (item 8).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { evaluateRun, train } from '../../src/io/train/api';
import { FINETUNE_DEFAULTS, resolveConfig, type TrainRequest } from '../../src/io/train/request';
import { LOCK_FILE } from '../../src/io/train/run-lock';
import { sweep } from '../../src/io/train/sweep';
import type { TrainProgress } from '../../src/core/train/types';
import type { ModelFile } from '../../src/core/model/types';
import { writeHalvesDataset } from './halves-dataset';
import { tinyModel } from './tiny-model';

const root = mkdtempSync(join(tmpdir(), 'synops-guards-'));
const data = join(root, 'halves');
const workspace = join(root, 'ws');
const modelFile = join(root, 'tiny.snn.json');
const runA = join(root, 'runA');

function writeModel(name: string, over: Parameters<typeof tinyModel>[0] = {}): string {
  const file = join(root, name);
  writeFileSync(file, JSON.stringify(tinyModel(over), null, 1));
  return file;
}

/** A quick request: one epoch, no spiking evaluation, one thread. */
const request = (over: Partial<TrainRequest> = {}): TrainRequest => ({ model: modelFile, data, workspace, snnSamples: 0, backend: 'wasm', threads: 1, ...over });

describe('training refuses what cannot work, before it begins', () => {
  before(async () => {
    writeHalvesDataset(data, { recordings: 8, events: 200 });
    writeModel('tiny.snn.json');
    await train(request({ out: runA }));
  });

  it('refuses a model whose input does not fit the recordings, saying which input would', async () => {
    const t0 = Date.now();
    const out = join(root, 'misfit');
    // The 64×64 template input on N-MNIST's 34×34 sensor: it trained 8 epochs and then died in the spiking evaluation.
    await assert.rejects(train(request({ model: writeModel('m64.snn.json', { shape: [1, 64, 64] }), out })),
      /the recordings in .*halves come from a 34×34 sensor, which is not a whole multiple of the 64×64 input of tiny .*; an input that fits is \[1, 34, 34\] with "sensor": \[34, 34\]/);
    await assert.rejects(train(request({ model: writeModel('m128.snn.json', { shape: [1, 16, 16], sensor: [128, 128] }), out })),
      /come from a 34×34 sensor \(.*rec0\.bin\), but tiny names a 128×128 sensor/);
    await assert.rejects(train(request({ model: writeModel('m2.snn.json', { shape: [2, 34, 34] }), out })), /needs an input of 1 channel, not 2/);
    // A sweep loads its data through the same check.
    await assert.rejects(sweep({ model: join(root, 'm64.snn.json'), data, workspace, kind: 'independent', targets: [1000], epochs: 1, out: join(root, 'sweep'), backend: 'wasm', threads: 1 }), /not a whole multiple of the 64×64 input/);
    assert.ok(Date.now() - t0 < 10_000, 'refused before any training');
    assert.equal(existsSync(out), false, 'a refused run leaves no folder behind');
  });

  it('refuses labels beyond the model\'s outputs, naming the label, how many and the output count', async () => {
    const labelled = join(root, 'labels7');
    cpSync(data, labelled, { recursive: true });
    writeFileSync(join(labelled, 'labels.txt'), readFileSync(join(data, 'labels.txt'), 'utf8').replace('rec3\t1', 'rec3\t7'));
    await assert.rejects(train(request({ data: labelled, out: join(root, 'l7') })),
      /label 7 of 1 recording in .*labels7 \(such as rec3\) is beyond the 2 outputs of tiny, which can learn labels 0–1; give its last layer 8 outputs/);
  });

  it('refuses an event model on a CIFAR-10 folder', async () => {
    const cifar = join(root, 'cifar');
    mkdirSync(cifar);
    writeFileSync(join(cifar, 'data_batch_1.bin'), Buffer.alloc(3073 * 4));
    await assert.rejects(train(request({ data: cifar, out: join(root, 'c') })), /cifar is a CIFAR-10 folder \(images\), but tiny takes events/);
  });

  it('distils from a finished run of the same model and records it; another model\'s run is refused before training', async () => {
    const out = join(root, 'kd');
    await train(request({ out, strategy: 'synops-qrelu', target: 1000, distill: { teacher: runA } }));
    const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { config: { distill?: unknown } };
    // Stored relative to the run, like a warm start, so the pair moves together.
    assert.deepEqual(info.config.distill, { teacher: '../runA', weight: 0.5, temperature: 4 });
    // A resume that asks for another teacher would silently change the objective: refused.
    await assert.rejects(train(request({ out, strategy: 'synops-qrelu', target: 1000, epochs: 2 })), /distillation none \(the run: from .*runA\)/);
    const three = join(root, 'three');
    await train(request({ model: writeModel('three.snn.json', { outputs: 3, name: 'three' }), out: three }));
    await assert.rejects(train(request({ out: join(root, 'kd2'), distill: { teacher: three } })), /cannot distil from .*three: it trained another model \(three\); pick a run of the same model/);
    await assert.rejects(train(request({ out: join(root, 'kd3'), distill: { teacher: runA, weight: 2 } })), /distillation needs a teacher run, a weight in \[0, 1\]/);
  });

  it('refuses a batch size of 0 or an infinite learning rate from any caller', () => {
    const m = tinyModel() as unknown as ModelFile;
    assert.throws(() => resolveConfig(m, { batchSize: 0 }), /the batch size must be a whole number from 1 to 8,192, not 0/);
    assert.throws(() => resolveConfig(m, { learningRate: Infinity }), /the learning rate must be in \(0, 1\], not null/);
  });

  it('augments event frames only when the model file asks (training.augment), images by default unless it says false', () => {
    const m = tinyModel() as unknown as ModelFile;
    assert.equal(resolveConfig(m, {}).augment, undefined);
    const jitter = { ...m, training: { ...m.training!, augment: { cropPad: 2 } } } as ModelFile;
    assert.deepEqual(resolveConfig(jitter, {}).augment, { cropPad: 2 });
    const off = { ...m, training: { ...m.training!, augment: false } } as ModelFile;
    assert.equal(resolveConfig(off, {}).augment, undefined);
  });

  it('merges fine-tuning\'s settings field by field: a budget\'s epochs keep the model file\'s bins', () => {
    const m = tinyModel() as unknown as ModelFile;
    const bins16 = { ...m, conversion: { finetune: { bins: 16 } } } as ModelFile;
    const medium = { conversion: { finetune: { epochs: 1, maxSamples: 2048 } } };
    const ft = resolveConfig(bins16, medium).conversion?.finetune;
    assert.ok(ft);
    assert.deepEqual([ft.bins, ft.epochs, ft.maxSamples], [16, 1, 2048]);
    // The request's fields win where both set one; `false` from either side is not merged.
    const both = resolveConfig(bins16, { conversion: { finetune: { bins: 8 } } }).conversion?.finetune;
    assert.equal(both && both.bins, 8);
    assert.equal(resolveConfig(bins16, { conversion: { finetune: false } }).conversion?.finetune, false);
    const off = { ...m, conversion: { finetune: false } } as ModelFile;
    const on = resolveConfig(off, medium).conversion?.finetune;
    assert.deepEqual(on && [on.bins, on.epochs], [FINETUNE_DEFAULTS.bins, 1]);
  });

  it('locks the run folder: a live training is refused, a dead one\'s lock is taken over, saying so', async () => {
    const out = join(root, 'locked');
    cpSync(runA, out, { recursive: true });
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2025-01-01T00:00:00Z' }));
    await assert.rejects(train(request({ out })), new RegExp(`locked is in use by process ${process.pid} on ${hostname()} since 2025-01-01T00:00:00Z .*; wait for that training to end or choose another --out`));
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), startedAt: '2025-01-01T00:00:00Z' }));
    const notes: string[] = [];
    await train(request({ out }), { onProgress: (p: TrainProgress) => { if (p.type === 'phase') notes.push(p.message); } });
    assert.ok(notes.some((n) => new RegExp(`taking over the lock of .*locked: process ${dead} .* no longer runs`).test(n)), notes.join('\n'));
    assert.equal(existsSync(join(out, LOCK_FILE)), false, 'released at the end');
  });

  it('locks a sweep folder too: a second sweep into one --out is refused before anything is trained', async () => {
    const out = join(root, 'sweep-locked');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2025-01-01T00:00:00Z' }));
    await assert.rejects(sweep({ model: join(root, 'missing.snn.json'), data: 'nowhere', workspace: root, kind: 'independent', targets: [1000], epochs: 1, out }),
      new RegExp(`sweep-locked is in use by process ${process.pid}`));
    assert.equal(existsSync(join(out, 'sweep.json')), false);
  });

  it('refuses a resume with other settings, naming each', async () => {
    await assert.rejects(train(request({ out: runA, epochs: 2, seed: 5, strategy: 'synops', target: 1000 })),
      /runA holds a run with other settings, which a resume would ignore: strategy "synops" \(the run: "baseline"\), epochs 2 \(the run: 1\), target 1000 \(the run: none\), seed 5 \(the run: 1\); resume with the run's settings/);
    await assert.rejects(train(request({ out: runA, model: writeModel('other.snn.json', { name: 'other', outputs: 3 }) })), /model other [0-9a-f]{16} \(the run: tiny [0-9a-f]{16}\)/);
  });

  it('refuses damaged run files with their place and the fix', async () => {
    const damage = async (name: string, file: string, text: string, expected: RegExp): Promise<void> => {
      const out = join(root, name);
      rmSync(out, { recursive: true, force: true });
      cpSync(runA, out, { recursive: true });
      writeFileSync(join(out, file), text);
      await assert.rejects(train(request({ out })), expected);
    };
    await damage('d1', 'checkpoint.json', '{"epoch": 1,', /d1\/checkpoint\.json:1:13: damaged JSON \(Expected double-quoted property name\); the checkpoint is damaged: delete checkpoint\.json/);
    await damage('d2', 'checkpoint.json', JSON.stringify({ epoch: 1, adamStep: 1, file: '../../../etc/passwd', specs: [] }), /"file" is "\.\.\/\.\.\/\.\.\/etc\/passwd", not checkpoint-<epoch>\.bin/);
    // 18 + 484 kernel values and Adam's two moments of each, float32: 502 · 3 · 4 = 6,024 bytes.
    await damage('d3', 'checkpoint-1.bin', 'torn', /checkpoint-1\.bin: 4 bytes, checkpoint\.json describes 6,024/);
    await damage('d4', 'run.json', '{"config": ', /d4\/run\.json:1:12: damaged JSON .*the run folder is damaged/);
    await damage('d5', 'run.json', JSON.stringify({ ...JSON.parse(readFileSync(join(runA, 'run.json'), 'utf8')), config: { strategy: 'magic', epochs: 1, batchSize: 0, learningRate: 1e-3, seed: 1 } }), /run\.json: "config": strategy "magic" is not one of .*; the batch size must be/);
    await damage('d6', 'model.snn.json', '{ // edited\n}', /d6\/model\.snn\.json:1:3: error: .*comments are not allowed/);
  });

  it('eval refuses NaN weights and weight files outside the run folder', async () => {
    const out = join(root, 'nan');
    cpSync(runA, out, { recursive: true });
    const bin = readFileSync(join(out, 'model', 'weights.bin'));
    bin.writeFloatLE(NaN, 4);
    writeFileSync(join(out, 'model', 'weights.bin'), bin);
    await assert.rejects(evaluateRun({ runDir: out, data, workspace, snnSamples: 0 }), /model\.json: the weights of layer "c1" hold NaN at element 1 of 18/);
    const linked = join(root, 'linked');
    cpSync(runA, linked, { recursive: true });
    rmSync(join(linked, 'model', 'weights.bin'));
    symlinkSync(join(runA, 'model', 'weights.bin'), join(linked, 'model', 'weights.bin'));
    await assert.rejects(evaluateRun({ runDir: linked, data, workspace, snnSamples: 0 }), /weight file "weights\.bin" resolves to .*runA\/model\/weights\.bin, outside .*linked\/model/);
  });
});
