import { chipDiagnostics, chipFitReport } from './chips/diagnostics';
import { mergeProfiles, DEFAULT_ANN_PROFILE, DEFAULT_SNN_PROFILE } from './energy/profiles';
import { numel } from './model/shapes';
import { parseModel, type ParsedModel } from './model/parse';
import { isWeightLayer, type InputSpec } from './model/types';
import type { AnalyzeResult, EmitterRow, LayerRow, ModelReport, SynOpsBasis } from '../protocol/report';

export type { EmitterRow, LayerRow, ModelReport, SynOpsBasis };
import { connections, INPUT_INDEX, totalFanout, type Connection } from './synops/fanout';
import { modelHash, type SimulationResultFile } from './synops/result';

export interface ReportOptions {
  /** Spikes each hidden spiking neuron is assumed to emit per sample when nothing was measured. */
  spikesPerNeuron?: number;
  /** Mean analog input per element over a whole presentation, for image input, when nothing was measured. */
  inputActivity?: number;
  /** User profiles from settings (merged with the built-in ones). */
  userProfiles?: unknown;
  /** Overrides the profile named in the model file. */
  profileId?: string;
  result?: SimulationResultFile;
}


/** Parses, checks and, if the model is valid, reports on a model file's text in one call. */
export function analyzeModelText(text: string, source: string, options: ReportOptions = {}): AnalyzeResult {
  const parsed = parseModel(text, source);
  const errors = parsed.diagnostics.some((d) => d.severity === 'error');
  // The Speck / DYNAP-CNN fit, as info diagnostics on the layers that break a chip limit.
  const chip = errors ? [] : chipDiagnostics(text, parsed);
  return { diagnostics: [...parsed.diagnostics, ...chip], layerRanges: parsed.layerRanges, report: errors ? undefined : buildReport(parsed, options) };
}

/** Spike counts per sample assumed for an emitter when nothing was measured, with the words for it. */
function assumedSpikes(conn: Connection, input: InputSpec, spikesPerNeuron: number, inputActivity: number): number {
  if (conn.emitter !== INPUT_INDEX) return spikesPerNeuron;
  return input.kind === 'events' ? input.chunkEvents / numel(conn.emitterShape) : inputActivity;
}

function describeAssumption(input: InputSpec, spikesPerNeuron: number, inputActivity: number): string {
  const inputPart = input.kind === 'events'
    ? `input: ${input.chunkEvents.toLocaleString('en-US')} events per chunk spread uniformly over the ${input.shape.join('×')} input`
    : `input: mean analog value ${inputActivity} per element over the ${input.steps} steps`;
  return `Estimate, not measured — ${inputPart}; every hidden spiking neuron emits ${spikesPerNeuron} spike(s) per sample. Run a simulation for measured values.`;
}

/**
 * Per-layer parameters, MACs, fan-out, SynOps and energy of a parsed model. SynOps per sample are
 * measured (from `options.result`, when its model hash matches) or estimated as
 * `Σ_e assumed_spikes(e) · fanout(e)` for each emitter → receiver connection.
 */
export function buildReport(parsed: ParsedModel, options: ReportOptions = {}): ModelReport {
  const model = parsed.model;
  const stats = parsed.stats;
  if (!model || !stats) throw new Error('buildReport needs a valid model; check parseModel diagnostics first');
  const spikesPerNeuron = options.spikesPerNeuron ?? 1;
  const inputActivity = options.inputActivity ?? 0.5;
  const profiles = mergeProfiles(options.userProfiles);
  const hash = modelHash(model);
  const conns = connections(model, stats);
  const fresh = options.result && options.result.modelHash === hash ? options.result : undefined;
  const measured = new Map(fresh?.layers.map((l) => [l.name, l.synopsPerSample]) ?? []);

  const synopsByReceiver = new Map<number, number>();
  for (const c of conns) {
    const m = measured.get(c.receiverName);
    synopsByReceiver.set(c.receiver, fresh && m !== undefined ? m : assumedSpikes(c, model.input, spikesPerNeuron, inputActivity) * totalFanout(c));
  }
  const snn = profiles.filter((p) => p.kind === 'snn');
  const ann = profiles.filter((p) => p.kind === 'ann');
  const energyOf = (synops: number): Record<string, number> => Object.fromEntries(snn.map((p) => [p.id, synops * p.joulesPerSynOp]));
  const annEnergyOf = (macs: number): Record<string, number> => Object.fromEntries(ann.map((p) => [p.id, macs * p.joulesPerMac]));

  const layers: LayerRow[] = stats.map((s) => {
    const row: LayerRow = { index: s.index, name: s.name, type: s.type, inShape: s.inShape, outShape: s.outShape, params: s.params, macs: s.macs, range: parsed.layerRanges[s.index] };
    if (!isWeightLayer(model.layers[s.index])) return row;
    const c = conns.find((x) => x.receiver === s.index);
    row.annEnergyJ = annEnergyOf(s.macs);
    if (!c) return row;
    let max = 0;
    let nonzero = 0;
    for (const f of c.fanout) { if (f > max) max = f; if (f > 0) nonzero++; }
    row.emitter = c.emitterName;
    row.fanoutMax = max;
    row.fanoutMean = nonzero ? totalFanout(c) / c.fanout.length : 0;
    row.synops = synopsByReceiver.get(s.index) ?? 0;
    row.energyJ = energyOf(row.synops);
    return row;
  });
  const emitters: EmitterRow[] = conns.map((c) => ({ index: c.emitter, name: c.emitterName, receiver: c.receiverName, synops: synopsByReceiver.get(c.receiver) ?? 0 }));
  const totalSynops = emitters.reduce((a, e) => a + e.synops, 0);
  const totalMacs = stats.reduce((a, s) => a + s.macs, 0);
  const basis: SynOpsBasis = fresh
    ? { kind: 'measured', source: fresh.source, samples: fresh.samples }
    : { kind: 'estimate', assumption: describeAssumption(model.input, spikesPerNeuron, inputActivity),
        staleResult: options.result ? 'A simulation result exists but was measured on a different version of this model.' : undefined };
  const wanted = options.profileId ?? model.energy?.profile ?? DEFAULT_SNN_PROFILE;
  return {
    reportVersion: 1,
    modelName: model.name,
    modelHash: hash,
    input: model.input,
    layers,
    emitters,
    totals: {
      params: stats.reduce((a, s) => a + s.params, 0),
      macs: totalMacs,
      synops: totalSynops,
      denseConnectionsPerStep: totalMacs,
      energyJ: energyOf(totalSynops),
      annEnergyJ: annEnergyOf(totalMacs),
    },
    basis,
    profiles,
    profileId: snn.some((p) => p.id === wanted) ? wanted : DEFAULT_SNN_PROFILE,
    annProfileId: ann.some((p) => p.id === model.energy?.annProfile) ? (model.energy?.annProfile as string) : DEFAULT_ANN_PROFILE,
    chipFit: chipFitReport(parsed),
    ...(model.training ? { training: { strategy: model.training.strategy, epochs: model.training.epochs, batchSize: model.training.batchSize, targetSynOps: model.training.targetSynOps } } : {}),
    ...(fresh?.neurobench ? { neurobench: fresh.neurobench } : {}),
  };
}
