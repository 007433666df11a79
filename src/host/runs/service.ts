/**
 * The run service: the workspace's runs as the worker lists them (`ListRuns`), a run from whatever a command
 * was given (tree item, run row, id, folder or file in it; else the one run picker), and a run's report as
 * the worker builds it (`RunReport`). Every command, view and hover that needs runs asks here.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { ListRuns, RunReport, Tradeoff } from '../../protocol/messages';
import type { ModelReport } from '../../protocol/report';
import { matchRun, type RunRow } from '../../protocol/runs';
import type { Ctx } from '../ctx';
import { showWorkerError } from '../workerProcess/errors';
import { pickRun } from './picker';

export function workspaceFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

/**
 * The runs of the first workspace folder, newest last (as the worker lists them), or only those of one model
 * (`of`: the worker's rule); none without a folder.
 */
export async function listRuns(ctx: Ctx, of?: ListRuns.Params['of']): Promise<RunRow[]> {
  const folder = workspaceFolder();
  if (!folder || folder.uri.scheme !== 'file') return [];
  return ctx.worker.request(ListRuns.type, { workspace: folder.uri.fsPath, ...(of ? { of } : {}) });
}

export function runModelUri(run: RunRow): vscode.Uri {
  return vscode.Uri.joinPath(vscode.Uri.file(run.dir), 'model.snn.json');
}

/** The energy report of a run's model file with the run's figures and id, as the worker builds it. */
export function runReport(ctx: Ctx, run: RunRow, signal?: AbortSignal): Promise<ModelReport> {
  return ctx.worker.request(RunReport.type, { runDir: run.dir, options: ctx.config.reportOptions(ctx.models.profileOverride) }, { signal });
}

/** The files a run simulates a recording with: its model file and its trained weights. */
export function runSimFiles(runDir: string): { modelPath: string; weightsPath: string } {
  return { modelPath: path.join(runDir, 'model.snn.json'), weightsPath: path.join(runDir, 'model', 'model.json') };
}

/** The trade-off of `source` (a workspace folder, or a reproduction's `report.json`), as the worker computes it. */
export function tradeoffOf(ctx: Ctx, source: vscode.Uri): Promise<Tradeoff.Result> {
  const folder = vscode.workspace.getWorkspaceFolder(source);
  return ctx.worker.request(Tradeoff.type, { source: source.fsPath, ...(folder && folder.uri.fsPath === source.fsPath ? { name: folder.name } : {}) });
}

/** A run row given as a command argument: a Runs view item carries its row as `run`. */
function rowOf(arg: unknown): RunRow | undefined {
  const row = arg && typeof arg === 'object' && 'run' in arg ? (arg as { run: unknown }).run : arg;
  return row && typeof row === 'object' && 'dir' in row && 'id' in row ? (row as RunRow) : undefined;
}

/**
 * A run from a command argument (tree item, run row, run id, run folder or a file in it, as a path or URI),
 * or picked by the user among the runs `offer` accepts. Undefined (after saying why) when there is none.
 */
export async function resolveRun(ctx: Ctx, arg: unknown, title: string, offer: (run: RunRow) => boolean = () => true): Promise<RunRow | undefined> {
  const given = rowOf(arg);
  if (given) return given;
  let runs: RunRow[];
  try {
    runs = await listRuns(ctx);
  } catch (e) {
    await showWorkerError(e, title, ctx.log);
    return undefined;
  }
  const key = arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : undefined;
  if (key) {
    const found = matchRun(runs, key);
    if (!found) void vscode.window.showWarningMessage(`${title}: no run ${key} in this workspace.`);
    return found;
  }
  const picked = await pickRun(runs.filter((r) => !r.problem && offer(r)), { title });
  return picked && 'run' in picked ? picked.run : undefined;
}
