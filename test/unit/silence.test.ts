// The "mostly silent" warning: above a quarter of silent outputs, with advice that fits the run's readout.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { silenceWarning } from '../../src/core/train/silence';

test('a quarter of silent outputs is not "mostly silent"; more is, with what to try', () => {
  // 50 of 200 = 25 %: not above the threshold
  assert.equal(silenceWarning(50, 200, 'spikes'), undefined);
  assert.equal(silenceWarning(51, 200, 'spikes'),
    'The spiking network is mostly silent: 51 of 200 samples (26 %) had no output spike. Try training longer, a higher SynOps target, the membrane readout, or fine-tuning through time.');
});

test('a network that already reads membranes is not told to try the membrane readout', () => {
  // 16 of 16: the 1-epoch run of the UI check silent-trained
  assert.equal(silenceWarning(16, 16, 'membrane'),
    'The spiking network is mostly silent: 16 of 16 samples (100 %) had no input at the output layer. Try training longer, a higher SynOps target, or fine-tuning through time.');
});

test('a layer firing under a quarter of its quantized twin warns even with few silent outputs', () => {
  assert.match(silenceWarning(0, 100, 'spikes', { layer: 'relu2', ratio: 0.12 }) ?? '', /^The spiking network is mostly silent: 0 of 100 samples \(0 %\) had no output spike; relu2 fires 12 % of the quantized ANN's activity\. Try/);
});
