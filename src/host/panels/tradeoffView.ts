/**
 * "SynOps: Show Trade-off": accuracy vs SynOps of every run in the workspace, or of a reproduction's runs
 * given its `report.json`, in the trade-off view. The worker computes the points (`Tradeoff`); the host
 * opens the panel, passes them on, and opens a run's report when a point is clicked.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostToTradeoff, TradeoffToHost } from '../../protocol/panels';
import type { TradeoffPayload } from '../../protocol/views';
import type { Ctx } from '../ctx';
import { tradeoffOf, workspaceFolder } from '../runs/service';
import { showWorkerError } from '../workerProcess/errors';
import { openPanel, sourceOf, WebView } from './webPanel';

const TRADEOFF_VIEW = 'synops.tradeoff';
const TITLE = 'SynOps Trade-off';

/** Draws the trade-off of `source` (a workspace folder, or a reproduction's `report.json`) into `panel`. */
async function fillTradeoff(ctx: Ctx, panel: vscode.WebviewPanel, source: vscode.Uri): Promise<TradeoffPayload> {
  // The page first, so the panel paints its frame while the worker lists the runs.
  let runDirs: Record<string, string> = {};
  const view = new WebView<HostToTradeoff, TradeoffToHost>(panel.webview, ctx.extensionUri, 'tradeoff', TITLE, (m) => {
    if (m.type === 'openRun') {
      const dir = runDirs[m.runId];
      if (dir) void vscode.commands.executeCommand('synops.showEnergyReport', vscode.Uri.file(path.join(dir, 'model.snn.json')));
      else void vscode.window.showWarningMessage(`SynOps: run ${m.runId} is not in ${source.fsPath} any more; its report cannot be opened.`);
    }
  });
  panel.onDidDispose(() => view.dispose());
  const result = await tradeoffOf(ctx, source);
  const payload = result.payload;
  runDirs = result.runDirs;
  view.post({ type: 'tradeoff', payload, source: source.toString() });
  if (!payload.points.length) view.post({ type: 'error', message: 'No evaluated runs yet: train a model (SynOps: Train Model) to see points here.' });
  return payload;
}

/** The report given (explorer context menu, editor title, the argument), the active `report.json`, or the workspace. */
export async function showTradeoff(ctx: Ctx, report?: vscode.Uri): Promise<TradeoffPayload | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const source = report ?? (active?.scheme === 'file' && path.basename(active.fsPath) === 'report.json' ? active : workspaceFolder()?.uri);
  if (!source) { void vscode.window.showWarningMessage('SynOps: open a folder with runs (.synops/runs) first.'); return undefined; }
  const panel = openPanel(ctx.extensionUri, TRADEOFF_VIEW, TITLE, vscode.ViewColumn.Active);
  try {
    return await fillTradeoff(ctx, panel, source);
  } catch (e) {
    panel.dispose();
    void showWorkerError(e, 'SynOps: Show Trade-off', ctx.log);
    return undefined;
  }
}

/** After a window reload: the folder (or report) the view saved lists its runs again. */
export function registerTradeoffSerializer(ctx: Ctx): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(TRADEOFF_VIEW, {
    async deserializeWebviewPanel(panel, state) {
      const folder = sourceOf(state) ?? workspaceFolder()?.uri;
      if (!folder) { panel.dispose(); return; }
      await fillTradeoff(ctx, panel, folder).catch((e: unknown) => ctx.log.error(`restoring the trade-off: ${(e as Error).message}`));
    },
  });
}
