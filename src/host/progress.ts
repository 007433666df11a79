import * as vscode from 'vscode';
import { progressSteps } from './progressSteps';

/** Reports one progress step: the worker's words and, when it knows, how far it is (0…1). */
export type ReportProgress = (message: string | undefined, fraction?: number) => void;

/**
 * A notification with a cancel button around one long piece of work: Cancel aborts `signal`, and each
 * `report` moves the bar to the fraction given (never back). Errors are the caller's to show.
 */
export function withCancellableProgress<T>(title: string, work: (signal: AbortSignal, report: ReportProgress) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    const step = progressSteps();
    return work(abort.signal, (message, fraction) => progress.report({ message, increment: step(fraction) }));
  });
}
