/**
 * A run's energy report beside another run's (layers matched by name) on the report page, through the one
 * panel shell (`reportView`): data goes to the page only after its `ready`; a click on a layer name opens that
 * layer in the run's model file.
 */
import * as vscode from 'vscode';
import type { ModelReport } from '../../protocol/report';
import { reportView } from './reportPanel';
import { openPanel } from './webPanel';

export const COMPARE_VIEW_TYPE = 'synops.compareRuns';

export function showComparisonPanel(extensionUri: vscode.Uri, title: string, report: ModelReport, compare: ModelReport, modelUri: vscode.Uri): vscode.WebviewPanel {
  const panel = openPanel(extensionUri, COMPARE_VIEW_TYPE, title, vscode.ViewColumn.Active);
  const view = reportView(panel.webview, extensionUri, title, (m) => {
    if (m.type === 'revealLayer') {
      const r = m.range;
      void vscode.window.showTextDocument(modelUri, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) });
    }
  });
  view.post({ type: 'report', report, compare, uri: modelUri.toString() });
  panel.onDidDispose(() => view.dispose());
  return panel;
}
