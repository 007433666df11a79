/**
 * Small DOM helpers shared by the views. The views build their elements with `h` and keep references to
 * them instead of looking ids up, so two views on one page (notebook outputs) still work; the ids are part
 * of each view's contract with the tests.
 */

export type Attrs = Record<string, string | undefined>;

/** `h('td', {'data-col': 'macs'}, '276,768')`: an element with attributes and text or child nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/** Accuracy 0..1 as a percentage with two decimals (`96.30 %`), as the paper quotes it; empty when absent. */
export function formatAccuracy(a: number | undefined): string {
  return a === undefined || !Number.isFinite(a) ? '' : `${(100 * a).toFixed(2)} %`;
}

/** A signed relative change `(b − a) / a` as `−83.7 %`; empty when either side is missing or `a` is 0. */
export function formatChange(from: number | undefined, to: number | undefined): string {
  if (from === undefined || to === undefined || !(from > 0) || !Number.isFinite(to)) return '';
  const pct = 100 * (to - from) / from;
  const text = Math.abs(pct).toFixed(1);
  return pct < 0 && text !== '0.0' ? `−${text} %` : `+${text} %`;
}

/** A `<table class="report-table">` inside a horizontally scrolling wrapper. */
export function scrollTable(table: HTMLTableElement): HTMLElement {
  table.classList.add('report-table');
  return h('div', { class: 'table-scroll' }, table);
}

/** A header cell; `num` right-aligns it over a numeric column. */
export function th(text: string, opts: { num?: boolean; title?: string } = {}): HTMLTableCellElement {
  return h('th', { scope: 'col', class: opts.num ? 'num' : undefined, title: opts.title }, text);
}
