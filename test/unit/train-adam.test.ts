// Adam (src/core/train/adam.ts): a hand-computed first step, a plain float64 re-implementation over several
// steps, and the one-kernel step of the wasm backend (kernels/adam.as) against the ops it replaces, which it
// must equal bit for bit (the same float32 operations in the same order), on shapes whose sizes are and are
// not multiples of 4.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/core/train/backend';
import { Adam, useFusedAdam } from '../../src/core/train/adam';

/** Runs `steps` Adam steps on variables of `shapes` from fixed seeds; returns the weights, m and v after each. */
function run(shapes: number[][], steps: number, fused: boolean, lr = 1e-2): Float32Array[][] {
  const prev = useFusedAdam(fused);
  const vars = new Map(shapes.map((s, i) => [`w${i}`, tf.variable(tf.randomUniform(s, -1, 1, 'float32', 10 + i), true)]));
  const adam = new Adam(lr);
  const out: Float32Array[][] = [];
  try {
    for (let t = 0; t < steps; t++) {
      const grads = Object.fromEntries([...vars.values()].map((v, i) => [v.name, tf.randomUniform(v.shape, -3, 3, 'float32', 100 * t + i)]));
      adam.apply(vars, grads);
      tf.dispose(Object.values(grads));
      out.push([...vars.keys()].flatMap((k) => [vars.get(k)!, adam.state.m.get(k)!, adam.state.v.get(k)!].map((x) => x.dataSync() as Float32Array)));
    }
  } finally {
    useFusedAdam(prev);
    adam.dispose();
    for (const v of vars.values()) v.dispose();
  }
  return out;
}

describe('Adam', () => {
  before(async () => { await selectBackend('wasm'); });

  it('first step, hand-computed: w = 1, g = 0.5, lr = 0.1 → 0.9', () => {
    // m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 2.5e-4; m̂ = 0.05/0.1 = 0.5, v̂ = 2.5e-4/0.001 = 0.25;
    // w = 1 − 0.1 · 0.5/(√0.25 + 1e-8) = 1 − 0.1·(1 − 2e-8) ≈ 0.9.
    for (const fused of [true, false]) {
      const prev = useFusedAdam(fused);
      const w = tf.variable(tf.tensor1d([1]), true);
      const adam = new Adam(0.1);
      adam.apply(new Map([['w', w]]), { [w.name]: tf.tensor1d([0.5]) });
      assert.ok(Math.abs(w.dataSync()[0] - 0.9) < 1e-6, `fused ${fused}: ${w.dataSync()[0]}`);
      assert.ok(Math.abs(adam.state.m.get('w')!.dataSync()[0] - 0.05) < 1e-8);
      assert.ok(Math.abs(adam.state.v.get('w')!.dataSync()[0] - 2.5e-4) < 1e-10);
      useFusedAdam(prev);
      adam.dispose();
      w.dispose();
    }
  });

  it('the one-kernel step equals the ops bit for bit over 5 steps (sizes 1, 7, 12, 3·3·8·12)', () => {
    const shapes = [[1], [7], [3, 4], [3, 3, 8, 12]];
    const a = run(shapes, 5, true);
    const b = run(shapes, 5, false);
    for (let t = 0; t < 5; t++) for (let k = 0; k < a[t].length; k++) assert.deepEqual(a[t][k], b[t][k], `step ${t + 1}, tensor ${k}`);
  });

  it('matches a float64 re-implementation within 1e-5 (float32 rounding of each operation)', () => {
    const shapes = [[5], [4, 6]];
    const got = run(shapes, 3, true);
    // The same inputs, in float64.
    const w = shapes.map((s, i) => Float64Array.from(tf.tidy(() => tf.randomUniform(s, -1, 1, 'float32', 10 + i).dataSync())));
    const m = w.map((x) => new Float64Array(x.length)), v = w.map((x) => new Float64Array(x.length));
    for (let t = 0; t < 3; t++) {
      const c1 = 1 - 0.9 ** (t + 1), c2 = 1 - 0.999 ** (t + 1);
      shapes.forEach((s, i) => {
        const g = tf.tidy(() => tf.randomUniform(s, -3, 3, 'float32', 100 * t + i).dataSync());
        for (let j = 0; j < g.length; j++) {
          m[i][j] = 0.9 * m[i][j] + 0.1 * g[j];
          v[i][j] = 0.999 * v[i][j] + 0.001 * g[j] * g[j];
          w[i][j] -= 1e-2 * (m[i][j] / c1) / (Math.sqrt(v[i][j] / c2) + 1e-8);
        }
        for (let j = 0; j < g.length; j++) assert.ok(Math.abs(got[t][3 * i][j] - w[i][j]) <= 1e-5, `step ${t + 1}, w${i}[${j}]`);
      });
    }
  });
});
