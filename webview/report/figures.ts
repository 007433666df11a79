/**
 * Where the report's measured figures come from, and whether the spiking network is mostly silent: the
 * `#figures-run` line (which run, why that one, and "Choose run…" when the host can offer others) and the
 * `#output-silence` block (silent and tied outputs of the run's spiking evaluation, with the plain warning
 * `#silent-warning` and what to try). Text only, so a report from a notebook output cannot inject markup.
 */
import type { ModelReport } from '../../src/protocol/report';
import { formatCount, formatFraction } from '../../src/protocol/format';
import { h } from '../common/dom';

/** `#figures-run`, or undefined when no run supplies the figures and no run can be picked. */
export function figuresRunLine(report: ModelReport, onPickRun?: () => void): HTMLElement | undefined {
  const f = report.figuresFrom;
  const pick = onPickRun && f?.how !== 'own'
    ? h('button', { type: 'button', id: 'pick-run', class: 'link', title: 'Show the figures of another run of this model, or the estimate' }, 'Choose run…')
    : undefined;
  pick?.addEventListener('click', () => onPickRun?.());
  if (!f) return pick ? h('p', { id: 'figures-run', class: 'note' }, 'Figures of no run. ', pick) : undefined;
  const why = f.how === 'own' ? 'this model file is the run’s own'
    : f.how === 'picked' ? `picked from ${f.candidates} evaluated run${f.candidates === 1 ? '' : 's'} of this model`
      : `the newest of ${f.candidates} evaluated run${f.candidates === 1 ? '' : 's'} of this model`;
  return h('p', { id: 'figures-run', class: 'note' }, 'Figures of run ', h('strong', { 'data-run': f.runId }, f.runId), ` (${why}). `, ...(pick ? [pick] : []));
}

/** `#output-silence`: silent and tied outputs of the run's spiking evaluation, and the warning when mostly silent. */
export function outputSilence(report: ModelReport): HTMLElement | undefined {
  const o = report.outputs;
  if (!o || !(o.samples > 0)) return undefined;
  return h('section', { id: 'output-silence', class: 'table-section' },
    ...(o.warning ? [h('p', { id: 'silent-warning', class: 'warn', role: 'alert' }, h('strong', {}, 'Warning: '), o.warning)] : []),
    h('p', { class: 'note' },
      'Spiking output on ', formatCount(o.samples), ' held-out samples: ',
      h('strong', { 'data-col': 'silent' }, formatCount(o.silent)), ` silent (${formatFraction(o.silent / o.samples)}), `,
      h('strong', { 'data-col': 'ties' }, formatCount(o.ties)), ` tied (${formatFraction(o.ties / o.samples)}, the silent included); both count as wrong.`));
}
