/**
 * What a training request asks for (`DataRequest`, `TrainRequest`) and how it resolves to a run's settings:
 * the request's values over the model file's `training` and `conversion` blocks over the defaults below.
 */
import type { ConversionSpec, ModelFile } from '../../core/model/types';
import type { FinetuneSynops } from '../../protocol/model';
import type { BackendName, ThreadsChoice } from '../../core/train/backend';
import { STRATEGIES, TrainError, type ConversionConfig, type Strategy, type TrainConfig } from '../../core/train/types';
import { strategyId } from '../../protocol/strategy';
import { configProblems } from './run';

export interface DataRequest {
  /** A dataset folder, or `synth` for the embedded synthetic DVS digits (generated once into the workspace). */
  data: string;
  workspace: string;
  /** Use at most this many recordings (quick runs). */
  maxRecordings?: number;
  /**
   * `synth` only: recordings per digit (default 100), each size in its own folder (`synthDataDir`); every
   * request of one experiment passes the same value so all its stages read the same recordings.
   */
  synthPerDigit?: number;
}

export interface TrainRequest extends DataRequest {
  /** Path of a `*.snn.json` model file, or the parsed model. */
  model: string | ModelFile;
  strategy?: Strategy;
  target?: number;
  lambda?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  weightDecay?: number;
  /** Step schedule: the learning rate × `factor` from each listed (1-based) epoch on (`TrainConfig.lrSteps`). */
  lrSteps?: TrainConfig['lrSteps'];
  seed?: number;
  scaleRhos?: number[];
  /** Fine-tune: start from this finished run's weights (same model) instead of fresh ones. */
  warmStart?: string;
  /** Run folder; default `<workspace>/.synops/runs/<new id>`. An existing unfinished run there is resumed. */
  out?: string;
  /** Test samples the spiking simulation evaluates (default 200; 0 skips it). */
  snnSamples?: number;
  backend?: BackendName;
  /** Threads per training step (default `auto`: one per core; see `parallel.ts`). */
  threads?: ThreadsChoice;
  /** Conversion aids over the model file's `conversion` block. */
  conversion?: ConversionSpec;
  /** Distil from this finished run of the same model (default weight ½, temperature 4; see `TrainConfig.distill`). */
  distill?: { teacher: string; weight?: number; temperature?: number };
}

/** The training configuration: request values over the model file's `training` block over defaults. */
export function resolveConfig(model: ModelFile, r: Partial<TrainRequest>): TrainConfig {
  const t = model.training;
  const strategy = r.strategy ?? (t ? strategyId(t.strategy) : undefined) ?? 'baseline';
  if (!STRATEGIES.includes(strategy)) throw new TrainError('bad-input', `unknown strategy "${strategy}"; use ${STRATEGIES.join(', ')}`);
  const image = model.input.kind === 'image';
  const config: TrainConfig = {
    strategy,
    epochs: r.epochs ?? t?.epochs ?? 8,
    batchSize: r.batchSize ?? t?.batchSize ?? 256,
    learningRate: r.learningRate ?? t?.learningRate ?? 1e-3,
    weightDecay: r.weightDecay ?? t?.weightDecay ?? 0,
    target: r.target ?? t?.targetSynOps,
    lambda: r.lambda,
    countInputSynops: false,
    seed: r.seed ?? t?.seed ?? 1,
    augment: t?.augment === false ? undefined : t?.augment ?? (image ? { cropPad: 4, flip: true, inputDropout: 0.2 } : undefined),
    scaleRhos: strategy === 'scale' ? r.scaleRhos ?? [0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3] : undefined,
    evalEachEpoch: true,
    ...(r.lrSteps ? { lrSteps: r.lrSteps } : {}),
    ...(r.warmStart ? { warmStart: r.warmStart } : {}),
    outputActivation: t?.outputActivation ?? 'none',
    quantizer: t?.quantizer ?? 'floor',
    conversion: resolveConversion(model.conversion, r.conversion, model.input.kind === 'events'),
    ...(r.distill ? { distill: { teacher: r.distill.teacher, weight: r.distill.weight ?? DISTILL_DEFAULTS.weight, temperature: r.distill.temperature ?? DISTILL_DEFAULTS.temperature } } : {}),
  };
  const problems = configProblems(config);
  if (problems.length) throw new TrainError('bad-input', `training settings of ${model.name}: ${problems.join('; ')}`);
  return config;
}

