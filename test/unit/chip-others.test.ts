// Xylo and Loihi 2 as data beside Speck (#16): each published limit a diagnostic on its layer, the chip picked by
// the model file's "energy.chip" (Speck / DYNAP-CNN when absent), an unknown chip refused where it is written.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkChip } from '../../src/core/chips/chip';
import { LOIHI2 } from '../../src/core/chips/loihi2';
import { XYLO } from '../../src/core/chips/xylo';
import { layerStats } from '../../src/core/model/shapes';
import type { LayerSpec, ModelFile } from '../../src/core/model/types';
import { analyzeModelText } from '../../src/core/report';
import { template } from './helpers';

const model = (shape: number[], layers: LayerSpec[], spikingOutput = true): ModelFile => ({ format: 'synops-model', version: 1, name: 't', input: { kind: 'events', shape, chunkEvents: 100, dtMs: 1 }, layers, spikingOutput });
const check = (m: ModelFile, id: 'xylo' | 'loihi2' | 'speck') => checkChip(m, layerStats(m), id);
/** input → flatten → linear(hidden) → relu → linear(outputs), spiking output: `hidden` hidden neurons, `outputs` output neurons. */
const mlp = (shape: number[], hidden: number, outputs: number, spikingOutput = true) => model(shape, [
  { type: 'flatten', name: 'f' }, { type: 'linear', name: 'h', outFeatures: hidden }, { type: 'relu', name: 'r' }, { type: 'linear', name: 'o', outFeatures: outputs },
], spikingOutput);

describe('Xylo fit', () => {
  it('the limits are Rockpool\'s: 16 inputs, 1,000 hidden and 8 output neurons, 8-bit weights', () => {
    assert.deepEqual([XYLO.inputChannels, XYLO.hiddenNeurons, XYLO.outputNeurons, XYLO.weightBits], [16, 1000, 8, 8]);
  });

  it('a 16-input, 1,000-hidden, 8-output network fits, at the limits', () => {
    const r = check(mlp([1, 4, 4], 1000, 8), 'xylo');
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.fits, true);
    assert.equal(r.uses, '1,000 of 1,000 hidden neurons, 8 of 8 output neurons, 16 of 16 input channels');
  });

  it('one over each limit is a diagnostic on its layer (the input, the hidden layer, the output layer)', () => {
    const r = check(mlp([1, 17, 1], 1001, 9), 'xylo');
    assert.deepEqual(r.diagnostics.map((d) => [d.layer, d.code]), [[-1, 'chip/input'], [2, 'chip/neurons'], [3, 'chip/outputs']]);
    assert.match(r.diagnostics[1].message, /^Xylo: 1,001 hidden neurons in all \(r 1,001\); Xylo has 1,000/);
    assert.equal(r.fits, false);
  });

  it('an analog output and a single neuron layer are refused: Xylo reads spikes of output neurons after hidden ones', () => {
    const r = check(model([1, 4, 4], [{ type: 'flatten', name: 'f' }, { type: 'linear', name: 'o', outFeatures: 4 }], false), 'xylo');
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['chip/output', 'chip/layers']);
  });

  it('a conv network runs unrolled: every output element a hidden neuron (the paper\'s MNIST-DVS net takes 42,572)', () => {
    const r = check(template('mnist-dvs.snn.json'), 'xylo');
    // relu1 8×62×62 = 30,752, relu2 12×29×29 = 10,092, relu3 12×12×12 = 1,728: 42,572; 64×64 = 4,096 inputs; 10 outputs.
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['chip/input', 'chip/neurons', 'chip/outputs']);
    assert.match(r.uses, /^42,572 of 1,000 hidden neurons, 10 of 8 output neurons, 4,096 of 16 input channels$/);
    assert.ok(r.notes.some((n) => n.includes('conv1, conv2, conv3 run unrolled')));
  });
});

describe('Loihi 2 fit', () => {
  it('the limits are Intel\'s published per-chip figures; per-core ones are marked unpublished (null)', () => {
    assert.deepEqual([LOIHI2.cores, LOIHI2.neurons, LOIHI2.synapses], [128, 1_000_000, 120_000_000]);
    assert.deepEqual([LOIHI2.neuronsPerCore, LOIHI2.synapsesPerCore, LOIHI2.weightBits], [null, null, null]);
  });

  it('the paper\'s MNIST-DVS network fits: 42,572 + 10 neurons, 6,552 weights', () => {
    const r = check(template('mnist-dvs.snn.json'), 'loihi2');
    assert.equal(r.fits, true);
    assert.equal(r.uses, '42,582 of 1,000,000 neurons, 6,552 weights (1,194,336 connections) of 120,000,000 synapses');
  });

  it('more than a million neurons is a diagnostic: 64 × 128 × 128 = 1,048,576', () => {
    const r = check(model([2, 128, 128], [{ type: 'conv2d', name: 'c', outChannels: 64, kernel: 3, padding: 1 }, { type: 'relu', name: 'r' }], false), 'loihi2');
    assert.deepEqual(r.diagnostics.map((d) => [d.layer, d.code]), [[1, 'chip/neurons']]);
    assert.match(r.diagnostics[0].message, /1,048,576 neurons; a Loihi 2 chip holds up to 1,000,000/);
  });
});

describe('the chip a model file picks', () => {
  const text = (energy: object) => JSON.stringify({ ...template('mnist-dvs.snn.json'), energy });
  it('Speck / DYNAP-CNN when the file names none, as before', () => {
    const r = analyzeModelText(text({ profile: 'paper-generic', annProfile: 'ann-45nm-fp32' }), 'm.snn.json').report!;
    assert.equal(r.chipFit!.chipId, 'speck');
    assert.equal(r.chipFit!.chip, 'Speck / DYNAP-CNN');
  });

  it('"energy.chip": "xylo" checks Xylo: its broken limits are the file\'s info diagnostics', () => {
    const a = analyzeModelText(text({ profile: 'paper-generic', annProfile: 'ann-45nm-fp32', chip: 'xylo' }), 'm.snn.json');
    assert.equal(a.report!.chipFit!.chipId, 'xylo');
    assert.equal(a.report!.chipFit!.fits, false);
    assert.deepEqual(a.diagnostics.filter((d) => d.code.startsWith('chip/')).map((d) => [d.code, d.severity]), [['chip/input', 'info'], ['chip/neurons', 'info'], ['chip/outputs', 'info']]);
  });

  it('an unknown chip is an error on "energy.chip" naming the known ones', () => {
    const a = analyzeModelText(text({ profile: 'paper-generic', annProfile: 'ann-45nm-fp32', chip: 'truenorth' }), 'm.snn.json');
    const d = a.diagnostics.find((x) => x.code === 'model/energy');
    assert.ok(d);
    assert.equal(d.message, '"energy.chip" must be one of "speck", "xylo", "loihi2"');
  });
});
