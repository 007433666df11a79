import { readFileSync, existsSync } from 'node:fs';
import { diagnosticLine } from '../io/model/read';
import { nirDiagnosticLine, readModelOrNir } from '../io/nir/load';
import { buildReport, type ModelReport } from '../core/report';
import { checkChip, CHIP_IDS, isChipId, type ChipCheck } from '../core/chips/chip';
import { chipOf } from '../core/chips/diagnostics';
import type { ModelFile } from '../core/model/types';
import { parseSimulationResult, resultPathFor } from '../core/synops/result';
import { formatCount, formatEnergy } from '../protocol/format';
import { usageError } from './args';
import { withFaults } from './errors';
import { table } from './table';
import { renderNeuroBench } from './neurobench';

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
    ...(report.neurobench ? ['', renderNeuroBench(report.neurobench)] : []),
  ].join('\n');
}


/** The chip-fit verdict under the summary table: what the network takes of the chip, or each broken limit on its layer. */
export function renderChipFit(model: ModelFile, fit: ChipCheck): string {
  const name = (i: number): string => (i < 0 ? 'input' : `layer "${model.layers[i].name}"`);
  const placed = fit.layers.some((l) => l.core !== undefined) ? ` (${fit.layers.map((l) => `${l.name}→core ${l.core}`).join(', ')})` : '';
  const head = fit.fits
    ? `${fit.name}: fits, ${fit.uses}${placed}`
    : `${fit.name}: does not fit, ${fit.diagnostics.length} limit(s) broken (the network takes ${fit.uses}):`;
  return [head, ...fit.diagnostics.map((d) => `  ${name(d.layer)}: ${d.message.replace(`${fit.name}: `, '')} [${d.code}]`), `  (${fit.notes.join('; ')})`, `  limits: ${fit.sources}`].join('\n');
}

export const SUMMARY_USAGE = `  summary <model.snn.json | graph.nir> [--json] [--profile <id>] [--spikes-per-neuron <n>] [--chip speck|xylo|loihi2]
      per-layer output shape, parameters, MACs, fan-out, SynOps and energy per sample, and whether the
      network fits a chip (each broken limit on its layer): the model's "energy.chip", else Speck / DYNAP-CNN;
      with a saved simulation (simulate --save), NeuroBench's metrics of it`;

/** `synops summary`: exit 0 ok, 1 bad model file, 2 usage. */
export function runSummary(rest: string[]): Promise<number> {
  return withFaults('summary', () => summary(rest));
}

async function summary(rest: string[]): Promise<number> {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--json') flags.set('json', true);
    else if (a === '--profile' || a === '--spikes-per-neuron' || a === '--chip') {
      const v = rest[++i];
      if (v === undefined) return usageError('summary', `${a} needs a value`);
      flags.set(a.slice(2), v);
    } else if (a.startsWith('--')) return usageError('summary', `unknown option ${a}`);
    else positional.push(a);
  }
  if (positional.length !== 1) return usageError('summary', 'give exactly one model file');
  const file = positional[0];
  const spn = flags.get('spikes-per-neuron');
  const spikesPerNeuron = typeof spn === 'string' ? Number(spn) : undefined;
  if (spikesPerNeuron !== undefined && !(Number.isFinite(spikesPerNeuron) && spikesPerNeuron >= 0)) return usageError('summary', `--spikes-per-neuron must be a non-negative number, got ${String(spn)}`);
  // File system errors (missing, unreadable) are worded by main.
  const { parsed, nir } = await readModelOrNir(file);
  for (const n of nir?.notes ?? []) console.error(`note: ${n}`);
  const resultFile = resultPathFor(file);
  let result;
  try { result = existsSync(resultFile) ? parseSimulationResult(readFileSync(resultFile, 'utf8'), resultFile) : undefined; } catch (e) { console.error(`warning: ${(e as Error).message}`); }
  const profile = flags.get('profile');
  for (const d of parsed.diagnostics) (d.severity === 'error' ? console.error : console.warn)(nir ? nirDiagnosticLine(file, parsed, d) : diagnosticLine(file, d));
  if (!parsed.model || parsed.diagnostics.some((d) => d.severity === 'error')) return 1;
  const report = buildReport(parsed, { spikesPerNeuron, profileId: typeof profile === 'string' ? profile : undefined, result });
  if (typeof profile === 'string' && report.profileId !== profile) {
    return usageError('summary', `unknown profile "${profile}"; known: ${report.profiles.filter((p) => p.kind === 'snn').map((p) => p.id).join(', ')}`);
  }
  const chipFlag = flags.get('chip');
  if (chipFlag !== undefined && !isChipId(chipFlag)) return usageError('summary', `unknown chip "${String(chipFlag)}"; known: ${CHIP_IDS.join(', ')}`);
  const chip = checkChip(parsed.model, parsed.stats!, isChipId(chipFlag) ? chipFlag : chipOf(parsed));
  console.log(flags.has('json') ? JSON.stringify({ ...report, chipFit: { chip: chip.id, fits: chip.fits, uses: chip.uses, layers: chip.layers, diagnostics: chip.diagnostics } }, null, 2) : `${renderSummary(report)}\n${renderChipFit(parsed.model, chip)}`);
  return 0;
}

