/**
 * Pure DOM rendering of a `ModelReport`, shared by the report panel and the notebook renderer. It builds
 * everything inside the root it is given and talks to no host: the report carries the energy of every
 * profile (`energyJ[profileId]`, `annEnergyJ[annProfileId]`), so switching profiles re-renders locally and
 * only tells the caller through `onProfileChange`.
 *
 * Element ids (`#layer-table`, `#profile-select`, …) are part of the view's contract with the tests; the
 * code itself keeps references instead of looking ids up, so two reports on one page (notebook outputs)
 * still work.
 */
import type { AnnProfile, LayerRow, ModelReport, NeuromorphicProfile } from '../../src/protocol/report';
import { drawSynOpsChart, type SynOpsChart } from './chart';
import { formatChange, h } from '../common/dom';
import { accuracySection, comparisonLabels, extraColumns } from './compare';
import { conversionSection } from './conversion';
import { chipFitSection } from './chipFit';
import { neuroBenchSection } from './neurobench';
import { figuresRunLine, outputSilence } from './figures';
import { formatCount, formatEnergy, formatPercent, formatRatio, formatShape } from '../../src/protocol/format';
import { energyRatioWords, neuronUpdateNote } from '../../src/protocol/energyWords';

export interface RenderOptions {
  /** Neuromorphic profile to show instead of `report.profileId` (a restored choice); ignored if unknown. */
  profileId?: string;
  /** ANN profile to show instead of `report.annProfileId`; ignored if unknown. */
  annProfileId?: string;
  logScale?: boolean;
  onProfileChange?(profileId: string): void;
  onAnnProfileChange?(annProfileId: string): void;
  onLogScaleChange?(logScale: boolean): void;
  /** When given, layer names become buttons that ask for the layer's line in the model file. */
  onRevealLayer?(layer: LayerRow): void;
  /** A second report (e.g. the baseline of an optimized run) drawn beside this one, layers matched by name. */
  compare?: ModelReport;
  /** When given, a "Choose run…" button asks for another run's figures (or the estimate). */
  onPickRun?(): void;
}

export interface ReportView {
  readonly profileId: string;
  readonly annProfileId: string;
  setProfile(profileId: string): void;
  /** Redraws what depends on theme colours; call when the VS Code theme changes. */
  restyle(): void;
  dispose(): void;
}

function pickProfile<P extends { id: string }>(list: readonly P[], ...ids: Array<string | undefined>): P | undefined {
  for (const id of ids) {
    const p = list.find((x) => x.id === id);
    if (p) return p;
  }
  return list[0];
}

function basisText(report: ModelReport): { text: string; measured: boolean } {
  const b = report.basis;
  if (b.kind === 'measured') {
    return { measured: true, text: `Measured: SynOps from ${b.source}, averaged over ${formatCount(b.samples)} sample${b.samples === 1 ? '' : 's'}.` };
  }
  return { measured: false, text: b.staleResult ? `${b.assumption} ${b.staleResult}` : b.assumption };
}

function profileSelect(id: string, label: string, profiles: ReadonlyArray<{ id: string; name: string }>, selected: string): { wrap: HTMLElement; select: HTMLSelectElement } {
  const select = h('select', { id, class: 'synops-select' },
    ...profiles.map((p) => {
      const o = h('option', { value: p.id }, p.name);
      o.selected = p.id === selected;
      return o;
    }));
  // The label wraps its control, so it needs no `for` (ids may repeat across notebook outputs).
  const wrap = h('label', { class: 'profile-label' }, h('span', {}, label), select);
  return { wrap, select };
}

