/**
 * The small part of the plotly.js API the views use. plotly.js-dist-min ships no types and the project
 * does not depend on `@types/plotly.js`; these declarations cover only what is called here.
 */
declare module 'plotly.js-dist-min' {
  export type Data = Record<string, unknown>;
  export type Layout = Record<string, unknown>;
  export type Config = Record<string, unknown>;

  /** One point under the mouse, as plotly's click and hover events report it. */
  export interface PlotPoint {
    curveNumber: number;
    pointNumber: number;
    pointIndex: number;
    x: unknown;
    y: unknown;
    customdata?: unknown;
  }
  export interface PlotMouseEvent { points: PlotPoint[] }

  /** The graph div after plotly drew into it: it gains an event emitter. */
  export interface PlotlyHTMLElement extends HTMLElement {
    on(event: 'plotly_click' | 'plotly_hover', handler: (event: PlotMouseEvent) => void): void;
    /** After every drawing, including plotly's own redraws when the page resizes. */
    on(event: 'plotly_afterplot', handler: () => void): void;
    removeAllListeners(event: string): void;
  }

  export interface PlotlyStatic {
    newPlot(root: HTMLElement, data: Data[], layout?: Layout, config?: Config): Promise<PlotlyHTMLElement>;
    react(root: HTMLElement, data: Data[], layout?: Layout, config?: Config): Promise<PlotlyHTMLElement>;
    relayout(root: HTMLElement, update: Layout): Promise<PlotlyHTMLElement>;
    restyle(root: HTMLElement, update: Data, traces?: number | number[]): Promise<PlotlyHTMLElement>;
    purge(root: HTMLElement): void;
    Plots: { resize(root: HTMLElement): Promise<void> };
  }

  const Plotly: PlotlyStatic;
  export default Plotly;
}
