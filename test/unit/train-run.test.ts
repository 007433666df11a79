// Training runs on tiny networks and data made up in memory: the loss falls, the SynOp term moves S toward
// S0, a cancelled run resumes to the same weights as an uninterrupted one, a NaN stops the run with its
// checkpoint intact, and a saved model loads into the spiking simulator, which then agrees with the ANN.
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/core/data/rng';
import type { ModelFile } from '../../src/core/model/types';
import { simulateEvents } from '../../src/core/sim/event-engine';
import { imageInput } from '../../src/core/sim/input';
import { readTfjsWeights } from '../../src/io/sim/tfjs-weights';
import { resolveConfig } from '../../src/io/train/request';
import { selectBackend, setTrainThreads, type BackendInfo } from '../../src/core/train/backend';
import { readCheckpointIndex } from '../../src/io/train/checkpoint';
import type { SampleSet, TrainData } from '../../src/core/train/samples';
import { tensorToChwOrder } from '../../src/core/train/layout';
import { assignWeights, forward } from '../../src/core/train/net';
import { closeRun, createRun, finishRun, openRun, readJson, trainRemaining, warmStartRun } from '../../src/io/train/run';
import { TrainError, type RunInfo, type TrainConfig } from '../../src/core/train/types';

/** 8×8 image → conv 3 (3×3, pad 1) → relu → avgpool 2 → conv 4 (3×3) → relu → flatten → linear 3 → relu. */
const SMALL: ModelFile = {
  format: 'synops-model', version: 1, name: 'small', input: { kind: 'image', shape: [1, 8, 8], steps: 1 },
  layers: [
    { type: 'conv2d', name: 'conv1', outChannels: 3, kernel: 3, padding: 1 },
    { type: 'relu', name: 'relu1' },
    { type: 'avgpool', name: 'pool1', kernel: 2 },
    { type: 'conv2d', name: 'conv2', outChannels: 4, kernel: 3 },
    { type: 'relu', name: 'relu2' },
    { type: 'flatten', name: 'flat' },
    { type: 'dropout', name: 'drop', rate: 0.2 },
    { type: 'linear', name: 'fc', outFeatures: 3 },
    { type: 'relu', name: 'relu3' },
  ],
};

/** Class k is a bright 3×3 square in one of three corners, on noise; values in [0, 3]. */
function squares(n: number, seed: number): SampleSet {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 64);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    y[i] = k;
    const [oy, ox] = [[0, 0], [0, 5], [5, 0]][k];
    for (let p = 0; p < 64; p++) x[i * 64 + p] = rng.next() * 0.5;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) x[i * 64 + (oy + a) * 8 + ox + b] += 2 + rng.next();
  }
  return { shape: [1, 8, 8], n, x, y };
}

const DATA: TrainData = { kind: 'test', root: 'memory', train: squares(48, 1), test: squares(12, 2), recordings: { train: 48, test: 12 } };
let backend: BackendInfo;
const tmp = mkdtempSync(join(tmpdir(), 'synops-train-'));
const cfg = (over: Partial<TrainConfig>): TrainConfig => ({ ...resolveConfig(SMALL, { strategy: 'baseline', epochs: 2, batchSize: 16, learningRate: 0.01, seed: 3 }), augment: undefined, evalEachEpoch: false, ...over });