/** Builds the report view into `root` (replacing its content). */
export function renderReport(root: HTMLElement, report: ModelReport, options: RenderOptions = {}): ReportView {
  const snn = report.profiles.filter((p): p is NeuromorphicProfile => p.kind === 'snn');
  const ann = report.profiles.filter((p): p is AnnProfile => p.kind === 'ann');
  let profile = pickProfile(snn, options.profileId, report.profileId);
  let annProfile = pickProfile(ann, options.annProfileId, report.annProfileId);
  const basis = basisText(report);
  const compare = options.compare;
  const labels = comparisonLabels(report, compare);
  const extra = extraColumns(report, compare, labels.other);

  // ---- header: name, basis, profiles
  const snnPick = profileSelect('profile-select', 'Neuromorphic profile', snn, profile?.id ?? '');
  const annPick = profileSelect('ann-profile-select', 'ANN profile (for comparison)', ann, annProfile?.id ?? '');
  const profileSource = h('p', { id: 'profile-source', class: 'source' });
  const annProfileSource = h('p', { id: 'ann-profile-source', class: 'source' });
  const header = h('header', { class: 'report-header' },
    h('h1', { id: 'model-name' }, report.modelName),
    h('p', { id: 'synops-basis', class: `basis ${basis.measured ? 'measured' : 'estimate'}` },
      h('span', { class: 'basis-tag' }, basis.measured ? 'Measured' : 'Estimate'), ' ', basis.text),
    ...[figuresRunLine(report, options.onPickRun)].filter((x): x is HTMLElement => x !== undefined),
    h('div', { class: 'profiles' },
      h('div', { class: 'profile' }, snnPick.wrap, profileSource),
      h('div', { class: 'profile' }, annPick.wrap, annProfileSource)));

  // ---- summary figures
  const summary = {
    synops: h('span', { class: 'figure', id: 'summary-synops' }, formatCount(report.totals.synops)),
    energy: h('span', { class: 'figure', id: 'summary-energy' }),
    energyLabel: h('span', { class: 'figure-label' }),
    annEnergy: h('span', { class: 'figure', id: 'summary-ann-energy' }),
    annEnergyLabel: h('span', { class: 'figure-label' }),
    ratio: h('span', { class: 'figure', id: 'energy-ratio' }),
    ratioWords: h('p', { id: 'energy-ratio-words', class: 'note' }),
    neuronUpdates: h('p', { id: 'neuron-update-note', class: 'note' }),
  };
  const summaryStrip = h('section', { class: 'summary', 'aria-label': 'Totals per sample' },
    h('div', { class: 'card' }, h('span', { class: 'figure-label' }, 'SynOps per sample'), summary.synops),
    h('div', { class: 'card' }, summary.energyLabel, summary.energy),
    h('div', { class: 'card' }, summary.annEnergyLabel, summary.annEnergy),
    h('div', { class: 'card' }, h('span', { class: 'figure-label' }, 'SNN ÷ ANN energy'), summary.ratio),
    ...(compare ? [h('div', { class: 'card' }, h('span', { class: 'figure-label' }, `SynOps vs ${labels.other}`),
      h('span', { class: 'figure', id: 'compare-change' }, formatChange(compare.totals.synops, report.totals.synops)))] : []));

  // ---- chart
  const chartEl = h('div', { id: 'synops-chart', class: 'chart' });
  // A native checkbox, coloured by VS Code's theme variables (media/report.css, `.toggle`).
  const logBox = h('input', { type: 'checkbox', id: 'log-scale' }) as HTMLInputElement;
  logBox.checked = options.logScale ?? false;
  const chartSection = h('section', { class: 'chart-section' },
    h('div', { class: 'section-head' },
      h('h2', {}, 'SynOps per weight layer'),
      h('label', { class: 'toggle' }, logBox, ' log scale')),
    chartEl,
    h('p', { class: 'note' }, `Bars are named by the layer that receives the spikes. Hatched bars are fed by the input: their SynOps are fixed by the data, and training cannot lower them.${
      report.layers.some((l) => l.synopsAnn !== undefined) ? ' Lighter bars are the quantized ANN’s proxy (activations × fan-out).' : ''}`));

  // ---- layer table
  const energyHead = h('th', { scope: 'col', class: 'num' });
  const annEnergyHead = h('th', { scope: 'col', class: 'num' });
  const energyCells: Array<{ row: LayerRow; snn: HTMLElement; ann: HTMLElement }> = [];
  const bodyRows = report.layers.map((l) => {
    const weight = l.synops !== undefined || l.annEnergyJ !== undefined;
    const snnCell = h('td', { 'data-col': 'energy', class: 'num' });
    const annCell = h('td', { 'data-col': 'ann-energy', class: 'num' });
    energyCells.push({ row: l, snn: snnCell, ann: annCell });
    const name = options.onRevealLayer && l.range
      ? h('button', { type: 'button', class: 'link', title: 'Show this layer in the model file' }, l.name)
      : l.name;
    if (typeof name !== 'string') name.addEventListener('click', () => options.onRevealLayer?.(l));
    const fanTitle = l.fanoutMean !== undefined ? `mean ${l.fanoutMean.toFixed(2)} connections per spike of ${l.emitter ?? 'the emitter'}` : undefined;
    return h('tr', { 'data-layer': l.name, class: weight ? 'weight' : 'plain' },
      h('th', { scope: 'row', 'data-col': 'name' }, name),
      h('td', { 'data-col': 'type' }, l.type),
      h('td', { 'data-col': 'shape', title: `${formatShape(l.inShape)} → ${formatShape(l.outShape)}` }, formatShape(l.outShape)),
      h('td', { 'data-col': 'params', class: 'num' }, weight || l.params ? formatCount(l.params) : ''),
      h('td', { 'data-col': 'macs', class: 'num' }, weight || l.macs ? formatCount(l.macs) : ''),
      h('td', { 'data-col': 'fanout', class: 'num', title: fanTitle }, formatCount(l.fanoutMax)),
      h('td', { 'data-col': 'synops', class: 'num', title: l.emitter ? `spikes from ${l.emitter}` : undefined }, formatCount(l.synops)),
      ...extra.cells(l),
      snnCell,
      annCell);
  });
  const total = {
    params: h('td', { id: 'total-params', class: 'num' }, formatCount(report.totals.params)),
    macs: h('td', { id: 'total-macs', class: 'num' }, formatCount(report.totals.macs)),
    synops: h('td', { id: 'total-synops', class: 'num' }, formatCount(report.totals.synops)),
    energy: h('td', { id: 'total-energy', class: 'num' }),
    annEnergy: h('td', { id: 'total-ann-energy', class: 'num' }),
  };
  const layerTable = h('table', { id: 'layer-table', class: 'report-table' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Layer'),
      h('th', { scope: 'col' }, 'Type'),
      h('th', { scope: 'col', title: 'Output shape, channels × height × width' }, 'Output'),
      h('th', { scope: 'col', class: 'num' }, 'Params'),
      h('th', { scope: 'col', class: 'num', title: 'Multiply-accumulates per sample of the equivalent ANN' }, 'MACs'),
      h('th', { scope: 'col', class: 'num', title: 'Largest number of connections one incoming spike reaches (mean in the tooltip)' }, 'Fan-out'),
      h('th', { scope: 'col', class: 'num', title: 'SynOps per sample received by this layer' }, 'SynOps'),
      ...extra.head,
      energyHead,
      annEnergyHead)),
    h('tbody', {}, ...bodyRows),
    h('tfoot', {}, h('tr', { class: 'totals' },
      h('th', { scope: 'row', colspan: '3' }, 'Total per sample'),
      total.params, total.macs, h('td', {}), total.synops, ...extra.totals, total.energy, total.annEnergy)));

  // ---- emitter table and NeuroBench Dense
  const emitterTable = h('table', { id: 'emitter-table', class: 'report-table' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Emitting layer'),
      h('th', { scope: 'col' }, 'Spikes go to'),
      h('th', { scope: 'col', class: 'num' }, 'SynOps'),
      h('th', { scope: 'col', class: 'num' }, 'Share'))),
    h('tbody', {}, ...report.emitters.map((e) => h('tr', { 'data-emitter': e.name, class: e.name === 'input' ? 'input' : undefined },
      h('th', { scope: 'row' }, e.name === 'input' ? 'input (fixed by the data)' : e.name),
      h('td', {}, e.receiver),
      h('td', { class: 'num', 'data-col': 'synops' }, formatCount(e.synops)),
      h('td', { class: 'num', 'data-col': 'share' }, formatPercent(e.synops, report.totals.synops))))));
  const dense = h('p', { class: 'dense' },
    h('span', {}, 'NeuroBench Dense (all connections, per time step): '),
    h('strong', { id: 'dense-connections' }, formatCount(report.totals.denseConnectionsPerStep)));

  const view = h('div', { id: 'synops-report', class: 'synops-report' },
    header,
    summaryStrip,
    summary.ratioWords,
    summary.neuronUpdates,
    ...[outputSilence(report), accuracySection(report, compare, labels), conversionSection(report), chipFitSection(report, options.onRevealLayer), neuroBenchSection(report)].filter((x): x is HTMLElement => x !== undefined),
    chartSection,
    h('section', { class: 'table-section' }, h('h2', {}, 'Layers'), h('div', { class: 'table-scroll' }, layerTable)),
    h('section', { class: 'table-section' },
      h('h2', {}, 'SynOps by emitting layer'),
      h('p', { class: 'note' }, 'The same SynOps attributed to the layer that emits the spikes, as in Sorbaro et al. 2020.'),
      h('div', { class: 'table-scroll' }, emitterTable),
      dense));

  /** Re-renders every cell that depends on the chosen profiles. */
  const updateEnergy = (): void => {
    const p = profile;
    const a = annProfile;
    profileSource.textContent = p ? `Source: ${p.source}` : 'No neuromorphic profile in this report.';
    profileSource.title = p ? `${formatEnergy(p.joulesPerSynOp)} per SynOp${p.joulesPerNeuronUpdate !== undefined ? `, ${formatEnergy(p.joulesPerNeuronUpdate)} per neuron update (not added)` : ''}` : '';
    annProfileSource.textContent = a ? `Source: ${a.source}` : 'No ANN profile in this report.';
    annProfileSource.title = a ? `${formatEnergy(a.joulesPerMac)} per MAC` : '';
    energyHead.replaceChildren('Energy', h('span', { class: 'sub' }, p?.name ?? '—'));
    annEnergyHead.replaceChildren('ANN energy', h('span', { class: 'sub' }, a?.name ?? '—'));
    for (const c of energyCells) {
      c.snn.textContent = p ? formatEnergy(c.row.energyJ?.[p.id]) : '';
      c.ann.textContent = a ? formatEnergy(c.row.annEnergyJ?.[a.id]) : '';
    }
    const e = p ? report.totals.energyJ[p.id] : undefined;
    const ae = a ? report.totals.annEnergyJ[a.id] : undefined;
    total.energy.textContent = formatEnergy(e);
    total.annEnergy.textContent = formatEnergy(ae);
    summary.energyLabel.textContent = `Energy on ${p?.name ?? '—'}`;
    summary.energy.textContent = formatEnergy(e);
    summary.annEnergyLabel.textContent = `ANN energy on ${a?.name ?? '—'}`;
    summary.annEnergy.textContent = formatEnergy(ae);
    summary.ratio.textContent = formatRatio(e, ae);
    summary.ratio.title = p && a ? `SynOps energy on ${p.name} ÷ MAC energy on ${a.name}; below 1 the SNN uses less` : '';
    summary.ratioWords.textContent = p && a ? energyRatioWords(e, ae, p.name, a.name) : '';
    summary.neuronUpdates.textContent = neuronUpdateNote(p);
    summary.neuronUpdates.hidden = !summary.neuronUpdates.textContent;
  };

  snnPick.select.addEventListener('change', () => {
    profile = pickProfile(snn, snnPick.select.value);
    updateEnergy();
    if (profile) options.onProfileChange?.(profile.id);
  });
  annPick.select.addEventListener('change', () => {
    annProfile = pickProfile(ann, annPick.select.value);
    updateEnergy();
    if (annProfile) options.onAnnProfileChange?.(annProfile.id);
  });
  updateEnergy();

  root.replaceChildren(view);
  // Plotly measures its container, so it draws after the view is in the document.
  const chart: SynOpsChart = drawSynOpsChart(chartEl, report.layers, logBox.checked, labels.self,
    compare ? { label: labels.other, layers: compare.layers } : undefined);
  logBox.addEventListener('change', () => {
    chart.setLogScale(logBox.checked);
    options.onLogScaleChange?.(logBox.checked);
  });

  return {
    get profileId() { return profile?.id ?? ''; },
    get annProfileId() { return annProfile?.id ?? ''; },
    setProfile(id) {
      const p = snn.find((x) => x.id === id);
      if (!p) return;
      profile = p;
      snnPick.select.value = id;
      updateEnergy();
    },
    restyle: () => chart.restyle(),
    dispose() {
      chart.dispose();
      view.remove();
    },
  };
}

/**
 * Checks that a value from outside (a notebook output, restored state) looks like a version-1 report
 * before it is drawn; returns what is wrong, or undefined.
 */
export function reportProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'the output is not a JSON object';
  const r = value as Partial<ModelReport>;
  if (r.reportVersion !== 1) return `report version ${JSON.stringify(r.reportVersion)} is not supported: this SynOps Studio reads version 1. Update SynOps Studio, or re-run the cell to write the output again`;
  if (typeof r.modelName !== 'string' || !Array.isArray(r.layers) || !Array.isArray(r.emitters) || !Array.isArray(r.profiles) || typeof r.totals !== 'object' || r.totals === null || typeof r.basis !== 'object' || r.basis === null) {
    return 'the report is incomplete (missing model name, layers, emitters, profiles, totals or basis)';
  }
  return undefined;
}
