/**
 * What a cell command outputs: the SynOps MIME item the notebook renderer draws, and a plain-text fallback
 * for editors without the renderer (GitHub, Jupyter). Plain data: the host turns each item into a
 * `NotebookCellOutputItem`, the `.ipynb` export into a `display_data` output.
 */
import { formatCount, formatEnergy } from '../protocol/format';
import type { ModelReport } from '../protocol/report';
import { percent } from '../protocol/runText';
import { strategyLabel } from '../protocol/strategy';
import { MIME_RASTER, MIME_REPORT, MIME_TRADEOFF, type RasterPayload, type TradeoffPayload } from '../protocol/views';

/** One item of an output: a JSON value under its MIME type, or text (`text/plain`). */
export type OutputItem = { mime: string; json: unknown } | { mime: 'text/plain'; text: string };

/** A few lines that stand in for the report where the renderer is not installed. */
export function reportText(report: ModelReport): string {
  const measured = report.basis.kind === 'measured';
  const lines = [
    `SynOps report: ${report.modelName}${report.runId ? ` (run ${report.runId})` : ''}`,
    `${formatCount(report.totals.synops)} SynOps per sample (${measured ? 'measured' : 'estimated'}), ${formatCount(report.totals.params)} parameters, ${formatCount(report.totals.macs)} MACs`,
    `energy per sample: ${formatEnergy(report.totals.energyJ[report.profileId]) || '—'} on ${report.profileId}; ANN ${formatEnergy(report.totals.annEnergyJ[report.annProfileId]) || '—'} on ${report.annProfileId}`,
  ];
  if (report.accuracy) lines.push(`accuracy: SNN ${percent(report.accuracy.snn)}, quantized ANN ${percent(report.accuracy.ann)}`);
  for (const l of report.layers) if (l.synops !== undefined) lines.push(`  ${l.name}: ${formatCount(l.synops)} SynOps${l.synopsAnn !== undefined ? ` (ANN proxy ${formatCount(l.synopsAnn)})` : ''}`);
  return lines.join('\n');
}

export function tradeoffText(payload: TradeoffPayload): string {
  if (!payload.points.length) return `${payload.title}: no evaluated runs.`;
  return [payload.title, ...payload.points.map((p) => `  ${p.runId}${p.rho !== undefined ? ` ρ=${p.rho}` : ''} ${strategyLabel(p.strategy)}: ${percent(p.accuracy)} at ${formatCount(p.synops)} SynOps`)].join('\n');
}

export function rasterText(payload: RasterPayload): string {
  return [`${payload.title}: ${payload.input.total} input events, ${payload.steps} steps of ${payload.dtMs} ms`,
    ...payload.layers.map((l) => `  ${l.name}: ${formatCount(l.total)} spikes`),
    ...(payload.output ? [`  predicted class ${payload.output.predicted}`] : [])].join('\n');
}

export function reportOutput(report: ModelReport): OutputItem[] {
  return [{ mime: MIME_REPORT, json: report }, { mime: 'text/plain', text: reportText(report) }];
}

export function tradeoffOutput(payload: TradeoffPayload): OutputItem[] {
  return [{ mime: MIME_TRADEOFF, json: payload }, { mime: 'text/plain', text: tradeoffText(payload) }];
}

export function rasterOutput(payload: RasterPayload): OutputItem[] {
  return [{ mime: MIME_RASTER, json: payload }, { mime: 'text/plain', text: rasterText(payload) }];
}
