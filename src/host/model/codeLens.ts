import * as vscode from 'vscode';
import { formatCount, formatEnergy } from '../../protocol/format';
import type { LayerRow, ModelReport } from '../../protocol/report';
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

/** The text of the lens above one layer: output shape, parameters, MACs, and SynOps and energy per sample. */
export function layerLensTitle(report: ModelReport, row: LayerRow): string {
  const parts = [row.name, `out ${row.outShape.join('×')}`];
  if (row.type === 'conv2d' || row.type === 'linear') {
    parts.push(`${formatCount(row.params)} params`, `${formatCount(row.macs)} MACs`);
    if (row.synops !== undefined) parts.push(synopsText(report, row.synops, row.energyJ?.[report.profileId]));
  } else if (row.type === 'relu' || row.type === 'qrelu') {
    parts.push('spiking (IAF)');
  }
  return parts.join(' · ');
}

/** `run synops-qrelu-03 (newest of 3)`, or `estimate: no evaluated run` — the lens that opens the run picker. */
export function runLensTitle(report: ModelReport): string {
  const f = report.figuresFrom;
  if (!f) return report.basis.kind === 'measured' ? 'measured by simulation · choose run…' : 'estimate · choose run…';
  if (f.how === 'own') return `run ${f.runId}`;
  return `run ${f.runId} (${f.how === 'picked' ? 'picked' : 'newest'}${f.candidates > 1 ? ` of ${f.candidates}` : ''}) · choose…`;
}

export function totalLensTitle(report: ModelReport): string {
  const t = report.totals;
  const snn = report.profiles.find((p) => p.id === report.profileId);
  const ann = report.profiles.find((p) => p.id === report.annProfileId);
  return `Total: ${formatCount(t.params)} params · ${formatCount(t.macs)} MACs · ${synopsText(report, t.synops, t.energyJ[report.profileId])} per sample on ${snn?.name ?? report.profileId} · ANN ${formatEnergy(t.annEnergyJ[report.annProfileId])} (${ann?.name ?? report.annProfileId})`;
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
    const report = result?.report;
    if (!report || token.isCancellationRequested) return [];
    const tooltip = basisText(report);
    const lens = (line: number, title: string): vscode.CodeLens =>
      new vscode.CodeLens(new vscode.Range(line, 0, line, 0), { title, tooltip, command: 'synops.showEnergyReport', arguments: [doc.uri] });
    const snn = report.profiles.find((p) => p.id === report.profileId);
    const lenses = [lens(0, totalLensTitle(report))];
    lenses[0].command!.tooltip = `${tooltip}\nEnergy: ${snn?.name} — ${snn?.source}`;
    // Which run the figures come from, and a way to pick another (or the estimate).
    // A run's own model file shows that run; any other model file can pick which run it follows.
    lenses.push(new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), report.figuresFrom?.how === 'own'
      ? { title: runLensTitle(report), tooltip: 'Show this run\'s training', command: 'synops.showTrainingMonitor', arguments: [vscode.Uri.joinPath(doc.uri, '..').fsPath] }
      : { title: runLensTitle(report), tooltip: 'Choose the run whose measured figures this file shows', command: 'synops.pickModelRun', arguments: [doc.uri] }));
    for (const row of report.layers) {
      if (row.range) lenses.push(lens(row.range.start.line, layerLensTitle(report, row)));
    }
    return lenses;
  }
}
