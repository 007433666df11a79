import { readFileSync, existsSync } from 'node:fs';
import { analyzeModelText, type ModelReport } from '../core/report';
import { parseSimulationResult, resultPathFor } from '../core/synops/result';
import { formatCount, formatEnergy } from '../protocol/format';
import { table } from './table';

/** Renders a model report as the `synops summary` table. */
export function renderSummary(report: ModelReport): string {
  const snn = report.profiles.find((p) => p.id === report.profileId);
  const ann = report.profiles.find((p) => p.id === report.annProfileId);
  const rows = report.layers.map((l) => [
    l.name, l.type, l.outShape.join('×'), formatCount(l.params), l.macs ? formatCount(l.macs) : '',
    l.fanoutMax !== undefined ? `${formatCount(l.fanoutMax)} (mean ${(l.fanoutMean ?? 0).toFixed(1)})` : '',
    l.synops !== undefined ? formatCount(l.synops) : '',
    l.energyJ ? formatEnergy(l.energyJ[report.profileId]) : '',
    l.annEnergyJ ? formatEnergy(l.annEnergyJ[report.annProfileId]) : '',
  ]);
  const t = report.totals;
  rows.push(['total', '', '', formatCount(t.params), formatCount(t.macs), '', formatCount(t.synops), formatEnergy(t.energyJ[report.profileId]), formatEnergy(t.annEnergyJ[report.annProfileId])]);
  const basis = report.basis.kind === 'measured'
    ? `SynOps measured: ${report.basis.source} (${report.basis.samples} samples)`
    : `SynOps: ${report.basis.assumption}${report.basis.staleResult ? ` ${report.basis.staleResult}` : ''}`;
  return [
    `${report.modelName}  (input ${report.input.kind} ${report.input.shape.join('×')})`,
    table(['layer', 'type', 'output', 'params', 'MACs', 'fan-out', 'SynOps/sample', 'SNN energy', 'ANN energy'], rows,
      [false, false, false, true, true, true, true, true, true]),
    '',
    basis,
    `SynOps per receiving layer; by emitting layer: ${report.emitters.map((e) => `${e.name}→${e.receiver} ${formatCount(e.synops)}`).join(', ')}`,
    `NeuroBench Dense (all connections, per time step): ${formatCount(t.denseConnectionsPerStep)}`,
    `SNN energy: ${snn?.name} — ${snn?.source}`,
    `ANN energy: ${ann?.name} — ${ann?.source}`,
  ].join('\n');
}


export const SUMMARY_USAGE = `  summary <model.snn.json> [--json] [--profile <id>] [--spikes-per-neuron <n>]
      per-layer output shape, parameters, MACs, fan-out, SynOps and energy per sample`;

/** `synops summary`: exit 0 ok, 1 bad model file, 2 usage. */
export function runSummary(rest: string[]): number {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--json') flags.set('json', true);
    else if (a === '--profile' || a === '--spikes-per-neuron') {
      const v = rest[++i];
      if (v === undefined) { console.error(`synops summary: ${a} needs a value`); return 2; }
      flags.set(a.slice(2), v);
    } else if (a.startsWith('--')) { console.error(`synops summary: unknown option ${a}\n${SUMMARY_USAGE}`); return 2; }
    else positional.push(a);
  }
  if (positional.length !== 1) { console.error(`synops summary: give exactly one model file\n${SUMMARY_USAGE}`); return 2; }
  const file = positional[0];
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { console.error(`synops summary: cannot read ${file}: ${(e as Error).message}`); return 1; }
  const spn = flags.get('spikes-per-neuron');
  const spikesPerNeuron = typeof spn === 'string' ? Number(spn) : undefined;
  if (spikesPerNeuron !== undefined && !(spikesPerNeuron >= 0)) { console.error('synops summary: --spikes-per-neuron must be a non-negative number'); return 2; }
  const resultFile = resultPathFor(file);
  let result;
  try { result = existsSync(resultFile) ? parseSimulationResult(readFileSync(resultFile, 'utf8'), resultFile) : undefined; } catch (e) { console.error(`warning: ${(e as Error).message}`); }
  const profile = flags.get('profile');
  const out = analyzeModelText(text, file, { spikesPerNeuron, profileId: typeof profile === 'string' ? profile : undefined, result });
  for (const d of out.diagnostics) {
    (d.severity === 'error' ? console.error : console.warn)(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]`);
  }
  if (!out.report) return 1;
  if (typeof profile === 'string' && out.report.profileId !== profile) {
    console.error(`synops summary: unknown profile "${profile}"; known: ${out.report.profiles.filter((p) => p.kind === 'snn').map((p) => p.id).join(', ')}`);
    return 2;
  }
  console.log(flags.has('json') ? JSON.stringify(out.report, null, 2) : renderSummary(out.report));
  return 0;
}

