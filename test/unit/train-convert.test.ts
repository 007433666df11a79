// The conversion aids on networks small enough to compute by hand.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { ModelFile } from '../../src/core/model/types';
import { framesInput } from '../../src/core/sim/input';
import { simulateEvents } from '../../src/core/sim/event-engine';
import type { SampleSet } from '../../src/core/train/samples';
import { calibrateOn, diagnose, normalizeWeights, positivePercentile, spikingChain } from '../../src/core/train/convert';
import { readClass } from '../../src/core/train/evaluate';
import { buildNet, disposeNet, forward } from '../../src/core/train/net';
import type { EvalResult } from '../../src/core/train/types';
import { w } from './sim-helpers';

/** Two input pixels → fc1 (1 hidden neuron) → relu → fc2 (2 outputs) → spiking output. */
const MODEL: ModelFile = {
  format: 'synops-model', version: 1, name: 'one hidden neuron', spikingOutput: true,
  input: { kind: 'events', shape: [1, 1, 2], chunkEvents: 10, dtMs: 1 },
  layers: [{ type: 'flatten', name: 'f' }, { type: 'linear', name: 'fc1', outFeatures: 1 }, { type: 'relu', name: 'r1' }, { type: 'linear', name: 'fc2', outFeatures: 2 }],
};

