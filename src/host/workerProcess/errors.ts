import * as vscode from 'vscode';
import { WorkerErrorCode, type BadInputPlace } from '../../protocol/messages';
import { WorkerError } from './client';

/**
 * Shows a worker failure the way its code asks for: cancelled is silent; bad input offers to open what has
 * to be fixed (the file at its line, or the setting the worker named); the rest offers the log.
 */
export async function showWorkerError(e: unknown, what: string, log: vscode.LogOutputChannel): Promise<void> {
  const code = e instanceof WorkerError ? e.code : WorkerErrorCode.Internal;
  const message = e instanceof Error ? e.message : String(e);
  switch (code) {
    case WorkerErrorCode.Cancelled:
      return;
    case WorkerErrorCode.BadInput: {
      const place = (e instanceof WorkerError ? e.data : undefined) as BadInputPlace | undefined;
      const action = place?.file ? 'Open File' : place?.setting ? 'Open Setting' : undefined;
      const pick = await (action ? vscode.window.showErrorMessage(`${what}: ${message}`, action) : vscode.window.showErrorMessage(`${what}: ${message}`));
      if (pick && place?.file) await openPlace(place);
      else if (pick && place?.setting) await vscode.commands.executeCommand('workbench.action.openSettings', place.setting);
      return;
    }
    default: {
      log.error(`${what}: ${message}`);
      const pick = await vscode.window.showErrorMessage(`${what} failed: ${message}`, 'Show Log');
      if (pick) log.show();
    }
  }
}

/**
 * Opens the file of `place`, at its line and column when given. A folder, and a `.nir` graph (binary HDF5:
 * no line to show, and opening it shows its own editor again, the one reporting the error), is revealed in
 * the explorer, where it can be replaced or exported again.
 */
async function openPlace(place: BadInputPlace): Promise<void> {
  const uri = vscode.Uri.file(place.file!);
  const stat = await vscode.workspace.fs.stat(uri).then((s) => s, () => undefined);
  if (stat?.type === vscode.FileType.Directory || /\.nir$/i.test(uri.fsPath)) {
    await vscode.commands.executeCommand('revealInExplorer', uri);
    return;
  }
  const at = new vscode.Position(Math.max(0, (place.line ?? 1) - 1), Math.max(0, (place.column ?? 1) - 1));
  await vscode.commands.executeCommand('vscode.open', uri, { selection: new vscode.Range(at, at) });
}
