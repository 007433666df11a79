/**
 * The energy report's comparison parts: the ANN-proxy and comparison columns of the layer table (the
 * paper's Fig. 2, centre, as numbers) and the accuracy of both models (Fig. 2, right). A compared report's
 * layers are matched to this report's by name.
 */
import type { LayerRow, ModelReport } from '../../src/protocol/report';
import { formatCount } from '../../src/protocol/format';
import { formatAccuracy, formatChange, h, th } from '../common/dom';

/** What names a report in legends and headers: its run id, else its model name. */
export function reportLabel(report: ModelReport): string {
  return report.runId ?? report.modelName;
}

/** Distinct labels for this report and the compared one, even when both name the same model. */
export function comparisonLabels(report: ModelReport, compare?: ModelReport): { self: string; other: string } {
  const self = reportLabel(report);
  const other = compare ? reportLabel(compare) : '';
  return self === other ? { self: `${self} (this)`, other: `${other} (compared)` } : { self, other };
}

export interface ExtraColumns {
  /** Header cells, inserted after the SynOps column. */
  head: HTMLTableCellElement[];
  /** Cells of one layer row. */
  cells(row: LayerRow): HTMLTableCellElement[];
  /** Cells of the totals row. */
  totals: HTMLTableCellElement[];
}

export function extraColumns(report: ModelReport, compare: ModelReport | undefined, otherLabel: string): ExtraColumns {
  const withAnn = report.layers.some((l) => l.synopsAnn !== undefined);
  const other = new Map((compare?.layers ?? []).map((l) => [l.name, l]));
  const head: HTMLTableCellElement[] = [];
  if (withAnn) head.push(th('ANN proxy', { num: true, title: 'The quantized ANN’s SynOps: QReLU activations × fan-out, per sample' }));
  if (compare) {
    const otherHead = th('SynOps', { num: true, title: `SynOps per sample received by the layer of the same name in ${otherLabel}` });
    otherHead.append(h('span', { class: 'sub' }, otherLabel));
    head.push(otherHead);
    head.push(th('Change', { num: true, title: `From ${otherLabel} to this report` }));
  }
  const annSum = report.layers.reduce((a, l) => a + (l.synopsAnn ?? 0), 0);
  const totals: HTMLTableCellElement[] = [];
  if (withAnn) totals.push(h('td', { id: 'total-synops-ann', class: 'num' }, formatCount(annSum)));
  if (compare) {
    totals.push(h('td', { id: 'total-compare-synops', class: 'num' }, formatCount(compare.totals.synops)));
    totals.push(h('td', { id: 'total-change', class: 'num' }, formatChange(compare.totals.synops, report.totals.synops)));
  }
  return {
    head,
    totals,
    cells(row) {
      const cells: HTMLTableCellElement[] = [];
      if (withAnn) cells.push(h('td', { 'data-col': 'synops-ann', class: 'num' }, formatCount(row.synopsAnn)));
      if (compare) {
        const o = other.get(row.name);
        const fixed = row.emitter === 'input';
        cells.push(h('td', { 'data-col': 'compare-synops', class: 'num' }, formatCount(o?.synops)));
        cells.push(h('td', { 'data-col': 'change', class: fixed ? 'num input' : 'num', title: fixed ? 'Fed by the input: fixed by the data' : undefined },
          row.synops !== undefined ? formatChange(o?.synops, row.synops) : ''));
      }
      return cells;
    },
  };
}

/**
 * `#accuracy-table`: held-out accuracy of the spiking network and of the quantized ANN, and the SynOps, of
 * this report and the compared one; undefined when neither report carries an accuracy.
 */
export function accuracySection(report: ModelReport, compare: ModelReport | undefined, labels: { self: string; other: string }): HTMLElement | undefined {
  if (!report.accuracy && !compare?.accuracy) return undefined;
  const row = (key: string, label: string, r: ModelReport) => h('tr', { 'data-model': key },
    h('th', { scope: 'row' }, label),
    h('td', { 'data-col': 'snn', class: 'num' }, formatAccuracy(r.accuracy?.snn)),
    h('td', { 'data-col': 'ann', class: 'num' }, formatAccuracy(r.accuracy?.ann)),
    h('td', { 'data-col': 'synops', class: 'num' }, formatCount(r.totals.synops)));
  const table = h('table', { id: 'accuracy-table', class: 'report-table' },
    h('thead', {}, h('tr', {}, th('Model'), th('SNN accuracy', { num: true, title: 'Spiking network, held-out split' }),
      th('ANN accuracy', { num: true, title: 'Quantized (QReLU) ANN, held-out split' }), th('SynOps per sample', { num: true }))),
    h('tbody', {}, row('report', labels.self, report), ...(compare ? [row('compare', labels.other, compare)] : [])));
  return h('section', { class: 'table-section accuracy-section' },
    h('h2', {}, 'Accuracy'),
    h('p', { class: 'note' }, 'The spiking network is the converted ANN run for the whole sample; the ANN is its quantized twin.'),
    h('div', { class: 'table-scroll' }, table));
}
