/**
 * Ours against the PyTorch peer, as the bench prints it: a ratio only between two figures of one run, and
 * only when both sides did the same work (equal spike counts; equal loss at equal weights). Where the work
 * differs the cell says so and the difference is printed instead of a ratio.
 */
import type { PeerRun } from './peer';
import { peerMissing } from './peer';
import type { LossCheck, PeerLine } from './torch-spec';

type SimLine = Extract<PeerLine, { kind: 'sim' }>;
type TrainLine = Extract<PeerLine, { kind: 'train' }>;

export function peerLine(run: PeerRun, kind: 'sim', label: string, threads: number): SimLine | undefined;
export function peerLine(run: PeerRun, kind: 'train', label: string, threads: number): TrainLine | undefined;
export function peerLine(run: PeerRun, kind: 'sim' | 'train', label: string, threads: number): PeerLine | undefined {
  return run.ok ? run.lines.find((l) => l.kind === kind && l.label === label && l.threads === threads) : undefined;
}

/** Per-layer spike totals of ours and the peer, one line per layer that differs (none: the same work). */
export function countDifferences(ours: { name: string; total: number }[], theirs: { name: string; total: number }[]): string[] {
  const out: string[] = [];
  const n = Math.max(ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const a = ours[i];
    const b = theirs[i];
    if (!a || !b || a.name !== b.name) out.push(`layer ${i}: ours ${a ? a.name : '(none)'}, PyTorch ${b ? b.name : '(none)'}`);
    else if (a.total !== b.total) out.push(`${a.name}: ours ${a.total} spikes, PyTorch ${b.total} (${b.total > a.total ? '+' : ''}${b.total - a.total})`);
  }
  return out;
}

/** Relative difference `|a − b| / max(|a|, |b|)` (0 for two zeros). */
export function relDiff(a: number, b: number): number {
  const m = Math.max(Math.abs(a), Math.abs(b));
  return m === 0 ? 0 : Math.abs(a - b) / m;
}

/** How far the loss parts at equal weights may differ: float32 sums in another order; with QReLU also a rare floor flip (S). */
export const CHECK_TOLERANCE = { ce: 1e-4, synops: 1e-3 };

/** The loss check of a training job: null when both sides agree, else what differs. */
export function lossCheckDifference(ours: LossCheck, theirs: LossCheck, oursFanout: number[], theirsFanout: number[]): string | null {
  const why: string[] = [];
  if (relDiff(ours.ce, theirs.ce) > CHECK_TOLERANCE.ce) why.push(`cross-entropy ours ${ours.ce.toPrecision(6)}, PyTorch ${theirs.ce.toPrecision(6)}`);
  if (relDiff(ours.synops, theirs.synops) > CHECK_TOLERANCE.synops) why.push(`S ours ${ours.synops.toPrecision(6)}, PyTorch ${theirs.synops.toPrecision(6)}`);
  if (relDiff(ours.reluCe, theirs.reluCe) > CHECK_TOLERANCE.ce) why.push(`cross-entropy with ReLU ours ${ours.reluCe.toPrecision(6)}, PyTorch ${theirs.reluCe.toPrecision(6)}`);
  if (relDiff(ours.reluSynops, theirs.reluSynops) > CHECK_TOLERANCE.ce) why.push(`S with ReLU ours ${ours.reluSynops.toPrecision(6)}, PyTorch ${theirs.reluSynops.toPrecision(6)}`);
  if (oursFanout.join() !== theirsFanout.join()) why.push(`fan-out totals ours [${oursFanout.join(', ')}], PyTorch [${theirsFanout.join(', ')}]`);
  return why.length ? why.join('; ') : null;
}

/** A speed cell: `x.xx×`, the peer's time over ours (> 1: ours faster). */
export function speedRatio(theirsMs: number, oursMs: number): string {
  return `${(theirsMs / oursMs).toFixed(2)}×`;
}

/** The peer's figure, or why there is none. */
export function peerCell(run: PeerRun, label: string, value: number | undefined, digits: number): string {
  return value === undefined ? peerMissing(run, label) : value.toFixed(digits);
}
