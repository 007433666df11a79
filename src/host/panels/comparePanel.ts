/**
 * A run's energy report beside another run's (layers matched by name) on the report page the energy report
 * panel serves (`reportWebviewHtml`): data goes to the page only after its `ready`; a click on a layer name
 * opens that layer in the run's model file.
 */
import * as vscode from 'vscode';
import type { ModelReport } from '../../protocol/report';
import type { HostToPanel, PanelToHost } from '../../protocol/webview';
import { ReportPanel, reportWebviewHtml } from './reportPanel';

export const COMPARE_VIEW_TYPE = 'synops.compareRuns';

export function showComparisonPanel(extensionUri: vscode.Uri, title: string, report: ModelReport, compare: ModelReport, modelUri: vscode.Uri): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, title, vscode.ViewColumn.Active, ReportPanel.webviewOptions(extensionUri));
  const webview = panel.webview;
  webview.html = reportWebviewHtml(webview, extensionUri, title);
  const message: HostToPanel = { type: 'report', report, compare, uri: modelUri.toString() };
  const sub = webview.onDidReceiveMessage((m: PanelToHost) => {
    if (m.type === 'ready') void webview.postMessage(message);
    else if (m.type === 'revealLayer') {
      const r = m.range;
      void vscode.window.showTextDocument(modelUri, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) });
    }
  });
  panel.onDidDispose(() => sub.dispose());
  return panel;
}
