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

export interface PanelShell<In extends { type: string }, Out, State> {
  /** The element the view draws into (`#panel-root`). */
  readonly root: HTMLElement;
  readonly state: State;
  /** Merges `patch` into the state and saves it with `vscode.setState`. */
  save(patch: Partial<State>): void;
  post(message: Out): void;
  showError(message: string | undefined): void;
  /** Hides "Loading…": call once a drawing is on screen. */
  drawn(): void;
  /**
   * Registers a handler per host message type and the theme-change callback, then posts `ready`. An `error`
   * message is shown above the drawing; a type without a handler (from a newer host) is ignored.
   */
  start(handlers: MessageHandlers<In>, onThemeChange: () => void): void;
}

export type MessageHandlers<In extends { type: string }> = { [K in Exclude<In['type'], 'error'>]: (message: Extract<In, { type: K }>) => void };

export function panelShell<In extends { type: string }, Out, State extends { stateVersion: number }>(): PanelShell<In, Out, State> {
  const vscode = acquireVsCodeApi();
  const saved = vscode.getState() as State | undefined;
  let state = (saved && saved.stateVersion === PANEL_STATE_VERSION ? saved : { stateVersion: PANEL_STATE_VERSION }) as State;
  const root = document.getElementById('panel-root') ?? document.body.appendChild(document.createElement('div'));
  const errorBox = document.getElementById('panel-error') ?? root.insertAdjacentElement('beforebegin', document.createElement('div')) as HTMLElement;
  const status = document.getElementById('panel-status');

  const showError = (message: string | undefined): void => {
    if (message && status) status.hidden = true;
    errorBox.hidden = !message;
    errorBox.textContent = message ?? '';
  };

  return {
    root,
    get state() { return state; },
    save(patch) {
      state = { ...state, ...patch, stateVersion: PANEL_STATE_VERSION };
      vscode.setState(state);
    },
    post: (message) => vscode.postMessage(message),
    showError,
    drawn() { if (status) status.hidden = true; },
    start(handlers, onThemeChange) {
      window.addEventListener('message', (event: MessageEvent) => {
        // Anything that is not an object with a `type` is not from the host.
        const msg: unknown = event.data;
        if (typeof msg !== 'object' || msg === null || typeof (msg as { type?: unknown }).type !== 'string') return;
        const { type, message } = msg as { type: string; message?: unknown };
        if (type === 'error') showError(typeof message === 'string' ? message : 'error');
        else (handlers as unknown as Record<string, ((m: In) => void) | undefined>)[type]?.(msg as In);
      });
      // VS Code swaps the theme by changing the body's classes and the --vscode-* variables.
      new MutationObserver(onThemeChange).observe(document.body, { attributes: true, attributeFilter: ['class'] });
      vscode.postMessage({ type: 'ready' });
    },
  };
}
