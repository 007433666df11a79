/**
 * What the bench hands the PyTorch peer (`bench/peer/torch_peer.py`) and what it reads back: one JSON spec
 * on the peer's stdin, one JSON object per line on its stdout (the field list is in the script's docstring).
 * Weights travel in PyTorch layout — conv `[C_out, C_in, kH, kW]`, linear `[out, in]` reading a flatten in
 * `(c, h, w)` order — as float32 little-endian in base64. The simulator's `ModelWeights` already are in
 * that layout (`src/core/sim/weights.ts`); the trainer's kernels are TF.js layout and go through
 * `torchWeights`.
 */
import type { ModelFile } from '../src/core/model/types';
import type { SpikeInput } from '../src/core/sim/input';
import type { NeuronParams } from '../src/core/sim/neuron';
import { readTfjsWeights } from '../src/io/sim/tfjs-weights';
import type { ModelWeights } from '../src/core/sim/weights';

/** Weights as the peer reads them: `data` (and `bias`) base64 of float32 little-endian. */
export type SpecWeights = Record<string, { shape: number[]; data: string; bias?: string }>;

/** A training job: the peer times `minSteps`+ steps (at least `seconds`) after `warmup` steps, per thread count. */
export interface TrainJob {
  label: string;
  model: ModelFile;
  batch: number;
  threads: number[];
  warmup: number;
  minSteps: number;
  seconds: number;
  /** S0 of the SynOp term `((S − S0) / S0)²`. */
  targetSynops: number;
  lr: number;
  seed: number;
  skipOutputActivation: boolean;
  /** Initial weights (PyTorch layout); without them the peer draws Kaiming-uniform ones. */
  init?: SpecWeights;
  /** A batch `[N, C, H, W]` on which the peer reports the loss at `init`, before training. */
  check?: { shape: number[]; x: string; labels: number[] };
}

/** A simulation job: one sample, timed as the median of up to `reps` calls (at least 3, about `seconds`). */
export interface SimJob {
  label: string;
  model: ModelFile;
  neuron: NeuronParams;
  weights: SpecWeights;
  input: { shape: number[]; steps: number; stepStart: number[]; index: number[]; value: number[] };
  threads: number[];
  reps: number;
  seconds: number;
}

export interface PeerSpec { train?: TrainJob[]; sim?: SimJob[] }

/**
 * The loss parts at the initial weights on the check batch, without dropout: with QReLU (what training
 * optimises) and with plain ReLU (QReLU can silence a layer at initialisation; ReLU still reaches every weight).
 */
export interface LossCheck { ce: number; synops: number; loss: number; reluCe: number; reluSynops: number }

/** One line of the peer's output. */
export type PeerLine =
  | { kind: 'env'; python: string; torch: string; cpus: number }
  | { kind: 'train'; label: string; batch: number; threads: number; imagesPerSec: number; steps: number; seconds: number; cpuSeconds?: number; fanoutTotals: number[]; check: LossCheck | null }
  | { kind: 'sim'; label: string; threads: number; ms: number; firstMs: number; reps: number; times?: number[]; layers: { name: string; total: number }[] }
  | { kind: 'error'; label: string | null; message: string };

export function f32ToBase64(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function base64ToF32(text: string): Float32Array {
  const b = Buffer.from(text, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** `ModelWeights` (PyTorch layout already) as the spec carries them. */
export function specWeights(weights: ModelWeights): SpecWeights {
  return Object.fromEntries(Object.entries(weights).map(([name, w]) => [name, { shape: w.shape, data: f32ToBase64(w.weight), ...(w.bias ? { bias: f32ToBase64(w.bias) } : {}) }]));
}

/** A `SpikeInput` as the spec carries it (the peer densifies it to frames `[T, C, H, W]`). */
export function specInput(input: SpikeInput): SimJob['input'] {
  return { shape: [...input.shape], steps: input.steps, stepStart: [...input.stepStart], index: [...input.index], value: [...input.value] };
}

/**
 * The trainer's TF.js-layout kernels (by layer name: conv `[kH, kW, C_in, C_out]`, linear `[in, out]` reading
 * a channels-last flatten in `(h, w, c)` order, as `src/core/train/net.ts` builds them) in PyTorch layout,
 * through the project's own TF.js weight reader (`readTfjsWeights`), which also permutes a linear layer's
 * rows behind a flatten to `(c, h, w)` order.
 */
export async function torchWeights(model: Pick<ModelFile, 'input' | 'layers'>, kernels: Map<string, { shape: number[]; values: Float32Array }>): Promise<ModelWeights> {
  const entries = [...kernels].map(([name, k]) => ({ name: `${name}/kernel`, shape: k.shape, dtype: 'float32' }));
  const bytes = Buffer.concat([...kernels.values()].map((k) => Buffer.from(k.values.buffer, k.values.byteOffset, k.values.byteLength)));
  const modelJson = JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: entries }] });
  return readTfjsWeights(modelJson, model, async () => new Uint8Array(bytes));
}
