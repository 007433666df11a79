import * as vscode from 'vscode';
import { createNonce, panelHtml, type PanelHtmlOptions } from './panelHtml';

/** Scripts on; local files only from the bundle and media folders. */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** A new panel of `viewType` on the one shell's options; a `WebView` then serves its page. */
export function openPanel(extensionUri: vscode.Uri, viewType: string, title: string, column: vscode.ViewColumn | { viewColumn: vscode.ViewColumn; preserveFocus?: boolean }): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(viewType, title, column, panelOptions(extensionUri));
}

/** The file or folder a view saved in its state (`{ source }`, a URI string), for restoring it after a reload. */
export function sourceOf(state: unknown): vscode.Uri | undefined {
  const s = (state as { source?: string } | undefined)?.source;
  return s ? vscode.Uri.parse(s) : undefined;
}

/** The page's element ids and waiting text, when a view's script expects others than `panelHtml`'s defaults. */
export type PageOptions = Pick<PanelHtmlOptions, 'idPrefix' | 'statusText'>;

/**
 * A workbench view in a webview (a panel or a custom editor): serves the view's bundle under the strict
 * CSP, holds messages until the view posts `ready` (and again after it is re-created by hide/show), and
 * hands the view's other messages to `onMessage`.
 */
export class WebView<In extends { type: string }, Out extends { type: string }> implements vscode.Disposable {
  private ready = false;
  private last?: In;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(readonly webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string,
    private readonly onMessage: (m: Exclude<Out, { type: 'ready' }>) => void, private readonly onReady?: () => void, page: PageOptions = {}) {
    webview.options = panelOptions(extensionUri);
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`)).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'report.css')).toString(),
      title,
      ...page,
    });
    this.subscriptions.push(webview.onDidReceiveMessage((m: Out | { type: 'ready' }) => {
      if (m.type === 'ready') {
        this.ready = true;
        if (this.last) void webview.postMessage(this.last);
        this.onReady?.();
      } else this.onMessage(m as Exclude<Out, { type: 'ready' }>);
    }));
  }

  /** Sends now if the view is listening; otherwise when it says `ready`. The latest message wins. */
  post(message: In): void {
    this.last = message;
    if (this.ready) void this.webview.postMessage(message);
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
