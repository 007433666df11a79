/**
 * Bounds on what a model file may ask for, checked by `parseModel` before anything is allocated: a model
 * file is untrusted input (a lens analyses whatever is open), and every size in it becomes an allocation
 * somewhere (fan-out tables, frames, weights, membranes). Each bound is far above the networks this tool is
 * for (the paper's MNIST-DVS CNN: 12 layers, 6,552 parameters; its All-ConvNet: 28 layers, 1.6 M
 * parameters) and far below what exhausts a 512 MB Node heap.
 */

/**
 * Longest model file, in bytes (and characters of an open editor's text). The templates are 2–4 KB; a
 * network of `MAX_LAYERS` layers written one per line is about 100 KB.
 */
export const MAX_MODEL_FILE_BYTES = 1 << 20;

/**
 * Deepest nesting of JSON arrays and objects. A model file needs 4 levels (root → conversion → finetune →
 * value, or root → layers → layer → kernel); the JSON parser recurses once per level, and 100,000 levels
 * overflow its stack.
 */
export const MAX_JSON_DEPTH = 32;

/** Layers of a network: 35 times the All-ConvNet's 28; each layer is a tfjs op chain in training. */
export const MAX_LAYERS = 1_000;

/**
 * Channels of a convolution's output or of an image input: twice the widest layer of common CNNs (2,048 in
 * ResNet-50); DYNAP-CNN/Speck allow 1,024 per layer. Weights grow with its square.
 */
export const MAX_CHANNELS = 4_096;

/** Outputs of a linear layer: VGG's widest is 4,096; 65,536 inputs × 65,536 outputs alone would pass `MAX_PARAMETERS`. */
export const MAX_FEATURES = 65_536;

/**
 * Side of the input, the sensor, a kernel, a stride or a padding, in pixels: the largest event sensors are
 * 1,280×720 (Prophesee Gen4) and a hot-pixel table holds one counter per sensor pixel.
 */
export const MAX_SIDE = 4_096;

/**
 * Elements of one input sample `C·H·W`: 2²¹ (one channel of 1,448×1,448, or CIFAR-10's 3×32×32 640 times
 * over). Training holds a batch of them as float32 frames, the simulator one fan-out entry per element.
 */
export const MAX_INPUT_ELEMENTS = 1 << 21;

/**
 * Elements of every layer's output together, per sample (2²³ ≈ 8.4 M): training keeps each one for the
 * backward pass, the spiking simulation keeps a membrane and a counter per neuron, and a report a
 * float64 fan-out per emitting neuron (67 MB at this bound). The All-ConvNet has 0.6 M.
 */
export const MAX_NEURONS = 1 << 23;

/**
 * Trainable parameters (2²⁵ ≈ 33.6 M): weights, gradients and Adam's two moments are four float32 copies,
 * 537 MB at this bound. ResNet-18 has 11.7 M; the paper's largest network 1.6 M.
 */
export const MAX_PARAMETERS = 1 << 25;

/** Events per chunk (one sample): 2²⁴, seconds of a busy megapixel sensor; a chunk is read whole. */
export const MAX_CHUNK_EVENTS = 1 << 24;

/** Time bin bounds in ms: event timestamps have 1 µs resolution, so a finer bin only adds empty steps. */
export const MIN_DT_MS = 0.001;
export const MAX_DT_MS = 60_000;

/** Time steps an image is presented for: conversion papers use 10–2,500. */
export const MAX_STEPS = 10_000;

/** Training epochs (model file or request); the paper trains 8, CIFAR-10 runs a few hundred. */
export const MAX_EPOCHS = 10_000;

/** Samples per batch: the paper uses 256; a batch of 8,192 CIFAR images is already 100 MB of input. */
export const MAX_BATCH_SIZE = 8_192;

/** Seeds are 32-bit (`Rng` keeps one 32-bit state word). */
export const MAX_SEED = 0xffff_ffff;

/**
 * A `.nir` file (HDF5) is untrusted input too; its datasets are checked by their declared shape and type
 * before any is read, so a 10 GB dataset (or a tiny compressed one that inflates to 10 GB) is refused
 * without allocating it. Largest file: the weights of `MAX_PARAMETERS` float64 parameters plus two
 * float64 values per neuron (NIR's IF stores `r` and `v_threshold` per neuron), rounded up.
 */
export const MAX_NIR_FILE_BYTES = 1 << 30;

/** Nodes of a NIR graph: a layer and its IF node per layer of `MAX_LAYERS`, plus Input and Output. */
export const MAX_NIR_NODES = 2 * MAX_LAYERS + 2;

/** Elements of one NIR dataset: a weight of the largest model, or one value per neuron (`MAX_NEURONS` is smaller). */
export const MAX_NIR_ARRAY_ELEMENTS = MAX_PARAMETERS;

/**
 * Bytes of all strings of a NIR file together: node names, types and edges of `MAX_NIR_NODES` nodes, and the
 * metadata, whose largest entry is a model file (`MAX_MODEL_FILE_BYTES`, in `synops_model`).
 */
export const MAX_NIR_STRING_BYTES = 4 * MAX_MODEL_FILE_BYTES;

/** Bytes of all datasets of a NIR file together, as declared (float64 weights and per-neuron IF values). */
export const MAX_NIR_DATA_BYTES = 8 * (MAX_PARAMETERS + 2 * MAX_NEURONS);
