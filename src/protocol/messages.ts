/**
 * The host ↔ worker protocol over `vscode-jsonrpc` (IPC of a forked Node process). Each message is a
 * namespace with its literal `method`, its typed request and a note on direction and cancellation.
 * The first request is always `initialize`; the worker refuses everything else until it has answered it.
 * Adding an optional field is compatible; anything else bumps PROTOCOL_VERSION.
 */
import { ProgressType, RequestType } from 'vscode-jsonrpc';
import type { AnalyzeResult, ReportOptionsWire } from './report';

export const PROTOCOL_VERSION = 1;

/** Every cancellable request may carry a token under which the worker sends `$/progress`. */
export interface WorkDoneParams { progressToken?: string }

/** Error codes carried in JSON-RPC errors; the host maps them to what the user sees. */
export enum WorkerErrorCode {
  /** The request was cancelled: shown to nobody. */
  Cancelled = -32800,
  /** Protocol versions differ: the extension and its worker bundle are from different builds. */
  VersionMismatch = 1001,
  /** A request came before `initialize`. */
  NotInitialized = 1002,
  /** The user's input (model file, data, settings) is wrong: shown with the file to fix. */
  BadInput = 1003,
  /** A bug or an unexpected failure: shown with "Show log". */
  Internal = 1004,
}

/**
 * The `data` of a `BadInput` error: where the user fixes it. `file` (absolute) with its 1-based `line` and
 * `column` when known, or `setting`, the id of the setting to change. Both absent: nothing to open.
 */
export interface BadInputPlace {
  file?: string;
  line?: number;
  column?: number;
  setting?: string;
}

/** Host → worker. Not cancellable. Version handshake; must be the first request. */
export namespace Initialize {
  export const method = 'initialize';
  export interface Params { protocolVersion: number; client: string }
  export interface Result { protocolVersion: number; workerVersion: string; pid: number; node: string }
  export const type = new RequestType<Params, Result, void>(method);
}

