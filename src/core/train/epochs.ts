/**
 * An epoch's SynOps by receiving layer as the one `EpochMetrics` shape holds them (`src/protocol/epochs.ts`),
 * and epochs of older runs (`LegacyEpochMetrics`, SynOps by connection) read as that shape.
 */
import type { EpochMetrics, LayerSynops, LegacyEpochMetrics } from '../../protocol/epochs';

/** The emitter name of the input's connection (`synops/fanout.ts`). */
const INPUT_NAME = 'input';

/**
 * SynOps by receiving layer: the connections S counts in `synopsPerLayer` (so they add up to S), the
 * input's into the first layer in `uncountedSynops` unless the run counts input SynOps (`countInput`).
 */
export function layerSynops(connections: readonly LayerSynops[], countInput: boolean): Pick<EpochMetrics, 'synopsPerLayer' | 'uncountedSynops'> {
  const counted = (l: LayerSynops): boolean => countInput || l.emitter !== INPUT_NAME;
  const uncounted = connections.filter((l) => !counted(l));
  return {
    synopsPerLayer: Object.fromEntries(connections.filter(counted).map((l) => [l.receiver, l.synops])),
    ...(uncounted.length ? { uncountedSynops: Object.fromEntries(uncounted.map((l) => [l.receiver, l.synops])) } : {}),
  };
}

/** Whether an entry of `metrics.json` is in the shape of older runs. */
export function isLegacyEpoch(e: EpochMetrics | LegacyEpochMetrics): e is LegacyEpochMetrics {
  return Array.isArray(e.synopsPerLayer) || 'trainAccuracy' in e;
}

/** An epoch of an older run as `EpochMetrics`; `countInput` is the run's `countInputSynops`. */
export function epochFromLegacy(e: LegacyEpochMetrics, countInput: boolean): EpochMetrics {
  const { trainAccuracy, testAccuracy, testSynops, synopsPerLayer, ...rest } = e;
  return {
    ...rest, accuracy: trainAccuracy, ...layerSynops(synopsPerLayer, countInput),
    ...(testAccuracy !== undefined ? { valAccuracy: testAccuracy } : {}),
    ...(testSynops !== undefined ? { valSynops: testSynops } : {}),
  };
}
