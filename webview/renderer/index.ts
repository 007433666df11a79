/**
 * Notebook renderer for the three SynOps MIME types: `application/vnd.synops.report+json` (a
 * `ModelReport`), `…tradeoff+json` (a `TradeoffPayload`) and `…raster+json` (a `RasterPayload`).
 * Outputs persist in notebook files, so every payload's version (`reportVersion`, `schemaVersion`) is
 * checked before drawing; an output of another version, or one that is not what its MIME type says, gets
 * a message in place of the view, never an exception.
 */
import { renderReport, reportProblem } from '../report/render';
import { renderTradeoff, tradeoffProblem } from '../tradeoff/render';
import { rasterProblem, renderRaster } from '../raster/render';
import type { ModelReport } from '../../src/protocol/report';
import { MIME_RASTER, MIME_REPORT, MIME_TRADEOFF, type RasterPayload, type TradeoffPayload } from '../../src/protocol/views';
import type { ActivationFunction, OutputItem } from './api';
import { loadScript } from '../common/loadScript';
// Notebook outputs cannot link extension files, so the one stylesheet of the views is bundled in as text.
import REPORT_CSS from '../../media/report.css';

export const REPORT_MIME = MIME_REPORT;
const STYLE_ID = 'synops-report-style';

interface DrawnView { restyle(): void; dispose(): void }

/** Per MIME type: what the output is called in messages, its check, and how it is drawn. */
const VIEWS: Record<string, { what: string; problem(value: unknown): string | undefined; render(el: HTMLElement, value: unknown): DrawnView }> = {
  [MIME_REPORT]: { what: 'SynOps report', problem: reportProblem, render: (el, v) => renderReport(el, v as ModelReport) },
  [MIME_TRADEOFF]: { what: 'SynOps trade-off', problem: tradeoffProblem, render: (el, v) => renderTradeoff(el, v as TradeoffPayload) },
  [MIME_RASTER]: { what: 'SynOps spike raster', problem: rasterProblem, render: (el, v) => renderRaster(el, v as RasterPayload) },
};

/** Adds the views' stylesheet once to the document (or shadow root) that holds `element`. */
function ensureStyles(element: HTMLElement): void {
  const rootNode = element.getRootNode();
  const target = rootNode instanceof ShadowRoot ? rootNode : document.head;
  if (target.querySelector(`#${STYLE_ID}`)) return;
  const style = document.createElement('style');
  style.id = STYLE_ID;
  style.textContent = REPORT_CSS;
  target.append(style);
}

function showMessage(element: HTMLElement, what: string, message: string): void {
  const p = document.createElement('p');
  p.className = 'synops-report-message';
  p.textContent = `${what}: ${message}`;
  element.replaceChildren(p);
}

function parse(item: OutputItem): unknown {
  try {
    return item.json();
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** plotly.js, shipped once beside the panels' bundles (bundles.mjs `plotlyFile`) and shared with them. */
const PLOTLY_URL = new URL('../webview/plotly.min.js', import.meta.url).href;

export const activate: ActivationFunction = () => {
  const views = new Map<string, DrawnView>();
  // Theme changes swap the body's classes and the --vscode-* variables; the charts read colours once.
  new MutationObserver(() => views.forEach((v) => v.restyle())).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  return {
    async renderOutputItem(item, element, signal) {
      views.get(item.id)?.dispose();
      views.delete(item.id);
      ensureStyles(element);
      const view = VIEWS[item.mime];
      if (!view) {
        showMessage(element, 'SynOps', `this version of SynOps Studio has no view for ${item.mime}.`);
        return;
      }
      const value = parse(item);
      if (value instanceof Error) {
        showMessage(element, view.what, `the output is not valid JSON (${value.message}).`);
        return;
      }
      const problem = view.problem(value);
      if (problem) {
        showMessage(element, view.what, `${problem}.`);
        return;
      }
      try {
        await loadScript(PLOTLY_URL);
      } catch (e) {
        showMessage(element, view.what, `could not draw the output (${e instanceof Error ? e.message : String(e)}).`);
        return;
      }
      if (signal?.aborted) return;
      views.get(item.id)?.dispose();
      try {
        views.set(item.id, view.render(element, value));
      } catch (e) {
        showMessage(element, view.what, `could not draw the output (${e instanceof Error ? e.message : String(e)}).`);
      }
    },
    disposeOutputItem(id) {
      const ids = id === undefined ? [...views.keys()] : [id];
      for (const k of ids) {
        views.get(k)?.dispose();
        views.delete(k);
      }
    },
  };
};
