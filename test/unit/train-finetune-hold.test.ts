// Fine-tuning through time that holds the SynOps it starts from (`conversion.finetune.synops: "hold"`): the
// measured count against a hand-computed case, and a run that records the held target and keeps it on resume.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { ModelFile } from '../../src/core/model/types';
import { parseModel } from '../../src/core/model/parse';
import { buildNet, disposeNet } from '../../src/core/train/net';
import { heldSynops, synopsThroughTime } from '../../src/core/train/finetune';
import type { BinnedSet } from '../../src/core/train/time-bins';
import { train } from '../../src/io/train/api';
import { FINETUNE_DEFAULTS } from '../../src/io/train/request';
import { tinyHalvesModel, writeHalvesDataset } from './halves-dataset';

/** 2 input pixels → linear 2 → 2, spiking → linear 2 → 3. Input fan-out 2, hidden fan-out 3. */
const TWO: ModelFile = {
  format: 'synops-model', version: 1, name: 'two',
  input: { kind: 'events', shape: [1, 1, 2], chunkEvents: 4, dtMs: 1 },
  layers: [
    { type: 'flatten', name: 'f' }, { type: 'linear', name: 'l1', outFeatures: 2 }, { type: 'relu', name: 'r1' },
    { type: 'linear', name: 'l2', outFeatures: 3 },
  ],
};