/** Host → worker. Cancellable. Parses, checks and reports on a model file's text. */
export namespace AnalyzeModel {
  export const method = 'model/analyze';
  export interface Params extends WorkDoneParams {
    /** Path of the model file on disk, when it has one: used in messages and to find its simulation result. */
    path?: string;
    text: string;
    options: ReportOptionsWire;
  }
  export type Result = AnalyzeResult;
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * Host → worker. Cancellable, reports progress. Keeps the worker busy for `busyMs` in small slices and
 * answers with the round-trip facts; used by "SynOps: Check Worker" to show the worker is responsive and
 * that progress and cancellation get through.
 */
export namespace Ping {
  export const method = 'worker/ping';
  export interface Params extends WorkDoneParams { busyMs?: number }
  export interface Result { pid: number; uptimeMs: number; slices: number; rssBytes: number }
  export const type = new RequestType<Params, Result, void>(method);
}

/** Progress values sent with `$/progress` for a request's `progressToken`. */
export interface WorkProgress {
  message: string;
  fraction?: number;
  /** Training only: the run so far, sent after every epoch (small: a few numbers per epoch). */
  training?: import('./views').TrainingPayload;
}
export const workProgress = new ProgressType<WorkProgress>();

/** Dataset ids the download command knows (official locations in the worker's catalog). */
export type DatasetId = 'mnist-dvs' | 'nmnist' | 'cifar10';

/**
 * Host → worker. Cancellable, reports progress. Downloads (resuming a partial file), checks and extracts
 * a dataset into `<targetDir>/<id>`. The only request that uses the network. `baseUrl` replaces the
 * official host (a mirror, or a loopback server in tests).
 */
export namespace DownloadDataset {
  export const method = 'dataset/download';
  export interface Params extends WorkDoneParams { id: DatasetId; targetDir: string; baseUrl?: string }
  export interface Result { path: string; summary: DatasetSummary }
  export const type = new RequestType<Params, Result, void>(method);
}

/** Host → worker. Not cancellable. Recognises a dataset folder's layout and counts its recordings. */
export namespace InspectDataset {
  export const method = 'dataset/inspect';
  export interface Params extends WorkDoneParams { dir: string; /** Recordings to list (default 0). */ list?: number }
  export type Result = DatasetSummary;
  export const type = new RequestType<Params, Result, void>(method);
}

export interface DatasetSummary {
  kind: 'mnist-dvs' | 'nmnist' | 'flat' | 'cifar10';
  root: string;
  recordings: number;
  /** Recordings (or images) per class label. */
  perLabel: Record<string, number>;
  /** Event datasets: the first recordings (at most `list` of `InspectDataset`), id, file and label. */
  list?: { id: string; file: string; label: number }[];
}

/** Host → worker. Cancellable. Format, sensor, counts and event rate of an event file (one streaming pass). */
export namespace DescribeEvents {
  export const method = 'events/describe';
  export interface Params extends WorkDoneParams { file: string; chunkEvents?: number }
  export type Result = import('./views').EventFileFacts;
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * Host → worker. Cancellable. The raster of chunk `index` of an event file: its input events and, when a
 * model file and TF.js weights (`model.json` of a run) are given, the spiking simulation of the chunk.
 */
export namespace ChunkRaster {
  export const method = 'events/raster';
  export interface Params extends WorkDoneParams {
    file: string; index: number; chunkEvents?: number; modelPath?: string; weightsPath?: string; maxEntries?: number;
    /** The file's facts from `DescribeEvents` and its chunk count: the raster's title then names them, and `rate` places the chunk. */
    facts?: import('./views').EventFileFacts; chunkCount?: number;
    /** The recording's class label (a dataset's listing): a simulated chunk's output then carries it. */
    label?: number;
  }
  export type Result = import('./views').RasterPayload;
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * Host → worker. Cancellable, reports progress (with a `training` snapshot after every epoch). Trains a
 * model file on a dataset folder or the embedded synthetic digits (`data: 'synth'`), evaluates it, and
 * leaves the run in `<workspace>/.synops/runs/<id>/`. A cancelled run keeps its last checkpoint.
 */
export namespace TrainModel {
  export const method = 'train/run';
  export interface Params extends WorkDoneParams {
    modelPath: string;
    data: string;
    workspace: string;
    strategy?: import('./strategy').StrategyId;
    target?: number;
    epochs?: number;
    /** Samples per training step; absent: the model file's `training.batchSize`, else 256. */
    batchSize?: number;
    maxRecordings?: number;
    snnSamples?: number;
    /** An unfinished run folder to resume. */
    out?: string;
    /** Conversion aids over the model file's `conversion` block (e.g. a shorter fine-tuning through time). */
    conversion?: import('./model').ConversionSpec;
  }
  /** `training`: the run as the monitor draws it once finished (status `done`), every epoch included. */
  export interface Result { runId: string; runDir: string; backend: string; row: import('./runs').RunRow; training?: import('./views').TrainingPayload }
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * Host → worker. Cancellable, reports progress like `TrainModel` (its `training` snapshot carries the epochs
 * done before the stop). Continues a stopped run (`RunRow.resumable`) with its own settings from `run.json`,
 * from the epoch after its checkpoint, then evaluates it.
 */
export namespace ResumeRun {
  export const method = 'train/resume';
  export interface Params extends WorkDoneParams { runDir: string; workspace: string; snnSamples?: number }
  export type Result = TrainModel.Result;
  export const type = new RequestType<Params, Result, void>(method);
}

/** Host → worker. Not cancellable. The runs of a workspace, or of another folder of run folders, by name. */
export namespace ListRuns {
  export const method = 'runs/list';
  export interface Params extends WorkDoneParams {
    workspace: string;
    /** A folder of run folders instead of `<workspace>/.synops/runs` (a reproduction's `runs/`). */
    runsDir?: string;
    /**
     * Only the runs of one model, newest last: `modelHash` — its evaluated runs (same input and layers, a
     * spiking evaluation; the runs a model file's figures may follow, ordered as they are picked); `modelName`
     * — every readable run of a model of that name.
     */
    of?: { modelHash: string } | { modelName: string };
  }
  export type Result = import('./runs').RunRow[];
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * Host → worker. Not cancellable. The accuracy-vs-SynOps trade-off of a workspace's runs (`source`: the
 * folder) or of a reproduction (`source`: its `report.json`, beside its `runs/`), with every run's folder by
 * id so a click can open the run.
 */
export namespace Tradeoff {
  export const method = 'runs/tradeoff';
  export interface Params extends WorkDoneParams { source: string; /** Title word for a workspace: its folder's name. */ name?: string }
  export interface Result { payload: import('./views').TradeoffPayload; runDirs: Record<string, string> }
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * Host → worker. Cancellable, reports progress. A SynOps sweep: independent models over targets (the
 * MNIST-DVS procedure) or a warm-started chain (the CIFAR procedure); every model is a run of its own.
 */
export namespace RunSweep {
  export const method = 'train/sweep';
  export interface Params extends WorkDoneParams {
    modelPath: string;
    data: string;
    workspace: string;
    kind: 'independent' | 'chain';
    targets?: number[];
    epochs?: number;
    maxRecordings?: number;
    snnSamples?: number;
  }
  export interface Result { dir: string; backend: string; rows: import('./runs').RunRow[] }
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * Host → worker. How long a `RunSweep` with these settings would take, from the training speed a previous run
 * of the workspace measured (`seconds` absent, and `basis` saying why, when there is none).
 */
export namespace EstimateSweep {
  export const method = 'train/estimateSweep';
  export interface Params extends WorkDoneParams { modelPath: string; data: string; workspace: string; kind: 'independent' | 'chain'; targets?: number[]; epochs?: number; maxRecordings?: number }
  export interface Result { models: number; seconds?: number; basis: string }
  export const type = new RequestType<Params, Result, void>(method);
}

/** Host → worker. Cancellable, reports progress. Evaluates a run again (ANN proxy, SNN, optionally ×ρ). */
export namespace EvaluateRun {
  export const method = 'run/evaluate';
  export interface Params extends WorkDoneParams { runDir: string; data: string; workspace: string; snnSamples?: number; rhos?: number[] }
  export type Result = import('./runs').RunRow;
  export const type = new RequestType<Params, Result, void>(method);
}

/** Host → worker. Not cancellable. A run's training history in the training monitor's shape. */
export namespace RunTraining {
  export const method = 'run/training';
  export interface Params extends WorkDoneParams { runDir: string }
  export type Result = import('./views').TrainingPayload;
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * Host → worker. Cancellable, reports progress. Installs `@tensorflow/tfjs-node` (native TensorFlow, the
 * fast training backend) with npm into `dir` — on machines with internet: its install downloads
 * libtensorflow — and says whether it loads in the worker's Node. Next to dataset downloads, the only
 * request that uses the network, and only when the user asks.
 */
export namespace InstallNative {
  export const method = 'backend/installNative';
  export interface Params extends WorkDoneParams { dir: string; version?: string; registry?: string }
  export interface Result { dir: string; loads: boolean; why?: string }
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * Host → worker. Cancellable (between reading and writing). Imports a NIR graph as a model file and its
 * TF.js weights (`<model>.weights/model.json`), as `synops import` does; `out` defaults to
 * `<name>.snn.json` beside the `.nir`.
 */
export namespace ImportNir {
  export const method = 'nir/import';
  export interface Params extends WorkDoneParams { file: string; out?: string }
  export interface Result { modelPath: string; weightsPath: string; layers: number; spikingOutput: boolean; notes: string[] }
  export const type = new RequestType<Params, Result, void>(method);
}

/** Host → worker. Not cancellable. Writes a run's trained network as a NIR graph, as `synops export --nir` does. */
export namespace ExportNir {
  export const method = 'nir/export';
  export interface Params extends WorkDoneParams { runDir: string; target: string }
  export interface Result { file: string; nodes: number; edges: number; version: string }
  export const type = new RequestType<Params, Result, void>(method);
}

/** Host → worker. Not cancellable. The energy report of a `.nir` graph (the model it imports to) and the import's notes. */
export namespace NirReport {
  export const method = 'nir/report';
  export interface Params extends WorkDoneParams { file: string; options: ReportOptionsWire }
  export interface Result { report: import('./report').ModelReport; notes: string[] }
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * Host → worker. Cancellable. The energy report of a run's model file (`<runDir>/model.snn.json`) with the
 * run's measured figures, labelled with the run (`runId`, accuracies): what the Runs view's hover, the
 * comparison, the notebook export and the layer hover show. A model file with errors is bad input.
 */
export namespace RunReport {
  export const method = 'run/report';
  export interface Params extends WorkDoneParams { runDir: string; options: ReportOptionsWire }
  export type Result = import('./report').ModelReport;
  export const type = new RequestType<Params, Result, void>(method);
}
