/**
 * The "Runs" view of the SynOps activity-bar container: one item per run folder of the workspace
 * (`.synops/runs/<id>/`), as the run service lists them, newest first. Items carry the strategy, target,
 * accuracy and SynOps; the tooltip adds the backend, epochs and the quantized ANN's figures, and (when
 * hovered) the energy per sample from the run's report. Glue: the words come from `protocol/runText.ts`,
 * the figures from the worker.
 */
import * as vscode from 'vscode';
import type { RunRow } from '../../protocol/runs';
import { describeRun, energyLine, escapeMd, runDetailLines } from '../../protocol/runText';
import type { Ctx } from '../ctx';
import { listRuns, runReport, workspaceFolder } from './service';

export const RUNS_VIEW_ID = 'synops.runs';
/** Run folders' files whose change means the list changed. */
const RUN_FILES_GLOB = '**/.synops/runs/*/{run.json,evaluation.json}';

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

function runTooltip(run: RunRow, extra?: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**Run ${escapeMd(run.id)}**${run.modelName ? ` — ${escapeMd(run.modelName)}` : ''}\n\n`);
  const lines = [...runDetailLines(run, (iso) => new Date(iso).toLocaleString()), ...(extra && !run.problem ? [extra] : [])];
  md.appendMarkdown(lines.map(escapeMd).join('  \n'));
  return md;
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
      item.tooltip = runTooltip(element.run, energyLine(await runReport(this.ctx, element.run, abort.signal)));
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
