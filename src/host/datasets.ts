import * as vscode from 'vscode';
import { DownloadDataset, InspectDataset, type DatasetId, type DatasetSummary } from '../protocol/messages';
import type { Ctx } from './ctx';
import { withCancellableProgress } from './progress';
import { showWorkerError } from './workerProcess/errors';

/** What the download command offers; the worker holds the official URLs and checksums. */
const DATASETS: { id: DatasetId; label: string; detail: string }[] = [
  { id: 'mnist-dvs', label: 'MNIST-DVS', detail: 'DVS128 recordings of moving MNIST digits (Serrano-Gotarredona & Linares-Barranco 2015), ~1 GB' },
  { id: 'nmnist', label: 'N-MNIST', detail: 'ATIS saccade recordings of MNIST digits (Orchard et al. 2015), ~1 GB' },
  { id: 'cifar10', label: 'CIFAR-10', detail: 'binary version (Krizhevsky 2009), 163 MB' },
];
const LOCAL = 'local';
const STATE_KEY = 'synops.datasets';

/** Datasets the user downloaded or pointed at, by kind, kept across sessions. */
export function knownDatasets(ctx: Ctx): Record<string, string> {
  return ctx.extension.globalState.get<Record<string, string>>(STATE_KEY, {});
}

async function remember(ctx: Ctx, summary: DatasetSummary): Promise<void> {
  await ctx.extension.globalState.update(STATE_KEY, { ...knownDatasets(ctx), [summary.kind]: summary.root });
}

function describe(s: DatasetSummary): string {
  const unit = s.kind === 'cifar10' ? 'images' : 'recordings';
  return `${s.recordings.toLocaleString('en-US')} ${unit} (${s.kind}) in ${s.root}`;
}

/**
 * "SynOps: Download Dataset": one of the official datasets into the extension's global storage (resumable,
 * checksum-checked, extracted), or a local folder the user already has. `id` skips the question.
 */
export function downloadDatasetCommand(ctx: Ctx) {
  return async (id?: unknown): Promise<DatasetSummary | undefined> => {
    let choice = typeof id === 'string' ? id : undefined;
    if (!choice) {
      const items = [...DATASETS.map((d) => ({ ...d, description: d.id })), { id: LOCAL, label: 'Use a local folder…', detail: 'A dataset you already have: MNIST-DVS layout, N-MNIST Train/Test, CIFAR-10 batches, or recordings with labels.txt' }];
      choice = (await vscode.window.showQuickPick(items, { title: 'SynOps: Download Dataset', placeHolder: 'Which dataset?', ignoreFocusOut: true }))?.id;
    }
    if (!choice) return undefined;
    try {
      const summary = choice === LOCAL ? await useLocalFolder(ctx) : await download(ctx, choice as DatasetId);
      if (!summary) return undefined;
      await remember(ctx, summary);
      ctx.log.info(`dataset ready: ${describe(summary)}`);
      void vscode.window.showInformationMessage(`SynOps: dataset ready — ${describe(summary)}`);
      return summary;
    } catch (e) {
      await showWorkerError(e, 'SynOps: Download Dataset', ctx.log);
      return undefined;
    }
  };
}

async function download(ctx: Ctx, id: DatasetId): Promise<DatasetSummary> {
  const known = DATASETS.find((d) => d.id === id);
  if (!known) throw new Error(`unknown dataset "${id}"`);
  const targetDir = vscode.Uri.joinPath(ctx.extension.globalStorageUri, 'datasets').fsPath;
  if (!vscode.workspace.isTrusted) throw new Error('downloading a dataset needs a trusted workspace (Workspaces: Manage Workspace Trust)');
  const mirror = ctx.config.datasetMirror;
  return withCancellableProgress(`SynOps: downloading ${known.label}`, async (signal, report) => {
    const r = await ctx.worker.request(DownloadDataset.type, { id, targetDir, baseUrl: mirror }, { signal, onProgress: (p) => report(p.message, p.fraction) });
    return r.summary;
  });
}

async function useLocalFolder(ctx: Ctx): Promise<DatasetSummary | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use this dataset' });
  if (!picked?.[0]) return undefined;
  return ctx.worker.request(InspectDataset.type, { dir: picked[0].fsPath });
}
