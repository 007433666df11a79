/**
 * The energy report's "NeuroBench metrics" section (`#neurobench`), drawn when the report carries
 * `report.neurobench` (a run's spiking evaluation, or a saved `synops simulate`): per weight layer
 * NeuroBench's Effective_ACs, Effective_MACs and Dense beside our SynOps (`tr[data-layer]` of
 * `#neurobench-table`, cells `td[data-col]`), the totals row `#neurobench-total`, ActivationSparsity per
 * spiking layer and in all, ConnectionSparsity and Footprint (`#neurobench-totals`), and where the two
 * counts part. Computed in the core (`src/core/energy/neurobench.ts`); this only draws it. Text only
 * (`textContent` via `h`), so a report from a notebook output cannot inject markup.
 */
import type { ModelReport } from '../../src/protocol/report';
import { isNeuroBenchReport, type NeuroBenchLayer } from '../../src/protocol/neurobench';
import { formatCount, formatMean } from '../../src/protocol/format';
import { h, th } from '../common/dom';

/** Four decimals, as NeuroBench reports its sparsities. */
const sparsity = (f: number): string => (Number.isFinite(f) ? f.toFixed(4) : '');

const MAC_NOTE = 'NeuroBench counts a layer’s step as ACs only when all its inputs are in {−1, 0, 1}; several spikes of one neuron in one step, a pooled sum or average, or an analog input make that step MACs.';

function row(key: string, cells: { name: string; from: string; acs: number; macs: number; dense: number; synops: number; macSteps: string; cs: string; bytes: number }): HTMLElement {
  return h('tr', key === 'total' ? { id: 'neurobench-total' } : { 'data-layer': key },
    h('th', { scope: 'row', 'data-col': 'layer' }, cells.name),
    h('td', { 'data-col': 'from' }, cells.from),
    h('td', { 'data-col': 'effective-acs', class: 'num' }, formatMean(cells.acs)),
    h('td', { 'data-col': 'effective-macs', class: 'num', ...(cells.macs > 0 ? { title: MAC_NOTE } : {}) }, formatMean(cells.macs) + (cells.macs > 0 ? ' *' : '')),
    h('td', { 'data-col': 'dense', class: 'num' }, formatMean(cells.dense)),
    h('td', { 'data-col': 'synops', class: 'num' }, formatMean(cells.synops)),
    h('td', { 'data-col': 'mac-steps', class: 'num' }, cells.macSteps),
    h('td', { 'data-col': 'connection-sparsity', class: 'num' }, cells.cs),
    h('td', { 'data-col': 'footprint', class: 'num' }, formatCount(cells.bytes)));
}

const layerCells = (l: NeuroBenchLayer) => ({
  name: l.name, from: l.from, acs: l.effectiveAcs, macs: l.effectiveMacs, dense: l.dense, synops: l.synops,
  macSteps: l.effectiveMacs > 0 ? `${formatMean(l.nonBinarySteps)} (inputs up to ${formatMean(l.maxInput)})` : '0',
  cs: sparsity(l.connectionSparsity), bytes: l.footprintBytes,
});

/** `#neurobench`: the section, or undefined when the report carries no (readable) NeuroBench metrics. */
export function neuroBenchSection(report: ModelReport): HTMLElement | undefined {
  const nb = report.neurobench;
  if (!isNeuroBenchReport(nb)) return undefined;
  const t = nb.totals;
  const per = nb.samples === 1 ? 'one sample' : `per sample, mean of ${formatCount(nb.samples)} samples`;
  const table = h('table', { id: 'neurobench-table', class: 'report-table' },
    h('thead', {}, h('tr', {},
      th('Weight layer'), th('From'),
      th('Effective_ACs', { num: true, title: 'Non-zero weights met by non-zero inputs, in steps whose inputs were all in {−1, 0, 1}' }),
      th('Effective_MACs', { num: true, title: MAC_NOTE }),
      th('Dense', { num: true, title: 'Every connection at every time step, whatever the activity' }),
      th('Our SynOps', { num: true, title: 'Spikes × connections, as the rest of this report counts' }),
      th('MAC steps', { num: true, title: 'Time steps per sample in which some input of the layer was outside {−1, 0, 1}' }),
      th('ConnectionSparsity', { num: true, title: 'Zero weights ÷ weights (biases not counted)' }),
      th('Footprint (bytes)', { num: true, title: 'Weights and biases, float32' }))),
    h('tbody', {}, ...nb.layers.map((l) => row(l.name, layerCells(l))),
      row('total', { name: 'Total', from: '', acs: t.effectiveAcs, macs: t.effectiveMacs, dense: t.dense, synops: t.synops, macSteps: '', cs: sparsity(t.connectionSparsity), bytes: t.footprintBytes })));
  return h('section', { id: 'neurobench', class: 'table-section' },
    h('h2', {}, 'NeuroBench metrics'),
    h('p', { class: 'note' }, `NeuroBench’s definitions beside ours, ${per}, ${formatMean(nb.steps)} time steps, so these figures compare with published NeuroBench results.`),
    h('div', { class: 'table-scroll' }, table),
    ...(t.effectiveMacs > 0 ? [h('p', { id: 'neurobench-macs', class: 'note' }, `* ${MAC_NOTE}`)] : []),
    h('p', { id: 'neurobench-totals' },
      'ActivationSparsity ', h('strong', { 'data-col': 'activation-sparsity' }, sparsity(t.activationSparsity)),
      ` (${nb.activations.map((a) => `${a.name} ${sparsity(a.sparsity)}`).join(', ')}) · ConnectionSparsity `,
      h('strong', { 'data-col': 'connection-sparsity' }, sparsity(t.connectionSparsity)),
      ' · Footprint ', h('strong', { 'data-col': 'footprint' }, `${formatCount(t.footprintBytes)} bytes`)),
    h('ul', { class: 'note', id: 'neurobench-notes' }, ...nb.notes.filter((n) => !n.startsWith('NeuroBench counts a layer')).map((n) => h('li', {}, n))),
    h('p', { class: 'note' }, `Definitions: ${nb.source}.`));
}
