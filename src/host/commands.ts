import * as vscode from 'vscode';
import { Ping } from '../protocol/messages';
import type { Ctx } from './ctx';
import { downloadDatasetCommand } from './datasets';
import { EventFileEditorProvider } from './panels/eventFileEditor';
import { showRaster } from './panels/rasterView';
import { showTradeoff } from './panels/tradeoffView';
import { evaluateRunCommand, installNativeCommand, runSweepCommand, showTrainingMonitorCommand, trainModelCommand } from './training';
import { isModelDocument } from './model/service';
import { ReportPanel } from './panels/reportPanel';
import { pickModelRunCommand } from './model/pickRun';
import { resumeRunCommand } from './trainingRun';
import { withCancellableProgress } from './progress';
import { showWorkerError } from './workerProcess/errors';
import { writeAtomically } from './files';

/** Model templates shipped in `templates/`, as offered by "New Model from Template". */
const TEMPLATES = [
  { label: 'MNIST-DVS CNN (Sorbaro et al. 2020)', file: 'mnist-dvs.snn.json', detail: 'DVS events 1×64×64 → 3 conv + avg-pool → linear 10; 6,552 parameters' },
  { label: 'CIFAR-10 All-ConvNet', file: 'cifar10-allconv.snn.json', detail: 'Images 3×32×32 → 9 conv (All-CNN-C) → 8×8 sum pooling; 1.6 M parameters' },
];

/** Each command is a factory that gets the extension context, so it can only run once that exists. */
export { EventFileEditorProvider };

export const COMMANDS: Record<string, (ctx: Ctx) => (...args: unknown[]) => unknown> = {
  'synops.newModel': (ctx) => async () => {
    const pick = await vscode.window.showQuickPick(TEMPLATES, { title: 'SynOps: New Model from Template', placeHolder: 'Pick the network to start from', ignoreFocusOut: true });
    if (!pick) return undefined;
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ctx.extensionUri, 'templates', pick.file));
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      const doc = await vscode.workspace.openTextDocument({ language: 'json', content: new TextDecoder().decode(bytes) });
      await vscode.window.showTextDocument(doc);
      return doc.uri;
    }
    const target = await freeName(folder.uri, pick.file);
    await writeAtomically(target, bytes);
    await vscode.window.showTextDocument(target);
    return target;
  },

  'synops.showEnergyReport': (ctx) => async (arg?: unknown) => {
    const doc = arg instanceof vscode.Uri ? await vscode.workspace.openTextDocument(arg) : vscode.window.activeTextEditor?.document;
    if (!doc || !isModelDocument(doc)) {
      void vscode.window.showWarningMessage('SynOps: open a *.snn.json model file first (or create one with "SynOps: New Model from Template").');
      return undefined;
    }
    ReportPanel.show(ctx.extensionUri, ctx.models, doc);
    return doc.uri;
  },

  'synops.checkWorker': (ctx) => async () => {
    const t0 = Date.now();
    try {
      const r = await withCancellableProgress('SynOps: checking the worker', (signal, report) =>
        ctx.worker.request(Ping.type, { busyMs: 300 }, { signal, onProgress: (p) => report(p.message, p.fraction) }));
      const msg = `SynOps worker OK: pid ${r.pid}, ${r.slices} progress reports, round trip ${Date.now() - t0} ms, ${(r.rssBytes / 2 ** 20).toFixed(0)} MB resident`;
      ctx.log.info(msg);
      void vscode.window.showInformationMessage(msg);
      return r;
    } catch (e) {
      await showWorkerError(e, 'SynOps: Check Worker', ctx.log);
      return undefined;
    }
  },

  'synops.pickModelRun': pickModelRunCommand,
  'synops.downloadDataset': downloadDatasetCommand,
  'synops.trainModel': trainModelCommand,
  'synops.resumeRun': resumeRunCommand,
  'synops.runSweep': runSweepCommand,
  'synops.evaluateRun': evaluateRunCommand,
  'synops.showTrainingMonitor': showTrainingMonitorCommand,
  'synops.installNativeBackend': installNativeCommand,
  'synops.showTradeoff': (ctx) => (report?: unknown) => showTradeoff(ctx, report instanceof vscode.Uri ? report : undefined),
  'synops.showRaster': (ctx) => (file?: unknown, runDir?: unknown) => showRaster(ctx, file, runDir),

  'synops.showLog': (ctx) => () => ctx.log.show(),
};

/** `name.snn.json`, or `name-2.snn.json`, … : the first that does not exist in the folder. */
async function freeName(folder: vscode.Uri, file: string): Promise<vscode.Uri> {
  const stem = file.replace(/\.snn\.json$/, '');
  for (let i = 1; ; i++) {
    const candidate = vscode.Uri.joinPath(folder, i === 1 ? file : `${stem}-${i}.snn.json`);
    try {
      await vscode.workspace.fs.stat(candidate);
    } catch {
      return candidate;
    }
  }
}
