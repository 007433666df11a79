import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { energyRatioWords, neuronUpdateNote } from '../../src/protocol/energyWords';

describe('energy in plain words', () => {
  it('reads a ratio above 1 as "N times the ANN\'s energy"', () => {
    // 3.17e-6 J ÷ 1e-8 J = 317
    assert.equal(energyRatioWords(3.17e-6, 1e-8, 'Loihi', 'ANN, 45 nm, fp32'),
      "The spiking network would use 317 times the ANN's energy (Loihi vs the ANN on ANN, 45 nm, fp32).");
  });

  it('reads a ratio below 1 also as "M× less"', () => {
    // 2e-7 ÷ 1e-6 = 0.2, and 1 ÷ 0.2 = 5
    assert.equal(energyRatioWords(2e-7, 1e-6, 'TrueNorth', 'GPU per ANN op'),
      "The spiking network would use 0.2 times the ANN's energy, i.e. 5× less (TrueNorth vs the ANN on GPU per ANN op).");
    // 1 ÷ 0.03 = 33.33… → three digits: 33.3
    assert.match(energyRatioWords(3e-8, 1e-6, 'a', 'b'), /0\.03 times the ANN's energy, i\.e\. 33\.3× less/);
  });

  it('says "about the same" at 1 and nothing without a divisor', () => {
    assert.match(energyRatioWords(1.0004, 1, 'a', 'b'), /about the same energy as the ANN/);
    assert.equal(energyRatioWords(1, 0, 'a', 'b'), '');
    assert.equal(energyRatioWords(undefined, 1, 'a', 'b'), '');
  });

  it('says when a profile\'s neuron-update cost is left out', () => {
    assert.equal(neuronUpdateNote({ name: 'Loihi', joulesPerSynOp: 23.6e-12, joulesPerNeuronUpdate: 81e-12 }),
      'Loihi also quotes 81 pJ per neuron update; this energy counts SynOps only (23.6 pJ each), not neuron updates.');
    assert.equal(neuronUpdateNote({ name: 'TrueNorth', joulesPerSynOp: 26e-12 }), '');
  });
});
