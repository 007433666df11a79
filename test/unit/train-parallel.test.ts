// Data-parallel training steps (src/core/train/parallel.ts, shard.ts): the split, the SynOp term's slope,
// and the summed gradients of real worker threads against one thread's gradient of the same batch.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelFile } from '../../src/core/model/types';
import { selectBackend } from '../../src/core/train/backend';
import { lossParts, type LossOptions } from '../../src/core/train/loss';
import { buildNet, disposeNet, type ForwardOptions } from '../../src/core/train/net';
import { combineStats, ParallelTrainer, shardRows } from '../../src/core/train/parallel';
import { shardThreadScript } from '../../src/io/train/threads';
import { synopTermSlope } from '../../src/core/train/shard';
import { timeLossParts } from '../../src/core/train/through-time';
import { relDiff } from './helpers';

/** 12×12 events → conv 3×3 (4) → relu → pool 2 → flatten → dropout ½ → linear 10: every op the step has. */
const SMALL: ModelFile = {
  format: 'synops-model', version: 1, name: 'small', input: { kind: 'events', shape: [1, 12, 12], sensor: [12, 12], chunkEvents: 100, dtMs: 1 },
  layers: [
    { type: 'conv2d', name: 'conv', outChannels: 4, kernel: 3 },
    { type: 'relu', name: 'relu' },
    { type: 'avgpool', name: 'pool', kernel: 2 },
    { type: 'flatten', name: 'flat' },
    { type: 'dropout', name: 'drop', rate: 0.5 },
    { type: 'linear', name: 'fc', outFeatures: 10 },
  ],
  spikingOutput: true,
};

/** The threads' gradient `b` of variable `name` equals one thread's `a` (rel. diff < 1e-5); a zero `a` could not tell them apart. */
function assertSameGradient(name: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  assert.ok(Array.prototype.some.call(a, (x: number) => x !== 0), `${name}: a zero gradient cannot tell the two apart`);
  const d = relDiff(b, a);
  assert.ok(d < 1e-5, `${name}: rel. diff ${d}`);
}

describe('shard arithmetic', () => {
  it('splits a batch into shares that differ by at most one row and skips empty ones', () => {
    assert.deepEqual(shardRows(10, 3), [{ offset: 0, n: 4 }, { offset: 4, n: 3 }, { offset: 7, n: 3 }]);
    assert.deepEqual(shardRows(1, 2), [{ offset: 0, n: 1 }]);
  });

  it("T'(S) of the target term at the example of shard.ts: target 100, S = 120 → 2·20/100² = 0.004", () => {
    // S = (2·90 + 6·130) / 8 = 120.
    assert.ok(Math.abs(synopTermSlope({ kind: 'target', target: 100 }, (2 * 90 + 6 * 130) / 8) - 0.004) < 1e-12);
    assert.equal(synopTermSlope({ kind: 'penalty', lambda: 3e-6 }, 5), 3e-6);
    assert.equal(synopTermSlope({ kind: 'none' }, 5), 0);
  });

  it("combines shards' statistics into the batch's: weighted means, the term of the mean S", () => {
    // Shards of 2 and 6: CE 1 and 3 → 0.25·1 + 0.75·3 = 2.5; S 90 and 130 → 120; term ((120−100)/100)² = 0.04.
    const v = combineStats([{ n: 2, stats: Float32Array.of(1, 90, 1, 0, 90) }, { n: 6, stats: Float32Array.of(3, 130, 4, 0, 130) }], { objective: { kind: 'target', target: 100 } });
    assert.deepEqual([...v].map((x) => Math.round(x * 1e4) / 1e4), [2.54, 2.5, 0.04, 120, 5, 120]);
  });
});

