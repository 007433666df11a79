/**
 * Train/test split by recording: chunks of one recording always land on the same side, so the test
 * accuracy never benefits from near-identical chunks seen in training. Stratified by label, shuffled
 * with a seeded generator: the same recordings and seed give the same split.
 */
import { Rng } from './rng';

/** Splits items by `id` into train and test; `testFraction` (default 0.2) of each label goes to test. */
export function splitByRecording<T extends { id: string; label: number }>(items: T[], opts: { testFraction?: number; seed?: number } = {}): { train: T[]; test: T[] } {
  const frac = opts.testFraction ?? 0.2;
  if (!(frac >= 0 && frac <= 1)) throw new RangeError(`testFraction must be in [0, 1], got ${frac}`);
  const rng = new Rng(opts.seed ?? 0);
  const byLabel = new Map<number, T[]>();
  // Sort by id first, so the split does not depend on the order the files were listed in.
  for (const it of [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const list = byLabel.get(it.label) ?? [];
    list.push(it);
    byLabel.set(it.label, list);
  }
  const train: T[] = [];
  const test: T[] = [];
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const list = rng.shuffle(byLabel.get(label)!);
    const nTest = Math.round(list.length * frac);
    test.push(...list.slice(0, nTest));
    train.push(...list.slice(nTest));
  }
  return { train, test };
}
