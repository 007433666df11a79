import * as vscode from 'vscode';
import type { HostToPanel, PanelToHost } from '../../protocol/webview';
import type { ModelService } from '../model/service';
import { REPORT_PAGE } from './reportHtml';
import { openPanel, WebView } from './webPanel';

export const REPORT_VIEW_TYPE = 'synops.energyReport';

/**
 * The energy report of one model file: computes the report at once, sends it when the webview says
 * `ready`, and re-sends it whenever the model's analysis changes. One panel per model file.
 */
export class ReportPanel implements vscode.Disposable {
  private static readonly open = new Map<string, ReportPanel>();
  private readonly view: WebView<HostToPanel, PanelToHost>;
  private readonly subscriptions: vscode.Disposable[] = [];

  static show(extensionUri: vscode.Uri, models: ModelService, doc: vscode.TextDocument): ReportPanel {
    const existing = ReportPanel.open.get(doc.uri.toString());
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = openPanel(extensionUri, REPORT_VIEW_TYPE, 'SynOps Energy Report', vscode.ViewColumn.Beside);
    return new ReportPanel(panel, extensionUri, models, doc.uri);
  }

  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly models: ModelService, readonly uri: vscode.Uri) {
    ReportPanel.open.set(uri.toString(), this);
    this.view = reportView(panel.webview, extensionUri, 'SynOps Energy Report', (m) => this.onMessage(m));
    this.subscriptions.push(
      this.view,
      models.onDidChange((changed) => { if (changed.toString() === uri.toString()) void this.update(); }),
      panel.onDidDispose(() => this.dispose()),
    );
    // The report is computed while the page paints its frame, and posted once it is ready.
    void this.update();
  }

  private onMessage(m: Exclude<PanelToHost, { type: 'ready' }>): void {
    switch (m.type) {
      case 'profileChanged':
        // Lenses and other panels follow the profile picked here.
        this.models.profileOverride = m.profileId;
        this.models.refreshAll();
        break;
      case 'annProfileChanged':
        // A view-only choice: the panel keeps it; lenses stay on the model file's ANN profile.
        break;
      case 'revealLayer': {
        const r = m.range;
        const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
        void vscode.window.showTextDocument(this.uri, { viewColumn: vscode.ViewColumn.One, selection: range });
        break;
      }
      case 'pickRun':
        void vscode.commands.executeCommand('synops.pickModelRun', this.uri);
        break;
      default: {
        const never: never = m;
        void never;
      }
    }
  }

  private async update(): Promise<void> {
    try {
      const doc = await vscode.workspace.openTextDocument(this.uri);
      const result = await this.models.analysis(doc);
      if (result.report) {
        const own = result.report.figuresFrom?.how === 'own' ? ` · run ${result.report.figuresFrom.runId}` : '';
        this.panel.title = `SynOps Energy Report: ${result.report.modelName}${own}`;
        this.view.post({ type: 'report', report: result.report, uri: this.uri.toString() });
      } else {
        const first = result.diagnostics.find((d) => d.severity === 'error');
        this.view.post({ type: 'error', message: `The model file has errors: ${first?.message ?? 'see the Problems panel'}` });
      }
    } catch (e) {
      this.view.post({ type: 'error', message: (e as Error).message });
    }
  }

  dispose(): void {
    ReportPanel.open.delete(this.uri.toString());
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}

/**
 * The report page in `webview` on the one panel shell: the report bundle, its element ids; the latest
 * message reaches the page when it says `ready` (again after a hidden page is re-created).
 */
export function reportView(webview: vscode.Webview, extensionUri: vscode.Uri, title: string, onMessage: (m: Exclude<PanelToHost, { type: 'ready' }>) => void): WebView<HostToPanel, PanelToHost> {
  return new WebView<HostToPanel, PanelToHost>(webview, extensionUri, 'report', title, onMessage, undefined, REPORT_PAGE);
}

/** Restores report panels after a reload, from the model URI kept in the webview state. */
export function registerReportSerializer(extensionUri: vscode.Uri, models: ModelService): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: { uri?: string } | undefined) {
      if (!state?.uri) { panel.dispose(); return; }
      new ReportPanel(panel, extensionUri, models, vscode.Uri.parse(state.uri));
    },
  });
}
