/**
 * The conversion diagnosis of an evaluated run as command-line text, for `eval` and `reproduce`: per
 * spiking layer the quantized ANN's activity beside the spikes of the converted network, then where
 * accuracy goes (ANN-Q argmax → ANN-Q read as the SNN reads → SNN in time, with the points at each step),
 * the readout, the silent outputs and the warning. The energy report's "Conversion" section shows the same.
 */
import type { ConversionDiagnosis, Readout } from '../protocol/report';
import { formatAccuracy as accuracy, formatCount, formatFraction as pct, formatMean as mean, formatPointsChange, formatRatio, formatReadout as readoutName } from '../protocol/format';
import { table } from './table';

/** The points gained or lost from `from` to `to`, in brackets, or nothing when either is absent. */
function points(from: number, to: number): string {
  return Number.isFinite(from) && Number.isFinite(to) ? ` (${formatPointsChange(from, to)})` : '';
}

const READOUT: Record<Readout, string> = {
  spikes: 'output spike counts (the output that spikes most wins; a tie counts wrong).',
  membrane: 'membrane (the output with the largest summed input current wins).',
};
/** What the chips read, said whatever the readout, so a membrane figure is never taken for Speck's. */
const CHIP_NOTE = "Speck/DYNAP-CNN read output spike counts; the membrane readout sums the output layer's input current and needs a chip that exposes it.";

/** `ANN-Q argmax 89.5 % → ANN-Q read as the SNN reads (spike counts) 85.1 % (−4.4 points) → SNN in time 82.8 % (−2.3 points)` */
export function accuracyStrip(d: ConversionDiagnosis): string {
  const a = d.accuracy;
  return `ANN-Q argmax ${accuracy(a.annArgmax)}`
    + ` → ANN-Q read as the SNN reads (${readoutName(d.readout)}) ${accuracy(a.annReadout)}${points(a.annArgmax, a.annReadout)}`
    + ` → SNN in time ${accuracy(a.snn)}${points(a.annReadout, a.snn)}`;
}

/** The diagnosis as lines of text: a heading, the per-layer table, the accuracy strip, readout, silent outputs, warning. */
export function diagnosisLines(d: ConversionDiagnosis): string[] {
  const rows = d.layers.map((l) => [
    l.layer, formatCount(l.neurons), mean(l.annSpikes), mean(l.snnSpikes), formatRatio(l.snnSpikes, l.annSpikes), pct(l.annSilent), pct(l.snnSilent),
  ]);
  const silentWhat = d.readout === 'spikes' ? 'the output layer did not spike' : 'the output layer received no input';
  const share = d.samples > 0 ? ` (${pct(d.silentOutputs / d.samples)})` : '';
  return [
    `Conversion on ${formatCount(d.samples)} samples (ANN-Q: the quantized ANN; activity and spikes are means per sample):`,
    ...table(['layer', 'neurons', 'ANN-Q activity', 'SNN spikes', 'SNN ÷ ANN-Q', 'silent ANN-Q', 'silent SNN'], rows,
      [false, true, true, true, true, true, true]).split('\n'),
    `Accuracy: ${accuracyStrip(d)}`,
    `Readout: ${READOUT[d.readout]} ${CHIP_NOTE}`,
    `Silent outputs: ${formatCount(d.silentOutputs)} of ${formatCount(d.samples)} samples${share}: ${silentWhat}.`,
    ...(d.warning ? [`Warning: ${d.warning}`] : []),
  ];
}
