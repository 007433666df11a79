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

/** A mean per sample: thousands separators from 100 up (`3,950`), else three significant digits (`12.3`, `0.05`); empty when absent. */
export function formatMean(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '';
  return Math.abs(n) >= 100 ? formatCount(n) : threeDigits.format(n);
}

/** A fraction 0..1 as a percentage with one decimal, `83.0 %`; empty when absent. */
export function formatFraction(f: number | undefined): string {
  return f === undefined || !Number.isFinite(f) ? '' : `${(100 * f).toFixed(1)} %`;
}

/** An accuracy 0..1 in tenths of a percentage point. */
const tenths = (a: number): number => Math.round(1000 * a);

/** An accuracy 0..1 to a tenth of a point, `89.5 %`; `—` when absent. */
export function formatAccuracy(a: number): string {
  return Number.isFinite(a) ? `${(tenths(a) / 10).toFixed(1)} %` : '—';
}

/**
 * Points gained (> 0) or lost (< 0) from accuracy `from` to `to`, from the figures `formatAccuracy` prints,
 * so that a strip adds up as the reader checks it: 89.54 % → 85.06 % prints 89.5 → 85.1, −4.4 points.
 */
export function pointsChange(from: number, to: number): number {
  return (tenths(to) - tenths(from)) / 10;
}

/** `pointsChange` as text: `−4.4 points`, `+0.0 points`. */
export function formatPointsChange(from: number, to: number): string {
  const d = pointsChange(from, to);
  return `${d < 0 ? '−' : '+'}${Math.abs(d).toFixed(1)} points`;
}

/** A readout as the views name it. */
export function formatReadout(r: 'spikes' | 'membrane'): string {
  return r === 'spikes' ? 'spike counts' : 'membrane';
}

/** A duration for an estimate: `45 s`, `12 min`, `1 h 20 min`, `26 h` (minutes dropped from a day on). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h >= 24 || m === 0 ? `${Math.round(minutes / 60)} h` : `${h} h ${m} min`;
}
