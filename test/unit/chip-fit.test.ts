// Speck / DYNAP-CNN fit check (#16): memories computed by hand with Sinabs' formula, one diagnostic per broken
// limit on the layer that breaks it, and the core assignment.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { assignCores, checkChipFit, SPECK } from '../../src/core/chips/speck';
import { layerStats } from '../../src/core/model/shapes';
import type { LayerSpec, ModelFile } from '../../src/core/model/types';
import { template } from './helpers';

const model = (shape: number[], layers: LayerSpec[], spikingOutput = true): ModelFile => ({ format: 'synops-model', version: 1, name: 't', input: { kind: 'events', shape, chunkEvents: 100, dtMs: 1 }, layers, spikingOutput });
const fit = (m: ModelFile) => checkChipFit(m, layerStats(m));

describe('Speck / DYNAP-CNN fit', () => {
  it('the paper\'s MNIST-DVS network fits, memories as Sinabs computes them', () => {
    const r = fit(template('mnist-dvs.snn.json'));
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.fits, true);
    // conv1: 1·2^(⌈log₂9⌉+⌈log₂8⌉) = 2^7 = 128 weights; 8·2^(⌈log₂62⌉+⌈log₂62⌉) = 8·2^12 = 32,768 neurons.
    // conv2: 8·2^(4+4) = 2,048; 12·2^(5+5) = 12,288 (29×29). conv3: 12·2^(4+4) = 3,072; 12·2^(4+4) = 3,072 (12×12).
    // fc as a 6×6 convolution over 12×6×6: 12·2^(⌈log₂36⌉+⌈log₂10⌉) = 12·2^10 = 12,288; 10·2^0 = 10.
    assert.deepEqual(r.layers.map((l) => [l.name, l.kernelMemory, l.neuronMemory]), [['conv1', 128, 32768], ['conv2', 2048, 12288], ['conv3', 3072, 3072], ['fc', 12288, 10]]);
    assert.equal(new Set(r.layers.map((l) => l.core)).size, 4);
  });

  it('Sinabs\' own cases: 64→65 channels 3×3 is 128Ki of kernel memory (refused), 2→64 on 8×8 is 2Ki and 4Ki', () => {
    const big = fit(model([2, 8, 8], [{ type: 'conv2d', name: 'a', outChannels: 64, kernel: 3, padding: 1 }, { type: 'relu', name: 'r' }, { type: 'conv2d', name: 'b', outChannels: 65, kernel: 3, padding: 1 }]));
    assert.deepEqual(big.layers.map((l) => [l.kernelMemory, l.neuronMemory]), [[2048, 4096], [131072, 65 * 64]]);
    assert.deepEqual(big.diagnostics.map((d) => [d.layer, d.code]), [[2, 'chip/kernel-memory']]);
    assert.match(big.diagnostics[0].message, /kernel memory 128Ki; the largest core holds 64Ki/);
  });

  it('each broken limit is a diagnostic on its layer, saying what to change', () => {
    const m = model([1, 256, 256], [
      { type: 'conv2d', name: 'c1', outChannels: 4, kernel: 17, stride: 3, padding: 8, bias: true },
      { type: 'relu', name: 'r1' },
      { type: 'sumpool', name: 'p1', kernel: 3 },
      { type: 'conv2d', name: 'c2', outChannels: 1025, kernel: [3, 5] },
      { type: 'relu', name: 'r2' },
    ], false);
    const got = fit(m).diagnostics.map((d) => `${d.layer} ${d.code}`);
    assert.deepEqual(got, ['-1 chip/input', '0 chip/stride', '0 chip/padding', '0 chip/kernel', '0 chip/feature-map', '0 chip/bias', '2 chip/pooling', '3 chip/kernel', '3 chip/channels', '3 chip/kernel-memory', '3 chip/neuron-memory']);
  });

  it('ten weight layers need ten cores: the tenth layer is told', () => {
    const layers: LayerSpec[] = [];
    for (let i = 0; i < 10; i++) layers.push({ type: 'conv2d', name: `c${i}`, outChannels: 2, kernel: 1 }, { type: 'relu', name: `r${i}` });
    const r = fit(model([1, 8, 8], layers));
    assert.deepEqual(r.diagnostics.map((d) => [d.layer, d.code]), [[18, 'chip/cores']]);
  });

  it('layers that each fit a core but not all at once: four layers of 64Ki neurons, three cores hold that much', () => {
    // 16 channels of 64×64: 16·2^(6+6) = 65,536 = 64Ki neurons; only cores 0–2 have 64Ki.
    const layers: LayerSpec[] = [];
    for (let i = 0; i < 4; i++) layers.push({ type: 'conv2d', name: `c${i}`, outChannels: 16, kernel: 3, padding: 1 }, { type: 'relu', name: `r${i}` });
    const r = fit(model([1, 64, 64], layers));
    assert.deepEqual(r.diagnostics.map((d) => d.code), ['chip/memory']);
    assert.deepEqual(assignCores(r.layers.slice(0, 3), SPECK)?.sort(), [0, 1, 2]);
  });
});

describe('chip fit in the model file', () => {
  it('analyzeModelText adds each broken limit as an info diagnostic on the layer\'s object, the input\'s on "input"', async () => {
    const { analyzeModelText } = await import('../../src/core/report');
    const m = model([1, 256, 256], [{ type: 'conv2d', name: 'c1', outChannels: 4, kernel: 3, stride: 2, bias: true }, { type: 'relu', name: 'r1' }]);
    const text = JSON.stringify(m, null, 2);
    const r = analyzeModelText(text, 'm.snn.json');
    const chip = r.diagnostics.filter((d) => d.code.startsWith('chip/'));
    assert.deepEqual(chip.map((d) => [d.code, d.severity]), [['chip/input', 'info'], ['chip/feature-map', 'info'], ['chip/bias', 'info']]);
    const lines = text.split('\n');
    assert.match(lines[chip[0].range.start.line], /"input"/);
    assert.equal(chip[2].range.start.line, r.layerRanges[0].start.line);
    assert.match(lines[chip[2].range.start.line + 2], /"name": "c1"/);
    // A model that fits has none.
    assert.equal(analyzeModelText(JSON.stringify(template('mnist-dvs.snn.json'), null, 2), 'ok').diagnostics.filter((d) => d.code.startsWith('chip/')).length, 0);
  });
});
