import * as vscode from 'vscode';
import { formatCount, formatEnergy } from '../../protocol/format';
import { energyRatioWords, neuronUpdateNote } from '../../protocol/energyWords';
import type { LayerRow, ModelReport, NeuromorphicProfile } from '../../protocol/report';
import type { ModelService } from './service';

/** Words for where the SynOps figures come from, for every lens tooltip. */
function basisText(report: ModelReport): string {
  const b = report.basis;
  return b.kind === 'measured'
    ? `SynOps measured: ${b.source} (${b.samples} samples).`
    : `${b.assumption}${b.staleResult ? ` ${b.staleResult}` : ''}`;
}

function synopsText(report: ModelReport, synops: number, energy: number | undefined): string {
  const approx = report.basis.kind === 'measured' ? '' : '~';
  const e = energy === undefined ? '' : ` · ${approx}${formatEnergy(energy)}`;
  return `${approx}${formatCount(synops)} SynOps${report.basis.kind === 'measured' ? ' (measured)' : ' (est.)'}${e}`;
}

/**
 * The text of the lens above one layer: SynOps and energy per sample first (a long lens is cut at the
 * editor's edge), then output shape, parameters and MACs.
 */
export function layerLensTitle(report: ModelReport, row: LayerRow, stale = false): string {
  const parts = [stale ? `${row.name} (stale)` : row.name];
  const weight = row.type === 'conv2d' || row.type === 'linear';
  if (weight && row.synops !== undefined) parts.push(synopsText(report, row.synops, row.energyJ?.[report.profileId]));
  parts.push(`out ${row.outShape.join('×')}`);
  if (weight) parts.push(`${formatCount(row.params)} params`, `${formatCount(row.macs)} MACs`);
  else if (row.type === 'relu' || row.type === 'qrelu') parts.push('spiking (IAF)');
  return parts.join(' · ');
}

/** `run synops-qrelu-03 (newest of 3)`, or `estimate: no evaluated run` — the lens that opens the run picker. */
export function runLensTitle(report: ModelReport): string {
  const f = report.figuresFrom;
  if (!f) return report.basis.kind === 'measured' ? 'measured by simulation · choose run…' : 'estimate · choose run…';
  if (f.how === 'own') return `run ${f.runId}`;
  return `run ${f.runId} (${f.how === 'picked' ? 'picked' : 'newest'}${f.candidates > 1 ? ` of ${f.candidates}` : ''}) · choose…`;
}

/** The totals: SynOps and energy first, then the ANN's energy, parameters, MACs and the profiles. */
export function totalLensTitle(report: ModelReport, stale = false): string {
  const t = report.totals;
  const snn = report.profiles.find((p) => p.id === report.profileId);
  const ann = report.profiles.find((p) => p.id === report.annProfileId);
  return `Total${stale ? ' (stale)' : ''}: ${synopsText(report, t.synops, t.energyJ[report.profileId])} · ANN ${formatEnergy(t.annEnergyJ[report.annProfileId])} · ${formatCount(t.params)} params · ${formatCount(t.macs)} MACs · per sample on ${snn?.name ?? report.profileId} vs ANN on ${ann?.name ?? report.annProfileId}`;
}

/** The Total lens's tooltip: the profiles' sources, the ratio in words, and what the energy leaves out. */
function totalTooltip(report: ModelReport): string {
  const snn = report.profiles.find((p): p is NeuromorphicProfile => p.id === report.profileId && p.kind === 'snn');
  const ann = report.profiles.find((p) => p.id === report.annProfileId);
  const t = report.totals;
  return [`Energy: ${snn?.name} — ${snn?.source}`,
    energyRatioWords(t.energyJ[report.profileId], t.annEnergyJ[report.annProfileId], snn?.name ?? report.profileId, ann?.name ?? report.annProfileId),
    neuronUpdateNote(snn)].filter(Boolean).join('\n');
}

/** Puts each layer's numbers above it and the totals above the file. */
export class ModelCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly models: ModelService) {
    models.onDidChange(() => this.changed.fire());
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const result = await this.models.analysis(doc).catch(() => undefined);
    if (token.isCancellationRequested) return [];
    // While the text is not a valid model (a typo being fixed), the last valid text's figures stay, marked stale.
    const stale = !result?.report;
    const report = result?.report ?? this.models.lastGoodReport(doc.uri);
    if (!report) return [];
    const tooltip = stale ? `Stale: the figures of the last valid text; the file has an error now (see the Problems panel). ${basisText(report)}` : basisText(report);
    const lastLine = Math.max(0, doc.lineCount - 1);
    const lens = (line: number, title: string): vscode.CodeLens =>
      new vscode.CodeLens(new vscode.Range(Math.min(line, lastLine), 0, Math.min(line, lastLine), 0), { title, tooltip, command: 'synops.showEnergyReport', arguments: [doc.uri] });
    const lenses = [lens(0, totalLensTitle(report, stale))];
    lenses[0].command!.tooltip = `${tooltip}\n${totalTooltip(report)}`;
    // Which run the figures come from, and a way to pick another (or the estimate).
    // A run's own model file shows that run; any other model file can pick which run it follows.
    lenses.push(new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), report.figuresFrom?.how === 'own'
      ? { title: runLensTitle(report), tooltip: 'Show this run\'s training', command: 'synops.showTrainingMonitor', arguments: [vscode.Uri.joinPath(doc.uri, '..').fsPath] }
      : { title: runLensTitle(report), tooltip: 'Choose the run whose measured figures this file shows', command: 'synops.pickModelRun', arguments: [doc.uri] }));
    for (const row of report.layers) {
      if (row.range) lenses.push(lens(row.range.start.line, layerLensTitle(report, row, stale)));
    }
    return lenses;
  }
}
