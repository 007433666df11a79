/**
 * What every workbench panel's entry point does the same way: acquire the VS Code API once, restore the
 * saved state when its `stateVersion` matches (a state of another version is dropped, never half-read),
 * show errors above the drawing, hide the waiting text once something is drawn, redraw on theme changes,
 * and post `ready` after the caller has registered its message handler.
 */
import { PANEL_STATE_VERSION } from '../../src/protocol/panels';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface PanelShell<In, Out, State> {
  /** The element the view draws into (`#panel-root`). */
  readonly root: HTMLElement;
  readonly state: State;
  /** Merges `patch` into the state and saves it with `vscode.setState`. */
  save(patch: Partial<State>): void;
  post(message: Out): void;
  showError(message: string | undefined): void;
  /** Hides "Loading…": call once a drawing is on screen. */
  drawn(): void;
  /** Registers the handler of host messages, the theme-change callback, then posts `ready`. */
  start(onMessage: (message: In) => void, onThemeChange: () => void): void;
}

export function panelShell<In extends { type: string }, Out, State extends { stateVersion: number }>(): PanelShell<In, Out, State> {
  const vscode = acquireVsCodeApi();
  const saved = vscode.getState() as State | undefined;
  let state = (saved && saved.stateVersion === PANEL_STATE_VERSION ? saved : { stateVersion: PANEL_STATE_VERSION }) as State;
  const root = document.getElementById('panel-root') ?? document.body.appendChild(document.createElement('div'));
  const errorBox = document.getElementById('panel-error') ?? root.insertAdjacentElement('beforebegin', document.createElement('div')) as HTMLElement;
  const status = document.getElementById('panel-status');

  return {
    root,
    get state() { return state; },
    save(patch) {
      state = { ...state, ...patch, stateVersion: PANEL_STATE_VERSION };
      vscode.setState(state);
    },
    post: (message) => vscode.postMessage(message),
    showError(message) {
      if (message && status) status.hidden = true;
      errorBox.hidden = !message;
      errorBox.textContent = message ?? '';
    },
    drawn() { if (status) status.hidden = true; },
    start(onMessage, onThemeChange) {
      window.addEventListener('message', (event: MessageEvent) => {
        // Anything that is not an object with a `type` is not from the host; unknown types are the caller's.
        const msg: unknown = event.data;
        if (typeof msg === 'object' && msg !== null && typeof (msg as { type?: unknown }).type === 'string') onMessage(msg as In);
      });
      // VS Code swaps the theme by changing the body's classes and the --vscode-* variables.
      new MutationObserver(onThemeChange).observe(document.body, { attributes: true, attributeFilter: ['class'] });
      vscode.postMessage({ type: 'ready' });
    },
  };
}
