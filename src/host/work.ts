import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { withCancellableProgress } from './progress';
import { showWorkerError } from './workerProcess/errors';

/**
 * A notification with a cancel button around one long worker request; the status bar mirrors it. A failure
 * is shown as an error and resolves to undefined at once.
 */
export async function withWork<T>(ctx: Ctx, title: string, work: (signal: AbortSignal, report: (message: string, fraction?: number) => void) => Promise<T>): Promise<T | undefined> {
  const status = vscode.window.createStatusBarItem('synops.work', vscode.StatusBarAlignment.Left, 9);
  status.name = 'SynOps work';
  status.text = `$(sync~spin) ${title}`;
  status.show();
  try {
    return await withCancellableProgress(title, (signal, report) => work(signal, (message, fraction) => {
      report(message, fraction);
      status.text = `$(sync~spin) SynOps: ${message}`;
    }));
  } catch (e) {
    // Not awaited: the error stays up until the user closes it, and the caller must not wait for that (a
    // failed training's monitor and status bar would say "training" until then).
    void showWorkerError(e, title, ctx.log);
    return undefined;
  } finally {
    status.dispose();
  }
}

