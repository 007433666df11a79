import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DEFAULT_NEURON, iafStep, neuronParams, type NeuronParams } from '../../src/core/sim/neuron';

/** Runs a neuron from v = 0 over `inputs`; returns spikes per step and the final v. */
function run(inputs: number[], p: Partial<NeuronParams> = {}): { spikes: number[]; v: number } {
  const params = neuronParams(p);
  let v = 0;
  const spikes = inputs.map((i) => { const r = iafStep(v, i, params); v = r.v; return r.spikes; });
  return { spikes, v };
}

describe('integrate-and-fire neuron', () => {
  it('multi-spike with subtract reset: v = 2.5 gives 2 spikes and keeps 0.5', () => {
    // 0 + 2.5 = 2.5 → trunc(2.5/1) = 2 spikes → 2.5 − 2·1 = 0.5; then 0.5 + 0.5 = 1 → 1 spike → 0
    assert.deepEqual(run([2.5, 0.5]), { spikes: [2, 1], v: 0 });
  });

  it('single spike per step: the rest fires in later steps even without input', () => {
    // 2.5 → 1 spike, 1.5 left; + 0 → 1 spike, 0.5 left; + 0 → 0.5 < 1, silent
    assert.deepEqual(run([2.5, 0, 0], { spike: 'single' }), { spikes: [1, 1, 0], v: 0.5 });
  });

  it('reset to zero forgets the remainder', () => {
    // 2.5 → 2 spikes, v = 0 (not 0.5); + 0.75 = 0.75 → silent
    assert.deepEqual(run([2.5, 0.75], { reset: 'zero' }), { spikes: [2, 0], v: 0.75 });
  });

  it('no lower bound by default; min_v_mem = −1 clamps after the reset', () => {
    // default: 0 − 3 = −3, then −3 + 3.5 = 0.5 → silent
    assert.deepEqual(run([-3, 3.5]), { spikes: [0, 0], v: 0.5 });
    // bounded: −3 → relu(−3 + 1) − 1 = −1, then −1 + 3.5 = 2.5 → 2 spikes, 0.5 left
    assert.deepEqual(run([-3, 3.5], { minVMem: -1 }), { spikes: [0, 2], v: 0.5 });
  });

  it('fires only for v > 0 and counts whole thresholds: θ = 2, v = 5 → 2 spikes, v = 1', () => {
    assert.deepEqual(run([5], { threshold: 2 }), { spikes: [2], v: 1 });
    assert.deepEqual(run([0.999]), { spikes: [0], v: 0.999 });
  });

  it('the bound is applied as relu(v − m) + m, as Sinabs writes it, and is idempotent', () => {
    const p = neuronParams({ minVMem: -1 });
    const once = iafStep(0.1, 0, p).v; // (0.1 + 1) − 1 in float64
    assert.equal(once, (0.1 + 1) - 1);
    assert.equal(iafStep(once, 0, p).v, once);
  });

  it('rejects impossible settings', () => {
    assert.throws(() => neuronParams({ threshold: 0 }), /threshold/);
    assert.equal(DEFAULT_NEURON.spike, 'multi');
  });
});
