// The fused spiking layer (src/core/train/spike-layer.ts, kernels/spike.as): activation + SynOp count +
// average pooling in one kernel each way, against the tfjs ops it replaces (spikeLayerOps: qrelu / qround /
// relu, the fan-out product and sum, avgPool and its gradient) on random shapes, channel counts (multiples of
// 4 and not), poolings (none, 2, 3, with rows and columns past the last window) and all three activations,
// forward and gradient; a hand-computed case; and whole training steps of both template networks fused
// and not.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/core/train/backend';
import { buildNet, disposeNet } from '../../src/core/train/net';
import { lossParts } from '../../src/core/train/loss';
import { qrelu, qround } from '../../src/core/train/qrelu';
import { fusedSpikesReady, spikeLayer, spikeLayerOps, useFusedSpikes, type SpikeMode } from '../../src/core/train/spike-layer';
import { relDiff, template } from './helpers';

const ACT: Record<SpikeMode, (t: tf.Tensor) => tf.Tensor> = { floor: qrelu, round: qround, relu: tf.relu };

/**
 * The activation, pooled values and gradient round every step as the ops do: equal up to the order of
 * float32 sums (a relu pooling's window; none for counts, which are integers), 1e-6 allowed. `s` is a sum of
 * up to ~10³ float32 products in another order (and partly float64): 1e-5 allowed.
 */
const TOL = 1e-6;
const TOL_S = 1e-5;

interface Case { shape: number[]; pool: number; mode: SpikeMode }

function randomCases(n: number): Case[] {
  let seed = 777;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const mode = pick<SpikeMode>(['floor', 'round', 'relu']);
    if (i % 7 === 6) { out.push({ shape: [pick([1, 3]), pick([5, 10, 17])], pool: 0, mode }); continue; }
    out.push({ shape: [pick([1, 2, 3]), pick([3, 4, 5, 7, 9]), pick([3, 4, 6, 7, 11]), pick([1, 3, 4, 8, 12])], pool: pick([0, 2, 2, 3]), mode });
  }
  return out;
}

/** Inputs around the quantizers' edges: U(−3, 3), integers, half-integers and values just below them, and a few exact zeros. */
function inputs(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.randomUniform(shape, -3, 3, 'float32', seed);
    const k = tf.randomUniform(shape, 0, 5, 'int32', seed + 1);
    const snap = tf.div(tf.round(tf.mul(u, 2)), 2);
    const edge = tf.sub(snap, tf.mul(tf.cast(tf.equal(tf.mod(k, 2), 0), 'float32'), 1e-7));
    return tf.where(tf.equal(k, 0), u, tf.where(tf.equal(k, 4), tf.zerosLike(u), edge));
  });
}

