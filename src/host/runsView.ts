/**
 * The "Runs" view of the SynOps activity-bar container: one item per run folder of the workspace
 * (`.synops/runs/<id>/`), as the worker lists them, newest first. Items carry the strategy, target,
 * accuracy and SynOps; the tooltip adds the backend, epochs and the quantized ANN's figures, and (when
 * hovered) the energy per sample from the run's report. Actions: open the report, simulate a chunk with
 * the run's network, compare with another run, export as a notebook, delete (to the trash, confirmed).
 * Everything numeric comes from the worker (`ListRuns`, `AnalyzeModel`).
 */
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { formatCount, formatCountShort, formatEnergy } from '../protocol/format';
import { AnalyzeModel, ListRuns } from '../protocol/messages';
import type { ModelReport } from '../protocol/report';
import type { RunRow } from '../protocol/runs';
import type { HostToPanel, PanelToHost } from '../protocol/webview';
import type { Ctx } from './ctx';
import { reportPanelHtml } from './panels/reportHtml';
import { panelOptions } from './panels/webPanel';
import { showRaster } from './panels/workbench';
import { showWorkerError } from './workerProcess/errors';

export const RUNS_VIEW_ID = 'synops.runs';
/** Run folders' files whose change means the list changed. */
const RUN_FILES_GLOB = '**/.synops/runs/*/{run.json,evaluation.json}';

/** The trainer's strategy ids as people read them. */
export const STRATEGY_LABEL: Record<string, string> = {
  baseline: 'baseline', scale: 'weight scaling', synops: 'SynOp loss', 'synops-qrelu': 'SynOp loss + QReLU',
};

export function strategyLabel(run: RunRow): string {
  return run.strategy ? STRATEGY_LABEL[run.strategy] ?? run.strategy : '';
}

export function percent(a?: number): string {
  return a === undefined ? '—' : `${(100 * a).toFixed(1)} %`;
}

export function workspaceFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

/** The runs of the first workspace folder, newest last (as the worker lists them); none without a folder. */
export async function listRuns(ctx: Ctx): Promise<RunRow[]> {
  const folder = workspaceFolder();
  if (!folder || folder.uri.scheme !== 'file') return [];
  return ctx.worker.request(ListRuns.type, { workspace: folder.uri.fsPath });
}

export function runModelUri(run: RunRow): vscode.Uri {
  return vscode.Uri.file(path.join(run.dir, 'model.snn.json'));
}

/**
 * The energy report of a run's model file, as the worker builds it from the file and the run's saved
 * simulation result (`<run>/.synops/results/model.sim.json`), labelled with the run id and accuracies.
 */
export async function runReport(ctx: Ctx, run: RunRow, signal?: AbortSignal): Promise<ModelReport> {
  const uri = runModelUri(run);
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const result = await ctx.worker.request(AnalyzeModel.type, { path: uri.fsPath, text, options: ctx.config.reportOptions(ctx.models.profileOverride) }, { signal });
  if (!result.report) {
    const first = result.diagnostics.find((d) => d.severity === 'error');
    throw new Error(`the model of run ${run.id} has errors: ${first?.message ?? 'no report'}`);
  }
  const accuracy = run.snnAccuracy !== undefined || run.annAccuracy !== undefined ? { snn: run.snnAccuracy, ann: run.annAccuracy } : undefined;
  return { ...result.report, runId: run.id, ...(accuracy ? { accuracy } : {}) };
}

const STATE_ICON: Record<string, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin'),
  done: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  cancelled: new vscode.ThemeIcon('circle-slash'),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

/** One run in the view; `run` is what the context-menu commands receive. */
export class RunItem extends vscode.TreeItem {
  constructor(readonly run: RunRow) {
    super(run.title ?? run.id, vscode.TreeItemCollapsibleState.None);
    this.id = run.dir;
    this.description = describeRun(run);
    this.tooltip = runTooltip(run);
    this.iconPath = run.problem ? new vscode.ThemeIcon('warning') : STATE_ICON[run.state ?? ''] ?? new vscode.ThemeIcon('circle-outline');
    this.contextValue = run.problem ? 'synopsRun.broken' : `synopsRun.${run.state ?? 'unknown'}${run.resumable ? '.resumable' : ''}`;
    this.resourceUri = vscode.Uri.file(run.dir);
    if (!run.problem) this.command = { command: 'synops.runs.openReport', title: 'Open Report', arguments: [run] };
  }
}

