/**
 * The energy report's chip-fit section (`#chip-fit`), drawn when the report carries `report.chipFit`:
 * the verdict `#chip-verdict` ("Fits on Speck / DYNAP-CNN: 4 of 9 cores" with the core of each layer), or
 * each broken limit as a `li[data-layer]` of `#chip-problems` naming its layer (a button to its line when
 * the caller can reveal layers) and what to change. The check itself runs in the core; this only draws it.
 * Text only (`textContent` via `h`), so a report from a notebook output cannot inject markup.
 */
import type { LayerRow, ModelReport } from '../../src/protocol/report';
import { h } from '../common/dom';

export function chipFitSection(report: ModelReport, onRevealLayer?: (layer: LayerRow) => void): HTMLElement | undefined {
  const fit = report.chipFit;
  if (!fit || !Array.isArray(fit.layers) || !Array.isArray(fit.problems)) return undefined;
  // Speck places each layer on a core; the other chips (Xylo, Loihi 2) say what the network takes of them.
  const cores = !fit.chipId || fit.chipId === 'speck';
  const verdict = fit.fits
    ? h('p', { id: 'chip-verdict', class: 'chip-verdict fits' },
      h('strong', {}, `Fits on ${fit.chip}: ${cores ? `${fit.layers.length} of ${fit.cores} cores` : fit.uses ?? ''}`),
      cores ? ` (${fit.layers.map((l) => `${l.name} → core ${l.core ?? '?'}`).join(', ')})` : '')
    : h('p', { id: 'chip-verdict', class: 'chip-verdict warn' },
      h('strong', {}, `Does not fit on ${fit.chip}: ${fit.problems.length} limit${fit.problems.length === 1 ? '' : 's'} broken`));
  const layerName = (name: string): Node | string => {
    const row = report.layers.find((l) => l.name === name);
    if (!onRevealLayer || !row?.range) return name;
    const b = h('button', { type: 'button', class: 'link', title: `Show ${name} in the model file` }, name);
    b.addEventListener('click', () => onRevealLayer(row));
    return b;
  };
  const problems = fit.problems.length
    ? [h('ul', { id: 'chip-problems' }, ...fit.problems.map((p) => h('li', { 'data-layer': p.layer, 'data-code': p.code },
      h('strong', {}, layerName(p.layer)), `: ${p.message}`)))]
    : [];
  return h('section', { id: 'chip-fit', class: 'table-section' },
    h('h2', {}, 'Chip fit'),
    verdict,
    ...problems,
    ...(!cores && !fit.fits && fit.uses ? [h('p', { class: 'note', id: 'chip-uses' }, `The network takes ${fit.uses}.`)] : []),
    h('p', { class: 'note' }, `Assumed: ${fit.notes.join('; ')}.`),
    ...(fit.sources ? [h('p', { class: 'note', id: 'chip-sources' }, `Limits: ${fit.sources}.`)] : []));
}
