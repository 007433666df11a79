import * as vscode from 'vscode';
import { WorkerErrorCode } from '../../protocol/messages';
import { WorkerError } from './client';

/** Shows a worker failure the way its code asks for: cancelled is silent, bad input names the fix, the rest offers the log. */
export async function showWorkerError(e: unknown, what: string, log: vscode.LogOutputChannel): Promise<void> {
  const code = e instanceof WorkerError ? e.code : WorkerErrorCode.Internal;
  const message = e instanceof Error ? e.message : String(e);
  switch (code) {
    case WorkerErrorCode.Cancelled:
      return;
    case WorkerErrorCode.BadInput: {
      const pick = await vscode.window.showErrorMessage(`${what}: ${message}`, 'Open Settings');
      if (pick) await vscode.commands.executeCommand('workbench.action.openSettings', 'synops');
      return;
    }
    default: {
      log.error(`${what}: ${message}`);
      const pick = await vscode.window.showErrorMessage(`${what} failed: ${message}`, 'Show Log');
      if (pick) log.show();
    }
  }
}
