/** "SynOps: Export Run as Notebook": writes `<run>/report.ipynb` (built by `src/notebook/ipynb.ts`) and opens it. */
import * as vscode from 'vscode';
import { runNotebook } from '../../notebook/ipynb';
import type { Ctx } from '../ctx';
import { writeAtomically } from '../files';
import { resolveRun, runReport, tradeoffOf, workspaceFolder } from '../runs/service';
import { showWorkerError } from '../workerProcess/errors';

/** Writes the notebook of a run (argument, or picked) and opens it; returns its URI. */
export async function exportRunNotebook(ctx: Ctx, arg?: unknown, options: { open?: boolean } = {}): Promise<vscode.Uri | undefined> {
  const title = 'SynOps: Export Run as Notebook';
  const run = await resolveRun(ctx, arg, title);
  if (!run) return undefined;
  if (run.problem) { void vscode.window.showWarningMessage(`${title}: ${run.problem}`); return undefined; }
  const target = vscode.Uri.joinPath(vscode.Uri.file(run.dir), 'report.ipynb');
  try {
    const folder = workspaceFolder();
    if (!folder) throw new Error('open the folder of the run first');
    const [report, { payload: tradeoff }] = await Promise.all([runReport(ctx, run), tradeoffOf(ctx, folder.uri)]);
    const version = String((ctx.extension.extension.packageJSON as { version?: string }).version ?? '');
    const nb = runNotebook({ run, report, tradeoff, version, exportedAt: new Date().toISOString() });
    await writeAtomically(target, new TextEncoder().encode(JSON.stringify(nb, null, 1) + '\n'));
  } catch (e) {
    await showWorkerError(e, title, ctx.log);
    return undefined;
  }
  ctx.log.info(`exported run ${run.id} to ${target.fsPath}`);
  if (options.open !== false) {
    const open = (async () => {
      try {
        await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(target));
      } catch {
        // No notebook support for .ipynb in this editor: show the file itself.
        await vscode.window.showTextDocument(target);
      }
    })();
    // Opening an .ipynb waits on the editor's notebook support, which once stalled for minutes: the file is
    // written, so the command returns after at most 10 s and the notebook opens when it can.
    await Promise.race([open, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
  return target;
}
