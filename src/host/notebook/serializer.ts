/** `.synops-nb` files ⇄ VS Code's notebook data; the format itself is `src/notebook/synopsNb.ts`. */
import * as vscode from 'vscode';
import { parseSynopsNotebook, serializeSynopsNotebook, type NbCell } from '../../notebook/synopsNb';

export class SynopsNotebookSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    const cells = parseSynopsNotebook(new TextDecoder().decode(content)).map((c) => {
      const cell = new vscode.NotebookCellData(c.kind === 'markdown' ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code, c.source, c.language);
      cell.outputs = c.outputs.map((o) => new vscode.NotebookCellOutput(o.items.map((i) => vscode.NotebookCellOutputItem.text(i.data, i.mime))));
      return cell;
    });
    return new vscode.NotebookData(cells);
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    const decoder = new TextDecoder();
    const cells: NbCell[] = data.cells.map((c) => ({
      kind: c.kind === vscode.NotebookCellKind.Markup ? 'markdown' : 'code',
      language: c.languageId,
      source: c.value,
      outputs: (c.outputs ?? []).map((o) => ({ items: o.items.map((i) => ({ mime: i.mime, data: decoder.decode(i.data) })) })),
    }));
    return new TextEncoder().encode(serializeSynopsNotebook(cells));
  }
}
