// The non-overlapping average-pooling gradient (src/core/train/pool-grad.ts) against a hand-computed case and
// the cpu backend's own AvgPoolGrad kernel, on cpu and on wasm; and the SynOp term's gradient it feeds.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '../../src/core/train/backend';
import { avgPoolGradNonOverlapping } from '../../src/core/train/pool-grad';

/** The cpu backend's stock AvgPoolGrad (the replacement is only installed for the gradient, not the kernel). */
function reference(dy: tf.Tensor4D, x: tf.Tensor4D, k: number): Float32Array {
  const prev = tf.getBackend();
  tf.setBackend('cpu');
  const [tdy, tx] = [tf.tensor(dy.dataSync(), dy.shape), tf.tensor(x.dataSync(), x.shape)];
  const g = tf.engine().runKernel('AvgPoolGrad', { dy: tdy, input: tx }, { filterSize: k, strides: k, pad: 'valid' } as never) as tf.Tensor;
  const out = g.dataSync() as Float32Array;
  tf.dispose([tdy, tx, g]);
  tf.setBackend(prev);
  return out;
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`average-pooling gradient (${backend})`, () => {
    before(async () => { await selectBackend(backend); });

    it('spreads dy/k² over each window and gives 0 to the row and column no window reads (hand-computed)', () => {
      // k = 2 on a 3×3 input: one window (rows/cols 0–1), dy = 8 → 8/4 = 2 on the window, 0 on row 2 and col 2.
      const dx = avgPoolGradNonOverlapping([1, 3, 3, 1], tf.tensor4d([8], [1, 1, 1, 1]), 2);
      assert.deepEqual([...dx.dataSync()], [2, 2, 0, 2, 2, 0, 0, 0, 0]);
      dx.dispose();
    });

    for (const [shape, k] of [[[3, 8, 8, 2], 2], [[2, 29, 29, 12], 2], [[2, 7, 9, 3], 3], [[1, 5, 5, 1], 5]] as const) {
      it(`${shape.join('×')}, k = ${k}: the gradient through tf.avgPool equals the stock kernel (exact up to float rounding, < 1e-6)`, () => {
        const x = tf.randomNormal([...shape], 0, 1, 'float32', 4) as tf.Tensor4D;
        const oh = Math.floor(shape[1] / k), ow = Math.floor(shape[2] / k);
        const dy = tf.randomNormal([shape[0], oh, ow, shape[3]], 0, 1, 'float32', 5) as tf.Tensor4D;
        // Σ (avgPool(x) · dy) has gradient AvgPoolGrad(dy) with respect to x.
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(t as tf.Tensor4D, k, k, 'valid'), dy)))(x);
        const ref = reference(dy, x, k);
        const got = g.dataSync();
        assert.equal(got.length, ref.length);
        let d = 0;
        for (let i = 0; i < ref.length; i++) d = Math.max(d, Math.abs(got[i] - ref[i]));
        assert.ok(d < 1e-6, `max difference ${d}`);
        tf.dispose([x, dy, g]);
      });
    }

    it('overlapping windows (kernel 3, stride 2) keep the stock gradient', () => {
      const x = tf.randomNormal([1, 7, 7, 2], 0, 1, 'float32', 6) as tf.Tensor4D;
      const dy = tf.randomNormal([1, 3, 3, 2], 0, 1, 'float32', 7) as tf.Tensor4D;
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(t as tf.Tensor4D, 3, 2, 'valid'), dy)))(x);
      const prev = tf.getBackend();
      tf.setBackend('cpu');
      const [tdy, tx] = [tf.tensor(dy.dataSync(), dy.shape), tf.tensor(x.dataSync(), x.shape)];
      const r = tf.engine().runKernel('AvgPoolGrad', { dy: tdy, input: tx }, { filterSize: 3, strides: 2, pad: 'valid' } as never) as tf.Tensor;
      const ref = r.dataSync();
      tf.setBackend(prev);
      const got = g.dataSync();
      for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(got[i] - ref[i]) < 1e-6);
      tf.dispose([x, dy, g, tdy, tx, r]);
    });
  });
}
