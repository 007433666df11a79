import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChunkRaster, DescribeEvents, InspectDataset, Tradeoff } from '../../protocol/messages';
import { pickRun } from '../runs/picker';
import { listRuns, workspaceFolder } from '../runs/service';
import type { HostToRaster, HostToTradeoff, HostToTraining, RasterToHost, TradeoffToHost, TrainingToHost } from '../../protocol/panels';
import type { EventFileFacts, TradeoffPayload, TrainingPayload } from '../../protocol/views';
import type { Ctx } from '../ctx';
import { showWorkerError } from '../workerProcess/errors';
import { WebView } from './webPanel';
import { pickRasterSource } from './rasterPick';

const TRADEOFF_VIEW = 'synops.tradeoff';
const RASTER_VIEW = 'synops.raster';
const TRAINING_VIEW = 'synops.training';

/** The trade-off of `source` (a workspace folder, or a reproduction's `report.json`), as the worker computes it. */
export async function tradeoffPayload(ctx: Ctx, source: vscode.Uri): Promise<Tradeoff.Result> {
  const folder = vscode.workspace.getWorkspaceFolder(source);
  return ctx.worker.request(Tradeoff.type, { source: source.fsPath, ...(folder && folder.uri.fsPath === source.fsPath ? { name: folder.name } : {}) });
}

/**
 * Lists the runs of `source` (a workspace folder, or a reproduction's `report.json`) and draws their
 * trade-off into `panel`; a click on a point opens that run's report.
 */
async function fillTradeoff(ctx: Ctx, panel: vscode.WebviewPanel, source: vscode.Uri): Promise<TradeoffPayload> {
  const { payload, runDirs } = await tradeoffPayload(ctx, source);
  const view = new WebView<HostToTradeoff, TradeoffToHost>(panel.webview, ctx.extensionUri, 'tradeoff', 'SynOps Trade-off', (m) => {
    if (m.type === 'openRun') {
      const dir = runDirs[m.runId];
      if (dir) void vscode.commands.executeCommand('synops.showEnergyReport', vscode.Uri.file(path.join(dir, 'model.snn.json')));
      else void vscode.window.showWarningMessage(`SynOps: run ${m.runId} is not in ${source.fsPath} any more; its report cannot be opened.`);
    }
  });
  panel.onDidDispose(() => view.dispose());
  view.post({ type: 'tradeoff', payload, source: source.toString() });
  if (!payload.points.length) view.post({ type: 'error', message: 'No evaluated runs yet: train a model (SynOps: Train Model) to see points here.' });
  return payload;
}

/**
 * "SynOps: Show Trade-off": accuracy vs SynOps of every run in the workspace, or of a reproduction's runs
 * given its `report.json` (explorer context menu, editor title, the argument, or the active editor). A click
 * on a point opens that run.
 */
export async function showTradeoff(ctx: Ctx, report?: vscode.Uri): Promise<TradeoffPayload | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const source = report ?? (active?.scheme === 'file' && path.basename(active.fsPath) === 'report.json' ? active : workspaceFolder()?.uri);
  if (!source) { void vscode.window.showWarningMessage('SynOps: open a folder with runs (.synops/runs) first.'); return undefined; }
  const panel = vscode.window.createWebviewPanel(TRADEOFF_VIEW, 'SynOps Trade-off', vscode.ViewColumn.Active);
  try {
    return await fillTradeoff(ctx, panel, source);
  } catch (e) {
    panel.dispose();
    void showWorkerError(e, 'SynOps: Show Trade-off', ctx.log);
    return undefined;
  }
}

/** What the training monitor's buttons do: Stop, Open report, Resume. */
export interface TrainingActions { onCancel(): void; onOpenRun(): void; onResume(): void }

/** The live training monitor of one run. */
export class TrainingMonitor {
  private readonly view: WebView<HostToTraining, TrainingToHost>;
  readonly panel: vscode.WebviewPanel;

