/**
 * Number formatting for the report views. Counts use en-US thousands separators (`276,768`) whatever the
 * UI language, so the figures match the CLI, the code lenses and the paper; energies use engineering
 * units with three significant digits.
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const threeDigits = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** An integer with thousands separators; fractional counts (measured means) are rounded. */
export function formatCount(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '' : integer.format(n);
}

/** A count to three significant digits with a k/M/G suffix, for tight spaces such as chart labels. */
export function formatCountShort(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${threeDigits.format(n / 1e9)} G`;
  if (abs >= 1e6) return `${threeDigits.format(n / 1e6)} M`;
  if (abs >= 1e3) return `${threeDigits.format(n / 1e3)} k`;
  return threeDigits.format(n);
}

const ENERGY_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['J', 1], ['mJ', 1e-3], ['µJ', 1e-6], ['nJ', 1e-9], ['pJ', 1e-12], ['fJ', 1e-15],
];

/** Joules in engineering units: `2.03 µJ`, `51.5 mJ`; an empty string when there is no figure. */
export function formatEnergy(joules: number | undefined): string {
  if (joules === undefined || !Number.isFinite(joules)) return '';
  if (joules === 0) return '0 J';
  const abs = Math.abs(joules);
  // The largest unit not above the value; values that round up to 1000 move to the next unit.
  for (const [unit, scale] of ENERGY_UNITS) {
    if (abs >= scale * 0.9995) return `${threeDigits.format(joules / scale)} ${unit}`;
  }
  const [unit, scale] = ENERGY_UNITS[ENERGY_UNITS.length - 1];
  return `${threeDigits.format(joules / scale)} ${unit}`;
}

/** A ratio such as SNN ÷ ANN energy: `7.05×`; empty when either side is missing or the divisor is 0. */
export function formatRatio(numerator: number | undefined, denominator: number | undefined): string {
  if (numerator === undefined || denominator === undefined || !(denominator > 0) || !Number.isFinite(numerator)) return '';
  return `${threeDigits.format(numerator / denominator)}×`;
}

/** A channels-first shape as `8×62×62`. */
export function formatShape(shape: readonly number[]): string {
  return shape.join('×');
}

/** A share of a total as a percentage with one decimal, `75.0 %`. */
export function formatPercent(part: number, total: number): string {
  return total > 0 ? `${(100 * part / total).toFixed(1)} %` : '';
}
