/**
 * A run in words: the short description the Runs view, the run picker and exported notebooks show, the
 * tooltip's lines, and the energy line of its report. Formatting only (the figures come from the worker's
 * `RunRow` and `ModelReport`), shared by the host and the notebook cell logic; pure, so it is unit-tested.
 */
import { formatCount, formatCountShort, formatEnergy, formatFraction } from './format';
import type { ModelReport } from './report';
import type { RunRow } from './runs';
import { strategyLabel } from './strategy';

/** An accuracy 0..1 as `82.8 %`; `—` when absent. */
export function percent(a: number | undefined): string {
  return formatFraction(a) || '—';
}

/**
 * What follows a run's name (its strategy and target, `RunRow.title`) in lists: its state when not
 * finished, then the spiking network's accuracy and SynOps in a few characters (`82.8 % · 2.37 M SynOps`),
 * so both stay readable at the default sidebar width; the run id and the exact figures are in the tooltip.
 */
export function describeRun(run: RunRow): string {
  if (run.problem) return run.problem;
  const parts: string[] = [];
  if (run.state === 'running') parts.push(`training, epoch ${run.epochsDone ?? 0}/${run.epochs ?? '?'}`);
  else if (run.state === 'cancelled') parts.push(run.resumable ? `cancelled at epoch ${run.epochsDone ?? 0}/${run.epochs ?? '?'}, resumable` : 'cancelled');
  else if (run.state === 'failed') parts.push(run.resumable ? 'failed, resumable' : 'failed');
  if (run.snnAccuracy !== undefined && run.snnSynops !== undefined) parts.push(percent(run.snnAccuracy), `${formatCountShort(run.snnSynops)} SynOps`);
  else if (run.annAccuracy !== undefined && run.annSynops !== undefined) parts.push(`ANN ${percent(run.annAccuracy)}`, `${formatCountShort(run.annSynops)} SynOps (proxy)`);
  else if (run.state === 'done') parts.push('not evaluated');
  return parts.join(' · ');
}

/** "SNN 91.2 % at 1,234 SynOps; quantized ANN 90.1 % at 1,200": a run's held-out figures in one sentence. */
export function runFigures(run: RunRow): string {
  return `SNN ${percent(run.snnAccuracy)} at ${formatCount(run.snnSynops ?? NaN)} SynOps; quantized ANN ${percent(run.annAccuracy)} at ${formatCount(run.annSynops ?? NaN)}`;
}

/** The tooltip of a run without its heading: state, strategy, backend, both networks' figures, ρ sweeps. */
export function runDetailLines(run: RunRow, startedAt: (iso: string) => string = (iso) => iso): string[] {
  if (run.problem) return [run.problem];
  const lines = [
    `State: ${run.state ?? 'unknown'}${run.resumable ? ' (Resume Run continues it)' : ''}${run.createdAt ? `, started ${startedAt(run.createdAt)}` : ''}${run.message ? ` — ${run.message}` : ''}`,
    `Strategy: ${strategyLabel(run.strategy) || '—'}${run.target !== undefined ? `, target S0 ${formatCount(run.target)} SynOps per sample` : ''}`,
    `Backend: ${run.backend ?? '—'} · epochs ${run.epochsDone ?? '?'}/${run.epochs ?? '?'}`,
    `Spiking network: ${run.snnAccuracy !== undefined ? `${percent(run.snnAccuracy)} accuracy, ${formatCount(run.snnSynops)} SynOps per sample over ${run.snnSamples ?? '?'} samples` : 'not simulated'}`,
    `Quantized ANN (proxy): ${run.annAccuracy !== undefined ? `${percent(run.annAccuracy)} accuracy, ${formatCount(run.annSynops)} SynOps per sample` : '—'}`,
  ];
  for (const s of run.scaled ?? []) lines.push(`ρ = ${s.rho}: ANN ${percent(s.annAccuracy)} at ${formatCount(s.annSynops)}${s.snnAccuracy !== undefined ? `, SNN ${percent(s.snnAccuracy)} at ${formatCount(s.snnSynops)}` : ''}`);
  return lines;
}

/** `Energy: 2.03 µJ per sample on Loihi (measured SynOps); the ANN 51.5 mJ on …`, from a report's totals. */
export function energyLine(report: ModelReport): string {
  const snn = report.profiles.find((p) => p.id === report.profileId);
  const ann = report.profiles.find((p) => p.id === report.annProfileId);
  const e = formatEnergy(report.totals.energyJ[report.profileId]);
  const a = formatEnergy(report.totals.annEnergyJ[report.annProfileId]);
  const basis = report.basis.kind === 'measured' ? 'measured SynOps' : 'estimated SynOps';
  return `Energy: ${e || '—'} per sample on ${snn?.name ?? report.profileId} (${basis})${a ? `; the ANN ${a} on ${ann?.name ?? report.annProfileId}` : ''}`;
}

/** Markdown with `s` shown literally (a run id or model name in a hover or tooltip). */
export function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]<>|#]/g, (c) => `\\${c}`);
}
