/**
 * The `*.snn.json` model file: a CNN described layer by layer, the input it sees, how to train it and
 * which energy profile to report with. Shapes are channels-first, `[channels, height, width]`, as in
 * PyTorch and Sinabs; a flattened tensor has shape `[features]`.
 */

export const MODEL_FORMAT = 'synops-model';
export const MODEL_FORMAT_VERSION = 1;

/** `[channels, height, width]` or `[features]` after a flatten. */
export type Shape = number[];

export interface Conv2dLayer {
  type: 'conv2d';
  name: string;
  outChannels: number;
  /** Square kernel side, or `[kH, kW]`. */
  kernel: number | [number, number];
  stride?: number;
  padding?: number;
  bias?: boolean;
}

export interface LinearLayer {
  type: 'linear';
  name: string;
  outFeatures: number;
  bias?: boolean;
}

/**
 * The nonlinearity that becomes an integrate-and-fire layer in the spiking network. `relu` trains with a
 * plain ReLU, `qrelu` with `floor(max(x, 0))` and a straight-through ReLU gradient.
 */
export interface ActivationLayer {
  type: 'relu' | 'qrelu';
  name: string;
}

/** Average or sum pooling, floor mode, stride = kernel unless given. */
export interface PoolLayer {
  type: 'avgpool' | 'sumpool';
  name: string;
  kernel: number;
  stride?: number;
}

export interface FlattenLayer {
  type: 'flatten';
  name: string;
}

/** Dropout at training time only; the identity in the spiking network. */
export interface DropoutLayer {
  type: 'dropout';
  name: string;
  rate: number;
}

export type LayerSpec = Conv2dLayer | LinearLayer | ActivationLayer | PoolLayer | FlattenLayer | DropoutLayer;
export type LayerType = LayerSpec['type'];
export const LAYER_TYPES: readonly LayerType[] = ['conv2d', 'linear', 'relu', 'qrelu', 'avgpool', 'sumpool', 'flatten', 'dropout'];

/** DVS events accumulated into frames (ANN) or binned in time (SNN). */
export interface EventInput {
  kind: 'events';
  /** Model input `[channels, height, width]`; channels 1 = polarity ignored, 2 = ON/OFF. */
  shape: Shape;
  /** Sensor resolution `[width, height]`; downsampled to the input by summing blocks. */
  sensor?: [number, number];
  /** Events per chunk (one sample). */
  chunkEvents: number;
  /** Time bin of the spiking simulation, ms. */
  dtMs: number;
}

/** Analog images injected as a constant current for `steps` time steps, scaled by 1/steps. */
export interface ImageInput {
  kind: 'image';
  shape: Shape;
  steps: number;
  /** Pixel normalisation applied before the network. */
  normalize?: 'unit' | 'symmetric';
}

export type InputSpec = EventInput | ImageInput;

export interface TrainingSpec {
  strategy: import('./strategy').Strategy;
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay?: number;
  /** Target SynOps per sample for the SynOp loss. */
  targetSynOps?: number;
  seed: number;
  /**
   * The output layer's activation in training. `none` (default): the cross-entropy sees the last weight
   * layer's raw outputs (the CIFAR rule: the All-ConvNet trains without its output ReLU). `spiking`: what the
   * spiking output layer computes — ReLU, or QReLU under quantization-aware training — so the cross-entropy
   * sees the non-negative (integer) outputs the spiking network reads (the authors' MNIST-DVS code).
   */
  outputActivation?: 'none' | 'spiking';
  /**
   * How a spiking layer's activation is quantized (quantization-aware training and the ANN-Q proxy), and so
   * where the spiking neurons start: `floor` (the paper: `floor(max(x, 0))`, membrane starts at 0) or `round`
   * (QCFS, Bu et al. 2022: `floor(max(x, 0) + 1/2)`, membrane starts at θ/2). Never mixed. Default `floor`.
   */
  quantizer?: 'floor' | 'round';
  /**
   * Training-time augmentation of the input frames: zero-pad by `cropPad` pixels and crop back at a random
   * offset (a spatial jitter), flip left–right with probability ½ (`flip`), drop input pixels with
   * probability `inputDropout`. Default: `{ cropPad: 4, flip: true, inputDropout: 0.2 }` for images (CIFAR),
   * none for events; `false` turns it off.
   */
  augment?: { cropPad?: number; flip?: boolean; inputDropout?: number } | false;
}

/**
 * How the trained ANN becomes the spiking network (every aid off by default, except where a run says so).
 * `readout`: the class from the output layer's spike counts (what Speck reads) or from its input current
 * summed over the sample (its membrane without the threshold; no SynOps, the output has no fan-out).
 * `normalize`: data-based per-layer weight normalisation (Rueckauer et al. 2017) at this percentile of the
 * ANN's non-zero activations on training data. `calibrate`: the initial membrane per channel from one batch of
 * training data (Li et al. 2021). `finetune`: training of the converted network through time on `bins`
 * coarse time bins per sample with a straight-through surrogate gradient (hybrid conversion, Rathi et al. 2020);
 * its `synops` says what the SynOp term aims at meanwhile (`FinetuneSynops`).
 * `spike` and `reset`: the spiking neurons' rules (default `multi` and `subtract`, Sinabs' `MultiSpike` and
 * `MembraneSubtract`): `single` allows one spike per neuron and step (the chip), `zero` resets the membrane
 * to 0 after a spike. An imported NIR graph that says so in its metadata keeps them here.
 */
export interface ConversionSpec {
  readout?: 'spikes' | 'membrane';
  spike?: 'multi' | 'single';
  reset?: 'subtract' | 'zero';
  normalize?: { percentile: number } | false;
  calibrate?: { samples: number } | false;
  finetune?: { epochs?: number; bins?: number; learningRate?: number; maxSamples?: number; synops?: FinetuneSynops } | false;
}

/**
 * What the SynOp term aims at while fine-tuning through time (a run with a SynOp target only): `target` the
 * run's S0, as in its ANN epochs; `hold` the SynOps the converted network spends through time when
 * fine-tuning starts, so fine-tuning restores accuracy without pushing the spiking count further toward an
 * S0 that was met on the ANN's proxy (the spiking network spends more than its proxy counts); `ann` the
 * SynOps the quantized ANN spends on the same samples when fine-tuning starts (its proxy count, what its
 * ANN epochs reached), so fine-tuning pulls the spiking count back toward the ANN's instead of holding the
 * surplus that conversion adds.
 */
export type FinetuneSynops = 'target' | 'hold' | 'ann';

export interface EnergySpec {
  /** Id of the neuromorphic profile (see `energy/profiles.ts`) or of a user profile. */
  profile: string;
  /** Id of the ANN profile the MAC energy is compared with. */
  annProfile: string;
  /** The chip the fits-on-chip check uses (`speck`, the default; `xylo`; `loihi2`). */
  chip?: 'speck' | 'xylo' | 'loihi2';
}

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: number;
  name: string;
  description?: string;
  input: InputSpec;
  layers: LayerSpec[];
  /** The last layer spikes too (Sinabs' `add_spiking_output`): the class is the output with most spikes. */
  spikingOutput?: boolean;
  training?: TrainingSpec;
  conversion?: ConversionSpec;
  energy?: EnergySpec;
}
