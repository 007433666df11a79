/** `n` values from `a` to `b`, evenly spaced in log scale (numpy's `logspace(log10 a, log10 b, n)`). */
export function logspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  const la = Math.log10(a);
  const lb = Math.log10(b);
  return Array.from({ length: n }, (_, i) => 10 ** (la + ((lb - la) * i) / (n - 1)));
}
