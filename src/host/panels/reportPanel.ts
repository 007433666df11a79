import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { HostToPanel, PanelToHost } from '../../protocol/webview';
import type { ModelService } from '../model/service';
import { reportPanelHtml } from './reportHtml';

export const REPORT_VIEW_TYPE = 'synops.energyReport';

/**
 * The energy report of one model file: computes the report at once, sends it when the webview says
 * `ready`, and re-sends it whenever the model's analysis changes. One panel per model file.
 */
export class ReportPanel implements vscode.Disposable {
  private static readonly open = new Map<string, ReportPanel>();
  private ready = false;
  private readonly subscriptions: vscode.Disposable[] = [];

  static show(extensionUri: vscode.Uri, models: ModelService, doc: vscode.TextDocument): ReportPanel {
    const existing = ReportPanel.open.get(doc.uri.toString());
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, 'SynOps Energy Report', vscode.ViewColumn.Beside, ReportPanel.webviewOptions(extensionUri));
    return new ReportPanel(panel, extensionUri, models, doc.uri);
  }

  /** Scripts on; local files only from the bundle and media folders. */
  static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly models: ModelService, readonly uri: vscode.Uri) {
    ReportPanel.open.set(uri.toString(), this);
    const webview = panel.webview;
    webview.html = reportWebviewHtml(webview, extensionUri);
    this.subscriptions.push(
      webview.onDidReceiveMessage((m: PanelToHost) => this.onMessage(m)),
      models.onDidChange((changed) => { if (changed.toString() === uri.toString()) void this.update(); }),
      panel.onDidDispose(() => this.dispose()),
    );
    // The report is computed while the page paints its frame, and posted once it is ready.
    void this.update();
  }

  /** The latest report (or error) for the page: sent now if it listens, else when it says `ready`. */
  private last?: HostToPanel;

  private async post(message: HostToPanel): Promise<void> {
    this.last = message;
    if (this.ready) await this.panel.webview.postMessage(message);
  }

  private onMessage(m: PanelToHost): void {
    switch (m.type) {
      case 'ready':
        // Also after a hidden page is shown again (it is re-created): it gets the latest report at once.
        this.ready = true;
        if (this.last) void this.panel.webview.postMessage(this.last);
        break;
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
        await this.post({ type: 'report', report: result.report, uri: this.uri.toString() });
      } else {
        const first = result.diagnostics.find((d) => d.severity === 'error');
        await this.post({ type: 'error', message: `The model file has errors: ${first?.message ?? 'see the Problems panel'}` });
      }
    } catch (e) {
      await this.post({ type: 'error', message: (e as Error).message });
    }
  }

  dispose(): void {
    ReportPanel.open.delete(this.uri.toString());
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}

/** The report page in `webview`: the report bundle and style from the extension, a fresh nonce. */
export function reportWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title = 'SynOps Energy Report'): string {
  return reportPanelHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'report.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'report.css')).toString(),
    title,
  });
}

/** Restores report panels after a reload, from the model URI kept in the webview state. */
export function registerReportSerializer(extensionUri: vscode.Uri, models: ModelService): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: { uri?: string } | undefined) {
      if (!state?.uri) { panel.dispose(); return; }
      panel.webview.options = ReportPanel.webviewOptions(extensionUri);
      new ReportPanel(panel, extensionUri, models, vscode.Uri.parse(state.uri));
    },
  });
}
