// The kernels' switches (src/core/train/kernels/module.ts): each on by default, `use` returns the setting it
// replaces, `ready` needs the switch on, the wasm backend set and the module running over its memory; the
// switches are independent of each other.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '../../src/core/train/backend';
import { kernelSwitch } from '../../src/core/train/kernels/module';
import { fusedDropoutReady, useFusedDropout } from '../../src/core/train/dropout';
import { fusedSpikesReady } from '../../src/core/train/spike-layer';

describe('kernel switches', () => {
  it('on by default, use returns the previous setting, ready only on the wasm backend with the switch on', async () => {
    await selectBackend('wasm');
    const s = kernelSwitch();
    assert.equal(s.on, true);
    assert.equal(s.ready(), true);
    assert.equal(s.use(false), true);
    assert.equal(s.on, false);
    assert.equal(s.ready(), false);
    assert.equal(s.use(false), false);
    assert.equal(s.use(true), false);
    assert.equal(s.ready(), true);
    await tf.setBackend('cpu');
    try {
      assert.equal(s.on, true);
      assert.equal(s.ready(), false, 'not on the cpu backend');
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('each kernel family has its own switch', () => {
    assert.equal(useFusedDropout(false), true);
    try {
      assert.equal(fusedDropoutReady(), false);
      assert.equal(fusedSpikesReady(), true, 'the spiking layer\'s switch is untouched');
    } finally {
      useFusedDropout(true);
    }
    assert.equal(fusedDropoutReady(), true);
  });
});
