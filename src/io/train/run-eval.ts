/**
 * The evaluation of a run's saved model (`evaluation.json`): the ANN as trained and quantized, the spiking
 * simulation with the run's conversion aids, the output-gain and first-layer ×ρ variants. Split from
 * `run.ts`, whose folder layout it writes into.
 */
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { FileFormatError } from '../../core/jsonText';
import type { ModelFile } from '../../core/model/types';
import { readTfjsWeightsFile } from '../sim/tfjs-weights';
import { measuredByEvaluation, simulationResultFile } from '../../core/synops/result';
import { writeSimulationResult } from '../sim/resultFile';
import type { TrainData } from '../../core/train/samples';
import { evaluateAnn, evaluateSnn, scaleLayer } from '../../core/train/evaluate';
import { convertForSimulation, diagnose } from '../../core/train/convert';
import { TrainError, type ConversionConfig, type EvalResult, type Evaluation, type RunInfo, type TaskOptions } from '../../core/train/types';
import { readMetrics, runFile, writeJson, type RunHandle } from './run';

/**
 * Gain on the last weight layer for the second spiking evaluation. A network trained briefly has small
 * logits, and an output neuron whose whole input stays below the threshold never spikes: a silent or tied
 * output counts as wrong. Scaling the last weight layer changes no SynOps (the output layer has no fan-out)
 * and keeps the ANN's argmax; measured on a 6-epoch MNIST-DVS baseline (300 test chunks): ×1 59 % with 91
 * ties, ×3 72 %, ×10 75.3 % with 6 ties, ×30 75.3 % — against the quantized ANN's 76.7 %. Chosen once
 * from that look (the start of the plateau) and fixed for every run since; not tuned per run.
 */
export const OUTPUT_GAIN = 10;

/** The conversion aids a run records; a run from before them had none and read spike counts. */
export function runConversion(info: RunInfo): ConversionConfig {
  return info.config.conversion ?? { readout: 'spikes', normalize: false, calibrate: false, finetune: false };
}

/** Name of the model's last conv/linear layer. */
export function lastWeightLayer(model: ModelFile): string {
  const l = [...model.layers].reverse().find((x) => x.type === 'conv2d' || x.type === 'linear');
  if (!l) throw new TrainError('bad-input', `model "${model.name}" has no weight layer`);
  return l.name;
}

/** First weight layer's name (the layer weight scaling multiplies by ρ). */
export function firstWeightLayer(model: ModelFile): string {
  const l = model.layers.find((x) => x.type === 'conv2d' || x.type === 'linear');
  if (!l) throw new Error('the model has no weight layer');
  return l.name;
}

/**
 * Evaluates a run's saved model on the held-out split: ANN as trained, ANN quantized (QReLU), and the
 * spiking simulation of up to `snnSamples` samples (0: none) with the weights read back through the
 * simulator's TF.js loader; with `rhos`, also the first layer ×ρ. Writes `evaluation.json`.
 */
export async function evaluateRunDir(h: RunHandle, data: TrainData, o: { snnSamples: number; rhos?: number[]; annSamples?: number; samples?: NonNullable<Evaluation['data']> } & TaskOptions): Promise<Evaluation> {
  const { info, model, net } = h;
  const phase = (message: string): void => o.onProgress?.({ type: 'phase', runId: info.id, phase: 'evaluate', message });
  phase('ANN evaluation');
  const ann = await evaluateAnn(net, data.test, { activation: info.activation, maxSamples: o.annSamples, signal: o.signal });
  const annQuantized = await evaluateAnn(net, data.test, { activation: 'qrelu', maxSamples: o.annSamples, signal: o.signal });
  const evaluation: Evaluation = { ann, annQuantized };
  // Confined to the run folder by real path; NaN or infinite weights are refused with the layer's name.
  const weights = await readTfjsWeightsFile(runFile(info.dir, join('model', 'model.json')), model).catch((e: unknown) => {
    throw e instanceof FileFormatError ? new TrainError('bad-input', e.message) : e;
  });
  const conv = runConversion(info);
  const trained = readMetrics(info.dir, info.config.countInputSynops).find((m) => m.annQuantized)?.annQuantized;
  if (trained) evaluation.annQuantizedTrained = trained;
  const onSample = (done: number, total: number): void => o.onProgress?.({ type: 'phase', runId: info.id, phase: 'simulate', message: 'spiking simulation', done, total });
  // The run's conversion aids (normalization, calibration, the quantizer's start, the readout), then the
  // simulation, diagnosed against the quantized ANN it came from.
  const sim = async (w0: typeof weights, reference: EvalResult): Promise<EvalResult> => {
    const c = await convertForSimulation(net, w0, data.train, conv, info.config.seed);
    const r = await evaluateSnn(model, c.weights, data.test, { readout: conv.readout, initialMembrane: c.initialMembrane, maxSamples: o.snnSamples, signal: o.signal, onSample });
    return { ...r, diagnosis: diagnose(reference, r, conv.readout), conversion: c.applied };
  };
  if (o.snnSamples > 0) {
    evaluation.snn = await sim(weights, trained ?? annQuantized);
    evaluation.snnOutputGain = { ...(await sim(scaleLayer(weights, lastWeightLayer(model), OUTPUT_GAIN), trained ?? annQuantized)), outputGain: OUTPUT_GAIN };
  }
  if (o.rhos?.length) {
    const first = firstWeightLayer(model);
    const orig = net.vars.get(first)!.clone();
    evaluation.scaled = [];
    for (const rho of o.rhos) {
      net.vars.get(first)!.assign(tf.mul(orig, rho));
      const q = await evaluateAnn(net, data.test, { activation: 'qrelu', maxSamples: o.annSamples, signal: o.signal });
      q.rho = rho;
      const entry: NonNullable<Evaluation['scaled']>[number] = { rho, annQuantized: q };
      if (o.snnSamples > 0) { entry.snn = await sim(scaleLayer(weights, first, rho), q); entry.snn.rho = rho; }
      evaluation.scaled.push(entry);
      phase(`ρ = ${rho}: ANN-Q ${(100 * q.accuracy).toFixed(1)} %`);
    }
    net.vars.get(first)!.assign(orig);
    orig.dispose();
  }
  // `samples`: which samples of which folder were evaluated (`evaluateRun`); absent, the run's held-out split.
  const d = o.samples;
  if (d) evaluation.data = d;
  writeJson(join(info.dir, 'evaluation.json'), evaluation);
  // The run's model file then shows measured SynOps in its lenses and report (src/core/synops/result.ts).
  if (evaluation.snn) {
    const n = evaluation.snn.samples;
    const which = !d ? `${n} held-out samples of ${info.data.root}` : d.split === 'all' ? `${n} of all ${d.samples} samples of ${d.root}` : `${n} held-out samples (seed ${info.config.seed}) of ${d.root}`;
    writeSimulationResult(join(info.dir, 'model.snn.json'), simulationResultFile(model, measuredByEvaluation(evaluation.snn), `spiking simulation of ${which} (run ${info.id})`));
  }
  return evaluation;
}