/**
 * What follows a run's name (its strategy and target, `RunRow.title`) in the view: its state when not
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

function runTooltip(run: RunRow, extra?: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**Run ${run.id}**${run.modelName ? ` — ${escapeMd(run.modelName)}` : ''}\n\n`);
  if (run.problem) { md.appendText(run.problem); return md; }
  const lines = [
    `State: ${run.state ?? 'unknown'}${run.resumable ? ' (Resume Run continues it)' : ''}${run.createdAt ? `, started ${new Date(run.createdAt).toLocaleString()}` : ''}${run.message ? ` — ${run.message}` : ''}`,
    `Strategy: ${strategyLabel(run) || '—'}${run.target !== undefined ? `, target S0 ${formatCount(run.target)} SynOps per sample` : ''}`,
    `Backend: ${run.backend ?? '—'} · epochs ${run.epochsDone ?? '?'}/${run.epochs ?? '?'}`,
    `Spiking network: ${run.snnAccuracy !== undefined ? `${percent(run.snnAccuracy)} accuracy, ${formatCount(run.snnSynops)} SynOps per sample over ${run.snnSamples ?? '?'} samples` : 'not simulated'}`,
    `Quantized ANN (proxy): ${run.annAccuracy !== undefined ? `${percent(run.annAccuracy)} accuracy, ${formatCount(run.annSynops)} SynOps per sample` : '—'}`,
  ];
  for (const s of run.scaled ?? []) lines.push(`ρ = ${s.rho}: ANN ${percent(s.annAccuracy)} at ${formatCount(s.annSynops)}${s.snnAccuracy !== undefined ? `, SNN ${percent(s.snnAccuracy)} at ${formatCount(s.snnSynops)}` : ''}`);
  if (extra) lines.push(extra);
  md.appendMarkdown(lines.map(escapeMd).join('  \n'));
  return md;
}

export function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]<>|#]/g, (c) => `\\${c}`);
}

/** The tree of runs; refreshed by a file watcher on the run folders and by `synops.runs.refresh`. */
export class RunsProvider implements vscode.TreeDataProvider<RunItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];
  private timer?: NodeJS.Timeout;
  /** Set on the tree view: says why the list is empty or could not be read. */
  onMessage?: (message: string | undefined) => void;

  constructor(private readonly ctx: Ctx) {
    const watcher = vscode.workspace.createFileSystemWatcher(RUN_FILES_GLOB);
    this.subscriptions.push(watcher, watcher.onDidCreate(() => this.refreshSoon()), watcher.onDidChange(() => this.refreshSoon()),
      watcher.onDidDelete(() => this.refreshSoon()), vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()));
  }

  refresh(): void {
    clearTimeout(this.timer);
    this.changed.fire(undefined);
  }

  /** Coalesces the bursts of watcher events a training epoch makes. */
  private refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changed.fire(undefined), 300);
  }

  getTreeItem(item: RunItem): vscode.TreeItem {
    return item;
  }

  async getChildren(element?: RunItem): Promise<RunItem[]> {
    if (element) return [];
    if (!workspaceFolder()) { this.onMessage?.('Open a folder to see its training runs.'); return []; }
    try {
      const runs = await listRuns(this.ctx);
      this.onMessage?.(undefined); // an empty list shows the view's welcome text
      return runs.slice().reverse().map((r) => new RunItem(r));
    } catch (e) {
      this.ctx.log.error(`listing runs: ${(e as Error).message}`);
      this.onMessage?.(`Cannot list the runs: ${(e as Error).message}`);
      return [];
    }
  }

  /** On hover: the run's energy per sample on the selected profiles, from its report. */
  async resolveTreeItem(item: vscode.TreeItem, element: RunItem, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (element.run.problem || element.run.state === 'running') return item;
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    try {
      const report = await runReport(this.ctx, element.run, abort.signal);
      item.tooltip = runTooltip(element.run, energyLine(report));
    } catch {
      // The tooltip without the energy line is still right.
    }
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}

