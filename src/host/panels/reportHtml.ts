/**
 * The HTML of the energy report panel: a pure string template (no `vscode` import), so the browser test
 * builds its page with exactly the CSP the extension uses.
 *
 * CSP: scripts only by nonce; styles from the extension plus `'unsafe-inline'`, because plotly injects a
 * `<style>` element and inline styles when it draws; images from the extension and `data:` (plotly's
 * patterns and icons); nothing else, so the page can reach no network.
 */

export interface ReportPanelHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh random nonce per render (base64 or hex, no quotes), e.g. from `createNonce()`. */
  nonce: string;
  /** `webview.asWebviewUri(<extension>/dist/webview/report.js)`, as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(<extension>/media/report.css)`, as a string. */
  styleUri: string;
  /** Document title, e.g. the panel title. */
  title: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** The Content-Security-Policy of the report panel. */
export function reportPanelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/** A nonce of 128 random bits, hex-encoded. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The full document of the report panel; the script posts `ready` when it has loaded. */
export function reportPanelHtml(opts: ReportPanelHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]+$/.test(opts.nonce)) throw new Error('reportPanelHtml: the nonce must be base64 or hex');
  const csp = reportPanelCsp(opts.cspSource, opts.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(opts.styleUri)}">
<title>${escapeHtml(opts.title)}</title>
</head>
<body>
<div id="report-error" class="report-error" role="alert" hidden></div>
<p id="report-status" class="report-status">Computing the report…</p>
<div id="report-root"></div>
<script nonce="${opts.nonce}" src="${escapeHtml(opts.scriptUri)}"></script>
</body>
</html>
`;
}
