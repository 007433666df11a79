/**
 * Entry point of the trade-off panel's webview: draws the saved sweep at once (a restored panel), posts
 * `ready`, then draws every `tradeoff` the host sends. Clicking a run posts `openRun`.
 */
import type { HostToTradeoff, TradeoffState, TradeoffToHost } from '../../src/protocol/panels';
import { panelShell } from '../common/panel';
import { renderTradeoff, tradeoffProblem, type TradeoffView } from './render';

const shell = panelShell<HostToTradeoff, TradeoffToHost, TradeoffState>();
let view: TradeoffView | undefined;

function draw(): void {
  const payload = shell.state.payload;
  if (!payload) return;
  const problem = tradeoffProblem(payload);
  if (problem) {
    shell.showError(`Cannot show this trade-off: ${problem}.`);
    return;
  }
  view?.dispose();
  view = renderTradeoff(shell.root, payload, {
    onOpenRun: (runId) => shell.post({ type: 'openRun', runId }),
    sort: shell.state.sort,
    onSort: (sort) => shell.save({ sort }),
  });
  shell.drawn();
}

// A restored panel redraws from its state before the host answers.
draw();
shell.start({
  tradeoff(msg) {
    shell.showError(undefined);
    shell.save({ payload: msg.payload, source: msg.source ?? shell.state.source });
    draw();
  },
}, () => view?.restyle());
