// The fused integrate-and-fire layer through time (src/core/train/iaf-layer.ts, kernels/iaf.as): spikes, the
// SynOp count, the pooling after them and their gradient, against the path it replaced (iafThroughTime, the
// sum over the bins, the fan-out product and avgPool in tfjs ops) and against the op-by-op unrolling, on random
// shapes (channel counts multiples of 4 and not), poolings (none, 2, 3, with rows and columns past the last
// window), bins, starts and currents on the threshold; hand-computed cases; and whole steps through time of
// the MNIST-DVS net fused and not.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/core/train/backend';
import { fusedIafReady, iafLayer, useFusedIaf } from '../../src/core/train/iaf-layer';
import { buildNet, disposeNet } from '../../src/core/train/net';
import { iafByOps } from './iaf-by-ops';
import { iafThroughTime, timeLossParts } from '../../src/core/train/through-time';
import { relDiff, template } from './helpers';

/**
 * The replaced path: spikes, `S = Σ (Σ_t s_t) · fanout / B` and the pooling in ops (as `forwardThroughTime`,
 * `synopsPerConnection` and `statelessOp` wrote them).
 */
function reference(iaf: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, batch: number, bins: number, fanout: tf.Tensor2D, pool: number): { spikes: tf.Tensor; s: tf.Scalar } {
  const spikes = iaf(x);
  const summed = tf.sum(tf.reshape(spikes, [batch, bins, -1]), 1) as tf.Tensor2D;
  return { spikes: pool ? tf.avgPool(spikes as tf.Tensor4D, pool, pool, 'valid') : spikes, s: tf.div(tf.sum(tf.mul(summed, fanout)), batch) as tf.Scalar };
}

/**
 * Spike counts are whole numbers: equal, and so are their window sums × 1/k² (up to the rounding of 1/9 for
 * k = 3: 1e-6). The gradients add the same float32 terms in the same order as `iafThroughTime` and the
 * pooling's spread (the op-by-op unrolling adds at most 17 of them in its own order): 1e-6 relative. `S` sums
 * ~10³ float32 products in another order (partly float64): 1e-5.
 */
const TOL = 1e-6;
const TOL_S = 1e-5;

