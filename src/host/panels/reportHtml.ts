/**
 * The HTML of the energy report panel: the generic panel page (`panelHtml`) with the report's element ids
 * (`#report-root`, `#report-error`, `#report-status`) and waiting text.
 */
import { createNonce, panelCsp, panelHtml, type PanelHtmlOptions } from './panelHtml';

export { createNonce };

export type ReportPanelHtmlOptions = Omit<PanelHtmlOptions, 'idPrefix' | 'statusText'>;

/** The Content-Security-Policy of the report panel (the same as every panel's). */
export const reportPanelCsp = panelCsp;

/** The report page's element ids and waiting text. */
export const REPORT_PAGE = { idPrefix: 'report', statusText: 'Computing the report…' } as const;

/** The full document of the report panel; the script posts `ready` when it has loaded. */
export function reportPanelHtml(opts: ReportPanelHtmlOptions): string {
  return panelHtml({ ...opts, ...REPORT_PAGE });
}
