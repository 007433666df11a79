/** NeuroBench's metrics as the CLI prints them under `synops simulate`, `synops eval` and `synops summary`. */
import type { NeuroBenchReport } from '../protocol/neurobench';
import { formatCount, formatMean } from '../protocol/format';
import { table } from './table';

/** Four decimals, as NeuroBench reports its sparsities. */
const sparsity = (f: number): string => f.toFixed(4);

/** Per weight layer Effective_MACs, Effective_ACs, Dense beside our SynOps, per spiking layer the activation sparsity, then the totals and where they differ. */
export function renderNeuroBench(nb: NeuroBenchReport): string {
  const rows = nb.layers.map((l) => [
    l.name, l.from, formatMean(l.effectiveAcs), formatMean(l.effectiveMacs) + (l.effectiveMacs > 0 ? ' *' : ''), formatMean(l.dense), formatMean(l.synops),
    l.effectiveMacs > 0 ? `${formatMean(l.nonBinarySteps)} (max ${formatMean(l.maxInput)})` : '0',
    sparsity(l.connectionSparsity), formatCount(l.footprintBytes),
  ]);
  const t = nb.totals;
  rows.push(['total', '', formatMean(t.effectiveAcs), formatMean(t.effectiveMacs) + (t.effectiveMacs > 0 ? ' *' : ''), formatMean(t.dense), formatMean(t.synops), '', sparsity(t.connectionSparsity), formatCount(t.footprintBytes)]);
  const per = nb.samples === 1 ? 'one sample' : `per sample, mean of ${formatCount(nb.samples)}`;
  const lines = [
    `NeuroBench metrics (${per}, ${formatMean(nb.steps)} steps):`,
    table(['weight layer', 'from', 'Effective_ACs', 'Effective_MACs', 'Dense', 'our SynOps', 'MAC steps (max input)', 'ConnectionSparsity', 'Footprint (B)'], rows,
      [false, false, true, true, true, true, true, true, true]),
    `ActivationSparsity ${sparsity(t.activationSparsity)} (${nb.activations.map((a) => `${a.name} ${sparsity(a.sparsity)}`).join(', ')})`,
  ];
  if (t.effectiveMacs > 0) lines.push('* MACs: NeuroBench counts a step as ACs only when all of the layer\'s inputs are in {−1, 0, 1}; more than one spike per neuron and step, a pooled sum or average, or an analog input make MACs');
  lines.push(...nb.notes.filter((n) => !n.startsWith('NeuroBench counts a layer')).map((n) => `note: ${n}`));
  lines.push(`definitions: ${nb.source}`);
  return lines.join('\n');
}
