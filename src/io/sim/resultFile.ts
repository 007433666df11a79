/**
 * The one writer of a model's measured-SynOps file, `.synops/results/<model>.sim.json` beside the model
 * (`resultPathFor`): the CLI's `simulate --save` and a finished run's spiking evaluation both write here.
 */
import { resultPathFor, type SimulationResultFile } from '../../core/synops/result';
import { writeAtomic } from '../atomic';

/** Writes `result` as the measured result of the model file at `modelPath`, atomically; returns the path written. */
export function writeSimulationResult(modelPath: string, result: SimulationResultFile): string {
  const path = resultPathFor(modelPath);
  writeAtomic(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
