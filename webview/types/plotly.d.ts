/**
 * The small part of the plotly.js API the report chart uses. plotly.js-dist-min ships no types and the
 * project does not depend on `@types/plotly.js`; these declarations cover only what is called here.
 */
declare module 'plotly.js-dist-min' {
  export type Data = Record<string, unknown>;
  export type Layout = Record<string, unknown>;
  export type Config = Record<string, unknown>;

  export interface PlotlyStatic {
    newPlot(root: HTMLElement, data: Data[], layout?: Layout, config?: Config): Promise<HTMLElement>;
    react(root: HTMLElement, data: Data[], layout?: Layout, config?: Config): Promise<HTMLElement>;
    relayout(root: HTMLElement, update: Layout): Promise<HTMLElement>;
    purge(root: HTMLElement): void;
    Plots: { resize(root: HTMLElement): Promise<void> };
  }

  const Plotly: PlotlyStatic;
  export default Plotly;
}