describe('training runs', () => {
  // One thread per step: on two or more cores a run would start a shard thread, ~3 s under tsx, for each of
  // the file's ten runs. train-parallel.test.ts checks that 2 threads give one thread's gradient; the
  // cancel-and-resume test below runs on 2 threads, so a parallel run is still checked end to end.
  before(async () => { backend = await selectBackend('wasm'); setTrainThreads(1); });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('a few epochs reduce the cross-entropy', async () => {
    const h = createRun(join(tmp, 'ce'), SMALL, cfg({ epochs: 6 }), DATA, backend);
    const m = await trainRemaining(h, DATA);
    closeRun(h);
    assert.ok(m[5].ce < m[0].ce, `CE ${m[0].ce} → ${m[5].ce}`);
  });

  it('the SynOp term moves S toward S0 (QReLU, target far below the start)', async () => {
    const first = createRun(join(tmp, 'probe'), SMALL, cfg({ epochs: 1, learningRate: 1e-9 }), DATA, backend);
    const s0 = (await trainRemaining(first, DATA))[0].synops;
    closeRun(first);
    const target = s0 / 4;
    const h = createRun(join(tmp, 'syn'), SMALL, cfg({ strategy: 'synops-qrelu', target, epochs: 5 }), DATA, backend);
    const m = await trainRemaining(h, DATA);
    closeRun(h);
    assert.ok(Math.abs(m[4].synops - target) < Math.abs(s0 - target), `S ${s0} → ${m[4].synops}, S0 ${target}`);
    assert.ok(m[4].synopTerm < m[0].synopTerm);
  });

  it('cancel, then resume from the checkpoint, gives the same weights as an uninterrupted run (2 threads)', async (t) => {
    setTrainThreads(2);
    t.after(() => setTrainThreads(1));
    const c = cfg({ strategy: 'synops', target: 2000, epochs: 3 });
    const a = createRun(join(tmp, 'full'), SMALL, c, DATA, backend);
    await trainRemaining(a, DATA);
    const want = [...a.net.vars.values()].map((v) => v.dataSync().slice());
    closeRun(a);
    assert.equal(readJson<RunInfo>(join(tmp, 'full', 'run.json')).backend.trainThreads, 2, 'the run trained on 2 threads');

    const b = createRun(join(tmp, 'cut'), SMALL, c, DATA, backend);
    const ac = new AbortController();
    await assert.rejects(trainRemaining(b, DATA, { signal: ac.signal, onProgress: (p) => { if (p.type === 'batch' && p.epoch === 2 && p.batch === 2) ac.abort(); } }),
      (e: unknown) => e instanceof TrainError && e.code === 'cancelled');
    closeRun(b);
    assert.equal(readJson<RunInfo>(join(tmp, 'cut', 'run.json')).state, 'cancelled');
    assert.equal(readCheckpointIndex(join(tmp, 'cut'))?.epoch, 1);

    const r = openRun(join(tmp, 'cut'));
    assert.equal(r.info.epochsDone, 1);
    await trainRemaining(r, DATA);
    const got = [...r.net.vars.values()].map((v) => v.dataSync().slice());
    closeRun(r);
    assert.deepEqual(got, want);
  });

  it('a run folder is position-independent: a copy resumes and writes in itself, never in the original', async () => {
    const c = cfg({ epochs: 2 });
    const orig = join(tmp, 'orig');
    const a = createRun(orig, SMALL, c, DATA, backend);
    const ac = new AbortController();
    await assert.rejects(trainRemaining(a, DATA, { signal: ac.signal, onProgress: (p) => { if (p.type === 'batch' && p.epoch === 2) ac.abort(); } }));
    closeRun(a);
    assert.ok(!readFileSync(join(orig, 'run.json'), 'utf8').includes(tmp), 'run.json holds no absolute path to its own folder');
    const copy = join(tmp, 'moved', 'copy');
    cpSync(orig, copy, { recursive: true });
    const before = ['run.json', 'metrics.json', 'checkpoint.json'].map((f) => readFileSync(join(orig, f), 'utf8'));
    const r = openRun(copy);
    assert.equal(r.info.dir, copy);
    assert.equal(r.info.id, 'copy');
    await trainRemaining(r, DATA);
    finishRun(r);
    closeRun(r);
    assert.deepEqual(['run.json', 'metrics.json', 'checkpoint.json'].map((f) => readFileSync(join(orig, f), 'utf8')), before, 'the original is untouched');
    assert.equal(readJson<RunInfo>(join(copy, 'run.json')).state, 'done');
    assert.equal(readJson<unknown[]>(join(copy, 'metrics.json')).length, 2);
    assert.ok(existsSync(join(copy, 'model', 'model.json')));
    assert.ok(!existsSync(join(orig, 'model', 'model.json')), 'the model was saved in the copy only');
  });

  it('a warm start copies a finished run\'s final weights and makes them checkpoint 0; refuses unfinished runs and other models', async () => {
    const a = createRun(join(tmp, 'ws-src'), SMALL, cfg({ epochs: 2 }), DATA, backend);
    await trainRemaining(a, DATA);
    finishRun(a);
    const want = [...a.net.vars.values()].map((v) => v.dataSync().slice());
    closeRun(a);
    assert.equal(readJson<RunInfo>(join(tmp, 'full', 'run.json')).backend.trainThreads, 2, 'the run trained on 2 threads');

    const b = createRun(join(tmp, 'ws-dst'), SMALL, cfg({ strategy: 'synops-qrelu', target: 500, epochs: 1, seed: 9 }), DATA, backend);
    const fresh = [...b.net.vars.values()].map((v) => v.dataSync().slice());
    assert.notDeepEqual(fresh, want);
    warmStartRun(b, join(tmp, 'ws-src'));
    assert.deepEqual([...b.net.vars.values()].map((v) => v.dataSync().slice()), want);
    closeRun(b);
    // A fine-tuning cancelled before its first epoch resumes from the source's weights, not from seed 9's.
    const r = openRun(join(tmp, 'ws-dst'));
    assert.equal(r.info.epochsDone, 0);
    assert.deepEqual([...r.net.vars.values()].map((v) => v.dataSync().slice()), want);
    closeRun(r);

    // With a factor per layer (the chain's first-layer ρ): conv1 ×2 = conv1's values doubled, the rest as they were.
    const e = createRun(join(tmp, 'ws-scaled'), SMALL, cfg({}), DATA, backend);
    const src = openRun(join(tmp, 'ws-src'));
    assignWeights(e.net, src.net, (name) => (name === 'conv1' ? 2 : 1));
    const names = [...e.net.vars.keys()];
    names.forEach((name, k) => assert.deepEqual([...e.net.vars.get(name)!.dataSync()], [...want[k]].map((x) => (name === 'conv1' ? Math.fround(2 * x) : x)), name));
    closeRun(src);
    closeRun(e);

    const unfinished = createRun(join(tmp, 'ws-running'), SMALL, cfg({}), DATA, backend);
    closeRun(unfinished);
    const c = createRun(join(tmp, 'ws-c'), SMALL, cfg({}), DATA, backend);
    assert.throws(() => warmStartRun(c, join(tmp, 'ws-running')), (e: unknown) => e instanceof TrainError && e.code === 'bad-input' && /is running, not done/.test(e.message));
    closeRun(c);
    assert.equal(readJson<RunInfo>(join(tmp, 'ws-c', 'run.json')).state, 'failed');
    const other: ModelFile = { ...SMALL, name: 'other', layers: SMALL.layers.map((l) => (l.type === 'linear' ? { ...l, outFeatures: 4 } : l)) };
    const d = createRun(join(tmp, 'ws-d'), other, cfg({}), DATA, backend);
    assert.throws(() => warmStartRun(d, join(tmp, 'ws-src')), (e: unknown) => e instanceof TrainError && /trained another model \(small\); pick a run of other/.test(e.message));
    closeRun(d);
  });

  it('a NaN loss stops the run with a clear message and keeps the last good checkpoint', async () => {
    const h = createRun(join(tmp, 'nan'), SMALL, cfg({ epochs: 1 }), DATA, backend);
    await trainRemaining(h, DATA);
    const good = [...h.net.vars.values()].map((v) => v.dataSync().slice());
    // Divergence stand-in: one weight of the output layer becomes NaN, so the logits and the loss are NaN.
    const fc = h.net.vars.get('fc')!;
    const w = fc.dataSync().slice();
    w[0] = NaN;
    fc.assign(tf.tensor(w, fc.shape));
    h.info.config.epochs = 2;
    await assert.rejects(trainRemaining(h, DATA), (e: unknown) => e instanceof TrainError && e.code === 'non-finite' && /became NaN in epoch 2.*last good checkpoint/.test(e.message));
    closeRun(h);
    const info = readJson<RunInfo>(join(tmp, 'nan', 'run.json'));
    assert.equal(info.state, 'failed');
    const r = openRun(join(tmp, 'nan'));
    assert.equal(r.info.epochsDone, 1);
    assert.deepEqual([...r.net.vars.values()].map((v) => v.dataSync().slice()), good);
    closeRun(r);
  });

  it('the saved TF.js model loads into the simulator; with a 1-step input every layer spikes exactly as the QReLU ANN', async () => {
    const h = createRun(join(tmp, 'sim'), SMALL, cfg({ strategy: 'synops-qrelu', target: 500, epochs: 2 }), DATA, backend);
    await trainRemaining(h, DATA);
    const dir = join(tmp, 'sim', 'model');
    const weights = await readTfjsWeights(readFileSync(join(dir, 'model.json'), 'utf8'), SMALL, async (p) => readFileSync(join(dir, p)));
    // A 1-step analog input: each IAF neuron (threshold 1, multi-spike, v starting at 0) gets its whole
    // input at once and emits floor(max(v, 0)) spikes; each layer sees the previous layer's spikes of the
    // same step, so every layer's counts are the QReLU network's activations.
    let mismatches = 0;
    let total = 0;
    let active = 0;
    for (let i = 0; i < DATA.test.n; i++) {
      const pixels = DATA.test.x.subarray(i * 64, (i + 1) * 64);
      const sim = simulateEvents(SMALL, weights, imageInput(pixels, [1, 8, 8], 1));
      const xt = tf.tensor4d(pixels, [1, 8, 8, 1]);
      const { logits, emitted } = forward(h.net, xt, { training: false, activation: 'qrelu' });
      const ann = [1, 4, 8].map((li) => tensorToChwOrder(emitted.get(li)!.dataSync(), h.net.layouts.get(li)!));
      tf.dispose([xt, logits, ...emitted.values()]);
      for (const [k, li] of [1, 4, 8].entries()) {
        const counts = sim.layers.find((l) => l.index === li)!.counts;
        for (let e = 0; e < counts.length; e++) {
          total++;
          if (counts[e] > 0) active++;
          if (counts[e] !== ann[k][e]) mismatches++;
        }
      }
    }
    closeRun(h);
    assert.ok(active > 0.05 * total, `too few active neurons (${active}/${total}) for a meaningful check`);
    // float32 (tfjs) vs float64 (simulator) sums may round across an integer on rare elements.
    assert.ok(mismatches <= total * 0.01, `${mismatches} of ${total} counts differ`);
  });
});
