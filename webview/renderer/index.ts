/**
 * Notebook renderer for `application/vnd.synops.report+json`: a `ModelReport` written into a notebook
 * output. Outputs persist in notebook files, so the payload's `reportVersion` is checked before drawing;
 * an output from another version gets a message in place of the report, never an exception.
 */
import { renderReport, reportProblem, type ReportView } from '../report/render';
import type { ModelReport } from '../../src/protocol/report';
import type { ActivationFunction, OutputItem } from './api';
import { REPORT_CSS } from './styles';

export const REPORT_MIME = 'application/vnd.synops.report+json';
const STYLE_ID = 'synops-report-style';

/** Adds the report stylesheet once to the document (or shadow root) that holds `element`. */
function ensureStyles(element: HTMLElement): void {
  const rootNode = element.getRootNode();
  const target = rootNode instanceof ShadowRoot ? rootNode : document.head;
  if (target.querySelector(`#${STYLE_ID}`)) return;
  const style = document.createElement('style');
  style.id = STYLE_ID;
  style.textContent = REPORT_CSS;
  target.append(style);
}

function showMessage(element: HTMLElement, message: string): void {
  const p = document.createElement('p');
  p.className = 'synops-report-message';
  p.textContent = `SynOps report: ${message}`;
  element.replaceChildren(p);
}

function parse(item: OutputItem): unknown {
  try {
    return item.json();
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

export const activate: ActivationFunction = () => {
  const views = new Map<string, ReportView>();
  // Theme changes swap the body's classes and the --vscode-* variables; the chart reads colours once.
  new MutationObserver(() => views.forEach((v) => v.restyle())).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  return {
    renderOutputItem(item, element) {
      views.get(item.id)?.dispose();
      views.delete(item.id);
      ensureStyles(element);
      const value = parse(item);
      if (value instanceof Error) {
        showMessage(element, `the output is not valid JSON (${value.message}).`);
        return;
      }
      const problem = reportProblem(value);
      if (problem) {
        showMessage(element, `${problem}.`);
        return;
      }
      try {
        views.set(item.id, renderReport(element, value as ModelReport));
      } catch (e) {
        showMessage(element, `could not draw the report (${e instanceof Error ? e.message : String(e)}).`);
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
