// The convolution gradients written as forward convolutions (src/core/train/conv-grad.ts) against the cpu
// backend's reference Conv2DBackpropFilter / Conv2DBackpropInput kernels, on cpu and on wasm.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '../../src/core/train/backend';
import { filterGradAsConv, inputGradAsConv } from '../../src/core/train/conv-grad';

type Pad = 'same' | 'valid' | number;
const CASES: { name: string; x: [number, number, number, number]; k: number; cin: number; cout: number; s: number; pad: Pad }[] = [
  { name: '3×3 stride 1 valid', x: [3, 9, 9, 2], k: 3, cin: 2, cout: 4, s: 1, pad: 'valid' },
  { name: '3×3 stride 1 same', x: [2, 8, 8, 3], k: 3, cin: 3, cout: 2, s: 1, pad: 'same' },
  { name: '3×3 stride 2 same', x: [2, 9, 9, 3], k: 3, cin: 3, cout: 5, s: 2, pad: 'same' },
  { name: '3×3 stride 2 valid, unused last row', x: [2, 10, 10, 2], k: 3, cin: 2, cout: 3, s: 2, pad: 'valid' },
  { name: '3×3 stride 2 explicit padding 1', x: [2, 8, 8, 3], k: 3, cin: 3, cout: 4, s: 2, pad: 1 },
  { name: '1×1', x: [3, 5, 5, 4], k: 1, cin: 4, cout: 3, s: 1, pad: 'valid' },
];

/** Reference gradients from the cpu backend's own kernels. */
function reference(x: Float32Array, xs: number[], dy: Float32Array, dys: number[], f: Float32Array, fs: number[], s: number, pad: Pad): { df: Float32Array; dx: Float32Array } {
  const prev = tf.getBackend();
  tf.setBackend('cpu');
  const attrs = { strides: [s, s], pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
  const [tx, tdy, tf_] = [tf.tensor(x, xs), tf.tensor(dy, dys), tf.tensor(f, fs)];
  const df = tf.engine().runKernel('Conv2DBackpropFilter', { x: tx, dy: tdy }, { ...attrs, filterShape: fs } as never) as tf.Tensor;
  const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy: tdy, filter: tf_ }, { ...attrs, inputShape: xs } as never) as tf.Tensor;
  const out = { df: df.dataSync() as Float32Array, dx: dx.dataSync() as Float32Array };
  tf.dispose([tx, tdy, tf_, df, dx]);
  tf.setBackend(prev);
  return out;
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d / (scale || 1);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`conv gradients as convolutions (${backend})`, () => {
    before(async () => { await selectBackend(backend); });
    for (const c of CASES) {
      it(`${c.name}: filter and input gradients match the reference kernels (rel. diff < 1e-5)`, () => {
        const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor4D;
        const f = tf.randomNormal([c.k, c.k, c.cin, c.cout], 0, 1, 'float32', 2) as tf.Tensor4D;
        const y = tf.conv2d(x, f, c.s, c.pad as 'same');
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
        const df = filterGradAsConv(x, dy, f.shape, c.s, c.pad);
        const dx = inputGradAsConv(x.shape, dy, f, c.s, c.pad);
        assert.deepEqual(df.shape, f.shape);
        assert.deepEqual(dx.shape, x.shape);
        const ref = reference(x.dataSync() as Float32Array, x.shape, dy.dataSync() as Float32Array, dy.shape, f.dataSync() as Float32Array, f.shape, c.s, c.pad);
        assert.ok(maxRelDiff(df.dataSync() as Float32Array, ref.df) < 1e-5, 'filter gradient');
        assert.ok(maxRelDiff(dx.dataSync() as Float32Array, ref.dx) < 1e-5, 'input gradient');
        tf.dispose([x, f, y, dy, df, dx]);
      });
    }

    it('tf.grad of a conv2d uses them (a conv net trains on this backend)', () => {
      const x = tf.randomNormal([2, 6, 6, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
      const g = tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(x, f as tf.Tensor4D, 1, 'valid')))(tf.ones([3, 3, 1, 2]));
      // d/dw[i,j] Σ_y,x conv = Σ over the 4×4 windows of x at offset (i, j), the same for both output channels.
      const want = tf.tidy(() => tf.sum(tf.slice(x, [0, 0, 0, 0], [-1, 4, 4, -1]))).dataSync()[0];
      assert.ok(Math.abs(g.dataSync()[0] - want) < 1e-4);
      assert.equal(g.dataSync()[0], g.dataSync()[1]);
    });
  });
}
