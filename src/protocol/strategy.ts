/**
 * The training strategies: one table, the only place their names are spelt and translated.
 *
 * Two spellings exist because both are persisted and neither can change without a format version: the
 * trainer's id (`run.json`'s `config.strategy`, `synops train --strategy`, `TrainModel.strategy`) and the
 * name model files (`training.strategy`) and view payloads (`TradeoffPoint.strategy`, `TrainingPayload.strategy`,
 * saved inside notebooks) use. `label` is how people read either; the list's order is the views' series order.
 */
export const STRATEGY_TABLE = [
  { id: 'scale', name: 'weight-scaling', label: 'Weight scaling', detail: 'baseline, then a sweep of the first layer ×ρ (no retraining)' },
  { id: 'synops', name: 'synop-loss', label: 'SynOp loss', detail: 'CE + ((S − S0)/S0)² with plain ReLU' },
  { id: 'synops-qrelu', name: 'synop-loss-qrelu', label: 'SynOp loss + QReLU', detail: 'CE + ((S − S0)/S0)², quantized ReLU: the paper\'s best trade-off' },
  { id: 'baseline', name: 'baseline', label: 'Baseline', detail: 'cross-entropy only' },
] as const;

/** A strategy as the trainer names it: `baseline`, `scale`, `synops`, `synops-qrelu`. */
export type StrategyId = (typeof STRATEGY_TABLE)[number]['id'];
/** A strategy as model files and view payloads name it: `baseline`, `weight-scaling`, `synop-loss`, `synop-loss-qrelu`. */
export type Strategy = (typeof STRATEGY_TABLE)[number]['name'];

export const STRATEGY_IDS: readonly StrategyId[] = STRATEGY_TABLE.map((s) => s.id);
export const STRATEGY_NAMES: readonly Strategy[] = STRATEGY_TABLE.map((s) => s.name);

/** The table's row of a strategy in either spelling; undefined for an unknown word. */
export function strategyRow(s: string | undefined): (typeof STRATEGY_TABLE)[number] | undefined {
  return STRATEGY_TABLE.find((x) => x.id === s || x.name === s);
}

/** `scale` → `weight-scaling` (and a name stays itself); undefined for an unknown word. */
export function strategyName(s: string | undefined): Strategy | undefined {
  return strategyRow(s)?.name;
}

/** `weight-scaling` → `scale` (and an id stays itself); undefined for an unknown word. */
export function strategyId(s: string | undefined): StrategyId | undefined {
  return strategyRow(s)?.id;
}

/** How people read a strategy given in either spelling (`SynOp loss + QReLU`); an unknown word as it is, '' for none. */
export function strategyLabel(s: string | undefined): string {
  return strategyRow(s)?.label ?? s ?? '';
}