describe('fused spiking layer (activation, SynOp count, average pooling)', () => {
  before(async () => { await selectBackend('wasm'); });

  it('runs on this machine\'s wasm backend (else the rest compares the ops with themselves)', () => {
    assert.ok(fusedSpikesReady(), 'the wasm backend with SIMD is needed here');
  });

  it('hand-computed: floor, k = 2 on a 2×2 input, fanout 1..4, dOut = 4, ∂L/∂s = 1', () => {
    // a = floor(max(x, 0)) = [0, 1, 2, 0]; s = 0·1 + 1·2 + 2·3 + 0·4 = 8; pooled = (0 + 1 + 2 + 0) / 4 = 0.75.
    // dx = [x > 0] · (4/4 + 1·fanout) = [1 + 1, 1 + 2, 1 + 3, 0] = [2, 3, 4, 0].
    const x = tf.tensor4d([0.7, 1.6, 2.2, -1], [1, 2, 2, 1]);
    const f = tf.tensor2d([1, 2, 3, 4], [1, 4]);
    const r = spikeLayer(x, f, 2, 'floor');
    assert.deepEqual([...r.out.dataSync()], [0.75]);
    assert.equal(r.s.dataSync()[0], 8);
    const g = tf.grad((t: tf.Tensor) => { const q = spikeLayer(t, f, 2, 'floor'); return tf.add(tf.mul(tf.sum(q.out), 4), q.s); })(x);
    assert.deepEqual([...g.dataSync()], [2, 3, 4, 0]);
    tf.dispose([x, f, g, r.out, r.s]);
  });

  for (const [n, c] of randomCases(40).entries()) {
    it(`case ${n}: ${c.shape.join('×')}, pool ${c.pool}, ${c.mode}`, () => {
      tf.tidy(() => {
        const x = inputs(c.shape, 100 + n);
        const N = c.shape.slice(1).reduce((a, b) => a * b, 1);
        // Fan-outs as the nets have them: small whole numbers, some 0 (dropped by a floor-mode pooling).
        const f = tf.floor(tf.randomUniform([1, N], 0, 40, 'float32', 200 + n)) as tf.Tensor2D;
        const ours = spikeLayer(x, f, c.pool, c.mode);
        const ref = spikeLayerOps(x, f, c.pool, ACT[c.mode]);
        assert.deepEqual(ours.out.shape, ref.out.shape);
        assert.ok(relDiff(ours.out.dataSync(), ref.out.dataSync()) <= TOL, 'activation / pooling');
        assert.ok(relDiff(ours.s.dataSync(), ref.s.dataSync()) <= TOL_S, `s ${ours.s.dataSync()[0]} vs ${ref.s.dataSync()[0]}`);
        // L = Σ out·R + α·s with random R and α (α of either sign) reaches both gradient paths.
        const R = tf.randomUniform(ref.out.shape, -1, 1, 'float32', 300 + n);
        const alpha = ((n % 5) - 2) * 0.37 + 0.01;
        const loss = (fn: (t: tf.Tensor) => { out: tf.Tensor; s: tf.Scalar }) => (t: tf.Tensor) => { const q = fn(t); return tf.add(tf.sum(tf.mul(q.out, R)), tf.mul(q.s, alpha)); };
        const gOurs = tf.grad(loss((t) => spikeLayer(t, f, c.pool, c.mode)))(x);
        const gRef = tf.grad(loss((t) => spikeLayerOps(t, f, c.pool, ACT[c.mode])))(x);
        assert.ok(relDiff(gOurs.dataSync(), gRef.dataSync()) <= TOL, 'gradient');
      });
    });
  }

  for (const file of ['mnist-dvs.snn.json', 'cifar10-allconv.snn.json'] as const) {
    it(`a training step of ${file} (QReLU, SynOp target, dropout) gives the same loss and gradients fused and not`, () => {
      const model = template(file);
      const net = buildNet(model, 1);
      const [c, h, w] = model.input.shape;
      const x = tf.tidy(() => tf.floor(tf.mul(tf.randomUniform([4, h, w, c], 0, 1, 'float32', 6), 2.2))) as tf.Tensor4D;
      const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
      const grads = () => tf.variableGrads(() => lossParts(net, x, labels, { training: true, dropoutSeed: 1, activation: 'qrelu', skipOutputActivation: true },
        { objective: { kind: 'target', target: 1e4 } }).total, [...net.vars.values()]);
      const on = grads();
      const prev = useFusedSpikes(false);
      let off: ReturnType<typeof grads>;
      try { off = grads(); } finally { useFusedSpikes(prev); }
      const lo = off.value.dataSync()[0];
      assert.ok(Math.abs(on.value.dataSync()[0] - lo) <= 1e-5 * Math.abs(lo), `loss ${on.value.dataSync()[0]} vs ${lo}`);
      // The SynOp term's slope multiplies S's float32 rounding difference: 1e-4 of the largest entry.
      for (const name of Object.keys(off.grads)) assert.ok(relDiff(on.grads[name].dataSync(), off.grads[name].dataSync()) <= 1e-4, name);
      tf.dispose([x, labels, on.value, off.value, ...Object.values(on.grads), ...Object.values(off.grads)]);
      disposeNet(net);
    });
  }
});
