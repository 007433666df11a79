/** The checks of a model file's `training` block (`TrainingSpec` in `types.ts`), reported at their place. */
import { MAX_BATCH_SIZE, MAX_EPOCHS, MAX_SEED } from './limits';
import { count, isIntIn, isObject, numberField, oneOf, unknownFields, type Checker, type JsonPath } from './checks';
import { STRATEGY_NAMES } from '../../protocol/strategy';

/** The `training` block (see `TrainingSpec`); every field optional, each checked when given. */
export function checkTraining(t: unknown, check: Checker): void {
  const { report } = check;
  if (t === undefined) return;
  if (!isObject(t)) { report(['training'], 'model/training', '"training" must be an object: { "strategy", "epochs", "batchSize", "learningRate", "seed", … }'); return; }
  unknownFields(t, ['training'], ['strategy', 'epochs', 'batchSize', 'learningRate', 'weightDecay', 'targetSynOps', 'seed', 'outputActivation', 'quantizer', 'augment'], '"training"', check);
  oneOf(report, ['training', 'strategy'], t.strategy, STRATEGY_NAMES);
  const at = (f: string): JsonPath => ['training', f];
  numberField(report, t, at('epochs'), (x) => isIntIn(x, 1, MAX_EPOCHS), `a whole number from 1 to ${count(MAX_EPOCHS)}`);
  numberField(report, t, at('batchSize'), (x) => isIntIn(x, 1, MAX_BATCH_SIZE), `a whole number from 1 to ${count(MAX_BATCH_SIZE)}`);
  numberField(report, t, at('learningRate'), (x) => x > 0 && x <= 1, 'a number in (0, 1] (the paper uses 0.001)');
  numberField(report, t, at('weightDecay'), (x) => x >= 0 && x <= 1, 'a number in [0, 1]');
  numberField(report, t, at('targetSynOps'), (x) => x > 0, 'a positive number of SynOps per sample');
  numberField(report, t, at('seed'), (x) => isIntIn(x, 0, MAX_SEED), `a whole number from 0 to ${count(MAX_SEED)}`);
  oneOf(report, at('outputActivation'), t.outputActivation, ['none', 'spiking']);
  oneOf(report, at('quantizer'), t.quantizer, ['floor', 'round']);
  const a = t.augment;
  if (a === undefined || a === false) return;
  if (!isObject(a)) { report(at('augment'), 'model/training.augment', '"training.augment" must be false or { "cropPad", "flip", "inputDropout" }'); return; }
  unknownFields(a, at('augment'), ['cropPad', 'flip', 'inputDropout'], '"training.augment"', check);
  numberField(report, a, ['training', 'augment', 'cropPad'], (x) => isIntIn(x, 0, 64), 'a whole number of pixels from 0 to 64');
  numberField(report, a, ['training', 'augment', 'inputDropout'], (x) => x >= 0 && x < 1, 'a probability in [0, 1)');
  if (a.flip !== undefined && typeof a.flip !== 'boolean') report(['training', 'augment', 'flip'], 'model/training.augment.flip', `"training.augment.flip" must be true or false, got ${JSON.stringify(a.flip)}`);
}
