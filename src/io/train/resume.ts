/**
 * "Resume Run": the training request that continues a stopped run with its own settings, read from its
 * `run.json` (the model file the run keeps, its data folder, strategy, target, epochs, batch, seed, conversion
 * aids, recording cap), so `train` finds nothing to refuse in `resumeDifferences` and goes on from the epoch
 * after its checkpoint.
 */
import { join } from 'node:path';
import type { TrainRequest } from './request';
import { canResume } from './list';
import { readRunInfo } from './run';
import { TrainError } from '../../core/train/types';

/** The request that resumes the run in `dir`; a run that cannot resume is a `bad-input` error saying why. */
export function resumeRequest(dir: string, workspace: string, snnSamples?: number): TrainRequest {
  const info = readRunInfo(dir);
  if (!canResume(dir, info)) {
    const why = info.state === 'done' ? 'it has finished' : info.state === 'running' ? 'it is still running' : 'it has no checkpoint to continue from';
    throw new TrainError('bad-input', `${dir}: run ${info.id} cannot resume: ${why}; train the model again instead`);
  }
  const c = info.config;
  return {
    model: join(dir, 'model.snn.json'), data: info.data.root, workspace, out: dir, maxRecordings: info.data.maxRecordings,
    strategy: c.strategy, target: c.target, lambda: c.lambda, epochs: c.epochs, batchSize: c.batchSize, learningRate: c.learningRate,
    weightDecay: c.weightDecay, ...(c.lrSteps ? { lrSteps: c.lrSteps } : {}), seed: c.seed, scaleRhos: c.scaleRhos, warmStart: c.warmStart, snnSamples,
    ...(c.conversion ? { conversion: c.conversion } : {}),
  };
}
