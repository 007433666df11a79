import type { ModelFile } from '../model/types';
import type { SimResult } from '../sim/result';
import type { EvalResult } from '../train/types';
import { resultPathFor } from '../../protocol/results';
import { isNeuroBenchReport, type NeuroBenchReport } from '../../protocol/neurobench';

export { resultPathFor };

/**
 * A measured simulation result for a model, as written next to it in `.synops/results/<model>.sim.json`
 * by a spiking simulation. SynOps are per sample, attributed to the receiving weight layer.
 */
export interface SimulationResultFile {
  kind: 'synops-simulation';
  version: 1;
  /** `modelHash()` of the model the result was measured on; a different hash means the result is stale. */
  modelHash: string;
  modelName: string;
  /** Samples the averages are over. */
  samples: number;
  /** What was simulated, in words (data, engine, settings). */
  source: string;
  createdAt: string;
  layers: { name: string; spikesPerSample?: number; synopsPerSample?: number }[];
  accuracy?: number;
  /** NeuroBench's metrics of the same simulation (`energy/neurobench.ts`). */
  neurobench?: NeuroBenchReport;
}

/**
 * A short, stable fingerprint of what determines SynOps: the input and the layers (not the name,
 * training settings or energy profile). Two FNV-1a 32-bit hashes with different seeds, as 16 hex digits.
 */
export function modelHash(model: Pick<ModelFile, 'input' | 'layers'>): string {
  const text = JSON.stringify({ input: model.input, layers: model.layers });
  const fnv = (seed: number): string => {
    let h = seed >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(16).padStart(8, '0');
  };
  return fnv(0x811c9dc5) + fnv(0x050c5d1f);
}

/** What a spiking simulation measured: SynOps (and spikes) per sample by receiving layer, over `samples`. */
export type MeasuredSynops = Pick<SimulationResultFile, 'samples' | 'layers' | 'accuracy' | 'neurobench'>;

/**
 * The result file of a measurement on `model`: the measurement with the model's fingerprint, its name, what
 * was simulated (`source`) and when. The one builder of the file (`src/io/sim/resultFile.ts` writes it).
 */
export function simulationResultFile(model: ModelFile, m: MeasuredSynops, source: string, createdAt = new Date()): SimulationResultFile {
  return {
    kind: 'synops-simulation', version: 1, modelHash: modelHash(model), modelName: model.name, samples: m.samples, source,
    createdAt: createdAt.toISOString(), layers: m.layers,
    ...(m.accuracy !== undefined ? { accuracy: m.accuracy } : {}),
    ...(m.neurobench ? { neurobench: m.neurobench } : {}),
  };
}

/** One simulated sample (`synops simulate --save`): spikes and SynOps of every layer of the model. */
export function measuredBySimulation(model: ModelFile, r: SimResult, neurobench?: NeuroBenchReport): MeasuredSynops {
  return {
    samples: 1,
    layers: model.layers.map((l, i) => ({
      name: l.name,
      spikesPerSample: r.layers.find((x) => x.index === i)?.total,
      synopsPerSample: r.synops.find((s) => s.receiver === i)?.synops,
    })),
    ...(neurobench ? { neurobench } : {}),
  };
}

/** A run's spiking evaluation: its accuracy and SynOps per sample by receiving layer. */
export function measuredByEvaluation(snn: EvalResult): MeasuredSynops {
  return {
    samples: snn.samples, accuracy: snn.accuracy,
    layers: snn.synopsPerLayer.map((l) => ({ name: l.receiver, synopsPerSample: l.synops })),
    ...(snn.neurobench ? { neurobench: snn.neurobench } : {}),
  };
}

/** Parses a result file's text; throws an error naming the file and the field on anything malformed. */
export function parseSimulationResult(text: string, file: string): SimulationResultFile {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message}); delete it or re-run the simulation`);
  }
  const bad = (field: string, want: string): never => {
    throw new Error(`${file}: "${field}" ${want}; delete the file or re-run the simulation to rewrite it`);
  };
  if (v.kind !== 'synops-simulation') bad('kind', 'must be "synops-simulation"');
  if (v.version !== 1) bad('version', 'must be 1');
  if (typeof v.modelHash !== 'string') bad('modelHash', 'must be a string');
  if (typeof v.samples !== 'number' || !(v.samples > 0)) bad('samples', 'must be a positive number');
  if (!Array.isArray(v.layers)) bad('layers', 'must be an array');
  (v.layers as unknown[]).forEach((l, i) => {
    const layer = l as Record<string, unknown>;
    if (!layer || typeof layer.name !== 'string') bad(`layers[${i}].name`, 'must be a string');
    for (const f of ['spikesPerSample', 'synopsPerSample']) {
      if (layer[f] !== undefined && !(typeof layer[f] === 'number' && Number.isFinite(layer[f]) && (layer[f] as number) >= 0)) {
        bad(`layers[${i}].${f}`, 'must be a non-negative number');
      }
    }
  });
  if (v.neurobench !== undefined && !isNeuroBenchReport(v.neurobench)) bad('neurobench', 'must be NeuroBench metrics as `synops simulate --save` writes them');
  return v as unknown as SimulationResultFile;
}
