/**
 * Entry point of the report panel's webview. It draws from saved state at once (a restored panel), posts
 * `ready`, then draws every `report` the host sends. Profile choices are applied locally and reported to
 * the host, which may pass them back in later reports.
 */
import type { HostToPanel, PanelState, PanelToHost } from '../../src/protocol/webview';
import { renderReport, reportProblem, type ReportView } from './render';

interface VsCodeApi {
  postMessage(message: PanelToHost): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('report-root') ?? document.body.appendChild(document.createElement('div'));
const errorBox = document.getElementById('report-error') ?? root.insertAdjacentElement('beforebegin', document.createElement('div')) as HTMLElement;
const status = document.getElementById('report-status');

let state: PanelState = vscode.getState() ?? {};
let view: ReportView | undefined;

function save(patch: Partial<PanelState>): void {
  state = { ...state, ...patch };
  vscode.setState(state);
}

function showError(message: string | undefined): void {
  errorBox.hidden = !message;
  errorBox.textContent = message ?? '';
}

function draw(): void {
  const report = state.report;
  if (!report) return;
  const problem = reportProblem(report);
  if (problem) {
    showError(`Cannot show this report: ${problem}`);
    return;
  }
  // A compared report that cannot be read is left out, and the report itself still drawn.
  const compareProblem = state.compare ? reportProblem(state.compare) : undefined;
  if (compareProblem) showError(`The compared report is left out: ${compareProblem}`);
  view?.dispose();
  if (status) status.hidden = true;
  view = renderReport(root, report, {
    profileId: state.profileId,
    annProfileId: state.annProfileId,
    logScale: state.logScale,
    compare: compareProblem ? undefined : state.compare,
    onProfileChange: (profileId) => {
      save({ profileId });
      vscode.postMessage({ type: 'profileChanged', profileId });
    },
    onAnnProfileChange: (annProfileId) => {
      save({ annProfileId });
      vscode.postMessage({ type: 'annProfileChanged', annProfileId });
    },
    onLogScaleChange: (logScale) => save({ logScale }),
    onPickRun: () => vscode.postMessage({ type: 'pickRun' }),
    onRevealLayer: (layer) => {
      if (layer.range) vscode.postMessage({ type: 'revealLayer', layer: layer.name, range: layer.range });
    },
  });
}

window.addEventListener('message', (event: MessageEvent<HostToPanel>) => {
  const msg = event.data;
  switch (msg?.type) {
    case 'report':
      showError(undefined);
      // The host's profile wins over a restored one: it was told of every change and sends the current
      // choice. The ANN profile is a view-only choice, so the panel keeps it across reports.
      save({ report: msg.report, compare: msg.compare, uri: msg.uri ?? state.uri, profileId: undefined });
      draw();
      break;
    case 'error':
      if (status) status.hidden = true;
      showError(msg.message);
      break;
    default:
      // Unknown messages come from a newer host; ignore them.
      break;
  }
});

// VS Code swaps the theme by changing the body's classes and the --vscode-* variables; redraw the chart.
new MutationObserver(() => view?.restyle()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

draw();
vscode.postMessage({ type: 'ready' });
