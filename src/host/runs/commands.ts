/**
 * Commands of the Runs view (context menu, palette, scripts): open a run's report, simulate a chunk with its
 * network, compare it with another run, delete it. Each takes a run (item, row, id or folder) or asks with
 * the one run picker.
 */
import * as vscode from 'vscode';
import type { ModelReport } from '../../protocol/report';
import type { RunRow } from '../../protocol/runs';
import type { Ctx } from '../ctx';
import { showComparisonPanel } from '../panels/comparePanel';
import { showRaster } from '../panels/rasterView';
import { showWorkerError } from '../workerProcess/errors';
import { pickRun } from './picker';
import { listRuns, resolveRun, runModelUri, runReport, workspaceFolder } from './service';
import { runsProvider } from './view';

/** `run`'s report beside `other`'s in a report panel of its own. */
async function showComparison(ctx: Ctx, run: RunRow, other: RunRow): Promise<vscode.WebviewPanel | undefined> {
  let reports: [ModelReport, ModelReport];
  try {
    reports = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'SynOps: comparing runs' },
      () => Promise.all([runReport(ctx, run), runReport(ctx, other)]));
  } catch (e) {
    await showWorkerError(e, 'SynOps: Compare Runs', ctx.log);
    return undefined;
  }
  return showComparisonPanel(ctx.extensionUri, `SynOps: ${run.id} vs ${other.id}`, reports[0], reports[1], runModelUri(run));
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
    const title = 'SynOps: Compare Runs';
    const run = await resolveRun(ctx, arg, title);
    if (!run) return undefined;
    let other: RunRow | undefined;
    if (otherArg) other = await resolveRun(ctx, otherArg, title);
    else {
      let runs: RunRow[];
      try { runs = await listRuns(ctx); } catch (e) { await showWorkerError(e, title, ctx.log); return undefined; }
      const picked = await pickRun(runs.filter((r) => r.id !== run.id && !r.problem), { title: `SynOps: Compare ${run.id} With…`, placeHolder: 'The run to draw beside it (e.g. the baseline)' });
      other = picked && 'run' in picked ? picked.run : undefined;
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
