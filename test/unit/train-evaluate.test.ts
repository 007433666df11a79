// How the spiking evaluation scores outputs, on a network small enough to compute by hand.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ModelFile } from '../../src/core/model/types';
import type { SampleSet } from '../../src/core/train/samples';
import { evaluateSnn, quantizedReadout } from '../../src/core/train/evaluate';
import { w } from './sim-helpers';

/** Two analog pixels, one step, straight into 3 spiking outputs: class 0 counts pixel a, class 1 pixel b, class 2 nothing. */
const MODEL: ModelFile = {
  format: 'synops-model', version: 1, name: 'two pixels', spikingOutput: true,
  input: { kind: 'image', shape: [1, 1, 2], steps: 1 },
  layers: [{ type: 'flatten', name: 'f' }, { type: 'linear', name: 'fc', outFeatures: 3 }],
};
const WEIGHTS = w({ fc: { shape: [3, 2], data: [1, 0, 0, 1, 0, 0] } });

describe('spiking evaluation', () => {
  it('a unique most-spiking output scores; a tie, silent or not, counts wrong and is broken down', async () => {
    // (a, b) → spikes (a, b, 0) with threshold 1 and one step:
    //   (2, 0) label 0 → (2, 0, 0): correct
    //   (0, 0) label 1 → (0, 0, 0): silent, a three-way tie that includes the true class 1
    //   (1, 1) label 1 → (1, 1, 0): tie of classes 0 and 1, the true class among them
    //   (1, 1) label 2 → (1, 1, 0): tie of classes 0 and 1, the true class not among them
    const set: SampleSet = { shape: [1, 1, 2], n: 4, x: Float32Array.from([2, 0, 0, 0, 1, 1, 1, 1]), y: Int32Array.from([0, 1, 1, 2]) };
    const r = await evaluateSnn(MODEL, WEIGHTS, set, {});
    assert.equal(r.samples, 4);
    assert.equal(r.accuracy, 1 / 4);
    assert.deepEqual([r.ties, r.silent, r.tiedTrue], [3, 1, 2]);
    // SynOps: only the input connection (into fc), each input unit fanning out to 3 outputs: (2 + 0 + 2 + 2) × 3 / 4 = 4.5
    assert.equal(r.totalSynops, 4.5);
    assert.equal(r.hiddenSynops, 0);
  });

  it('the quantized readout scores ANN outputs as the spiking output layer reads its spikes', async () => {
    // Outputs → floor(max(x, 0)) → verdict:
    //   (2.1, 1.9, -3) label 0 → (2, 1, 0): class 0, correct (argmax would agree)
    //   (1.7, 1.2, -0.5) label 0 → (1, 1, 0): tie of 0 and 1, wrong (argmax would say 0, correct)
    //   (0.9, 0.4, 0.2) label 0 → (0, 0, 0): silent, wrong (argmax would say 0)
    //   (-1, 3.5, 3.99) label 2 → (0, 3, 3): tie, wrong (argmax would say 2)
    //   (0, 0, 1) label 1 → (0, 0, 1): class 2, wrong
    const out = [2.1, 1.9, -3, 1.7, 1.2, -0.5, 0.9, 0.4, 0.2, -1, 3.5, 3.99, 0, 0, 1];
    assert.deepEqual(quantizedReadout(out, [0, 0, 0, 2, 1], 3), { correct: 1, ties: 3, silent: 1 });
    // With one step of analog input and threshold 1, each output neuron of the two-pixel network fires
    // floor(max(x, 0)) spikes: the spiking evaluation and the readout of the ANN outputs agree sample by sample.
    const x = [2, 0, 0, 0, 1, 1, 1, 1, 3.5, 0.5, 0.2, 0.7];
    const y = [0, 1, 1, 2, 0, 1];
    const set: SampleSet = { shape: [1, 1, 2], n: 6, x: Float32Array.from(x), y: Int32Array.from(y) };
    const snn = await evaluateSnn(MODEL, WEIGHTS, set, {});
    const ann = y.flatMap((_, k) => [x[2 * k], x[2 * k + 1], 0]); // fc = [[1, 0], [0, 1], [0, 0]]
    const r = quantizedReadout(ann, y, 3);
    assert.equal(r.correct / 6, snn.accuracy);
    assert.deepEqual([r.ties, r.silent], [snn.ties, snn.silent]);
  });
});
