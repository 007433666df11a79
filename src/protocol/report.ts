/**
 * The plain JSON payloads that cross process boundaries: worker → host → webview and notebook outputs.
 * Type definitions (and one shape check); the core builds these objects, the host forwards them, the
 * webviews draw them.
 * Adding an optional field is compatible; renaming or removing one needs a new `reportVersion`.
 */

/** Zero-based line and character, as editors count them. */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export type Severity = 'error' | 'warning' | 'info';

export interface ModelDiagnostic {
  /** Stable code, e.g. `shape/kernel-too-large`, for filtering and docs. */
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  /** A certain repair (the editor offers it as a quick fix): replace `range` with `newText`. */
  fix?: { title: string; range: Range; newText: string };
}

export interface NeuromorphicProfile {
  id: string;
  name: string;
  kind: 'snn';
  /** J per synaptic operation (one spike delivered over one connection). */
  joulesPerSynOp: number;
  /** J per neuron update, where the source gives one; reported, not added to the SynOp energy. */
  joulesPerNeuronUpdate?: number;
  source: string;
}

export interface AnnProfile {
  id: string;
  name: string;
  kind: 'ann';
  /** J per multiply-accumulate. */
  joulesPerMac: number;
  source: string;
}

export type EnergyProfile = NeuromorphicProfile | AnnProfile;

import type { InputSpec } from './model';
import type { NeuroBenchReport } from './neurobench';

/** What the SynOps figures of a report rest on. */
export type SynOpsBasis =
  | { kind: 'measured'; source: string; samples: number }
  | { kind: 'estimate'; assumption: string; staleResult?: string };

export interface LayerRow {
  index: number;
  name: string;
  type: string;
  inShape: number[];
  outShape: number[];
  params: number;
  macs: number;
  /** Weight layers: the layer that emits the spikes it receives, and the fan-out of one such spike. */
  emitter?: string;
  fanoutMax?: number;
  fanoutMean?: number;
  /** Weight layers: SynOps per sample received (receiving-layer convention). */
  synops?: number;
  /** Weight layers of a trained run: the quantized ANN's proxy, activations × fan-out, per sample. */
  synopsAnn?: number;
  /** J per sample by profile id: SynOps × J/SynOp for neuromorphic profiles. */
  energyJ?: Record<string, number>;
  /** J per sample by ANN profile id: MACs × J/MAC. */
  annEnergyJ?: Record<string, number>;
  range?: Range;
}

/** The same SynOps attributed to the layer that emits the spikes (the paper's convention). */
export interface EmitterRow { index: number; name: string; receiver: string; synops: number }

export interface ModelReport {
  reportVersion: 1;
  modelName: string;
  modelHash: string;
  input: InputSpec;
  layers: LayerRow[];
  emitters: EmitterRow[];
  totals: {
    params: number;
    macs: number;
    synops: number;
    /** NeuroBench's `Dense`: every connection of every weight layer, for one time step. */
    denseConnectionsPerStep: number;
    energyJ: Record<string, number>;
    annEnergyJ: Record<string, number>;
  };
  basis: SynOpsBasis;
  profiles: EnergyProfile[];
  profileId: string;
  annProfileId: string;
  /** The model file's training settings the editor offers as defaults when it asks (absent: the file has none). */
  training?: { strategy?: string; epochs?: number; batchSize?: number; targetSynOps?: number };
  /** Set for the report of a trained run: its id and held-out accuracy (0..1) of the SNN and quantized ANN. */
  runId?: string;
  accuracy?: { snn?: number; ann?: number };
  /** Set for a run whose spiking evaluation recorded one: where the conversion loses accuracy and activity. */
  conversion?: ConversionDiagnosis;
  /** Set when the figures come from a run's spiking evaluation: its output layer's silent and tied samples. */
  outputs?: OutputSilence;
  /**
   * Set when the measured figures come from a run: which one, and why this one — the model file is that run's
   * own (`own`), the newest evaluated run of the same model (`latest`), or the one the user picked (`picked`).
   * `candidates` counts the evaluated runs of this model the user can pick from.
   */
  figuresFrom?: { runId: string; how: 'own' | 'latest' | 'picked'; candidates: number };
  /** Whether the network fits a Speck / DYNAP-CNN chip: the cores it uses, or each broken limit on its layer. */
  chipFit?: ChipFitReport;
  /** NeuroBench's metrics of the measured simulation (a run's spiking evaluation, or a saved `synops simulate`). */
  neurobench?: NeuroBenchReport;
}