describe('fused integrate-and-fire through time (spikes, SynOp count, gradient)', () => {
  before(async () => { await selectBackend('wasm'); });

  it('runs on this machine\'s wasm backend (else the rest compares the old path with itself)', () => {
    assert.ok(fusedIafReady(), 'the wasm backend with SIMD is needed here');
  });

  it('hand-computed: one neuron over 4 bins, fanout 3, ∂L/∂s_t = 1, ∂L/∂S = 2', () => {
    // Inputs 0.6, 0.6, −0.5, 0.9 from v0 = 0: u = 0.6, 1.2 (1 spike, v 0.2), −0.3, 0.6 → spikes 0, 1, 0, 0; S = 1·3.
    // Per bin ∂L/∂s_t + ∂L/∂S·fanout/B = 1 + 2·3 = 7, masks [u > 0] = 1, 1, 0, 1 → reverse sums 21, 14, 7, 7.
    const x = tf.tensor2d([0.6, 0.6, -0.5, 0.9], [4, 1]);
    const f = tf.tensor2d([3], [1, 1]);
    const r = iafLayer(x, 1, 4, 0, f);
    assert.deepEqual([...r.spikes.dataSync()], [0, 1, 0, 0]);
    assert.equal(r.s.dataSync()[0], 3);
    const g = tf.grad((t: tf.Tensor) => { const q = iafLayer(t, 1, 4, 0, f); return tf.add(tf.sum(q.spikes), tf.mul(q.s, 2)); })(x);
    assert.deepEqual([...g.dataSync()], [21, 14, 7, 7]);
    tf.dispose([x, f, r.spikes, r.s, g]);
  });

  it('hand-computed: a 2×3 input pooled by 2 over 2 bins, fanout 1, ∂L/∂out = 8, ∂L/∂S = 0', () => {
    // Bin 0 currents [[1.5, 0.2, 2], [−1, 0.9, 0]], bin 1 all 0.5, v0 = 0. Bin 0 spikes [[1, 0, 2], [0, 0, 0]]
    // (the third column fires but lies past the window); membranes left 0.5, 0.2, 0, −1, 0.9, 0; bin 1: u = 1, 0.7,
    // 0.5, −0.5, 1.4, 0.5 → spikes [[1, 0, 0], [0, 1, 0]]. Pooled: (1 + 0 + 0 + 0)/4 = 0.25, then (1 + 0 + 0 + 1)/4 = 0.5.
    // S = (1 + 0 + 2 + 0 + 0 + 0) + (1 + 0 + 0 + 0 + 1 + 0) = 5. Gradient: the window gets 8/4 = 2 per bin, the
    // third column 0; masks [u > 0] bin 0: 1, 1, 1, 0, 1, 0 and bin 1: 1, 1, 1, 0, 1, 1 → bin 0: [[4, 4, 0], [0, 4, 0]],
    // bin 1: [[2, 2, 0], [0, 2, 0]].
    const x = tf.tensor4d([1.5, 0.2, 2, -1, 0.9, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [2, 2, 3, 1]);
    const f = tf.ones([1, 6]) as tf.Tensor2D;
    const r = iafLayer(x, 1, 2, 0, f, 2);
    assert.deepEqual([...r.spikes.dataSync()], [0.25, 0.5]);
    assert.equal(r.s.dataSync()[0], 5);
    const g = tf.grad((t: tf.Tensor) => tf.mul(tf.sum(iafLayer(t, 1, 2, 0, f, 2).spikes), 8))(x);
    assert.deepEqual([...g.dataSync()], [4, 4, 0, 0, 4, 0, 2, 2, 0, 0, 2, 0]);
    tf.dispose([x, f, r.spikes, r.s, g]);
  });

  for (let n = 0; n < 40; n++) {
    it(`random case ${n}`, () => {
      let seed = 1000 + 17 * n;
      const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
      const batch = pick([1, 2, 3]), bins = pick([1, 2, 3, 5, 8, 16, 17]), v0 = pick([0, 0.5]);
      const flat = n % 5 === 4;
      const shape = flat ? [batch * bins, pick([3, 10, 17])] : [batch * bins, pick([1, 3, 4, 6]), pick([2, 5, 7]), pick([1, 3, 4, 8])];
      // A pooling wider than the input (an empty output) aborts tfjs' own wasm AvgPool, the reference: left out.
      const k = flat ? 0 : pick([0, 2, 2, 3]);
      const pool = k <= Math.min(shape[1], shape[2] ?? 0) ? k : 0;
      const counted = n % 6 !== 5;
      tf.tidy(() => {
        // Currents in [−2, 3), every other case on a grid of quarters, so that membranes land exactly on 0 and 1.
        const u = tf.randomUniform(shape, -2, 3, 'float32', 10 + n);
        const x = n % 2 ? tf.div(tf.round(tf.mul(u, 4)), 4) : u;
        const N = x.size / (batch * bins);
        const f = tf.floor(tf.randomUniform([1, N], 0, 40, 'float32', 20 + n)) as tf.Tensor2D;
        const at = `batch ${batch}, bins ${bins}, ${shape.join('×')}, pool ${pool}, v0 ${v0}, ${counted ? 'counted' : 'no count'}`;
        const ours = (t: tf.Tensor) => (counted ? iafLayer(t, batch, bins, v0, f, pool) : { spikes: iafLayer(t, batch, bins, v0, undefined, pool).spikes, s: tf.scalar(0) });
        const old = (t: tf.Tensor) => reference((a) => iafThroughTime(a, batch, bins, v0), t, batch, bins, f, pool);
        const byOps = (t: tf.Tensor) => reference((a) => iafByOps(a, batch, bins, v0), t, batch, bins, f, pool);
        const r = ours(x);
        const o = old(x);
        assert.deepEqual(r.spikes.shape, o.spikes.shape, `${at}: shape`);
        assert.ok(relDiff(r.spikes.dataSync(), o.spikes.dataSync()) <= TOL, `${at}: spikes`);
        if (bins > 1) assert.ok(relDiff(r.spikes.dataSync(), byOps(x).spikes.dataSync()) <= TOL, `${at}: spikes (ops)`);
        if (!pool) assert.deepEqual([...r.spikes.dataSync()], [...o.spikes.dataSync()], `${at}: spikes, exactly`);
        if (counted) assert.ok(relDiff(r.s.dataSync(), o.s.dataSync()) <= TOL_S, `${at}: S ${r.s.dataSync()[0]} vs ${o.s.dataSync()[0]}`);
        // L = Σ R ⊙ s + α·S with a random R and α of either sign: both gradient paths.
        const R = tf.randomUniform(o.spikes.shape, -1, 1, 'float32', 30 + n);
        const alpha = counted ? ((n % 5) - 2) * 0.37 + 0.01 : 0;
        const loss = (fn: (t: tf.Tensor) => { spikes: tf.Tensor; s: tf.Scalar }) => (t: tf.Tensor) => { const q = fn(t); return tf.add(tf.sum(tf.mul(q.spikes, R)), tf.mul(q.s, alpha)); };
        const gOurs = tf.grad(loss(ours))(x).dataSync();
        assert.ok(relDiff(gOurs, tf.grad(loss(old))(x).dataSync()) <= TOL, `${at}: gradient`);
        if (bins > 1) assert.ok(relDiff(gOurs, tf.grad(loss(byOps))(x).dataSync()) <= TOL, `${at}: gradient (ops)`);
      });
    });
  }

  for (const readout of ['membrane', 'spikes'] as const) {
    it(`a step through time of mnist-dvs.snn.json (${readout} readout, SynOp target) gives the same loss, S and gradients fused and not`, () => {
      const model = template('mnist-dvs.snn.json');
      const net = buildNet(model, 1);
      // Weights ×3 so that every layer fires, several spikes per bin in places.
      for (const v of net.vars.values()) v.assign(tf.mul(v, 3));
      const [c, h, w] = model.input.shape;
      const B = 2, T = 5;
      const x = tf.tidy(() => tf.floor(tf.mul(tf.randomUniform([B * T, h, w, c], 0, 1, 'float32', 6), 1.6))) as tf.Tensor4D;
      const labels = tf.tensor1d([3, 7], 'int32');
      const step = () => {
        let parts: number[] = [];
        const g = tf.variableGrads(() => {
          const p = timeLossParts(net, x, labels, { batch: B, bins: T, readout, v0: 0 }, { objective: { kind: 'target', target: 1e4 } });
          parts = [...p.ce.dataSync(), ...p.synops.dataSync(), ...p.correct.dataSync(), ...p.perConnection.dataSync()];
          return p.total;
        }, [...net.vars.values()]);
        return { ...g, parts };
      };
      const on = step();
      const prev = useFusedIaf(false);
      let off: ReturnType<typeof step>;
      try { off = step(); } finally { useFusedIaf(prev); }
      assert.ok(off.parts[1] > 0, 'the layers fire');
      // CE and the number correct do not depend on S: equal up to float32 sums (1e-6); S as above (1e-5).
      assert.ok(relDiff([on.parts[0], on.parts[2]], [off.parts[0], off.parts[2]]) <= 1e-6, `CE, correct ${on.parts} vs ${off.parts}`);
      assert.ok(relDiff([on.parts[1]], [off.parts[1]]) <= TOL_S, `S ${on.parts[1]} vs ${off.parts[1]}`);
      // Each connection's SynOps (the input's by the same ops either way), as S.
      for (let c = 3; c < off.parts.length; c++) assert.ok(relDiff([on.parts[c]], [off.parts[c]]) <= TOL_S, `connection ${c - 3}: ${on.parts[c]} vs ${off.parts[c]}`);
      // The SynOp term's slope multiplies S's rounding difference: 1e-4 of the largest entry (as the ANN's fused step).
      for (const name of Object.keys(off.grads)) assert.ok(relDiff(on.grads[name].dataSync(), off.grads[name].dataSync()) <= 1e-4, name);
      tf.dispose([x, labels, on.value, off.value, ...Object.values(on.grads), ...Object.values(off.grads)]);
      disposeNet(net);
    });
  }
});
