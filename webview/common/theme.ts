/**
 * Theme colours and the common plotly layout of every chart, read from the VS Code CSS variables of the
 * page (`--vscode-*` on `<html>`); outside VS Code the fallbacks keep the charts legible. Charts re-read
 * them on `restyle()` after a theme change.
 *
 * Plotly injects a global `<style>` element and sets inline styles, so the page's CSP needs
 * `style-src … 'unsafe-inline'`; heatmaps are drawn as `data:` images (`img-src data:`). The SVG traces
 * used here need no `unsafe-eval`; plotly's WebGL traces (scattergl, via regl) compile code at run time
 * and are therefore not used.
 */

export interface ChartTheme {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  hoverBackground: string;
  fontFamily: string;
  fontSize: number;
  /** VS Code's chart palette, in the order series take them. */
  blue: string;
  orange: string;
  green: string;
  purple: string;
  red: string;
  yellow: string;
}

/** The first of the CSS variables `names` that is set on `style`, else `fallback`. */
export function cssVar(style: CSSStyleDeclaration, names: string[], fallback: string): string {
  for (const n of names) {
    const v = style.getPropertyValue(n).trim();
    if (v) return v;
  }
  return fallback;
}

export function readTheme(el: Element): ChartTheme {
  const s = getComputedStyle(el);
  const foreground = cssVar(s, ['--vscode-editor-foreground', '--vscode-foreground'], '#444444');
  return {
    foreground,
    muted: cssVar(s, ['--vscode-descriptionForeground'], foreground),
    grid: cssVar(s, ['--vscode-editorWidget-border', '--vscode-panel-border', '--vscode-widget-border'], 'rgba(128,128,128,0.35)'),
    background: cssVar(s, ['--vscode-editor-background'], '#ffffff'),
    hoverBackground: cssVar(s, ['--vscode-editorHoverWidget-background', '--vscode-editor-background'], '#ffffff'),
    fontFamily: cssVar(s, ['--vscode-font-family'], 'system-ui, sans-serif'),
    fontSize: parseFloat(cssVar(s, ['--vscode-font-size'], '13')) || 13,
    blue: cssVar(s, ['--vscode-charts-blue'], '#3794ff'),
    orange: cssVar(s, ['--vscode-charts-orange'], '#d18616'),
    green: cssVar(s, ['--vscode-charts-green'], '#89d185'),
    purple: cssVar(s, ['--vscode-charts-purple'], '#b180d7'),
    red: cssVar(s, ['--vscode-charts-red'], '#f14c4c'),
    yellow: cssVar(s, ['--vscode-charts-yellow'], '#cca700'),
  };
}

/** The series colours in order: blue, orange, green, purple, red, yellow. */
export function palette(t: ChartTheme): string[] {
  return [t.blue, t.orange, t.green, t.purple, t.red, t.yellow];
}

/** An axis in the theme's colours; `extra` overrides or adds plotly axis fields. */
export function axis(t: ChartTheme, title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title, font: { size: t.fontSize } },
    color: t.muted,
    linecolor: t.grid,
    gridcolor: t.grid,
    zerolinecolor: t.grid,
    tickfont: { color: t.foreground },
    ...extra,
  };
}

/** The layout fields every chart shares: transparent background, theme font, themed hover label. */
export function baseLayout(t: ChartTheme, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    autosize: true,
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: t.fontFamily, size: t.fontSize, color: t.foreground },
    hoverlabel: { bgcolor: t.hoverBackground, bordercolor: t.grid, font: { color: t.foreground, family: t.fontFamily } },
    legend: { font: { color: t.foreground }, orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
    ...extra,
  };
}

/** No mode bar: its download button cannot save from a webview. */
export const PLOT_CONFIG = { displayModeBar: false, responsive: true, displaylogo: false };
