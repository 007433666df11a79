import * as vscode from 'vscode';
import { AnalyzeModel, WorkerErrorCode } from '../../protocol/messages';
import { modelFileOptions, type AnalyzeResult, type ModelReport, type ReportOptionsWire } from '../../protocol/report';
import { resultPathFor } from '../../protocol/results';
import type { Config } from '../config';
import { WorkerError, type WorkerClient } from '../workerProcess/client';

export const MODEL_GLOB = '**/*.snn.json';

export function isModelDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.path.endsWith('.snn.json');
}

/** An analysis, valid for one document version and one state of the model's result file. */
export interface Analysis { version: number; resultStamp: string; result: AnalyzeResult }

/**
 * Keeps an up-to-date analysis (diagnostics, per-layer report) of every open model file by asking the
 * worker on open and, debounced, on every edit; publishes the diagnostics and tells listeners.
 */
export class ModelService implements vscode.Disposable {
  private readonly analyses = new Map<string, Analysis>();
  /** The last report of each open file that was a valid model: its lenses stay (marked stale) while a typo is fixed. */
  private readonly lastReports = new Map<string, ModelReport>();
  private readonly inflight = new Map<string, AbortController>();
  /** The analysis being asked for, per file: the version and stamp it answers for, and its answer. */
  private readonly running = new Map<string, { version: number; stamp: string; promise: Promise<AnalyzeResult> }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('synops');
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The energy profile picked in a report panel, applied everywhere until changed. */
  profileOverride?: string;
  /** The run picked for a model file's figures, by model URI (`''`: the estimate); absent: its newest evaluated run. */
  private readonly pickedRuns = new Map<string, string>();
  /** Bumped when a run folder changes: every cached analysis may now follow another run. */
  private runsGeneration = 0;
  private runsTimer?: NodeJS.Timeout;

  readonly onDidChange = this.changed.event;