describe('conversion aids', () => {
  it('the robust percentile counts positive values only (nearest rank)', () => {
    // positives of [0, 3, 1, 2, 0, 4] sorted: 1 2 3 4; p50 → rank ⌈0.5·4⌉ = 2 → 2; p100 → 4; p99.9 → rank 4 → 4.
    assert.equal(positivePercentile([0, 3, 1, 2, 0, 4], 50), 2);
    assert.equal(positivePercentile([0, 3, 1, 2, 0, 4], 100), 4);
    assert.equal(positivePercentile([0, 3, 1, 2, 0, 4], 99.9), 4);
    assert.equal(positivePercentile([0, -1], 99), 0);
    assert.deepEqual(spikingChain(MODEL).map((c) => `${c.spiking}<${c.weight}`), ['r1<fc1', 'spike_output<fc2']);
  });

  it('calibration moves the start by the spikes the SNN fires beyond the ANN-Q: the unevenness of an early positive input', () => {
    // fc1 = [1.5, −1]: pixel a brings +1.5, pixel b −1. Input: a at step 0, b at step 1 (total 0.5).
    // ANN-Q: floor(max(0.5, 0)) = 0 spikes. SNN from v0 = 0: step 0 v = 1.5 → 1 spike, v 0.5; step 1 v = −0.5: 1 spike.
    // Calibration: v0 = 0 + (0 − 1) = −1 → step 0 v = 0.5: no spike; step 1 v = −0.5: 0 spikes, as the ANN-Q.
    const weights = w({ fc1: { shape: [1, 2], data: [1.5, -1] }, fc2: { shape: [2, 1], data: [1, 0] } });
    const input = framesInput([1, 0, 0, 1], [1, 1, 2], 2);
    assert.equal(simulateEvents(MODEL, weights, input).layers[0].total, 1);
    const v0 = calibrateOn(MODEL, weights, [input], { r1: [0] }, 0);
    assert.deepEqual(v0, { r1: [-1] });
    assert.equal(simulateEvents(MODEL, weights, input, { initialMembrane: v0 }).layers[0].total, 0);
    // A start is kept below the threshold: a target far above what fires gives 0.999, not 3.
    assert.deepEqual(calibrateOn(MODEL, weights, [input], { r1: [4] }, 0), { r1: [0.999] });
  });

  it('normalization scales each weight layer by λ_{l−1}/λ_l (λ: the percentile of the ANN\'s positive activations)', async () => {
    // fc1 = [1, 1]: the hidden activation is a + b. Samples (a, b): (1, 1), (2, 2), (0, 0) → relu 2, 4, 0 → λ_r1 = p100 = 4.
    // Outputs fc2 = [[1], [0.5]] · h: (2, 1), (4, 2), (0, 0) → λ_out = 4 (spike readout); membrane readout keeps λ_out = 1.
    // So fc1 ×1/4 = [0.25, 0.25]; fc2 ×4/4 (spikes) or ×4/1 (membrane).
    const net = buildNet(MODEL, 1);
    net.vars.get('fc1')!.assign(tf.tensor2d([[1], [1]]));
    net.vars.get('fc2')!.assign(tf.tensor2d([[1, 0.5]]));
    const set: SampleSet = { shape: [1, 1, 2], n: 3, x: Float32Array.from([1, 1, 2, 2, 0, 0]), y: Int32Array.from([0, 0, 1]) };
    const weights = w({ fc1: { shape: [1, 2], data: [1, 1] }, fc2: { shape: [2, 1], data: [1, 0.5] } });
    const s = await normalizeWeights(net, weights, set, { percentile: 100, samples: 3, seed: 1, readout: 'spikes' });
    assert.deepEqual(s.lambdas, { r1: 4, spike_output: 4 });
    assert.deepEqual([...s.weights.fc1.weight], [0.25, 0.25]);
    assert.deepEqual([...s.weights.fc2.weight], [1, 0.5]);
    const m = await normalizeWeights(net, weights, set, { percentile: 100, samples: 3, seed: 1, readout: 'membrane' });
    assert.deepEqual([...m.weights.fc2.weight], [4, 2]);
    assert.deepEqual([...weights.fc1.weight], [1, 1], 'the weights given are left as they were');
    disposeNet(net);
  });

  it('the membrane readout takes the largest summed current; a tie or no current at all counts wrong', () => {
    const res = (values: number[], current: number[]) => ({ output: { values: Float64Array.from(values), current: Float64Array.from(current) } }) as never;
    // Spikes (0, 0, 0) are silent, but the currents (0.4, 0.9, −2) name class 1.
    assert.deepEqual(readClass(res([0, 0, 0], [0.4, 0.9, -2]), 'membrane'), { predicted: 1, tie: false, silent: false, ties: [1] });
    assert.equal(readClass(res([0, 0, 0], [0.4, 0.9, -2]), 'spikes').silent, true);
    assert.equal(readClass(res([1, 1, 0], [2, 2, 0]), 'membrane').tie, true);
    assert.equal(readClass(res([0, 0, 0], [0, 0, 0]), 'membrane').silent, true);
  });

  it('training.outputActivation "spiking" applies the spiking output\'s ReLU to the outputs the cross-entropy sees', () => {
    const net = buildNet(MODEL, 1);
    net.vars.get('fc1')!.assign(tf.tensor2d([[1], [1]]));
    net.vars.get('fc2')!.assign(tf.tensor2d([[1, -1]]));
    const x = tf.tensor4d([1, 1], [1, 1, 2, 1]);
    // h = relu(1 + 1) = 2; outputs (2, −2): as they are, or (2, 0) through the output ReLU.
    assert.deepEqual([...forward(net, x, { training: false }).logits.dataSync()], [2, -2]);
    assert.deepEqual([...forward(net, x, { training: false, addedOutputActivation: true }).logits.dataSync()], [2, 0]);
    disposeNet(net);
  });

  it('the diagnosis lines up ANN-Q and SNN per layer and warns when the output is mostly silent', () => {
    const ann = { kind: 'ann', samples: 10, accuracy: 0.9, readout: { accuracy: 0.8, ties: 1, silent: 0 }, layers: [{ layer: 'r1', neurons: 4, spikes: 3, silent: 0.5 }] } as EvalResult;
    const snn = { kind: 'snn', samples: 10, accuracy: 0.5, silent: 3, layers: [{ layer: 'r1', neurons: 4, spikes: 5, silent: 0.25 }] } as EvalResult;
    const d = diagnose(ann, snn, 'spikes');
    assert.deepEqual(d.layers, [{ layer: 'r1', neurons: 4, annSpikes: 3, snnSpikes: 5, annSilent: 0.5, snnSilent: 0.25 }]);
    assert.deepEqual(d.accuracy, { annArgmax: 0.9, annReadout: 0.8, snn: 0.5 });
    assert.match(d.warning ?? '', /3 of 10 samples \(30 %\) had no output spike/);
    assert.equal(diagnose(ann, { ...snn, silent: 2 }, 'membrane').warning, undefined);
    // Mostly silent per sample in both (sparse input) is no warning; firing under a quarter of the ANN-Q's is:
    // r1 ANN-Q 3 spikes per sample, SNN 0.5 → 17 %.
    const quiet = { ...snn, silent: 0, layers: [{ layer: 'r1', neurons: 4, spikes: 0.5, silent: 0.97 }] } as EvalResult;
    assert.match(diagnose(ann, quiet, 'membrane').warning ?? '', /r1 fires 17 % of the quantized ANN's activity/);
    const sparse = { ...snn, silent: 0, layers: [{ layer: 'r1', neurons: 4, spikes: 2.9, silent: 0.97 }] } as EvalResult;
    assert.equal(diagnose(ann, sparse, 'membrane').warning, undefined);
    assert.equal(diagnose(ann, { ...snn, silent: 2 }, 'membrane').accuracy.annReadout, 0.9);
  });
});