describe('data-parallel step on worker threads (wasm)', () => {
  let trainer: ParallelTrainer;
  before(async () => {
    await selectBackend('wasm');
    trainer = await ParallelTrainer.start(SMALL, 'wasm', 2, 7, shardThreadScript());
  });
  after(async () => { await trainer.close(); });

  for (const loss of [{ objective: { kind: 'target', target: 50 }, weightDecay: 1e-3 }, { objective: { kind: 'penalty', lambda: 1e-3 } }] as LossOptions[]) {
    it(`2 threads give one thread's gradient and statistics of the same batch (${loss.objective.kind}; rel. diff < 1e-5)`, async () => {
      const net = buildNet(SMALL, 3);
      const B = 9; // odd: shards of 5 and 4 rows
      const x = Float32Array.from({ length: B * 144 }, (_, i) => ((i * 7919) % 13) / 4);
      const labels = Int32Array.from({ length: B }, (_, i) => i % 10);
      const fwd: ForwardOptions = { training: true, dropoutSeed: 11, activation: 'qrelu', skipOutputActivation: true };
      const vars = [...net.vars.values()];
      const single = tf.variableGrads(() => lossParts(net, tf.tensor4d(x, [B, 12, 12, 1]), tf.tensor1d(labels, 'int32'), fwd, loss).total, vars);
      const ref = lossParts(net, tf.tensor4d(x, [B, 12, 12, 1]), tf.tensor1d(labels, 'int32'), fwd, loss);
      const par = await trainer.step(net, { x, frame: [12, 12, 1], labels }, fwd, loss);
      for (const [name, v] of net.vars) {
        assertSameGradient(name, single.grads[v.name].dataSync(), par.grads.get(name)!);
      }
      const want = [ref.total, ref.ce, ref.synopTerm, ref.synops, ref.correct].map((t) => t.dataSync()[0]);
      want.forEach((w, k) => assert.ok(Math.abs(par.stats[k] - w) <= 1e-5 * Math.max(1, Math.abs(w)), `stat ${k}: ${par.stats[k]} vs ${w}`));
      tf.dispose([single.value, single.grads]);
      disposeNet(net);
    });
  }

  it("with distillation (teacher logits per row): 2 threads give one thread's gradient and blended data term (rel. diff < 1e-5)", async () => {
    const net = buildNet(SMALL, 4);
    const B = 7; // shards of 4 and 3 rows: each must get its own rows of the teacher's logits
    const x = Float32Array.from({ length: B * 144 }, (_, i) => ((i * 7919) % 11) / 3);
    const labels = Int32Array.from({ length: B }, (_, i) => (2 * i) % 10);
    const teacher = Float32Array.from({ length: B * 10 }, (_, i) => ((i * 31) % 17) / 4 - 2);
    const loss: LossOptions = { objective: { kind: 'target', target: 50 }, distill: { weight: 0.5, temperature: 4 } };
    const fwd: ForwardOptions = { training: true, dropoutSeed: 5, activation: 'qrelu', skipOutputActivation: true };
    const t = (): tf.Tensor2D => tf.tensor2d(teacher, [B, 10]);
    const single = tf.variableGrads(() => lossParts(net, tf.tensor4d(x, [B, 12, 12, 1]), tf.tensor1d(labels, 'int32'), fwd, loss, t()).total, [...net.vars.values()]);
    const ref = lossParts(net, tf.tensor4d(x, [B, 12, 12, 1]), tf.tensor1d(labels, 'int32'), fwd, loss, t());
    const plain = lossParts(net, tf.tensor4d(x, [B, 12, 12, 1]), tf.tensor1d(labels, 'int32'), fwd, { objective: loss.objective });
    assert.ok(Math.abs(ref.ce.dataSync()[0] - plain.ce.dataSync()[0]) > 1e-3, 'the teacher changes the data term');
    const par = await trainer.step(net, { x, frame: [12, 12, 1], labels, teacher }, fwd, loss);
    for (const [name, v] of net.vars) assertSameGradient(name, single.grads[v.name].dataSync(), par.grads.get(name)!);
    assert.ok(Math.abs(par.stats[1] - ref.ce.dataSync()[0]) <= 1e-5 * Math.max(1, Math.abs(ref.ce.dataSync()[0])), `data term ${par.stats[1]} vs ${ref.ce.dataSync()[0]}`);
    tf.dispose([single.value, single.grads]);
    disposeNet(net);
  });

  it("through time (4 bins, membrane readout): 2 threads give one thread's gradient (rel. diff < 1e-5)", async () => {
    const net = buildNet(SMALL, 5);
    const B = 5, T = 4;
    const x = Float32Array.from({ length: B * T * 144 }, (_, i) => ((i * 104729) % 7) / 3);
    const labels = Int32Array.from({ length: B }, (_, i) => (3 * i) % 10);
    const loss: LossOptions = { objective: { kind: 'target', target: 40 } };
    const time = { bins: T, readout: 'membrane', v0: 0 } as const;
    const single = tf.variableGrads(() => timeLossParts(net, tf.tensor4d(x, [B * T, 12, 12, 1]), tf.tensor1d(labels, 'int32'), { ...time, batch: B }, loss).total, [...net.vars.values()]);
    const par = await trainer.step(net, { x, frame: [12, 12, 1], labels, framesPerSample: T }, { training: true }, loss, time);
    for (const [name, v] of net.vars) {
      assertSameGradient(name, single.grads[v.name].dataSync(), par.grads.get(name)!);
    }
    tf.dispose([single.value, single.grads]);
    disposeNet(net);
  });

  it('a thread that fails rejects the step with its message instead of hanging the others at the barrier', async () => {
    const t = await ParallelTrainer.start(SMALL, 'wasm', 2, 7, shardThreadScript());
    const net = buildNet(SMALL, 3);
    try {
      // 4 rows declared, 3 rows of data: the second shard's tensor cannot be made.
      await assert.rejects(t.step(net, { x: new Float32Array(3 * 144), frame: [12, 12, 1], labels: new Int32Array(4) }, { training: true }, { objective: { kind: 'target', target: 50 } }), /size|shape|match/i);
    } finally { await t.close(); disposeNet(net); }
  });
});
