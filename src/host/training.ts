import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatCount } from '../protocol/format';
import { TrainModel } from '../protocol/messages';
import type { Ctx } from './ctx';
import { knownDatasets } from './datasets';
import { isModelDocument } from './model/service';
import { TrainingMonitor } from './panels/workbench';
import { showWorkerError } from './workerProcess/errors';

type StrategyId = NonNullable<TrainModel.Params['strategy']>;

const STRATEGIES: { id: StrategyId; label: string; detail: string }[] = [
  { id: 'synops-qrelu', label: 'SynOp loss + QReLU', detail: 'CE + ((S − S0)/S0)², quantized ReLU: the paper\'s best trade-off' },
  { id: 'synops', label: 'SynOp loss', detail: 'CE + ((S − S0)/S0)² with plain ReLU' },
  { id: 'baseline', label: 'Baseline', detail: 'cross-entropy only' },
  { id: 'scale', label: 'Weight scaling', detail: 'baseline, then a sweep of the first layer ×ρ (no retraining)' },
];

/** Optional arguments, so scripts and tests can skip the questions. */
export interface TrainArgs { model?: vscode.Uri; strategy?: StrategyId; target?: number; data?: string; epochs?: number; maxRecordings?: number; snnSamples?: number }

/**
 * "SynOps: Train Model": trains the active model file in the worker with a notification (cancellable),
 * a live training monitor and the numbers in the status bar; the run lands in `.synops/runs/`.
 */
export function trainModelCommand(ctx: Ctx) {
  return async (arg?: unknown): Promise<TrainModel.Result | undefined> => {
    const args: TrainArgs = arg instanceof vscode.Uri ? { model: arg } : (arg as TrainArgs | undefined) ?? {};
    const doc = args.model ? await vscode.workspace.openTextDocument(args.model) : vscode.window.activeTextEditor?.document;
    if (!doc || !isModelDocument(doc)) { void vscode.window.showWarningMessage('SynOps: open a *.snn.json model file to train.'); return undefined; }
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) { void vscode.window.showWarningMessage('SynOps: open the folder of the model file; runs are kept in its .synops/runs.'); return undefined; }
    if (doc.isDirty) await doc.save();
    const fileTraining = (JSON.parse(doc.getText()) as { training?: { targetSynOps?: number; epochs?: number } }).training ?? {};
    const strategy = args.strategy ?? (await vscode.window.showQuickPick(STRATEGIES, { title: 'SynOps: Train Model — strategy' }))?.id;
    if (!strategy) return undefined;
    let target = args.target;
    if (target === undefined && (strategy === 'synops' || strategy === 'synops-qrelu')) {
      const text = await vscode.window.showInputBox({ title: 'Target SynOps per sample (S0)', value: String(fileTraining.targetSynOps ?? 500000),
        validateInput: (v) => (Number(v) > 0 ? undefined : 'a positive number of SynOps per sample') });
      if (!text) return undefined;
      target = Number(text);
    }
    const data = args.data ?? (await pickData(ctx));
    if (!data) return undefined;
    return runTraining(ctx, { modelPath: doc.uri.fsPath, workspace: folder.uri.fsPath, data, strategy, target, epochs: args.epochs ?? fileTraining.epochs, maxRecordings: args.maxRecordings, snnSamples: args.snnSamples });
  };
}

async function pickData(ctx: Ctx): Promise<string | undefined> {
  const known = Object.entries(knownDatasets(ctx)).map(([kind, dir]) => ({ label: kind, description: dir, value: dir }));
  const items = [{ label: 'Synthetic DVS digits', description: 'embedded, generated once into .synops/data', value: 'synth' }, ...known, { label: 'Choose a folder…', description: '', value: '' }];
  const pick = await vscode.window.showQuickPick(items, { title: 'SynOps: Train Model — data' });
  if (!pick) return undefined;
  if (pick.value) return pick.value;
  const dir = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Train on this dataset' });
  return dir?.[0]?.fsPath;
}

async function runTraining(ctx: Ctx, params: TrainModel.Params): Promise<TrainModel.Result | undefined> {
  const abort = new AbortController();
  let monitor: TrainingMonitor | undefined;
  const status = vscode.window.createStatusBarItem('synops.training', vscode.StatusBarAlignment.Left, 9);
  status.name = 'SynOps training';
  status.text = '$(sync~spin) SynOps: preparing data';
  status.show();
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SynOps: training ${path.basename(params.modelPath)}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let last = 0;
        return ctx.worker.request(TrainModel.type, params, {
          signal: abort.signal,
          onProgress: (p) => {
            const now = Math.round((p.fraction ?? 0) * 100);
            progress.report({ message: p.message, increment: Math.max(0, now - last) });
            last = Math.max(last, now);
            status.text = `$(sync~spin) SynOps: ${p.message}`;
            if (p.training) {
              monitor ??= new TrainingMonitor(ctx, `Training: ${p.training.modelName}`, () => abort.abort(),
                () => void vscode.commands.executeCommand('synops.showEnergyReport', vscode.Uri.file(path.join(runDirOf(params, p.training!.runId), 'model.snn.json'))));
              monitor.update(p.training);
            }
          },
        });
      },
    );
    const row = result.row;
    const acc = (a?: number): string => (a === undefined ? '—' : `${(100 * a).toFixed(1)} %`);
    const msg = `SynOps: run ${result.runId} done on ${result.backend} — SNN ${acc(row.snnAccuracy)} at ${formatCount(row.snnSynops ?? NaN)} SynOps; quantized ANN ${acc(row.annAccuracy)} at ${formatCount(row.annSynops ?? NaN)}`;
    ctx.log.info(msg);
    void vscode.window.showInformationMessage(msg, 'Show Trade-off').then((pick) => { if (pick) void vscode.commands.executeCommand('synops.showTradeoff'); });
    return result;
  } catch (e) {
    await showWorkerError(e, 'SynOps: Train Model', ctx.log);
    return undefined;
  } finally {
    status.dispose();
  }
}

function runDirOf(params: TrainModel.Params, runId: string): string {
  return path.join(params.workspace, '.synops', 'runs', runId);
}