/** The chip-fit check as the report shows it (computed by the core's `checkChip`: Speck / DYNAP-CNN, Xylo or Loihi 2). */
export interface ChipFitReport {
  /** The chip's name, e.g. `Speck / DYNAP-CNN`. */
  chip: string;
  /** The chip's id (`speck`, `xylo`, `loihi2`), what the network takes of it in words, and where its limits come from. */
  chipId?: string;
  uses?: string;
  sources?: string;
  cores: number;
  fits: boolean;
  /** One per chip layer (a weight layer with what follows it), in model order, with its core when the model fits. */
  layers: { name: string; core?: number }[];
  /** Each broken limit: the layer (`input` for the input), its place in the model file, and what to change. */
  problems: { layer: string; code: string; message: string; range?: Range }[];
  /** What the check assumes or cannot see from the model file alone. */
  notes: string[];
}

/** The held-out samples of a spiking evaluation whose output layer was silent, or tied for the most spikes. */
export interface OutputSilence {
  samples: number;
  /** Samples whose output layer did not spike (or received no input, for the membrane readout). */
  silent: number;
  /** Samples with a tie for the largest output, the silent ones included; all counted wrong. */
  ties: number;
  /** A plain sentence with what to try, when the network is mostly silent. */
  warning?: string;
}

/**
 * Whether `c` has the shape of a `ConversionDiagnosis` (layers, accuracy, a known readout): a file or a
 * notebook output written by another version is skipped, not drawn.
 */
export function isConversionDiagnosis(c: unknown): c is ConversionDiagnosis {
  const d = c as Partial<ConversionDiagnosis> | null;
  return typeof d === 'object' && d !== null && Array.isArray(d.layers) && typeof d.accuracy === 'object' && d.accuracy !== null
    && (d.readout === 'spikes' || d.readout === 'membrane');
}

/** Readout of the output layer: `spikes` counts its spikes (what Speck reads); `membrane` sums its input current. */
export type Readout = 'spikes' | 'membrane';

/** One spiking layer of an evaluated run: what the quantized ANN emits beside what the spiking network fires. */
export interface LayerDiagnosis {
  /** Spiking layer name (`spike_output` for an added spiking output). */
  layer: string;
  neurons: number;
  /** Mean per sample of Σ over the layer's neurons of the quantized ANN's activation (the spikes it stands for). */
  annSpikes: number;
  /** Mean per sample of the layer's spikes in the simulation. */
  snnSpikes: number;
  /** Mean per sample of the fraction of the layer's neurons with zero activation (ANN-Q) / zero spikes (SNN). */
  annSilent: number;
  snnSilent: number;
}

/**
 * The conversion of one evaluated run, on the same samples: per spiking layer the ANN-Q activity beside the
 * spike counts, and where accuracy goes — the quantized ANN's argmax, the same outputs read as the spiking
 * network reads its output layer, and the simulation in time.
 */
export interface ConversionDiagnosis {
  readout: Readout;
  samples: number;
  layers: LayerDiagnosis[];
  accuracy: { annArgmax: number; annReadout: number; snn: number };
  /** Samples whose output layer received no input at all (`membrane`) or did not spike (`spikes`). */
  silentOutputs: number;
  /** A plain sentence when the network is mostly silent (and what to try), else absent. */
  warning?: string;
}


/** Options of a report that cross the wire (the simulation result is read by the worker from disk). */
export interface ReportOptionsWire {
  /**
   * The workspace folder whose runs (`.synops/runs/`) may supply measured figures for a model file outside a
   * run, and the run picked for them (`runId`; `''`: the estimate, whatever runs exist; absent: the newest).
   */
  workspace?: string;
  runId?: string;
  spikesPerNeuron?: number;
  inputActivity?: number;
  userProfiles?: unknown;
  profileId?: string;
}

/**
 * The report options of one model file, the same for its lenses, its report panel and a notebook cell that
 * reports it: the settings' options (`settings`), the workspace folder whose runs may supply its figures
 * (only a folder on disk: the worker reads it), and the run picked for it (`''`: the estimate; undefined:
 * the newest evaluated run, so no `runId`).
 */
export function modelFileOptions(settings: ReportOptionsWire, folder: { scheme: string; fsPath: string } | undefined, pickedRun: string | undefined): ReportOptionsWire {
  return {
    ...settings,
    ...(folder?.scheme === 'file' ? { workspace: folder.fsPath } : {}),
    ...(pickedRun !== undefined ? { runId: pickedRun } : {}),
  };
}

export interface AnalyzeResult {
  diagnostics: ModelDiagnostic[];
  layerRanges: Range[];
  report?: ModelReport;
  /** Set when a simulation result file exists but cannot be read. */
  resultError?: string;
}