describe('fine-tuning through time that holds its SynOps', () => {
  it('measures the SynOps the spiking network spends through time, per sample (hand-computed)', async () => {
    const net = buildNet(TWO, 1);
    // W1 [in, out] = [[0.7, −0.4], [0.6, 1.0]].
    net.vars.get('l1')!.assign(tf.tensor2d([[0.7, -0.4], [0.6, 1.0]]));
    // Sample A, bins [1, 0], [0, 1]: currents [0.7, −0.4], [0.6, 1.0]. Neuron 0: v 0.7 → 0 spikes, 1.3 → 1;
    // neuron 1: v −0.4 → 0, 0.6 → 0. One spike × fan-out 3 = 3 SynOps; input: 2 events × fan-out 2 = 4.
    // Sample B, bins [2, 1], [0, 0]: current [2·0.7 + 0.6, −0.8 + 1.0] = [2.0, 0.2] → 2 spikes, then none:
    // 2 × 3 = 6 SynOps; input 3 events × 2 = 6. Mean: hidden (3 + 6) / 2 = 4.5; with the input (7 + 12) / 2 = 9.5.
    const data: BinnedSet = { bins: 2, shape: [1, 1, 2], n: 2, x: Float32Array.from([1, 0, 0, 1, 2, 1, 0, 0]), y: Int32Array.from([0, 1]) };
    const ft = { ...FINETUNE_DEFAULTS, synops: 'hold' as const };
    assert.equal(await synopsThroughTime(net, data, ft, false), 4.5);
    assert.equal(await synopsThroughTime(net, data, ft, true), 9.5);
    // One sample per batch: the same mean (each batch weighs by its samples).
    assert.equal(await synopsThroughTime(net, data, { ...ft, batchSize: 1 }, false), 4.5);
    disposeNet(net);
  });

  it('`ann` aims at the quantized ANN\'s SynOps on the summed bins, not at the count through time (hand-computed)', async () => {
    const net = buildNet(TWO, 1);
    net.vars.get('l1')!.assign(tf.tensor2d([[0.7, -0.4], [0.6, 1.0]]));
    // One sample, bins [0, 1], [1, 0]. Through time: currents [0.6, 1.0] → neuron 1 fires once (v 1.0 → 0);
    // then [0.7, −0.4] → neuron 0 at 1.3 fires once: 2 spikes × fan-out 3 = 6. As the ANN: the frame [1, 1]
    // gives [1.3, 0.6], QReLU [1, 0]: 1 × 3 = 3. The early positive input that later input cancels is the
    // surplus `hold` keeps and `ann` does not.
    const data: BinnedSet = { bins: 2, shape: [1, 1, 2], n: 1, x: Float32Array.from([0, 1, 1, 0]), y: Int32Array.from([0]) };
    const loss = { objective: { kind: 'target' as const, target: 1 }, countInput: false };
    assert.equal(await heldSynops(net, data, { ...FINETUNE_DEFAULTS, synops: 'hold' }, loss, undefined), 6);
    assert.equal(await heldSynops(net, data, { ...FINETUNE_DEFAULTS, synops: 'ann' }, loss, undefined), 3);
    // A resumed run reads back what it recorded; `target` and a run without a SynOp target measure nothing.
    assert.equal(await heldSynops(net, data, { ...FINETUNE_DEFAULTS, synops: 'ann' }, loss, 7), 7);
    assert.equal(await heldSynops(net, data, { ...FINETUNE_DEFAULTS, synops: 'target' }, loss, undefined), undefined);
    assert.equal(await heldSynops(net, data, { ...FINETUNE_DEFAULTS, synops: 'ann' }, { objective: { kind: 'none' } }, undefined), undefined);
    disposeNet(net);
  });

  it('a model file asks for it; anything but target, hold or ann is refused by name', () => {
    const ok = parseModel(JSON.stringify({ ...tinyHalvesModel(), conversion: { finetune: { epochs: 1, synops: 'hold' } } }));
    assert.deepEqual(ok.diagnostics.filter((d) => /conversion/.test(d.message)).map((d) => d.message), []);
    assert.equal((ok.model?.conversion?.finetune as { synops?: string }).synops, 'hold');
    const bad = parseModel(JSON.stringify({ ...tinyHalvesModel(), conversion: { finetune: { synops: 'keep' } } }));
    assert.deepEqual(bad.diagnostics.filter((d) => /conversion/.test(d.message)).map((d) => d.message), ['"conversion.finetune.synops" must be "target" or "hold" or "ann", got "keep"']);
  });

  const workspace = mkdtempSync(join(tmpdir(), 'synops-hold-'));
  after(() => rmSync(workspace, { recursive: true, force: true }));

  it('a run with a SynOp target records the held S0 in its epochs through time and keeps it when resumed', async () => {
    const data = join(workspace, 'data');
    writeHalvesDataset(data);
    const model = { ...tinyHalvesModel(), conversion: { finetune: { epochs: 2, bins: 4, learningRate: 0.1, synops: 'hold' as const } } };
    const req = { model, data, workspace, strategy: 'synops-qrelu' as const, target: 50, epochs: 1, batchSize: 8, learningRate: 0.01, snnSamples: 0, out: join(workspace, 'run') };
    const r = await train(req);
    const ft = r.metrics.filter((m) => m.throughTime);
    assert.equal(ft.length, 2);
    const held = ft[0].throughTime!.target!;
    // Measured, not the run's S0, and the same for both epochs.
    assert.ok(held > 0 && held !== 50, `held ${held}`);
    assert.equal(ft[1].throughTime!.target, held);
    // The SynOp term of the first epoch through time aims at `held`: ((S − held) / held)², S its mean SynOps.
    // (S is the epoch's mean while the weights change, so this holds only roughly: within 0.05 of the loss.)
    const term = ft[0].loss - ft[0].ce;
    assert.ok(Math.abs(term - ((ft[0].synops - held) / held) ** 2) < 0.05, `term ${term}, S ${ft[0].synops}, held ${held}`);
    // Cancelled after the first epoch through time, then resumed: the second reads the held target back.
    const stop = new AbortController();
    const out2 = join(workspace, 'run2');
    await assert.rejects(train({ ...req, out: out2 }, { signal: stop.signal, onProgress: (p) => { if (p.type === 'epoch' && p.metrics.epoch === 2) stop.abort(); } }), /cancelled/);
    const again = await train({ ...req, out: out2 });
    assert.equal(again.resumedFromEpoch, 2);
    assert.equal(again.metrics.find((m) => m.epoch === 3)!.throughTime!.target, held);
  });

  it('a run without a SynOp target fine-tunes as before: no held target', async () => {
    const model = { ...tinyHalvesModel(), conversion: { finetune: { epochs: 1, bins: 4, synops: 'hold' as const } } };
    const r = await train({ model, data: join(workspace, 'data'), workspace, epochs: 1, batchSize: 8, learningRate: 0.01, snnSamples: 0, out: join(workspace, 'base') });
    const ft = r.metrics.filter((m) => m.throughTime);
    assert.equal(ft.length, 1);
    assert.equal(ft[0].throughTime!.target, undefined);
    assert.equal(ft[0].loss, ft[0].ce);
  });
});
