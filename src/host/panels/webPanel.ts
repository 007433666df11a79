import * as vscode from 'vscode';
import { createNonce, panelHtml } from './panelHtml';

/** Scripts on; local files only from the bundle and media folders. */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

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
    private readonly onMessage: (m: Out) => void, private readonly onReady?: () => void) {
    webview.options = panelOptions(extensionUri);
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`)).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'report.css')).toString(),
      title,
    });
    this.subscriptions.push(webview.onDidReceiveMessage((m: Out | { type: 'ready' }) => {
      if (m.type === 'ready') {
        this.ready = true;
        if (this.last) void webview.postMessage(this.last);
        this.onReady?.();
      } else this.onMessage(m as Out);
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
