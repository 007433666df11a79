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
    name: 'quick', epochs: 24, minSteps: 2000, batchSize: 32, learningRate: 1e-3, seed: 1,
    sweep: 'chain', chain: { epochs: 4, minSteps: 400 },
    targets: { kind: 'relative', fractions: [0.6, 0.4, 0.25, 0.15, 0.1, 0.07, 0.05] },
    rhos: [0.2, 0.35, 0.5, 0.7, 0.85],
    note: 'at least 2,000 steps for the baseline and 400 per chain link on a small dataset; targets 0.6 down to 0.05 × the baseline\'s hidden SynOps (ANN proxy); chains as the paper trains its CIFAR-10 models; spiking evaluation on the whole held-out split',
  },
  full: {
    name: 'full', epochs: 8, batchSize: 256, learningRate: 1e-3, seed: 1, sweep: 'independent',
    targets: { kind: 'absolute', values: logspace(1e4, 2e6, 10) },
    rhos: [0.1, 0.2, 0.3, 0.5, 0.7, 1.5, 2, 3],
    note: 'the paper\'s procedure: 10 targets logspace(1e4, 2e6), 8 epochs each at batch 256, Adam 1e-3; spiking evaluation on the whole held-out split',
  },
  smoke: {
    name: 'smoke', epochs: 1, batchSize: 8, learningRate: 1e-3, seed: 1, sweep: 'chain', chain: { epochs: 1 },
    targets: { kind: 'relative', fractions: [0.5, 0.25] },
    rhos: [0.5], snnSamples: 4,
    note: 'pipeline check: 1 epoch, 2 targets, 4 spiking samples; the numbers mean nothing',
  },
};

export type BudgetName = keyof typeof BUDGETS;

/** `epochs` on `trainSamples` training samples at `batchSize`, or more to make at least `minSteps` steps. */
export function epochsOf(e: { epochs: number; minSteps?: number }, batchSize: number, trainSamples: number): number {
  if (!e.minSteps || trainSamples <= 0) return e.epochs;
  return Math.max(e.epochs, Math.ceil(e.minSteps / Math.ceil(trainSamples / batchSize)));
}

/** The budget's epochs on a training split of `trainSamples` samples (`minSteps` resolved into epochs). */
export function fitBudget(b: Budget, trainSamples: number): Budget {
  const epochs = epochsOf(b, b.batchSize, trainSamples);
  const chain = b.chain ? { epochs: epochsOf(b.chain, b.batchSize, trainSamples) } : undefined;
  return { ...b, epochs, minSteps: undefined, ...(chain ? { chain } : {}) };
}

/** How many SynOp targets (models per SynOp strategy) the budget trains. */
export function targetCount(b: Budget): number {
  return b.targets.kind === 'absolute' ? b.targets.values.length : b.targets.fractions.length;
}

/** The chain's links of a `chain` budget; undefined for independent models. */
export function chainOf(b: Budget): NonNullable<Budget['chain']> | undefined {
  return b.sweep === 'chain' ? b.chain : undefined;
}

/** Epochs the chain's control trains beyond the baseline: as many as the whole chain adds (0 without a chain). */
export function controlEpochs(b: Budget): number {
  const chain = chainOf(b);
  return chain ? targetCount(b) * chain.epochs : 0;
}

/** How the budget trains, in one sentence. */
export function trainingText(b: Budget): string {
  const chain = chainOf(b);
  if (chain) {
    return `baseline ${b.epochs} epochs at batch ${b.batchSize}; each SynOp model fine-tuned from the previous one (the first from the baseline) for ${chain.epochs} epochs; control: the baseline trained on for ${controlEpochs(b)} epochs without the SynOp term`;
  }
  return `${b.epochs} epochs at batch ${b.batchSize} per model, each from fresh weights`;
}

/** The SynOp targets of a budget, given the baseline's hidden SynOps per sample (ANN proxy). */
export function targetsOf(b: Budget, baselineHiddenSynops: number): number[] {
  if (b.targets.kind === 'absolute') return [...b.targets.values];
  return b.targets.fractions.map((f) => Math.round(f * baselineHiddenSynops));
}