/** Distillation's defaults: Hinton et al.'s usual soft-target weight and temperature, not tuned here. */
export const DISTILL_DEFAULTS = { weight: 0.5, temperature: 4 };

/** Defaults of the conversion aids (see `ConversionSpec`); the model file's block and the request override them. */
export const CONVERSION_DEFAULTS: ConversionConfig = { readout: 'membrane', normalize: false, calibrate: { samples: 256 }, finetune: false };
/**
 * Fine-tuning through time, on by default for event input: measured on the N-MNIST control of the quick
 * reproduction (ANN-Q 89.4 %), the membrane readout with calibration gave 78.2 % without it, 88.5 % after one
 * epoch on 16 bins and 89.9 % after two epochs on 8 bins (half the cost of 16, the same accuracy). Four
 * epochs, not two, since whole quick reproductions measured them (docs/reproduction.md): on N-MNIST 7–8 of 9
 * models within 1.5 points of their quantized ANN (two epochs: 5 of 9) and 1–2 points more at every SynOp
 * target; on the synthetic digits the headline met (89.2 % at 13.6 % of the control's SynOps). The fused
 * IAF op (`through-time.ts`) made an epoch about half as long, so four cost about what two did. Off by
 * default for images: the All-ConvNet through 10 steps trains at about one sample per second here.
 * `synops: 'hold'` (the SynOp term aims at the SynOps the converted network spends when fine-tuning starts,
 * not at the run's S0): on N-MNIST 9 of 9 models within 1.5 points of their quantized ANN (`target`: 7 of 9)
 * and 2–3 points more at 22–28 % of the control's SynOps; on the synthetic digits 9 of 9 either way and the
 * headline met either way (hold: 89.2 % at 16.0 %; target: 89.2 % at 13.6 %). Each link spends 11–26 % more
 * SynOps than with `target`, and buys accuracy with them. 16 bins, not 8 (docs/reproduction.md, *Fine-tuning
 * on finer bins*): on N-MNIST 25 of 28 SynOp+QReLU links read higher (seeds 1 and 2; about +1.5 points at
 * the sparse end), on the synthetic digits the last three links 0.4–1.4 points higher and the headline met
 * at +0.4 points (90.6 % at 16.1 % of the control's SynOps), conversion 9 of 9 on every run; the wasm IAF
 * kernels (`iaf-layer.ts`) made an epoch on 16 bins cheaper than one on 8 bins was before them. Eight
 * epochs, not four (docs/reproduction.md, *Longer fine-tuning and a longer chain*): on N-MNIST 18 of 21
 * SynOp+QReLU links read higher (seeds 1–3), on the synthetic digits they are level (−0.3 to +0.5) with
 * conversion 10 of 10; the quick budget raises them further on small splits (`finetuneMinSteps`).
 */
export const FINETUNE_DEFAULTS = { epochs: 8, bins: 16, learningRate: 3e-4, maxSamples: 4096, batchSize: 32, synops: 'hold' as FinetuneSynops };

/**
 * The conversion aids of a run: request over model file over `CONVERSION_DEFAULTS`, every field filled in.
 * Fine-tuning's settings merge field by field when both ask for it, so that a budget setting its epochs
 * (`medium`) keeps the bins a model file chose.
 */
export function resolveConversion(spec: ConversionSpec | undefined, req?: ConversionSpec, events = true): ConversionConfig {
  const m = { ...spec, ...req };
  if (spec?.finetune && req?.finetune) m.finetune = { ...spec.finetune, ...req.finetune };
  const ft = m.finetune === undefined ? (events ? FINETUNE_DEFAULTS : false) : m.finetune;
  return {
    readout: m.readout ?? CONVERSION_DEFAULTS.readout,
    normalize: m.normalize === undefined ? CONVERSION_DEFAULTS.normalize : m.normalize,
    calibrate: m.calibrate === undefined ? CONVERSION_DEFAULTS.calibrate : m.calibrate,
    finetune: ft ? { ...FINETUNE_DEFAULTS, ...ft } : false,
  };
}
