/**
 * The part of VS Code's notebook renderer API this renderer uses (the shapes of the `vscode-notebook-renderer`
 * types package, which the project does not depend on). VS Code imports the renderer module and calls
 * `activate`; it then calls `renderOutputItem` for every output of a MIME type the renderer declares.
 */

export interface OutputItem {
  /** Unique per output; the same id is passed to `disposeOutputItem`. */
  readonly id: string;
  readonly mime: string;
  readonly metadata: unknown;
  text(): string;
  json(): unknown;
  data(): Uint8Array;
}

export interface RendererContext<TState = unknown> {
  getState(): TState | undefined;
  setState(state: TState): void;
  readonly workspace: { readonly isTrusted: boolean };
}

export interface RendererApi {
  renderOutputItem(item: OutputItem, element: HTMLElement, signal: AbortSignal): void | Promise<void>;
  /** Called with an id when that output goes away, without one when every output goes away. */
  disposeOutputItem?(id?: string): void;
}

export type ActivationFunction<TState = unknown> = (context: RendererContext<TState>) => RendererApi | undefined | Promise<RendererApi | undefined>;
