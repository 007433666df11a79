/**
 * Entry point of the training monitor's webview. The host sends `training` after every epoch; the panel
 * merges the epochs into its saved state (so a panel hidden and shown again, or restored after a reload,
 * redraws every epoch so far before the host answers) and updates the view in place.
 */
import type { HostToTraining, TrainingState, TrainingToHost } from '../../src/protocol/panels';
import { h } from '../common/dom';
import { panelShell } from '../common/panel';
import { mergeTraining, renderTraining, trainingProblem, type TrainingView } from './render';

const shell = panelShell<HostToTraining, TrainingToHost, TrainingState>();
let view: TrainingView | undefined;
let viewRun: string | undefined;

function draw(): void {
  const payload = shell.state.payload;
  if (!payload) return;
  const problem = trainingProblem(payload);
  if (problem) {
    shell.showError(`Cannot show this training run: ${problem}.`);
    return;
  }
  // The same run: update in place. Another run: build the view afresh.
  if (view && viewRun === payload.runId) view.update(payload);
  else {
    view?.dispose();
    view = renderTraining(shell.root, payload, {
      onCancel: (runId) => shell.post({ type: 'cancelTraining', runId }),
      onOpenRun: (runId) => shell.post({ type: 'openRun', runId }),
      onResume: (runId) => shell.post({ type: 'resumeRun', runId }),
    });
    viewRun = payload.runId;
  }
  shell.drawn();
}

/**
 * One draw per animation frame however many epochs arrived since the last: a fast run sends several a second,
 * and the page stays free for clicks (Stop) between draws.
 */
let drawQueued = false;
function drawSoon(): void {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(() => { drawQueued = false; draw(); });
}

// A restored panel redraws from its state before the host answers.
draw();
shell.start({
  // Before the run has a name (data loading or generating), the monitor says what happens instead of staying blank.
  activity(msg) {
    if (view) return;
    const status = document.getElementById('training-status') ?? shell.root.appendChild(h('p', { id: 'training-status', role: 'status', 'aria-live': 'polite' }));
    status.dataset.status = 'preparing';
    status.textContent = `Preparing the run: ${msg.message}`;
    shell.drawn();
  },
  training(msg) {
    const problem = trainingProblem(msg.payload);
    if (problem) {
      shell.showError(`Cannot show this training run: ${problem}.`);
      return;
    }
    shell.showError(undefined);
    shell.save({ payload: mergeTraining(shell.state.payload, msg.payload) });
    drawSoon();
  },
}, () => view?.restyle());
