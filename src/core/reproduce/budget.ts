/** The budgets of `synops reproduce`. */
import { logspace } from '../train/sweep';
import type { Budget } from './types';

/**
 * - `quick`: minutes on a 2-core CPU. Batch 32 (batch 256 with few epochs under-trains), 6 epochs, targets
 *   relative to the baseline's measured SynOps (far-below-baseline targets with few steps collapse to chance);
 * - `full`: the paper's MNIST-DVS procedure: 10 targets logspace(1e4, 2e6), 8 epochs each, batch 256, Adam 1e-3;
 * - `smoke`: a seconds-long check that the pipeline runs end to end; its numbers mean nothing.
 */
export const BUDGETS: Readonly<Record<'quick' | 'full' | 'smoke', Budget>> = {
  quick: {
    name: 'quick', epochs: 6, minSteps: 600, batchSize: 32, learningRate: 1e-3, seed: 1,
    targets: { kind: 'relative', fractions: [0.6, 0.4, 0.25, 0.15] },
    rhos: [0.2, 0.35, 0.5, 0.7, 0.85],
    note: '6 epochs at batch 32 per model (more on a small dataset: at least 600 steps); SynOp targets at 0.6, 0.4, 0.25 and 0.15 × the baseline\'s hidden SynOps (ANN proxy); spiking evaluation on the whole held-out split',
  },
  full: {
    name: 'full', epochs: 8, batchSize: 256, learningRate: 1e-3, seed: 1,
    targets: { kind: 'absolute', values: logspace(1e4, 2e6, 10) },
    rhos: [0.1, 0.2, 0.3, 0.5, 0.7, 1.5, 2, 3],
    note: 'the paper\'s procedure: 10 targets logspace(1e4, 2e6), 8 epochs each at batch 256, Adam 1e-3; spiking evaluation on the whole held-out split',
  },
  smoke: {
    name: 'smoke', epochs: 1, batchSize: 8, learningRate: 1e-3, seed: 1,
    targets: { kind: 'relative', fractions: [0.5, 0.25] },
    rhos: [0.5], snnSamples: 4,
    note: 'pipeline check: 1 epoch, 2 targets, 4 spiking samples; the numbers mean nothing',
  },
};

export type BudgetName = keyof typeof BUDGETS;

/** Epochs of a budget on `trainSamples` training samples: `epochs`, or more to make `minSteps` steps. */
export function epochsOf(b: Budget, trainSamples: number): number {
  if (!b.minSteps || trainSamples <= 0) return b.epochs;
  return Math.max(b.epochs, Math.ceil(b.minSteps / Math.ceil(trainSamples / b.batchSize)));
}

/** The SynOp targets of a budget, given the baseline's hidden SynOps per sample (ANN proxy). */
export function targetsOf(b: Budget, baselineHiddenSynops: number): number[] {
  if (b.targets.kind === 'absolute') return [...b.targets.values];
  return b.targets.fractions.map((f) => Math.round(f * baselineHiddenSynops));
}
