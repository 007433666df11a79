/**
 * The spike raster of an event file's chunks in a webview: the file's facts first, then chunk 0; picking
 * another chunk asks the worker again (`ChunkRaster`, which titles the chunk and simulates it with a run's
 * model and weights when given). "SynOps: Show Spike Raster" opens it on a file or a dataset.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChunkRaster, DescribeEvents, InspectDataset } from '../../protocol/messages';
import type { HostToRaster, RasterToHost } from '../../protocol/panels';
import type { EventFileFacts } from '../../protocol/views';
import type { Ctx } from '../ctx';
import { pickRun } from '../runs/picker';
import { listRuns, runSimFiles } from '../runs/service';
import { showWorkerError } from '../workerProcess/errors';
import { pickRasterSource } from './rasterPick';
import { openPanel, sourceOf, WebView } from './webPanel';

const RASTER_VIEW = 'synops.raster';

/** A dataset's recording the sample picker offers. */
type Sample = { id: string; file: string; label: number };

export class RasterView {
  private readonly view: WebView<HostToRaster, RasterToHost>;
  private chunks = 1;
  private facts?: EventFileFacts;

  /** `samples`: the dataset's recordings (when the view was opened on a dataset). */
  constructor(private readonly ctx: Ctx, webview: vscode.Webview, private file: string, private sim: { modelPath?: string; weightsPath?: string } = {},
    private readonly samples?: Sample[]) {
    this.view = new WebView(webview, ctx.extensionUri, 'raster', `Spike raster: ${path.basename(file)}`, (m) => {
      if (m.type === 'selectChunk') void this.select(m.chunk, m.sample);
      else if (m.type === 'simulateWithRun') void this.pickRunAndShow(m.chunk);
    });
  }

  /** "Simulate this chunk with a run…": the run's model and weights simulate this and later chunks. */
  private async pickRunAndShow(chunk: number): Promise<void> {
    const pick = await pickRun((await listRuns(this.ctx)).filter((r) => r.state === 'done'), { title: 'Simulate this chunk with which run?', placeHolder: 'A finished run' });
    if (!pick || !('run' in pick)) return;
    this.sim = runSimFiles(pick.run.dir);
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

/** Shows the raster of `file` in `panel` (a new panel, a restored one or a custom editor's) until it closes. */
export async function fillRaster(ctx: Ctx, panel: vscode.WebviewPanel, file: string, sim?: { modelPath?: string; weightsPath?: string }, samples?: Sample[]): Promise<void> {
  const raster = new RasterView(ctx, panel.webview, file, sim, samples);
  panel.onDidDispose(() => raster.dispose());
  await raster.start();
}

/** "SynOps: Show Spike Raster": an event file or dataset (given, or picked from the workspace's), optionally simulated with a run. */
export async function showRaster(ctx: Ctx, fileArg?: unknown, runDirArg?: unknown): Promise<void> {
  let file = fileArg instanceof vscode.Uri ? fileArg.fsPath : typeof fileArg === 'string' ? fileArg : undefined;
  // The workspace's datasets and recordings first; a file dialog only behind "Browse…".
  file ??= await pickRasterSource(ctx);
  if (!file) return;
  // A dataset folder: its recordings become the sample picker, the first one is shown.
  let samples: Sample[] | undefined;
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
  const sim = typeof runDirArg === 'string' ? runSimFiles(runDirArg) : {};
  await fillRaster(ctx, openPanel(ctx.extensionUri, RASTER_VIEW, `Spike raster: ${path.basename(file)}`, vscode.ViewColumn.Active), file, sim, samples);
}

/** After a window reload the raster reopens the file its page saved. */
export function registerRasterSerializer(ctx: Ctx): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(RASTER_VIEW, {
    async deserializeWebviewPanel(panel, state) {
      const file = sourceOf(state);
      if (!file) { panel.dispose(); return; }
      await fillRaster(ctx, panel, file.fsPath);
    },
  });
}