  constructor(ctx: Ctx, title: string, actions: TrainingActions) {
    this.panel = vscode.window.createWebviewPanel(TRAINING_VIEW, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    this.view = new WebView(this.panel.webview, ctx.extensionUri, 'training', title, (m) => {
      if (m.type === 'cancelTraining') actions.onCancel();
      else if (m.type === 'openRun') actions.onOpenRun();
      else if (m.type === 'resumeRun') actions.onResume();
    });
    this.panel.onDidDispose(() => this.view.dispose());
  }

  update(payload: TrainingPayload): void {
    this.view.post({ type: 'training', payload });
  }

  /** What the run does before it has a payload (loading data), in the worker's words. */
  activity(message: string): void {
    this.view.post({ type: 'activity', message });
  }
}

/**
 * The spike raster of an event file's chunks in a webview: the file's facts first, then chunk 0; picking
 * another chunk asks the worker again. With `modelPath` and `weightsPath` the chunk is also simulated.
 */
export class RasterView {
  private readonly view: WebView<HostToRaster, RasterToHost>;
  private chunks = 1;
  private facts?: EventFileFacts;
  /** A dataset's recordings the sample picker offers (id → file), when the view was opened on a dataset. */
  private samples?: { id: string; file: string; label: number }[];

  constructor(private readonly ctx: Ctx, webview: vscode.Webview, private file: string, private sim: { modelPath?: string; weightsPath?: string } = {},
    samples?: { id: string; file: string; label: number }[]) {
    this.samples = samples;
    this.view = new WebView(webview, ctx.extensionUri, 'raster', `Spike raster: ${path.basename(file)}`, (m) => {
      if (m.type === 'selectChunk') void this.select(m.chunk, m.sample);
      else if (m.type === 'simulateWithRun') void this.pickRunAndShow(m.chunk);
    });
  }

  /** "Simulate this chunk with a run…": the run's model and weights simulate this and later chunks. */
  private async pickRunAndShow(chunk: number): Promise<void> {
    const pick = await pickRun((await listRuns(this.ctx)).filter((r) => r.state === 'done'), { title: 'Simulate this chunk with which run?', placeHolder: 'A finished run' });
    if (!pick || !('run' in pick)) return;
    this.sim = { modelPath: path.join(pick.run.dir, 'model.snn.json'), weightsPath: path.join(pick.run.dir, 'model', 'model.json') };
    await this.show(chunk);
  }

  /** Another chunk, or the first chunk of another recording of the dataset. */
  private async select(chunk: number, sample?: string): Promise<void> {
    const next = sample ? this.samples?.find((x) => x.id === sample) : undefined;
    if (next && next.file !== this.file) {
      this.file = next.file;
      await this.start();
      return;
    }
    await this.show(chunk);
  }

  async start(): Promise<void> {
    try {
      const facts = await this.ctx.worker.request(DescribeEvents.type, { file: this.file });
      this.facts = facts;
      this.chunks = Math.max(1, facts.chunks);
      await this.show(0);
    } catch (e) {
      this.view.post({ type: 'error', message: (e as Error).message });
      await showWorkerError(e, 'SynOps: Spike Raster', this.ctx.log);
    }
  }

  private async show(chunk: number): Promise<void> {
    try {
      // The worker titles the chunk with the file's facts and places it in the recording's event rate.
      const current = this.samples?.find((x) => x.file === this.file);
      const payload = await this.ctx.worker.request(ChunkRaster.type, {
        file: this.file, index: chunk, ...this.sim, ...(this.facts ? { facts: this.facts, chunkCount: this.chunks } : {}), ...(current ? { label: current.label } : {}),
      });
      this.view.post({
        type: 'raster', payload, source: vscode.Uri.file(this.file).toString(),
        selection: { chunk, chunkCount: this.chunks, canSimulate: true, sample: current?.id ?? path.basename(this.file), ...(this.samples ? { samples: this.samples.map((x) => x.id) } : {}) },
      });
    } catch (e) {
      this.view.post({ type: 'error', message: (e as Error).message });
    }
  }

