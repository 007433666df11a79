// QReLU and the SynOp loss on cases small enough to check by hand.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelFile } from '../../src/core/model/types';
import { synopsOf } from '../../src/core/synops/fanout';
import { selectBackend } from '../../src/core/train/backend';
import { distillTerm, lossParts, synopTermOf } from '../../src/core/train/loss';
import { buildNet, disposeNet, forward, kaimingUniform } from '../../src/core/train/net';
import { qrelu } from '../../src/core/train/qrelu';

/** 3×3 image → conv 2×2 (2 channels, stride 1) → relu → flatten → linear 2. */
const TINY: ModelFile = {
  format: 'synops-model', version: 1, name: 'tiny', input: { kind: 'image', shape: [1, 3, 3], steps: 1 },
  layers: [
    { type: 'conv2d', name: 'conv', outChannels: 2, kernel: 2 },
    { type: 'relu', name: 'relu' },
    { type: 'flatten', name: 'flat' },
    { type: 'linear', name: 'fc', outFeatures: 2 },
  ],
};

describe('QReLU', () => {
  before(async () => { await selectBackend('wasm'); });

  it('forward is floor(max(x, 0)); backward is the ReLU gradient (straight-through)', () => {
    const x = tf.tensor1d([-1.5, -0.2, 0, 0.4, 1, 2.7]);
    // floor(max(x, 0)): 0, 0, 0, 0, 1, 2
    assert.deepEqual([...qrelu(x).dataSync()], [0, 0, 0, 0, 1, 2]);
    // d/dx Σ 3·qrelu(x) = 3·[x > 0]: 0, 0, 0, 3, 3, 3 (the floor's zero gradient is bypassed)
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(qrelu(t), 3)))(x);
    assert.deepEqual([...g.dataSync()], [0, 0, 0, 3, 3, 3]);
  });
});

