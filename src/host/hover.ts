/**
 * Hover on a layer of a model file (`*.snn.json`): a tiny table of that layer's SynOps per sample in the
 * last (up to 5) runs of the workspace that trained a model of the same name, newest first: run id,
 * strategy, the spiking network's measured SynOps, the quantized ANN's proxy and the accuracy. The layer
 * under the cursor comes from the model's analysis (the worker's layer ranges); the runs from `ListRuns`;
 * each run's per-layer figures from its report (`AnalyzeModel` on `<run>/model.snn.json`), cached until
 * the run changes.
 */
import * as vscode from 'vscode';
import { formatCount } from '../protocol/format';
import type { LayerRow, ModelReport } from '../protocol/report';
import type { RunRow } from '../protocol/runs';
import type { Ctx } from './ctx';
import { MODEL_GLOB } from './model/service';
import { escapeMd, percent } from '../protocol/runText';
import { strategyLabel } from '../protocol/strategy';
import { listRuns, runReport } from './runs/service';

export const HOVER_RUNS = 5;

/** What identifies one state of a run: a report cached under another key is stale. */
function runKey(run: RunRow): string {
  return [run.dir, run.state, run.epochsDone, run.snnSynops, run.annSynops, run.snnSamples].join('|');
}

export class LayerHoverProvider implements vscode.HoverProvider {
  private readonly reports = new Map<string, { key: string; report: Promise<ModelReport> }>();

  constructor(private readonly ctx: Ctx) {}

  private report(run: RunRow): Promise<ModelReport> {
    const key = runKey(run);
    const cached = this.reports.get(run.dir);
    if (cached?.key === key) return cached.report;
    const report = runReport(this.ctx, run);
    this.reports.set(run.dir, { key, report });
    report.catch(() => { if (this.reports.get(run.dir)?.report === report) this.reports.delete(run.dir); });
    return report;
  }

  async provideHover(doc: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const analysis = await this.ctx.models.analysis(doc);
    const model = analysis.report;
    if (!model || token.isCancellationRequested) return undefined;
    const layer = model.layers.find((l) => l.range && toRange(l.range).contains(position));
    if (!layer || layer.synops === undefined) return undefined; // only weight layers receive SynOps
    const runs = (await listRuns(this.ctx, { modelName: model.modelName })).slice(-HOVER_RUNS).reverse();
    if (!runs.length || token.isCancellationRequested) return undefined; // the lens already gives the model's own figures
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: ['synops.runs.openReport'] };
    const rows = await Promise.all(runs.map(async (run) => ({ run, row: await this.report(run).then((r) => layerOf(r, layer.name), () => undefined) })));
    md.appendMarkdown(`**${escapeMd(layer.name)}**: SynOps per sample in the last ${runs.length === 1 ? 'run' : `${runs.length} runs`} of *${escapeMd(model.modelName)}*\n\n`);
    md.appendMarkdown('| run | strategy | SNN SynOps | ANN proxy | SNN acc. |\n|---|---|--:|--:|--:|\n');
    for (const { run, row } of rows) {
      const open = `command:synops.runs.openReport?${encodeURIComponent(JSON.stringify([run.id]))}`;
      const snn = row?.synops === undefined ? '—' : `${row.measured ? '' : '~'}${formatCount(row.synops)}`;
      md.appendMarkdown(`| [${escapeMd(run.id)}](${open} "Open the run's energy report") | ${escapeMd(strategyLabel(run.strategy) || '—')} | ${snn} | ${row?.synopsAnn === undefined ? '—' : formatCount(row.synopsAnn)} | ${percent(run.snnAccuracy)} |\n`);
    }
    if (rows.some(({ row }) => row && !row.measured)) md.appendMarkdown('\n~ estimated: the run has no simulation result.\n');
    return new vscode.Hover(md, toRange(layer.range!));
  }
}

function layerOf(report: ModelReport, name: string): (Pick<LayerRow, 'synops' | 'synopsAnn'> & { measured: boolean }) | undefined {
  const l = report.layers.find((x) => x.name === name);
  return l && { synops: l.synops, synopsAnn: l.synopsAnn, measured: report.basis.kind === 'measured' };
}

function toRange(r: NonNullable<LayerRow['range']>): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** Registers the hover on model files (call once on activation). */
export function registerLayerHover(ctx: Ctx): vscode.Disposable {
  return vscode.languages.registerHoverProvider({ pattern: MODEL_GLOB }, new LayerHoverProvider(ctx));
}
