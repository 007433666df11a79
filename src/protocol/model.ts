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
  strategy: 'baseline' | 'weight-scaling' | 'synop-loss' | 'synop-loss-qrelu';
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay?: number;
  /** Target SynOps per sample for the SynOp loss. */
  targetSynOps?: number;
  seed: number;
}

export interface EnergySpec {
  /** Id of the neuromorphic profile (see `energy/profiles.ts`) or of a user profile. */
  profile: string;
  /** Id of the ANN profile the MAC energy is compared with. */
  annProfile: string;
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
  energy?: EnergySpec;
}
