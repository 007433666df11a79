/**
 * The report's stylesheet for notebook outputs, which cannot link `media/report.css`. It is a verbatim copy
 * of that file; test/webview/report.test.ts fails when the two differ.
 */
export const REPORT_CSS = `/* The energy report: panel (webview) and notebook output. Colours come only from VS Code theme variables. */

.synops-report {
  font-family: var(--vscode-font-family);
  font-size: var(--vscode-font-size);
  color: var(--vscode-foreground);
  max-width: 72rem;
  line-height: 1.45;
}

.synops-report h1 { font-size: 1.5em; font-weight: 600; margin: 0.4em 0 0.3em; }
.synops-report h2 { font-size: 1.1em; font-weight: 600; margin: 0; }
.synops-report section { margin-top: 1.4em; }
.synops-report .section-head,
.synops-report .table-section > h2 { display: flex; align-items: baseline; justify-content: space-between; gap: 1em; margin-bottom: 0.4em; }
.synops-report .note { color: var(--vscode-descriptionForeground); margin: 0.3em 0 0.5em; }

/* Whether the numbers are measured or estimated is always on screen. */
.synops-report .basis {
  margin: 0 0 0.8em;
  padding: 0.45em 0.7em;
  border-left: 3px solid var(--vscode-charts-orange);
  background: var(--vscode-textBlockQuote-background);
}
.synops-report .basis.measured { border-left-color: var(--vscode-charts-green); }
.synops-report .basis-tag {
  display: inline-block;
  padding: 0 0.45em;
  border-radius: 2px;
  font-size: 0.85em;
  font-weight: 600;
  background: var(--vscode-badge-background);
  color: var(--vscode-badge-foreground);
}

.synops-report .profiles { display: flex; flex-wrap: wrap; gap: 0.6em 2.5em; }
.synops-report .profile { flex: 1 1 20rem; min-width: 0; }
.synops-report .profile-label { display: flex; flex-direction: column; gap: 0.25em; color: var(--vscode-descriptionForeground); }
.synops-report .synops-select {
  max-width: 24rem;
  padding: 3px 4px;
  font: inherit;
  color: var(--vscode-dropdown-foreground);
  background: var(--vscode-dropdown-background);
  border: 1px solid var(--vscode-dropdown-border);
  border-radius: 2px;
}
.synops-report .synops-select:focus,
.synops-report input:focus-visible,
.synops-report button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.synops-report .source { margin: 0.3em 0 0; color: var(--vscode-descriptionForeground); font-size: 0.92em; }

.synops-report .summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 0.6em; }
.synops-report .card {
  display: flex;
  flex-direction: column;
  gap: 0.15em;
  padding: 0.55em 0.8em;
  border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
  border-radius: 4px;
  background: var(--vscode-editorWidget-background);
}
.synops-report .figure-label { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
.synops-report .figure { font-size: 1.35em; font-weight: 600; font-variant-numeric: tabular-nums; }

.synops-report .toggle { color: var(--vscode-descriptionForeground); white-space: nowrap; }
.synops-report .toggle input { accent-color: var(--vscode-focusBorder); vertical-align: middle; }
.synops-report .chart { width: 100%; min-height: 300px; }

.synops-report .table-scroll { overflow-x: auto; }
.synops-report .report-table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
.synops-report .report-table th,
.synops-report .report-table td {
  padding: 0.3em 0.7em;
  text-align: left;
  white-space: nowrap;
  border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border));
}
.synops-report .report-table thead th { font-weight: 600; color: var(--vscode-descriptionForeground); border-bottom-width: 2px; vertical-align: bottom; }
.synops-report .report-table thead .sub { display: block; max-width: 14em; margin-left: auto; font-weight: normal; font-size: 0.9em; white-space: normal; }
.synops-report .report-table tbody th { font-weight: normal; }
.synops-report .report-table .num { text-align: right; }
.synops-report .report-table tbody tr:hover { background: var(--vscode-list-hoverBackground); }
.synops-report .report-table tr.plain td,
.synops-report .report-table tr.plain th { color: var(--vscode-descriptionForeground); }
.synops-report .report-table tfoot th,
.synops-report .report-table tfoot td { font-weight: 600; border-bottom: none; border-top: 2px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); }
.synops-report .report-table tr.input th { color: var(--vscode-charts-orange); }
.synops-report .dense { margin: 0.7em 0 0; }

.synops-report button.link {
  padding: 0;
  font: inherit;
  color: var(--vscode-textLink-foreground);
  background: none;
  border: none;
  cursor: pointer;
}
.synops-report button.link:hover { text-decoration: underline; color: var(--vscode-textLink-activeForeground); }

/* Panel page chrome (outside the report root). */
.report-error {
  margin: 0.6em 0;
  padding: 0.5em 0.8em;
  color: var(--vscode-foreground);
  background: var(--vscode-inputValidation-errorBackground);
  border: 1px solid var(--vscode-inputValidation-errorBorder);
  white-space: pre-wrap;
}
.report-error[hidden] { display: none; }
.report-status { color: var(--vscode-descriptionForeground); }
.report-status[hidden] { display: none; }
`;
