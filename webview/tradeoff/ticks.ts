/**
 * Labelled ticks for a log SynOps axis: plotly's decade ticks leave a 0.29–2.5 M range with one "1M" label.
 * Here 1, 2 and 5 of every decade in the range, or every digit when that gives fewer than three; each
 * labelled in a few characters (`500 k`, `1 M`, `2 M`).
 */
import { formatCountShort } from '../../src/protocol/format';

/** Tick values and labels for a log axis over [10^lo, 10^hi] (exponents), at least three when the range allows. */
export function logTicks(lo: number, hi: number): { tickvals: number[]; ticktext: string[] } {
  const inRange = (mantissas: number[]): number[] => {
    const out: number[] = [];
    for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
      for (const m of mantissas) {
        const v = m * 10 ** k;
        const e = Math.log10(v);
        if (e >= lo - 1e-9 && e <= hi + 1e-9) out.push(Number(v.toPrecision(6)));
      }
    }
    return out;
  };
  let tickvals = inRange([1, 2, 5]);
  if (tickvals.length < 3) tickvals = inRange([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  return { tickvals, ticktext: tickvals.map(formatCountShort) };
}
