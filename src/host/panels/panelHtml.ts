/**
 * The HTML page of every webview panel (energy report, trade-off, spike raster, training monitor): a pure
 * string template (no `vscode` import), so the browser tests build their pages with exactly the CSP the
 * extension uses.
 *
 * CSP: scripts only by nonce; styles from the extension plus `'unsafe-inline'`, because plotly injects a
 * `<style>` element and inline styles when it draws; images from the extension and `data:` (plotly's
 * patterns, icons and heatmap images); nothing else, so the page can reach no network. No `'unsafe-eval'`:
 * the views draw with plotly's SVG traces, which need none (its WebGL traces would, through regl).
 */

export interface PanelHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh random nonce per render (base64 or hex, no quotes), e.g. from `createNonce()`. */
  nonce: string;
  /** `webview.asWebviewUri(<extension>/dist/webview/<view>.js)`, as a string. */
  scriptUri: string;
  /**
   * The one plotly.js script every view shares (`dist/webview/plotly.min.js`, see bundles.mjs), named in
   * `<body data-plotly>` and run by the view with the nonce after its first frame (its 4.8 MB took
   * ~1 s to load and parse before the view could even say `ready`); a preload link fetches it meanwhile,
   * without blocking anything; default: `plotly.min.js` in the folder of `scriptUri`.
   */
  plotlyUri?: string;
  /** `webview.asWebviewUri(<extension>/media/report.css)`, as a string: one stylesheet serves every view. */
  styleUri: string;
  /** Document title, e.g. the panel title. */
  title: string;
  /** Prefix of the page's element ids `<prefix>-error`, `<prefix>-status`, `<prefix>-root`; default `panel`. */
  idPrefix?: string;
  /** Shown until the first data message arrives; default `Loading…`. */
  statusText?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** The Content-Security-Policy of every panel. */
export function panelCsp(cspSource: string, nonce: string): string {
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

/** The first frame's styles, inline: the title and what the panel waits for, with a spinner. */
const SKELETON_CSS = [
  '.panel-skeleton h2 { font-size: 1.1em; font-weight: 600; margin: 0.6em 0 0.3em; }',
  '.panel-skeleton p { margin: 0; color: var(--vscode-descriptionForeground); }',
  ".panel-skeleton p::after { content: ''; display: inline-block; width: 0.9em; height: 0.9em; margin-left: 0.5em; vertical-align: -0.1em;"
    + ' border: 2px solid currentColor; border-right-color: transparent; border-radius: 50%; animation: panel-spin 0.9s linear infinite; }',
  '@keyframes panel-spin { to { transform: rotate(360deg); } }',
  '@media (prefers-reduced-motion: reduce) { .panel-skeleton p::after { animation: none; } }',
].join('\n');

/**
 * The full document of a panel; its script posts `ready` when it has loaded. Until the view draws, the page
 * shows its title and `statusText` (the `<prefix>-status` element, which the view hides), in VS Code's own
 * webview styles: the stylesheet is linked after it, so it blocks only what follows (the view and its
 * script), not that first frame, while it arrives through the webview's resource loader.
 */
export function panelHtml(opts: PanelHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]+$/.test(opts.nonce)) throw new Error('panelHtml: the nonce must be base64 or hex');
  const id = opts.idPrefix ?? 'panel';
  if (!/^[a-z][a-z0-9-]*$/.test(id)) throw new Error('panelHtml: the id prefix must be lower-case letters, digits and dashes');
  const csp = panelCsp(opts.cspSource, opts.nonce);
  const plotlyUri = opts.plotlyUri ?? opts.scriptUri.replace(/[^/]*$/, 'plotly.min.js');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(opts.title)}</title>
<style>${SKELETON_CSS}</style>
<link rel="preload" as="script" nonce="${opts.nonce}" href="${escapeHtml(plotlyUri)}">
</head>
<body data-plotly="${escapeHtml(plotlyUri)}">
<div id="${id}-error" class="report-error" role="alert" hidden></div>
<div id="${id}-status" class="report-status panel-skeleton" role="status"><h2>${escapeHtml(opts.title)}</h2><p>${escapeHtml(opts.statusText ?? 'Loading…')}</p></div>
<link rel="stylesheet" href="${escapeHtml(opts.styleUri)}">
<div id="${id}-root"></div>
<script nonce="${opts.nonce}" src="${escapeHtml(opts.scriptUri)}"></script>
</body>
</html>
`;
}