  dispose(): void {
    this.view.dispose();
  }
}

/** Read-only custom editor for event files (AEDAT 2/4, N-MNIST .bin, Prophesee .dat): facts and chunk rasters. */
export class EventFileEditorProvider implements vscode.CustomReadonlyEditorProvider {
  static readonly viewType = 'synops.eventFile';
  constructor(private readonly ctx: Ctx) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(doc: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const raster = new RasterView(this.ctx, panel.webview, doc.uri.fsPath);
    panel.onDidDispose(() => raster.dispose());
    await raster.start();
  }
}

/** "SynOps: Show Spike Raster": an event file or dataset (given, or picked from the workspace's), optionally simulated with a run. */
export async function showRaster(ctx: Ctx, fileArg?: unknown, runDirArg?: unknown): Promise<void> {
  let file = fileArg instanceof vscode.Uri ? fileArg.fsPath : typeof fileArg === 'string' ? fileArg : undefined;
  // The workspace's datasets and recordings first; a file dialog only behind "Browse…".
  file ??= await pickRasterSource(ctx);
  if (!file) return;
  // A dataset folder: its recordings become the sample picker, the first one is shown.
  let samples: { id: string; file: string; label: number }[] | undefined;
  if ((await vscode.workspace.fs.stat(vscode.Uri.file(file))).type & vscode.FileType.Directory) {
    try {
      samples = (await ctx.worker.request(InspectDataset.type, { dir: file, list: 500 })).list;
    } catch (e) {
      await showWorkerError(e, 'SynOps: Show Spike Raster', ctx.log);
      return;
    }
    if (!samples?.length) { void vscode.window.showWarningMessage(`SynOps: ${file} holds no event recordings.`); return; }
    file = samples[0].file;
  }
  const runDir = typeof runDirArg === 'string' ? runDirArg : undefined;
  const sim = runDir ? { modelPath: path.join(runDir, 'model.snn.json'), weightsPath: path.join(runDir, 'model', 'model.json') } : {};
  const panel = vscode.window.createWebviewPanel(RASTER_VIEW, `Spike raster: ${path.basename(file)}`, vscode.ViewColumn.Active);
  const raster = new RasterView(ctx, panel.webview, file, sim, samples);
  panel.onDidDispose(() => raster.dispose());
  await raster.start();
}

/**
 * Brings the workbench panels back after a window reload, from the state each view saved: the trade-off
 * lists its folder's runs again, the raster reopens its file, the training monitor redraws the epochs it
 * had (the training itself did not survive the reload).
 */
export function registerWorkbenchSerializers(ctx: Ctx): vscode.Disposable[] {
  const source = (state: unknown): vscode.Uri | undefined => {
    const s = (state as { source?: string } | undefined)?.source;
    return s ? vscode.Uri.parse(s) : undefined;
  };
  return [
    vscode.window.registerWebviewPanelSerializer(TRADEOFF_VIEW, {
      async deserializeWebviewPanel(panel, state) {
        const folder = source(state) ?? workspaceFolder()?.uri;
        if (!folder) { panel.dispose(); return; }
        await fillTradeoff(ctx, panel, folder).catch((e: unknown) => ctx.log.error(`restoring the trade-off: ${(e as Error).message}`));
      },
    }),
    vscode.window.registerWebviewPanelSerializer(RASTER_VIEW, {
      async deserializeWebviewPanel(panel, state) {
        const file = source(state);
        if (!file) { panel.dispose(); return; }
        const raster = new RasterView(ctx, panel.webview, file.fsPath);
        panel.onDidDispose(() => raster.dispose());
        await raster.start();
      },
    }),
    vscode.window.registerWebviewPanelSerializer(TRAINING_VIEW, {
      async deserializeWebviewPanel(panel) {
        const view = new WebView<HostToTraining, TrainingToHost>(panel.webview, ctx.extensionUri, 'training', panel.title, () => undefined);
        panel.onDidDispose(() => view.dispose());
      },
    }),
  ];
}
