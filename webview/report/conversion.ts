/**
 * The energy report's "Conversion" section (`#conversion`), drawn when the report of an evaluated run
 * carries `report.conversion`: per spiking layer the quantized ANN's activity beside the spikes the
 * converted network fires, where accuracy goes from the ANN-Q's argmax to the simulation in time, the
 * readout, the silent outputs and the diagnosis' warning. Text only (`textContent` via `h`), so a report
 * from a notebook output cannot inject markup.
 */
import type { ConversionDiagnosis, ModelReport, Readout } from '../../src/protocol/report';
import { formatCount, formatRatio } from '../../src/protocol/format';
import { h, th } from '../common/dom';

const threeDigits = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** A mean per sample: thousands separators from 100 up (`3,950`), else three significant digits (`12.3`, `0.05`). */
function formatMean(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '';
  return Math.abs(n) >= 100 ? formatCount(n) : threeDigits.format(n);
}

/** A fraction 0..1 as a percentage with one decimal, `83.0 %`; empty when absent. */
function formatFraction(f: number | undefined): string {
  return f === undefined || !Number.isFinite(f) ? '' : `${(100 * f).toFixed(1)} %`;
}

/** Accuracy 0..1 in tenths of a percentage point, the precision the strip shows. */
const tenths = (a: number): number => Math.round(1000 * a);

/**
 * Points gained (+) or lost (−) from `from` to `to`, computed from the rounded figures so that the strip
 * adds up as the reader checks it: 89.5 % → 85.1 % is `−4.4 points`.
 */
function formatPoints(from: number, to: number): string {
  const d = tenths(to) - tenths(from);
  const text = (Math.abs(d) / 10).toFixed(1);
  return `${d < 0 ? '−' : '+'}${text} points`;
}

const readoutName = (r: Readout): string => (r === 'spikes' ? 'spike counts' : 'membrane');

/** What the chips read, said whatever the readout, so a membrane figure is never taken for Speck's. */
const CHIP_READOUT_NOTE = 'Speck/DYNAP-CNN read output spike counts; the membrane readout sums the output layer’s input current and needs a chip that exposes it.';

/** True when `c` has the fields the section reads (a notebook output may come from another version). */
function drawable(c: unknown): c is ConversionDiagnosis {
  const d = c as Partial<ConversionDiagnosis> | null;
  return typeof d === 'object' && d !== null && Array.isArray(d.layers) && typeof d.accuracy === 'object' && d.accuracy !== null
    && (d.readout === 'spikes' || d.readout === 'membrane');
}

/** One stage of the accuracy strip: its name, its accuracy and, after the first, the points won or lost. */
function stage(key: string, label: string, title: string, accuracy: number, previous?: number): HTMLElement {
  const figure = Number.isFinite(accuracy) ? `${(tenths(accuracy) / 10).toFixed(1)} %` : '—';
  const parts: Array<Node | string> = [`${label} `, h('strong', { 'data-col': 'accuracy' }, figure)];
  if (previous !== undefined && Number.isFinite(previous) && Number.isFinite(accuracy)) {
    const d = tenths(accuracy) - tenths(previous);
    parts.push(' ', h('span', { 'data-col': 'points', class: d < 0 ? 'loss' : 'gain' }, `(${formatPoints(previous, accuracy)})`));
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
  if (!drawable(d)) return undefined;
  const silentWhat = d.readout === 'spikes' ? 'the output layer did not spike' : 'the output layer received no input at all';
  const silentShare = d.samples > 0 ? ` (${formatFraction(d.silentOutputs / d.samples)})` : '';
  const readout = d.readout === 'spikes'
    ? 'Readout: output spike counts — the class is the output that spikes most; a tie counts wrong.'
    : 'Readout: membrane — the class is the output whose summed input current is largest.';
  return h('section', { id: 'conversion', class: 'table-section conversion-section' },
    h('h2', {}, 'Conversion'),
    h('p', { class: 'note', id: 'conversion-samples' },
      `The quantized ANN (ANN-Q) beside the converted spiking network, on the same ${formatCount(d.samples)} held-out sample${d.samples === 1 ? '' : 's'}.`),
    ...(d.warning ? [h('p', { id: 'conversion-warning', class: 'warn', role: 'note' }, h('strong', {}, 'Warning: '), d.warning)] : []),
    accuracyStrip(d),
    h('p', { id: 'conversion-readout' }, `${readout} ${CHIP_READOUT_NOTE}`),
    h('p', { id: 'conversion-silent' },
      'Silent outputs: ', h('strong', { 'data-col': 'silent-outputs' }, formatCount(d.silentOutputs)),
      ` of ${formatCount(d.samples)} samples${silentShare}: ${silentWhat}.`),
    h('div', { class: 'table-scroll' }, layerTable(d)));
}
