/**
 * Messages between the report panel and the extension host (`webview.postMessage` / `onDidReceiveMessage`).
 * The panel posts `ready` once its script runs; the host sends data only after that. Adding a message or
 * an optional field is compatible; both sides ignore message types they do not know.
 */
import type { ModelReport, Range } from './report';

/** Host → panel. */
export type HostToPanel =
  /**
   * The report to draw, and the model file's URI; replaces the previous report and clears any error.
   * `compare` (e.g. the baseline of an optimized run) is drawn beside it, layers matched by name.
   */
  | { type: 'report'; report: ModelReport; uri?: string; compare?: ModelReport }
  /** Analysis failed (bad model, worker down): shown above the last report, which stays visible. */
  | { type: 'error'; message: string };

/** Panel → host. */
export type PanelToHost =
  | { type: 'ready' }
  /** The user picked another neuromorphic profile; the host may remember it for later reports. */
  | { type: 'profileChanged'; profileId: string }
  /** The user picked another ANN profile for the comparison column. */
  | { type: 'annProfileChanged'; annProfileId: string }
  /** The user clicked a layer name: reveal this range of the model file. */
  | { type: 'revealLayer'; layer: string; range: Range }
  /** The user asked for another run's figures: the host offers the model's evaluated runs. */
  | { type: 'pickRun' };

/** What the panel keeps with `vscode.setState`, so a restored panel redraws before the host answers. */
export interface PanelState {
  /** The model file's URI, as the host sent it: its panel serializer reopens the panel from this. */
  uri?: string;
  report?: ModelReport;
  /** The report drawn beside it, when the host sent one. */
  compare?: ModelReport;
  profileId?: string;
  annProfileId?: string;
  logScale?: boolean;
}
