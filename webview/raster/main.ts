/**
 * Entry point of the spike-raster panel's webview: draws the saved chunk at once (a restored panel), posts
 * `ready`, then draws every `raster` the host sends. The scrubber's time bin is kept in the state; picking
 * another chunk posts `selectChunk` and waits for the host's next `raster`.
 */
import type { HostToRaster, RasterState, RasterToHost } from '../../src/protocol/panels';
import { panelShell } from '../common/panel';
import { rasterProblem, renderRaster, type RasterView } from './render';

const shell = panelShell<HostToRaster, RasterToHost, RasterState>();
let view: RasterView | undefined;

function draw(): void {
  const { payload, selection, step } = shell.state;
  if (!payload) return;
  const problem = rasterProblem(payload);
  if (problem) {
    shell.showError(`Cannot show this chunk: ${problem}.`);
    return;
  }
  view?.dispose();
  view = renderRaster(shell.root, payload, {
    step,
    onStepChange: (s) => shell.save({ step: s }),
    selection,
    onSelect: (chunk, sample) => shell.post({ type: 'selectChunk', chunk, sample }),
    onSimulate: (chunk) => shell.post({ type: 'simulateWithRun', chunk }),
  });
  shell.drawn();
}

// A restored panel redraws from its state before the host answers.
draw();
shell.start({
  raster(msg) {
    shell.showError(undefined);
    // A new chunk starts at its first time bin.
    shell.save({ payload: msg.payload, selection: msg.selection, source: msg.source ?? shell.state.source, step: 0 });
    draw();
  },
}, () => view?.restyle());
