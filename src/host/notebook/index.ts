/**
 * Notebooks: the "SynOps" kernel for Jupyter notebooks and for the extension's own small notebook type
 * (`*.synops-nb`), and "SynOps: Export Run as Notebook". Glue only: the cell commands are parsed and their
 * outputs built by `src/notebook/` (no `vscode` there, unit-tested); the figures come from the worker.
 *
 *   serializer.ts  `.synops-nb` bytes ⇄ NotebookData
 *   kernel.ts      the notebook controllers: run a cell's commands, show outputs or the error
 *   cellRunner.ts  one command: find its files, ask the worker
 *   export.ts      a run as `<run>/report.ipynb`
 */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { exportRunNotebook } from './export';
import { SynopsController } from './kernel';
import { SynopsNotebookSerializer } from './serializer';

export const NOTEBOOK_TYPE = 'synops-notebook';
export const JUPYTER_NOTEBOOK_TYPE = 'jupyter-notebook';
export const CONTROLLER_ID = 'synops-studio.kernel';

/** Registers the `.synops-nb` serializer and the controllers (call once on activation). */
export function registerNotebooks(ctx: Ctx): vscode.Disposable {
  const own = new SynopsController(ctx, CONTROLLER_ID, NOTEBOOK_TYPE);
  const jupyter = new SynopsController(ctx, `${CONTROLLER_ID}-jupyter`, JUPYTER_NOTEBOOK_TYPE);
  // The only kernel of its own notebook type: preferred there, so running a cell needs no kernel pick.
  const prefer = (nb: vscode.NotebookDocument) => { if (nb.notebookType === NOTEBOOK_TYPE) own.controller.updateNotebookAffinity(nb, vscode.NotebookControllerAffinity.Preferred); };
  vscode.workspace.notebookDocuments.forEach(prefer);
  return vscode.Disposable.from(
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new SynopsNotebookSerializer()),
    own, jupyter,
    vscode.workspace.onDidOpenNotebookDocument(prefer),
  );
}

/** Commands of the notebook folder, as factories of the extension context (see COMMANDS in commands.ts). */
export const NOTEBOOK_COMMANDS: Record<string, (ctx: Ctx) => (...args: unknown[]) => unknown> = {
  'synops.exportRunNotebook': (ctx) => (arg?: unknown, options?: unknown) => exportRunNotebook(ctx, arg, (options ?? {}) as { open?: boolean }),
};
