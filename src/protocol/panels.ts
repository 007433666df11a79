/**
 * Messages between the workbench panels (trade-off, spike raster, training monitor) and the extension host.
 * Types only. Every panel posts `ready` once its script runs; the host sends data only after that. Each
 * panel keeps what it draws with `vscode.setState` under a `stateVersion`, so a hidden and shown panel, or
 * one restored after a window reload, redraws before the host answers; a state of another version is
 * dropped. Adding a message or an optional field is compatible; both sides ignore message types they do
 * not know. The energy report's messages are in `webview.ts`.
 */
import type { RasterPayload, TradeoffPayload, TrainingPayload } from './views';

/** Version of the state every panel below saves; bump it when a state's meaning changes. */
export const PANEL_STATE_VERSION = 1;

/** Panel → host, common to every panel: the script has loaded and listens. */
export interface ReadyMessage { type: 'ready' }

/** Host → panel, common to every panel: shown above the last drawing, which stays visible. */
export interface ErrorMessage { type: 'error'; message: string }

// ---- Trade-off (accuracy vs. SynOps of a sweep)

/** Host → trade-off panel. */
export type HostToTradeoff =
  /**
   * The sweep to draw; replaces the previous one. `source` is opaque to the panel (e.g. the sweep folder's
   * URI): it is kept in the state so the host's serializer can reopen the panel after a reload.
   */
  | { type: 'tradeoff'; payload: TradeoffPayload; source?: string }
  | ErrorMessage;

/** Trade-off panel → host. */
export type TradeoffToHost =
  | ReadyMessage
  /** The user clicked a point (or a run id in the table): open that run's energy report. */
  | { type: 'openRun'; runId: string };

export interface TradeoffState {
  stateVersion: typeof PANEL_STATE_VERSION;
  payload?: TradeoffPayload;
  source?: string;
  /** Strategies the user hid by clicking their legend entry. */
  hidden?: string[];
  /** The run table's sort column (`data-col`) and direction, as the user last clicked it. */
  sort?: { col: string; dir: 'asc' | 'desc' };
}

// ---- Spike raster of one DVS chunk

/** Which chunk of which recording is drawn, and what else can be picked. */
export interface RasterSelection {
  /** Recordings the user can pick from (file names or ids); omitted when there is one. */
  samples?: string[];
  sample?: string;
  /** Zero-based chunk index and the number of chunks of the current recording. */
  chunk: number;
  chunkCount: number;
  /** The host can simulate the chunk with a trained run (the event-file viewer): show the action. */
  canSimulate?: boolean;
}

/** Host → raster panel. */
export type HostToRaster =
  /** The chunk to draw; replaces the previous one. `source` is opaque, kept for the serializer. */
  | { type: 'raster'; payload: RasterPayload; selection?: RasterSelection; source?: string }
  | ErrorMessage;

/** Raster panel → host. */
export type RasterToHost =
  | ReadyMessage
  /** The user picked another chunk or recording: simulate it and send a new `raster`. */
  | { type: 'selectChunk'; chunk: number; sample?: string }
  /** The user asked to simulate the shown chunk with a trained run: the host asks which. */
  | { type: 'simulateWithRun'; chunk: number };

export interface RasterState {
  stateVersion: typeof PANEL_STATE_VERSION;
  payload?: RasterPayload;
  selection?: RasterSelection;
  source?: string;
  /** Time step shown by the scrubber. */
  step?: number;
}

// ---- Training monitor

/** Host → training panel. */
export type HostToTraining =
  /**
   * The run's progress, sent again after every epoch. `history` may be the full list or only the new
   * epochs: for the same `runId` the panel merges by epoch number (a later entry wins); another `runId`
   * starts afresh.
   */
  | { type: 'training'; payload: TrainingPayload }
  /** Before the worker names the run (data being loaded or generated): what it does, e.g. "preparing frames 40/400". */
  | { type: 'activity'; message: string }
  | ErrorMessage;

/** Training panel → host. */
export type TrainingToHost =
  | ReadyMessage
  /** The user pressed Stop while the run was `running`. */
  | { type: 'cancelTraining'; runId: string }
  /** The user asked for the finished run's energy report. */
  | { type: 'openRun'; runId: string }
  /** The user pressed Resume on a stopped run that can resume. */
  | { type: 'resumeRun'; runId: string };

export interface TrainingState {
  stateVersion: typeof PANEL_STATE_VERSION;
  /** The merged payload: every epoch received so far for this run. */
  payload?: TrainingPayload;
}
