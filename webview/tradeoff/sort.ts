/**
 * Sorting the trade-off's run table by a column: each header is a button (so Tab, Enter and Space work),
 * a click sorts ascending, a second click on the same column descending; the header shows ▲ or ▼ and
 * carries `aria-sort`. Rows without a value in the column go last either way; ties keep the table's own
 * order (strategy, then SynOps). The chosen column and direction are given back through `onChange` so the
 * panel can keep them in its state across reloads.
 */
import type { TradeoffPoint } from '../../src/protocol/views';
import { STRATEGIES, strategyName } from '../common/strategy';

export interface SortState { col: string; dir: 'asc' | 'desc' }

/** The value a row is sorted by, per column (`data-col` of its cells); undefined sorts last. */
export const SORT_KEYS: Record<string, (p: TradeoffPoint, macs?: number) => number | string | undefined> = {
  run: (p) => p.name ?? p.runId,
  strategy: (p) => `${STRATEGIES.findIndex((s) => s.id === p.strategy)} ${strategyName(p.strategy)} ${p.role ?? ''}`,
  target: (p) => p.target ?? p.rho,
  accuracy: (p) => p.accuracy,
  synops: (p) => p.synops,
  'synops-per-mac': (p, macs) => (macs ? p.synops / macs : undefined),
  'accuracy-ann': (p) => p.accuracyAnn,
  'synops-ann': (p) => p.synopsAnn,
};

/** Orders `items` (stably) by `key` in `dir`, missing values last. */
export function sortRows<T>(items: readonly T[], key: (item: T) => number | string | undefined, dir: SortState['dir']): T[] {
  const sign = dir === 'asc' ? 1 : -1;
  return items.map((item, i) => ({ item, i, k: key(item) })).sort((a, b) => {
    const ma = a.k === undefined || (typeof a.k === 'number' && Number.isNaN(a.k));
    const mb = b.k === undefined || (typeof b.k === 'number' && Number.isNaN(b.k));
    if (ma || mb) return ma === mb ? a.i - b.i : ma ? 1 : -1;
    const c = typeof a.k === 'number' && typeof b.k === 'number' ? a.k - b.k : String(a.k).localeCompare(String(b.k), 'en', { numeric: true });
    return c ? sign * c : a.i - b.i;
  }).map((x) => x.item);
}

/**
 * Makes the header cells of `table` sort its body rows. `rows` pairs each row with its point (the table's
 * initial order); `state` is the sort to apply at once, if any.
 */
export function makeSortable(table: HTMLTableElement, rows: ReadonlyArray<{ tr: HTMLTableRowElement; point: TradeoffPoint }>, macs: number | undefined, state: SortState | undefined, onChange?: (s: SortState) => void): void {
  const heads = [...table.tHead?.rows[0]?.cells ?? []].filter((c): c is HTMLTableCellElement => !!c.dataset.col && c.dataset.col in SORT_KEYS);
  const body = table.tBodies[0];
  let current = state && state.col in SORT_KEYS ? state : undefined;
  const apply = (): void => {
    for (const th of heads) {
      const on = th.dataset.col === current?.col;
      if (on) th.setAttribute('aria-sort', current!.dir === 'asc' ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
      const mark = th.querySelector('.sort-mark');
      if (mark) mark.textContent = on ? (current!.dir === 'asc' ? ' ▲' : ' ▼') : '';
    }
    const ordered = current ? sortRows(rows, (r) => SORT_KEYS[current!.col](r.point, macs), current.dir) : rows;
    body.append(...ordered.map((r) => r.tr));
  };
  for (const th of heads) {
    const label = th.textContent ?? '';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort';
    button.title = `Sort by ${label}${th.title ? ` (${th.title})` : ''}`;
    const mark = document.createElement('span');
    mark.className = 'sort-mark';
    mark.setAttribute('aria-hidden', 'true');
    button.append(label, mark);
    th.replaceChildren(button);
    button.addEventListener('click', () => {
      const col = th.dataset.col!;
      current = { col, dir: current?.col === col && current.dir === 'asc' ? 'desc' : 'asc' };
      apply();
      onChange?.(current);
    });
  }
  apply();
}
