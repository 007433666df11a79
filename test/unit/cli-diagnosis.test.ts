/** `diagnosisLines`: the conversion diagnosis as the CLI prints it, checked line by line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyStrip, diagnosisLines } from '../../src/cli/diagnosis';
import type { ConversionDiagnosis } from '../../src/protocol/report';

const D: ConversionDiagnosis = {
  readout: 'spikes',
  samples: 200,
  layers: [
    { layer: 'relu1', neurons: 30_752, annSpikes: 4_100, snnSpikes: 3_950, annSilent: 0.81, snnSilent: 0.83 },
    { layer: 'relu2', neurons: 10_092, annSpikes: 900, snnSpikes: 610, annSilent: 0.92, snnSilent: 0.95 },
    { layer: 'spike_output', neurons: 10, annSpikes: 3.2, snnSpikes: 2.4, annSilent: 0.5, snnSilent: 0.62 },
  ],
  // 89.54 % → 85.06 % is 4.48 points, but the strip prints 89.5 % and 85.1 %, so it says −4.4 (what the reader checks).
  accuracy: { annArgmax: 0.8954, annReadout: 0.8506, snn: 0.828 },
  silentOutputs: 12,
  warning: 'Most outputs are silent: train longer or raise the output gain.',
};

test('diagnosisLines: aligned table, accuracy strip with the points at each step, readout, silent outputs, warning', () => {
  assert.deepEqual(diagnosisLines(D), [
    'Conversion on 200 samples (ANN-Q: the quantized ANN; activity and spikes are means per sample):',
    'layer         neurons  ANN-Q activity  SNN spikes  SNN ÷ ANN-Q  silent ANN-Q  silent SNN',
    '------------  -------  --------------  ----------  -----------  ------------  ----------',
    // 3950 / 4100 = 0.9634 → 0.963×; 610 / 900 = 0.678×; 2.4 / 3.2 = 0.75×.
    'relu1          30,752           4,100       3,950       0.963×        81.0 %      83.0 %',
    'relu2          10,092             900         610       0.678×        92.0 %      95.0 %',
    'spike_output       10             3.2         2.4        0.75×        50.0 %      62.0 %',
    'Accuracy: ANN-Q argmax 89.5 % → ANN-Q read as the SNN reads (spike counts) 85.1 % (−4.4 points) → SNN in time 82.8 % (−2.3 points)',
    'Readout: output spike counts (the output that spikes most wins; a tie counts wrong). Speck/DYNAP-CNN read output spike counts; '
      + "the membrane readout sums the output layer's input current and needs a chip that exposes it.",
    // 12 / 200 = 6.0 %.
    'Silent outputs: 12 of 200 samples (6.0 %): the output layer did not spike.',
    'Warning: Most outputs are silent: train longer or raise the output gain.',
  ]);
});

test('diagnosisLines: membrane readout, a gain in time, no warning line when there is none', () => {
  const d: ConversionDiagnosis = { ...D, readout: 'membrane', accuracy: { annArgmax: 0.9, annReadout: 0.9, snn: 0.903 }, warning: undefined };
  const lines = diagnosisLines(d);
  assert.equal(lines.at(-1), "Silent outputs: 12 of 200 samples (6.0 %): the output layer received no input.");
  assert.ok(!lines.some((l) => l.startsWith('Warning')));
  assert.match(lines.find((l) => l.startsWith('Readout:')) ?? '', /^Readout: membrane \(the output with the largest summed input current wins\)\. Speck\/DYNAP-CNN/);
  assert.equal(accuracyStrip(d), 'ANN-Q argmax 90.0 % → ANN-Q read as the SNN reads (membrane) 90.0 % (+0.0 points) → SNN in time 90.3 % (+0.3 points)');
});

test('diagnosisLines: a layer the ANN-Q leaves silent has no ratio rather than a division by zero', () => {
  const d: ConversionDiagnosis = { ...D, layers: [{ layer: 'relu3', neurons: 1_728, annSpikes: 0, snnSpikes: 0, annSilent: 1, snnSilent: 1 }] };
  assert.equal(diagnosisLines(d)[3], 'relu3    1,728               0           0                    100.0 %     100.0 %');
});
