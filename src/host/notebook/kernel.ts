/** The "SynOps" notebook controller: runs a cell's command lines in order; a failure is the cell's error output. */
import * as vscode from 'vscode';
import { CELL_COMMANDS_HELP, parseCell } from '../../notebook/cells';
import type { OutputItem } from '../../notebook/outputs';
import type { Ctx } from '../ctx';
import { runCellCommand } from './cellRunner';

/** A pure output item as VS Code's: JSON under its MIME type, or text. */
export function toOutputItem(item: OutputItem): vscode.NotebookCellOutputItem {
  return 'text' in item ? vscode.NotebookCellOutputItem.text(item.text, item.mime) : vscode.NotebookCellOutputItem.json(item.json, item.mime);
}

/** One controller per notebook type; both run the same cell commands. */
export class SynopsController implements vscode.Disposable {
  readonly controller: vscode.NotebookController;
  private order = 0;

  constructor(private readonly ctx: Ctx, id: string, notebookType: string) {
    this.controller = vscode.notebooks.createNotebookController(id, notebookType, 'SynOps', (cells, notebook) => this.execute(cells, notebook));
    this.controller.description = 'report, tradeoff and raster cells drawn by SynOps Studio';
    this.controller.detail = `One command per line: ${CELL_COMMANDS_HELP}`;
    this.controller.supportsExecutionOrder = true;
  }

  private async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    for (const cell of cells) {
      if (cell.kind !== vscode.NotebookCellKind.Code) continue;
      const exec = this.controller.createNotebookCellExecution(cell);
      exec.executionOrder = ++this.order;
      exec.start(Date.now());
      const abort = new AbortController();
      exec.token.onCancellationRequested(() => abort.abort());
      try {
        const outputs: vscode.NotebookCellOutput[] = [];
        for (const command of parseCell(cell.document.getText())) {
          if (abort.signal.aborted) break;
          outputs.push(new vscode.NotebookCellOutput((await runCellCommand(this.ctx, command, notebook, abort.signal)).map(toOutputItem)));
        }
        await exec.replaceOutput(outputs);
        exec.end(!abort.signal.aborted, Date.now());
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        await exec.replaceOutput([new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: 'SynOps', message: err.message })])]);
        exec.end(false, Date.now());
      }
    }
  }

  dispose(): void {
    this.controller.dispose();
  }
}
