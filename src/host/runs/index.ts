/**
 * Runs in the editor: the run service (service.ts: list, resolve, report — the worker computes), the one run
 * picker (picker.ts), the Runs tree view (view.ts) and its commands (commands.ts). Activation registers the
 * view and the commands from here; other host files import the service and the picker directly.
 */
export { RUNS_COMMANDS } from './commands';
export { registerRunsView } from './view';
