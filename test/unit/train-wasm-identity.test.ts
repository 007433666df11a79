// The wasm backend's Identity shares its input's buffer (src/core/train/kernels/wasm-identity.ts): a clone
// has the input's values, outlives the input's disposal, frees the buffer with the last holder, and the
// gradients a tape records (it clones every saved tensor) are unchanged.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/core/train/backend';

describe('wasm Identity without a copy', () => {
  before(async () => { await selectBackend('wasm'); });

  it('a clone shares the buffer, keeps the values after the source is disposed, and frees it last', () => {
    const buffers = () => tf.engine().backend.numDataIds();
    const before = buffers();
    const x = tf.tensor2d([1, -2, 3.5, 4], [2, 2]);
    const y = tf.clone(x);
    // One buffer held twice (the stock kernel made a second one).
    assert.equal(buffers() - before, 1);
    x.dispose();
    assert.equal(buffers() - before, 1);
    assert.deepEqual([...y.dataSync()], [1, -2, 3.5, 4]);
    y.dispose();
    assert.equal(buffers(), before);
  });

  it('the kernel replaced is the one running, and string tensors still clone', () => {
    const be = tf.backend() as unknown as { dataIdMap: { get(id: object): { memoryOffset: number } } };
    const x = tf.tensor1d([7, 8, 9]);
    const y = tf.clone(x);
    assert.equal(be.dataIdMap.get(y.dataId).memoryOffset, be.dataIdMap.get(x.dataId).memoryOffset);
    const s = tf.clone(tf.tensor1d(['a', 'b'], 'string'));
    assert.deepEqual(s.arraySync(), ['a', 'b']);
    tf.dispose([x, y, s]);
  });

  it('gradients through saved (cloned) tensors: d/dx Σ relu(x)·x² = [x > 0]·3x² (hand-computed)', () => {
    const x = tf.tensor1d([-1, 0.5, 2]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.square(t))))(x);
    // 3·0.25 = 0.75, 3·4 = 12; x = −1 gives 0.
    assert.deepEqual([...g.dataSync()], [0, 0.75, 12]);
    const live = tf.memory().numTensors;
    tf.dispose([x, g]);
    assert.equal(tf.memory().numTensors, live - 2);
  });
});
