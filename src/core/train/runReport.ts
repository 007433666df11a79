/**
 * What a run adds to the energy report of its model file (`<run>/model.snn.json`): the quantized ANN's
 * SynOps proxy per receiving layer and the held-out accuracies, read from the run's `evaluation.json`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ModelReport } from '../../protocol/report';
import type { Evaluation } from './types';

/** Adds the run's ANN proxy and accuracies to `report` when `modelPath` is a run's model file; else leaves it. */
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
  return {
    ...report,
    runId: basename(dir),
    accuracy: { snn: ev.snn?.accuracy, ann: ev.annQuantized.accuracy },
    layers: report.layers.map((l) => (proxy.has(l.name) ? { ...l, synopsAnn: proxy.get(l.name) } : l)),
  };
}