/** `Energy: 2.03 µJ per sample on Loihi (ANN 51.5 mJ on …)`, from a report's totals. */
export function energyLine(report: ModelReport): string {
  const snn = report.profiles.find((p) => p.id === report.profileId);
  const ann = report.profiles.find((p) => p.id === report.annProfileId);
  const e = formatEnergy(report.totals.energyJ[report.profileId]);
  const a = formatEnergy(report.totals.annEnergyJ[report.annProfileId]);
  const basis = report.basis.kind === 'measured' ? 'measured SynOps' : 'estimated SynOps';
  return `Energy: ${e || '—'} per sample on ${snn?.name ?? report.profileId} (${basis})${a ? `; the ANN ${a} on ${ann?.name ?? report.annProfileId}` : ''}`;
}

const providers = new WeakMap<Ctx, RunsProvider>();

/** The one provider of the extension context (the view and the commands share it). */
export function runsProvider(ctx: Ctx): RunsProvider {
  let p = providers.get(ctx);
  if (!p) {
    p = new RunsProvider(ctx);
    providers.set(ctx, p);
    ctx.extension.subscriptions.push(p);
  }
  return p;
}

/** Registers the tree view (call once on activation). */
export function registerRunsView(ctx: Ctx): vscode.Disposable {
  const provider = runsProvider(ctx);
  const view = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: false });
  provider.onMessage = (message) => { view.message = message; };
  return view;
}

/** A run from a command argument (tree item, run row, run id or folder path), or picked by the user. */
export async function resolveRun(ctx: Ctx, arg: unknown, title: string, offer: (run: RunRow) => boolean = () => true): Promise<RunRow | undefined> {
  if (arg instanceof RunItem) return arg.run;
  if (arg && typeof arg === 'object' && 'dir' in arg && 'id' in arg) return arg as RunRow;
  let runs: RunRow[];
  try {
    runs = await listRuns(ctx);
  } catch (e) {
    await showWorkerError(e, title, ctx.log);
    return undefined;
  }
  const key = arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : undefined;
  if (key) {
    const found = runs.find((r) => r.id === key || path.resolve(r.dir) === path.resolve(key) || path.resolve(r.dir) === path.dirname(path.resolve(key)));
    if (!found) void vscode.window.showWarningMessage(`${title}: no run ${key} in this workspace.`);
    return found;
  }
  return pickRun(runs.filter((r) => !r.problem && offer(r)), title);
}

async function pickRun(runs: RunRow[], title: string, placeHolder = 'Pick a run'): Promise<RunRow | undefined> {
  if (!runs.length) {
    void vscode.window.showInformationMessage(`${title}: there are no runs in this workspace yet; train a model with "SynOps: Train Model".`);
    return undefined;
  }
  // A webview that had focus takes it back when the palette closes; the pick must not close with it.
  const pick = await vscode.window.showQuickPick(runs.slice().reverse().map((run) => ({ label: run.title ?? run.id, description: `${describeRun(run)} · ${run.id}`, detail: run.modelName, run })), { title, placeHolder, ignoreFocusOut: true });
  return pick?.run;
}

/**
 * The energy report of `run` beside the one of `other` (layers matched by name), in a report panel of
 * its own. Data goes to the panel only after its `ready`; a click on a layer name opens that layer in
 * the run's model file.
 */
export async function showComparison(ctx: Ctx, run: RunRow, other: RunRow): Promise<vscode.WebviewPanel | undefined> {
  let reports: [ModelReport, ModelReport];
  try {
    reports = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'SynOps: comparing runs' },
      () => Promise.all([runReport(ctx, run), runReport(ctx, other)]));
  } catch (e) {
    await showWorkerError(e, 'SynOps: Compare Runs', ctx.log);
    return undefined;
  }
  const title = `SynOps: ${run.id} vs ${other.id}`;
  const panel = vscode.window.createWebviewPanel('synops.compareRuns', title, vscode.ViewColumn.Active, panelOptions(ctx.extensionUri));
  const webview = panel.webview;
  webview.html = reportPanelHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview', 'report.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(ctx.extensionUri, 'media', 'report.css')).toString(),
    title,
  });
  const message: HostToPanel = { type: 'report', report: reports[0], compare: reports[1], uri: runModelUri(run).toString() };
  const sub = webview.onDidReceiveMessage((m: PanelToHost) => {
    if (m.type === 'ready') void webview.postMessage(message);
    else if (m.type === 'revealLayer') {
      const r = m.range;
      void vscode.window.showTextDocument(runModelUri(run), { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) });
    }
  });
  panel.onDidDispose(() => sub.dispose());
  return panel;
}

