/**
 * What a run adds to the energy report of its model file (`<run>/model.snn.json`): the quantized ANN's
 * SynOps proxy per receiving layer, the held-out accuracies and, when the spiking evaluation recorded one,
 * the conversion diagnosis, read from the run's `evaluation.json`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isConversionDiagnosis, type ConversionDiagnosis, type ModelReport } from '../../protocol/report';
import type { Evaluation } from './types';

/**
 * Adds the run's ANN proxy, accuracies and conversion diagnosis (`report.conversion`, absent for runs
 * evaluated without one) to `report` when `modelPath` is a run's model file; else returns `report` as is.
 */
export function withRunFigures(report: ModelReport, modelPath: string): ModelReport {
  const dir = dirname(modelPath);
  const evalFile = join(dir, 'evaluation.json');
  if (basename(modelPath) !== 'model.snn.json' || !existsSync(join(dir, 'run.json')) || !existsSync(evalFile)) return report;
  let ev: Evaluation;
  try {
    ev = JSON.parse(readFileSync(evalFile, 'utf8')) as Evaluation;
  } catch {
    return report;
  }
  const proxy = new Map(ev.annQuantized.synopsPerLayer.map((l) => [l.receiver, l.synops]));
  const conversion = diagnosisOf(ev);
  return {
    ...report,
    runId: basename(dir),
    // The quantized ANN as trained (before any fine-tuning through time): what the spiking network is measured against.
    accuracy: { snn: ev.snn?.accuracy, ann: (ev.annQuantizedTrained ?? ev.annQuantized).accuracy },
    layers: report.layers.map((l) => (proxy.has(l.name) ? { ...l, synopsAnn: proxy.get(l.name) } : l)),
    // Runs evaluated before the diagnosis existed have none; the key is then left out, not set to undefined.
    ...(conversion ? { conversion } : {}),
  };
}

/** The spiking evaluation's conversion diagnosis (`evaluation.snn.diagnosis`), when it has the expected shape. */
function diagnosisOf(ev: Evaluation): ConversionDiagnosis | undefined {
  const d = ev.snn?.diagnosis;
  return isConversionDiagnosis(d) ? d : undefined;
}
