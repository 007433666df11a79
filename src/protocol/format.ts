/** Number formatting shared by the CLI, the host's code lenses and the webviews (pure, no imports). */

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