async function deleteRun(ctx: Ctx, run: RunRow): Promise<boolean> {
  const uri = vscode.Uri.file(run.dir);
  const ok = await vscode.window.showWarningMessage(`Delete run ${run.id}${run.modelName ? ` (${run.modelName})` : ''}?`,
    { modal: true, detail: `Its folder ${vscode.workspace.asRelativePath(uri)} moves to the trash.` }, 'Delete');
  if (ok !== 'Delete') return false;
  try {
    await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: true });
  } catch (e) {
    // Some file systems (a remote server's) have no trash: say so and ask again before deleting for good.
    ctx.log.warn(`moving ${run.dir} to the trash: ${(e as Error).message}`);
    const again = await vscode.window.showWarningMessage(`The run ${run.id} cannot be moved to the trash here (${(e as Error).message}). Delete it permanently?`, { modal: true }, 'Delete Permanently');
    if (again !== 'Delete Permanently') return false;
    await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: false });
  }
  ctx.log.info(`deleted run ${run.dir}`);
  runsProvider(ctx).refresh();
  return true;
}

/** Commands of the Runs view, as factories of the extension context (see COMMANDS in commands.ts). */
export const RUNS_COMMANDS: Record<string, (ctx: Ctx) => (...args: unknown[]) => unknown> = {
  'synops.runs.refresh': (ctx) => () => runsProvider(ctx).refresh(),

  /** The view's items as plain objects (for scripts and tests). */
  'synops.runs.list': (ctx) => async () => (await runsProvider(ctx).getChildren()).map((item) => ({
    id: item.run.id, dir: item.run.dir, label: String(item.label), description: String(item.description ?? ''), state: item.run.state, contextValue: item.contextValue,
  })),

  'synops.runs.openReport': (ctx) => async (arg?: unknown) => {
    const run = await resolveRun(ctx, arg, 'SynOps: Open Run Report');
    if (!run) return undefined;
    return vscode.commands.executeCommand('synops.showEnergyReport', runModelUri(run));
  },

  'synops.runs.simulate': (ctx) => async (arg?: unknown, fileArg?: unknown) => {
    const run = await resolveRun(ctx, arg, 'SynOps: Simulate with Run');
    if (!run) return undefined;
    let file = fileArg instanceof vscode.Uri ? fileArg.fsPath : typeof fileArg === 'string' ? fileArg : undefined;
    if (!file) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false, openLabel: `Simulate with ${run.id}`, title: `Event file to simulate with the network of run ${run.id}`,
        defaultUri: workspaceFolder()?.uri, filters: { 'Event files': ['aedat', 'aedat4', 'bin', 'dat', 'raw'] },
      });
      file = picked?.[0]?.fsPath;
    }
    if (!file) return undefined;
    await showRaster(ctx, file, run.dir);
    return file;
  },

  'synops.runs.compare': (ctx) => async (arg?: unknown, otherArg?: unknown) => {
    const run = await resolveRun(ctx, arg, 'SynOps: Compare Runs');
    if (!run) return undefined;
    let other: RunRow | undefined;
    if (otherArg) other = await resolveRun(ctx, otherArg, 'SynOps: Compare Runs');
    else {
      let runs: RunRow[];
      try { runs = await listRuns(ctx); } catch (e) { await showWorkerError(e, 'SynOps: Compare Runs', ctx.log); return undefined; }
      other = await pickRun(runs.filter((r) => r.id !== run.id && !r.problem), `SynOps: Compare ${run.id} With…`, 'The run to draw beside it (e.g. the baseline)');
    }
    if (!other) return undefined;
    const panel = await showComparison(ctx, run, other);
    return panel ? { runId: run.id, compareId: other.id } : undefined;
  },

  'synops.runs.delete': (ctx) => async (arg?: unknown) => {
    const run = await resolveRun(ctx, arg, 'SynOps: Delete Run');
    if (!run) return false;
    try {
      return await deleteRun(ctx, run);
    } catch (e) {
      void vscode.window.showErrorMessage(`SynOps: could not delete run ${run.id}: ${(e as Error).message}`);
      return false;
    }
  },
};
