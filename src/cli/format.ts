/** Plain-text table and number formatting for the command line. */

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Engineering notation for joules: 1.2e-6 → "1.20 µJ". */
export function fmtJoules(j: number): string {
  if (j === 0) return '0 J';
  const units: [number, string][] = [[1, 'J'], [1e-3, 'mJ'], [1e-6, 'µJ'], [1e-9, 'nJ'], [1e-12, 'pJ']];
  for (const [scale, unit] of units) if (Math.abs(j) >= scale) return `${(j / scale).toFixed(2)} ${unit}`;
  return `${(j / 1e-15).toFixed(2)} fJ`;
}

export function table(header: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