  constructor(private readonly worker: WorkerClient, private readonly config: Config, private readonly log: vscode.LogOutputChannel) {
    this.subscriptions.push(
      this.diagnostics,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, 250)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('synops')) this.refreshAll(); }),
    );
    // A simulation result written next to a model changes its measured SynOps.
    const results = vscode.workspace.createFileSystemWatcher('**/.synops/results/*.sim.json');
    results.onDidCreate(() => this.refreshAll());
    results.onDidChange(() => this.refreshAll());
    results.onDidDelete(() => this.refreshAll());
    this.subscriptions.push(results);
    // A run trained, evaluated or deleted changes which run a model file's lenses and report follow.
    const runs = vscode.workspace.createFileSystemWatcher('**/.synops/runs/**/{run.json,evaluation.json}');
    // A training rewrites run.json every epoch: one refresh a second at most.
    const runsChanged = (): void => {
      if (this.runsTimer) return;
      this.runsTimer = setTimeout(() => { this.runsTimer = undefined; this.runsChanged(); }, 1000);
    };
    this.subscriptions.push(runs, runs.onDidCreate(runsChanged), runs.onDidChange(runsChanged), runs.onDidDelete(runsChanged));
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** Says that the runs changed (a training or evaluation just ended), without waiting for the file watcher. */
  runsChanged(): void {
    this.runsGeneration++;
    this.refreshAll();
  }

  /** Which run a model file's figures follow: a run id, `''` for the estimate, undefined for the newest. */
  pickedRun(uri: vscode.Uri): string | undefined {
    return this.pickedRuns.get(uri.toString());
  }

  pickRun(uri: vscode.Uri, runId: string | undefined): void {
    if (runId === undefined) this.pickedRuns.delete(uri.toString());
    else this.pickedRuns.set(uri.toString(), runId);
    this.runsChanged();
  }

  /**
   * The report options of the model file at `uri`: the settings with the profile picked in a panel, its
   * workspace folder's runs (else the first folder's) and the run picked for it.
   */
  reportOptions(uri: vscode.Uri): ReportOptionsWire {
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    return modelFileOptions(this.config.reportOptions(this.profileOverride), folder?.uri, this.pickedRun(uri));
  }

  /** The analysis of a document at its current version, asking the worker if needed. */
  async analysis(doc: vscode.TextDocument): Promise<AnalyzeResult> {
    for (let attempt = 0; ; attempt++) {
      const key = doc.uri.toString();
      const stamp = await this.stamp(doc);
      const cached = this.analyses.get(key);
      if (cached && cached.version === doc.version && cached.resultStamp === stamp) return cached.result;
      // The same text and runs being analysed already (the lenses asked just before a command did): share that
      // answer. Starting another cancelled it, its caller's retry cancelled this one, and so on until one of
      // them gave up ("Train Model resulted in an error: model/analyze cancelled").
      const running = this.running.get(key);
      try {
        return await (running && running.version === doc.version && running.stamp === stamp ? running.promise : this.analyze(doc, stamp));
      } catch (e) {
        // A newer analysis of the same file (an edit, a run that finished) cancelled this one: wait for that one.
        if (!(e instanceof WorkerError && e.code === WorkerErrorCode.Cancelled) || doc.isClosed || attempt >= 5) throw e;
      }
    }
  }

  /** The report of the last valid text of the document, if it ever had one. */
  lastGoodReport(uri: vscode.Uri): ModelReport | undefined {
    return this.lastReports.get(uri.toString());
  }

  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private schedule(doc: vscode.TextDocument, delayMs: number): void {
    if (!isModelDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => { this.analyze(doc).catch(() => undefined); }, delayMs));
  }

  private async analyze(doc: vscode.TextDocument, knownStamp?: string): Promise<AnalyzeResult> {
    const key = doc.uri.toString();
    this.inflight.get(key)?.abort();
    const abort = new AbortController();
    this.inflight.set(key, abort);
    const version = doc.version;
    const stamp = knownStamp ?? await this.stamp(doc);
    const promise = this.request(doc, key, version, stamp, abort);
    const entry = { version, stamp, promise };
    this.running.set(key, entry);
    try {
      return await promise;
    } finally {
      if (this.running.get(key) === entry) this.running.delete(key);
    }
  }

  private async request(doc: vscode.TextDocument, key: string, version: number, stamp: string, abort: AbortController): Promise<AnalyzeResult> {
    try {
      const result = await this.worker.request(AnalyzeModel.type, {
        path: doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined,
        text: doc.getText(),
        options: this.reportOptions(doc.uri),
      }, { signal: abort.signal });
      if (result.resultError) this.log.warn(result.resultError);
      if (doc.version === version && !doc.isClosed) {
        this.analyses.set(key, { version, resultStamp: stamp, result });
        if (result.report) this.lastReports.set(key, result.report);
        this.diagnostics.set(doc.uri, result.diagnostics.filter((d) => !(SYNTAX_CODES.has(d.code) && jsonValidates(doc))).map(toDiagnostic));
        this.changed.fire(doc.uri);
      }
      return result;
    } catch (e) {
      if (!abort.signal.aborted) this.log.error(`analysing ${doc.uri.fsPath}: ${(e as Error).message}`);
      throw e;
    } finally {
      if (this.inflight.get(key) === abort) this.inflight.delete(key);
    }
  }

  /** What makes a cached analysis stale besides an edit: the result file, the runs and the picked run. */
  private async stamp(doc: vscode.TextDocument): Promise<string> {
    return `${await resultStamp(doc)}|${this.runsGeneration}|${this.pickedRun(doc.uri) ?? '*'}`;
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.inflight.get(key)?.abort();
    clearTimeout(this.timers.get(key));
    this.analyses.delete(key);
    this.lastReports.delete(key);
    this.diagnostics.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    clearTimeout(this.runsTimer);
    for (const a of this.inflight.values()) a.abort();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}

/**
 * Size and time of the model's simulation result file ('' when there is none): a changed result makes a
 * cached analysis stale even when no file-watcher event arrived (watchers can start late or drop events).
 */
async function resultStamp(doc: vscode.TextDocument): Promise<string> {
  if (doc.uri.scheme !== 'file') return '';
  try {
    const st = await vscode.workspace.fs.stat(vscode.Uri.file(resultPathFor(doc.uri.fsPath)));
    return `${st.size}:${st.mtime}`;
  } catch {
    return '';
  }
}

/** The worker's codes for JSON syntax errors (jsonc-parser's, as VS Code's JSON validation finds them). */
const SYNTAX_CODES = new Set(['json/syntax', 'json/missing-comma', 'json/trailing-comma']);

/**
 * Whether VS Code's own JSON validation already reports the document's syntax errors (a `.snn.json` in JSON
 * mode with the built-in JSON extension and `json.validate.enable`): then the worker's would be a duplicate
 * in the Problems panel, and only its quick fix is offered (on the JSON extension's diagnostic).
 */
export function jsonValidates(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'json' && vscode.extensions.getExtension('vscode.json-language-features') !== undefined
    && vscode.workspace.getConfiguration('json', doc.uri).get<boolean>('validate.enable', true);
}

const SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information } as const;

function toDiagnostic(d: AnalyzeResult['diagnostics'][number]): vscode.Diagnostic {
  const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
  const diag = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity]);
  diag.code = d.code;
  diag.source = 'SynOps';
  return diag;
}
