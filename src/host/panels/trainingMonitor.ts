/**
 * The live training monitor of one run: the worker's epochs (`TrainingPayload`) drawn by the training view;
 * its buttons (Stop, Open report, Resume) go back to the training run that opened it.
 */
import * as vscode from 'vscode';
import type { HostToTraining, TrainingToHost } from '../../protocol/panels';
import type { TrainingPayload } from '../../protocol/views';
import type { Ctx } from '../ctx';
import { openPanel, WebView } from './webPanel';

const TRAINING_VIEW = 'synops.training';

/** What the training monitor's buttons do: Stop, Open report, Resume. */
export interface TrainingActions { onCancel(): void; onOpenRun(): void; onResume(): void }

export class TrainingMonitor {
  private readonly view: WebView<HostToTraining, TrainingToHost>;
  readonly panel: vscode.WebviewPanel;

  constructor(ctx: Ctx, title: string, actions: TrainingActions) {
    this.panel = openPanel(ctx.extensionUri, TRAINING_VIEW, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    this.view = new WebView(this.panel.webview, ctx.extensionUri, 'training', title, (m) => {
      if (m.type === 'cancelTraining') actions.onCancel();
      else if (m.type === 'openRun') actions.onOpenRun();
      else if (m.type === 'resumeRun') actions.onResume();
    });
    this.panel.onDidDispose(() => this.view.dispose());
  }

  update(payload: TrainingPayload): void {
    this.view.post({ type: 'training', payload });
  }

  /** What the run does before it has a payload (loading data), in the worker's words. */
  activity(message: string): void {
    this.view.post({ type: 'activity', message });
  }
}

/** After a window reload the monitor redraws the epochs its page saved (the training itself did not survive). */
export function registerTrainingSerializer(ctx: Ctx): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(TRAINING_VIEW, {
    async deserializeWebviewPanel(panel) {
      const view = new WebView<HostToTraining, TrainingToHost>(panel.webview, ctx.extensionUri, 'training', panel.title, () => undefined);
      panel.onDidDispose(() => view.dispose());
    },
  });
}
