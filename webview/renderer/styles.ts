/**
 * The views' stylesheet for notebook outputs, which cannot link `media/report.css`. It is a verbatim copy
 * of that file; test/webview/report.test.ts fails when the two differ.
 */
export const REPORT_CSS = `/* The workbench views (energy report, trade-off, spike raster, training monitor), in panels and notebook outputs. Colours come only from VS Code theme variables. */

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

/* Buttons and inputs of the workbench views, in VS Code's colours. */
.synops-report .synops-button {
  padding: 2px 10px;
  font: inherit;
  color: var(--vscode-button-foreground, #ffffff);
  background: var(--vscode-button-background, #0078d4);
  border: 1px solid var(--vscode-button-border, transparent);
  border-radius: 2px;
  cursor: pointer;
}
.synops-report .synops-button:hover:not(:disabled) { background: var(--vscode-button-hoverBackground, #026ec1); }
.synops-report .synops-button:disabled { opacity: 0.5; cursor: default; }
.synops-report .synops-button.secondary { color: var(--vscode-button-secondaryForeground, #cccccc); background: var(--vscode-button-secondaryBackground, #3a3d41); }
.synops-report .synops-button.secondary:hover:not(:disabled) { background: var(--vscode-button-secondaryHoverBackground, #45494e); }
.synops-report .synops-input {
  width: 5em;
  padding: 2px 4px;
  font: inherit;
  color: var(--vscode-input-foreground);
  background: var(--vscode-input-background);
  border: 1px solid var(--vscode-input-border, var(--vscode-dropdown-border));
  border-radius: 2px;
}
.synops-report .chart.tall { min-height: 420px; }
.synops-report .warn { border-left: 3px solid var(--vscode-charts-yellow, #cca700); padding-left: 0.6em; }

/* Trade-off: points open runs. */
.synops-tradeoff #tradeoff-chart .nsewdrag { cursor: pointer; }

/* Spike raster: the two frames side by side, the scrubber under the per-bin frame. */
.synops-raster .picker { display: flex; flex-wrap: wrap; gap: 0.6em 2em; margin-top: 0.6em; }
.synops-raster .picker-label { display: flex; flex-direction: column; gap: 0.25em; color: var(--vscode-descriptionForeground); }
.synops-raster .picker-row { display: flex; align-items: center; gap: 0.4em; }
.synops-raster .frames { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1em 2em; }
.synops-raster .frame-figure { margin: 0; min-width: 0; }
.synops-raster .frame-figure figcaption { margin-bottom: 0.3em; color: var(--vscode-descriptionForeground); }
.synops-raster .frame-figure figcaption strong { color: var(--vscode-foreground); font-weight: 600; }
.synops-raster .chart.frame { min-height: 300px; }
.synops-raster .scrubber { display: flex; align-items: center; gap: 0.7em; margin-top: 0.3em; }
.synops-raster .scrubber input[type="range"] { flex: 1 1 auto; min-width: 8em; accent-color: var(--vscode-charts-yellow, var(--vscode-focusBorder)); }
.synops-raster #frame-time { min-width: 4.5em; font-weight: 600; font-variant-numeric: tabular-nums; text-align: right; }
.synops-raster #frame-events { min-width: 6em; margin: 0; font-variant-numeric: tabular-nums; }
.synops-raster .time-chart { position: relative; }
.synops-raster .time-cursor { position: absolute; width: 0; border-left: 2px solid var(--vscode-charts-yellow, #cca700); pointer-events: none; }
.synops-raster .time-cursor[hidden] { display: none; }
.synops-raster .output-summary { margin: 0.2em 0; display: flex; align-items: baseline; gap: 0.5em; }

/* Training monitor: status bar, then the three charts in a grid. */
.synops-training .training-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em 1em; }
.synops-training #training-status { margin: 0; }
.synops-training #training-status[data-status="failed"] { color: var(--vscode-errorForeground, #f14c4c); }
.synops-training #training-progress { width: 12em; accent-color: var(--vscode-progressBar-background, var(--vscode-focusBorder)); }
.synops-training [hidden] { display: none; }
.synops-training .training-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1em 1.5em; }
.synops-training figure { margin: 0; min-width: 0; }
.synops-training figcaption { font-weight: 600; }
.synops-training .chart { min-height: 280px; }

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
