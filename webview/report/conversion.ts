/**
 * The energy report's "Conversion" section (`#conversion`), drawn when the report of an evaluated run
 * carries `report.conversion`: per spiking layer the quantized ANN's activity beside the spikes the
 * converted network fires, where accuracy goes from the ANN-Q's argmax to the simulation in time, the
 * readout, the silent outputs and the diagnosis' warning. Text only (`textContent` via `h`), so a report
 * from a notebook output cannot inject markup.
 */
import { isConversionDiagnosis, type ConversionDiagnosis, type ModelReport } from '../../src/protocol/report';
import { formatAccuracy, formatCount, formatFraction, formatMean, formatPointsChange, formatRatio, formatReadout as readoutName, pointsChange } from '../../src/protocol/format';
import { h, th } from '../common/dom';

/** What the chips read, said whatever the readout, so a membrane figure is never taken for Speck's. */
const CHIP_READOUT_NOTE = 'Speck/DYNAP-CNN read output spike counts; the membrane readout sums the output layer’s input current and needs a chip that exposes it.';

/** One stage of the accuracy strip: its name, its accuracy and, after the first, the points won or lost. */
function stage(key: string, label: string, title: string, accuracy: number, previous?: number): HTMLElement {
  const parts: Array<Node | string> = [`${label} `, h('strong', { 'data-col': 'accuracy' }, formatAccuracy(accuracy))];
  if (previous !== undefined && Number.isFinite(previous) && Number.isFinite(accuracy)) {
    parts.push(' ', h('span', { 'data-col': 'points', class: pointsChange(previous, accuracy) < 0 ? 'loss' : 'gain' }, `(${formatPointsChange(previous, accuracy)})`));
  }
  return h('span', { 'data-stage': key, title }, ...parts);
}

/** `#conversion-accuracy`: ANN-Q argmax → ANN-Q read as the SNN reads → SNN in time. */
function accuracyStrip(d: ConversionDiagnosis): HTMLElement {
  const a = d.accuracy;
  const how = readoutName(d.readout);
  return h('p', { id: 'conversion-accuracy', class: 'accuracy-strip' },
    h('span', { class: 'figure-label' }, 'Where accuracy goes: '),
    stage('ann-argmax', 'ANN-Q argmax', 'The quantized ANN, the class its largest output names', a.annArgmax),
    ' → ',
    stage('ann-readout', `ANN-Q read as the SNN reads (${how})`,
      `The same ANN-Q outputs read as the spiking network reads its output layer (${how}); ties and silent outputs count wrong`,
      a.annReadout, a.annArgmax),
    ' → ',
    stage('snn', 'SNN in time', 'The converted network simulated step by step on the same samples', a.snn, a.annReadout));
}

/** The per-layer table `#conversion-table`, one `tr[data-layer]` per spiking layer. */
function layerTable(d: ConversionDiagnosis): HTMLElement {
  const rows = d.layers.map((l) => h('tr', { 'data-layer': l.layer },
    h('th', { scope: 'row', 'data-col': 'layer' }, l.layer),
    h('td', { 'data-col': 'neurons', class: 'num' }, formatCount(l.neurons)),
    h('td', { 'data-col': 'ann-spikes', class: 'num' }, formatMean(l.annSpikes)),
    h('td', { 'data-col': 'snn-spikes', class: 'num' }, formatMean(l.snnSpikes)),
    h('td', { 'data-col': 'ratio', class: 'num' }, formatRatio(l.snnSpikes, l.annSpikes)),
    h('td', { 'data-col': 'ann-silent', class: 'num' }, formatFraction(l.annSilent)),
    h('td', { 'data-col': 'snn-silent', class: 'num' }, formatFraction(l.snnSilent))));
  return h('table', { id: 'conversion-table', class: 'report-table' },
    h('thead', {}, h('tr', {},
      th('Spiking layer'),
      th('Neurons', { num: true }),
      th('ANN-Q activity per sample', { num: true, title: 'Sum of the quantized ANN’s activations over the layer: the spikes they stand for' }),
      th('SNN spikes per sample', { num: true, title: 'Spikes the layer fires in the simulation' }),
      th('SNN ÷ ANN-Q', { num: true, title: 'Below 1 the spiking layer fires less than its quantized twin says' }),
      th('Silent, ANN-Q', { num: true, title: 'Share of the layer’s neurons with zero activation, mean per sample' }),
      th('Silent, SNN', { num: true, title: 'Share of the layer’s neurons that never spike, mean per sample' }))),
    h('tbody', {}, ...rows));
}

/** `#conversion`: the section, or undefined when the report carries no (readable) conversion diagnosis. */
export function conversionSection(report: ModelReport): HTMLElement | undefined {
  const d = report.conversion;
  if (!isConversionDiagnosis(d)) return undefined;
  const silentWhat = d.readout === 'spikes' ? 'the output layer did not spike' : 'the output layer received no input at all';
  const silentShare = d.samples > 0 ? ` (${formatFraction(d.silentOutputs / d.samples)})` : '';
  const readout = d.readout === 'spikes'
    ? 'Readout: output spike counts — the class is the output that spikes most; a tie counts wrong.'
    : 'Readout: membrane — the class is the output whose summed input current is largest.';
  return h('section', { id: 'conversion', class: 'table-section conversion-section' },
    h('h2', {}, 'Conversion'),
    h('p', { class: 'note', id: 'conversion-samples' },
      `The quantized ANN (ANN-Q) beside the converted spiking network, on the same ${formatCount(d.samples)} held-out sample${d.samples === 1 ? '' : 's'}.`),
    // The same warning heads the report (`#silent-warning`) when the report carries the run's outputs.
    ...(d.warning && report.outputs?.warning !== d.warning ? [h('p', { id: 'conversion-warning', class: 'warn', role: 'note' }, h('strong', {}, 'Warning: '), d.warning)] : []),
    accuracyStrip(d),
    h('p', { id: 'conversion-readout' }, `${readout} ${CHIP_READOUT_NOTE}`),
    h('p', { id: 'conversion-silent' },
      'Silent outputs: ', h('strong', { 'data-col': 'silent-outputs' }, formatCount(d.silentOutputs)),
      ` of ${formatCount(d.samples)} samples${silentShare}: ${silentWhat}.`),
    h('div', { class: 'table-scroll' }, layerTable(d)));
}
