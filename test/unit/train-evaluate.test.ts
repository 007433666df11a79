// How the spiking evaluation scores outputs, on a network small enough to compute by hand.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ModelFile } from '../../src/core/model/types';
import type { SampleSet } from '../../src/core/train/data';
import { evaluateSnn } from '../../src/core/train/evaluate';
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
});