describe('SynOp loss', () => {
  it('S and ((S − S0)/S0)² on a 3×3 input with every weight set by hand, equal to the core synopsOf', () => {
    const net = buildNet(TINY, 1);
    net.vars.get('conv')!.assign(tf.fill([2, 2, 1, 2], 0.25));
    // Sample 1: all ones → each conv output = 4 · 0.25 · 1 = 1 → 8 relu outputs of 1.
    // Sample 2: all twos → 8 relu outputs of 2.
    // Fan-out of relu → fc is fc's 2 outputs per element: S1 = 8·1·2 = 16, S2 = 8·2·2 = 32, batch mean S = 24.
    // Target S0 = 8: SynOp term ((24 − 8) / 8)² = 4.
    // Input → conv fan-out per pixel: corners 1 window · 2 ch = 2, edges 2·2 = 4, centre 4·2 = 8;
    // input SynOps: sample 1 = 4·2 + 4·4 + 8 = 32, sample 2 = 64, mean 48.
    const x = tf.concat([tf.ones([1, 3, 3, 1]), tf.fill([1, 3, 3, 1], 2)]) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1], 'int32');
    const p = lossParts(net, x, y, { training: false }, { objective: { kind: 'target', target: 8 } });
    assert.ok(Math.abs(p.synops.dataSync()[0] - 24) < 1e-4);
    assert.ok(Math.abs(p.synopTerm.dataSync()[0] - 4) < 1e-4);
    assert.deepEqual([...p.perConnection.dataSync()].map((v) => Math.round(v * 1e4) / 1e4), [48, 24]);
    assert.equal(synopTermOf({ kind: 'target', target: 8 }, 24), 4);
    // The core's count on sample 1's relu outputs (8 ones, channels-first) gives the same 16.
    const relu = net.connections[1];
    assert.equal(synopsOf(relu, new Float64Array(8).fill(1)), 16);
    assert.equal(synopsOf(net.connections[0], new Float64Array(9).fill(1)), 32);
    // Total loss = CE + 4.
    assert.ok(Math.abs(p.total.dataSync()[0] - (p.ce.dataSync()[0] + 4)) < 1e-4);
    // Penalty form: λ·S = 0.5 · 24 = 12.
    const q = lossParts(net, x, y, { training: false }, { objective: { kind: 'penalty', lambda: 0.5 } });
    assert.ok(Math.abs(q.synopTerm.dataSync()[0] - 12) < 1e-4);
    disposeNet(net);
  });

  it('the fan-out maps follow the channels-last layout: border positions count less', () => {
    const net = buildNet(TINY, 1);
    // Input [1, 3, 3] in NHWC order is the same as channels-first (one channel): 2 4 2 / 4 8 4 / 2 4 2.
    assert.deepEqual([...net.fanout[0].dataSync()], [2, 4, 2, 4, 8, 4, 2, 4, 2]);
    disposeNet(net);
  });

  it('Kaiming-uniform init stays within √(6/fan_in) and is seeded', () => {
    // fan_in 4 → bound √1.5 ≈ 1.2247
    const a = kaimingUniform([2, 2, 1, 2], 4, 7);
    assert.ok(a.every((v) => Math.abs(v) <= Math.sqrt(1.5)));
    assert.deepEqual(a, kaimingUniform([2, 2, 1, 2], 4, 7));
    assert.notDeepEqual(a, kaimingUniform([2, 2, 1, 2], 4, 8));
  });

  it('dropout is on in training only, and the same seed gives the same mask', () => {
    const m: ModelFile = { ...TINY, layers: [{ type: 'flatten', name: 'f' }, { type: 'dropout', name: 'd', rate: 0.5 }, { type: 'linear', name: 'fc', outFeatures: 9 }] };
    const net = buildNet(m, 1);
    net.vars.get('fc')!.assign(tf.eye(9));
    const x = tf.ones([1, 3, 3, 1]) as tf.Tensor4D;
    const a = forward(net, x, { training: true, dropoutSeed: 5 }).logits.dataSync();
    const b = forward(net, x, { training: true, dropoutSeed: 5 }).logits.dataSync();
    assert.deepEqual(a, b);
    assert.ok([...a].every((v) => v === 0 || v === 2)); // kept elements scaled by 1/(1 − 0.5)
    assert.deepEqual([...forward(net, x, { training: false }).logits.dataSync()], new Array(9).fill(1));
    disposeNet(net);
  });
});

describe('distillation term', () => {
  it('α·T²·KL(softmax(z_t/T) ‖ softmax(z/T)) by hand: 0 for equal logits, 0.1308·α·T² for p = (¾, ¼) against q = (½, ½)', () => {
    // Teacher logits (ln 3, 0) at T = 1 give p = (3/4, 1/4); student (0, 0) gives q = (1/2, 1/2).
    // KL = ¾·ln(¾ / ½) + ¼·ln(¼ / ½) = 0.75·0.405465 − 0.25·0.693147 = 0.130812; ×α = 0.5 → 0.065406.
    const z = tf.tensor2d([[0, 0]]);
    assert.ok(Math.abs(distillTerm(z, tf.tensor2d([[Math.log(3), 0]]), 0.5, 1).dataSync()[0] - 0.065406) < 1e-5);
    // At T = 2 the teacher (2·ln 3, 0) softens to the same p: the same KL ×α·T² = 0.130812·0.5·4 = 0.261624.
    assert.ok(Math.abs(distillTerm(z, tf.tensor2d([[2 * Math.log(3), 0]]), 0.5, 2).dataSync()[0] - 0.261624) < 1e-5);
    // Equal distributions (logits differing by a constant) cost nothing; the batch mean of (0.130812, 0) is 0.065406.
    assert.ok(Math.abs(distillTerm(tf.tensor2d([[1, 1]]), tf.tensor2d([[5, 5]]), 1, 3).dataSync()[0]) < 1e-6);
    assert.ok(Math.abs(distillTerm(tf.tensor2d([[0, 0], [2, 1]]), tf.tensor2d([[Math.log(3), 0], [7, 6]]), 1, 1).dataSync()[0] - 0.065406) < 1e-5);
  });
});
