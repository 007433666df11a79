/**
 * VS Code's progress notification adds up increments (percent of the bar), while the worker reports how far
 * it is (a fraction 0…1, or none). This turns the one into the other, never moving the bar back: a report
 * without a fraction, or one below the furthest so far, adds 0. No `vscode` import, so it is unit-tested.
 */
export function progressSteps(): (fraction?: number) => number {
  let last = 0;
  return (fraction) => {
    if (fraction === undefined || !Number.isFinite(fraction)) return 0;
    const now = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
    const step = Math.max(0, now - last);
    last = Math.max(last, now);
    return step;
  };
}
