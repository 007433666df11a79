import * as path from 'node:path';
import * as vscode from 'vscode';
import { EvaluateRun, InstallNative, RunSweep, RunTraining, TrainModel } from '../protocol/messages';
import { nativeBackendDir } from './ctx';
import type { RunRow } from '../protocol/runs';
import type { ConversionSpec } from '../protocol/model';
import type { Ctx } from './ctx';
import { knownDatasets } from './datasets';
import { isModelDocument } from './model/service';
import { showWorkerError } from './workerProcess/errors';
import { monitorFor, runTraining } from './trainingRun';
import { runFigures } from '../protocol/runText';
import { strategyRow, type StrategyId } from '../protocol/strategy';
import { pickRun } from './runs/picker';
import { listRuns } from './runs/service';
import { withWork } from './work';
import { confirmSweep } from './sweepConfirm';

/** The strategies as "Train Model" offers them: the paper's best trade-off first (rows of the protocol's one table). */
const STRATEGIES = (['synops-qrelu', 'synops', 'baseline', 'scale'] as const).map((id) => strategyRow(id)!);

/** Optional arguments, so scripts and tests can skip the questions. */
export interface TrainArgs { model?: vscode.Uri; strategy?: StrategyId; target?: number; data?: string; epochs?: number; batchSize?: number; maxRecordings?: number; snnSamples?: number; conversion?: ConversionSpec }

/**
 * The model file's first error as one line with an "Open File" action that shows it, or undefined when the
 * file is a valid model. The errors come from the worker's analysis, the same the Problems panel shows.
 */
async function refuseBrokenModel(ctx: Ctx, doc: vscode.TextDocument, title: string): Promise<boolean> {
  const analysis = await ctx.models.analysis(doc);
  const first = analysis.diagnostics.find((d) => d.severity === 'error');
  if (!first && analysis.report) return false;
  // The diagnostic may start with the file's path, which the sentence already names.
  const message = first?.message.startsWith(`${doc.uri.fsPath}: `) ? first.message.slice(doc.uri.fsPath.length + 2) : first?.message;
  const line = first ? `line ${first.range.start.line + 1}: ${message}` : 'it is not a valid model';
  void vscode.window.showErrorMessage(`${title}: ${path.basename(doc.uri.fsPath)} cannot be trained — ${line}. Fix it first (see the Problems panel).`, 'Open File').then((pick) => {
    if (!pick) return;
    const r = first?.range;
    void vscode.window.showTextDocument(doc, r ? { selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) } : {});
  });
  return true;
}

/** Asks for a positive whole number (epochs, batch size), offering `value`; undefined when dismissed. */
async function askCount(title: string, prompt: string, value: number, max: number): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({ title, prompt, value: String(value), ignoreFocusOut: true,
    validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= max ? undefined : `a whole number from 1 to ${max}`) });
  return text === undefined ? undefined : Number(text.trim());
}

/**
 * "SynOps: Train Model": trains the active model file in the worker with a notification (cancellable),
 * a live training monitor and the numbers in the status bar; the run lands in `.synops/runs/`. Asked for:
 * strategy, target (SynOp loss), epochs and batch size (the model file's values offered), data.
 */
export function trainModelCommand(ctx: Ctx) {
  return async (arg?: unknown): Promise<TrainModel.Result | undefined> => {
    // A script or test passes its settings as an object and is asked nothing it did not leave out of a prompt-free run.
    const scripted = !!arg && !(arg instanceof vscode.Uri);
    const args: TrainArgs = arg instanceof vscode.Uri ? { model: arg } : (arg as TrainArgs | undefined) ?? {};
    const title = 'SynOps: Train Model';
    const doc = args.model ? await vscode.workspace.openTextDocument(args.model) : vscode.window.activeTextEditor?.document;
    if (!doc || !isModelDocument(doc)) { void vscode.window.showWarningMessage('SynOps: open a *.snn.json model file to train.'); return undefined; }
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) { void vscode.window.showWarningMessage('SynOps: open the folder of the model file; runs are kept in its .synops/runs.'); return undefined; }
    if (doc.isDirty) await doc.save();
    if (await refuseBrokenModel(ctx, doc, title)) return undefined;
    // The model file's own settings, as the worker read them, are offered as the answers.
    const fileTraining = (await ctx.models.analysis(doc)).report?.training ?? {};
    const strategy = args.strategy ?? (await vscode.window.showQuickPick(STRATEGIES, { title: `${title} — strategy`, ignoreFocusOut: true }))?.id;
    if (!strategy) return undefined;
    let target = args.target;
    if (target === undefined && (strategy === 'synops' || strategy === 'synops-qrelu')) {
      const text = await vscode.window.showInputBox({ title: `${title} — target SynOps per sample (S₀)`, value: String(fileTraining.targetSynOps ?? 500000), ignoreFocusOut: true,
        validateInput: (v) => (Number(v) > 0 ? undefined : 'a positive number of SynOps per sample') });
      if (!text) return undefined;
      target = Number(text);
    }
    const epochs = args.epochs ?? (scripted ? fileTraining.epochs : await askCount(`${title} — epochs`, 'Passes over the training split (the model file\'s value is offered)', fileTraining.epochs ?? 8, MAX_EPOCHS_ASKED));
    if (epochs === undefined && !scripted) return undefined;
    const batchSize = args.batchSize ?? (scripted ? undefined : await askCount(`${title} — batch size`, 'Samples per training step (the model file\'s value is offered)', fileTraining.batchSize ?? 256, 4096));
    if (batchSize === undefined && !scripted) return undefined;
    const data = args.data ?? (await pickData(ctx, folder, `${title} — data`));
    if (!data) return undefined;
    return runTraining(ctx, { modelPath: doc.uri.fsPath, workspace: folder.uri.fsPath, data, strategy, target, epochs, ...(batchSize !== undefined ? { batchSize } : {}), maxRecordings: args.maxRecordings, snnSamples: args.snnSamples, ...(args.conversion ? { conversion: args.conversion } : {}) });
  };
}

/** The most epochs the prompt accepts (the trainer's own limit is checked again in the worker). */
const MAX_EPOCHS_ASKED = 10_000;

/**
 * The dataset to use: the synthetic digits, the datasets downloaded before, the dataset folders of the
 * workspace (`.synops/data/<name>`), or any folder.
 */
async function pickData(ctx: Ctx, folder: vscode.WorkspaceFolder | undefined, title: string): Promise<string | undefined> {
  const known = Object.entries(knownDatasets(ctx)).map(([kind, dir]) => ({ label: kind, description: dir, value: dir }));
  const local: { label: string; description: string; value: string }[] = [];
  if (folder?.uri.scheme === 'file') {
    const dataDir = vscode.Uri.joinPath(folder.uri, '.synops', 'data');
    const entries = await vscode.workspace.fs.readDirectory(dataDir).then((e) => e, () => [] as [string, vscode.FileType][]);
    for (const [name, type] of entries) {
      const dir = vscode.Uri.joinPath(dataDir, name).fsPath;
      // The synthetic digits have their own entry; a downloaded dataset already listed stays listed once.
      if (type & vscode.FileType.Directory && !name.startsWith('synth') && !known.some((k) => k.value === dir)) local.push({ label: name, description: `.synops/data/${name}`, value: dir });
    }
  }
  const items = [{ label: 'Synthetic DVS digits', description: 'embedded, generated once into .synops/data', value: 'synth' }, ...known, ...local, { label: 'Choose a folder…', description: '', value: '' }];
  const pick = await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true });
  if (!pick) return undefined;
  if (pick.value) return pick.value;
  const dir = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use this dataset' });
  return dir?.[0]?.fsPath;
}

/** Optional arguments of "Run Energy Sweep", so scripts and tests can skip the questions. */
export interface SweepArgs { model?: vscode.Uri; kind?: 'independent' | 'chain'; targets?: number[]; data?: string; epochs?: number; snnSamples?: number }

/**
 * "SynOps: Run Energy Sweep": one model per SynOps target (MNIST-DVS procedure: 10 targets, logspace
 * 1e4…2e6) or a warm-started chain (CIFAR procedure), after saying how long it will take and asking;
 * then the trade-off of the workspace opens.
 */
export function runSweepCommand(ctx: Ctx) {
  return async (arg?: unknown): Promise<RunSweep.Result | undefined> => {
    const args: SweepArgs = arg instanceof vscode.Uri ? { model: arg } : (arg as SweepArgs | undefined) ?? {};
    const doc = args.model ? await vscode.workspace.openTextDocument(args.model) : vscode.window.activeTextEditor?.document;
    if (!doc || !isModelDocument(doc)) { void vscode.window.showWarningMessage('SynOps: open a *.snn.json model file to sweep.'); return undefined; }
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    const kind = args.kind ?? (await vscode.window.showQuickPick([
      { label: 'Independent models', description: 'one model per target (MNIST-DVS procedure)', value: 'independent' as const },
      { label: 'Warm-started chain', description: 'each target from the previous model (CIFAR procedure)', value: 'chain' as const },
    ], { title: 'SynOps: Run Energy Sweep', ignoreFocusOut: true }))?.value;
    if (!kind) return undefined;
    const data = args.data ?? (await pickData(ctx, folder, 'SynOps: Run Energy Sweep — data'));
    if (!data) return undefined;
    // Asked every time, also when a script gave the settings: a sweep trains many models for a long time.
    if (!(await confirmSweep(ctx, path.basename(doc.uri.fsPath), { modelPath: doc.uri.fsPath, data, workspace: folder.uri.fsPath, kind, targets: args.targets, epochs: args.epochs }))) return undefined;
    const result = await withWork(ctx, `SynOps: sweep of ${path.basename(doc.uri.fsPath)}`, (signal, report) =>
      ctx.worker.request(RunSweep.type, { modelPath: doc.uri.fsPath, data, workspace: folder.uri.fsPath, kind, targets: args.targets, epochs: args.epochs, snnSamples: args.snnSamples },
        { signal, onProgress: (p) => report(p.message, p.fraction) }));
    if (result) {
      ctx.log.info(`sweep done: ${result.rows.length} runs in ${result.dir}`);
      void vscode.commands.executeCommand('synops.showTradeoff');
    }
    return result;
  };
}

/**
 * "SynOps: Evaluate Run": the accuracy and SynOps of a run again, ANN proxy and SNN, optionally with the first
 * layer ×ρ. On the folder the run trained on it measures the held-out split, as it always has (the worker
 * decides: every sample of that folder would include the 80 % the run trained on); on another folder, every
 * sample, since the run saw none of them.
 */
export function evaluateRunCommand(ctx: Ctx) {
  return async (arg?: unknown): Promise<RunRow | undefined> => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    const given = (arg as { runDir?: string; data?: string; rhos?: number[]; snnSamples?: number } | undefined) ?? {};
    let runDir = given.runDir;
    if (!runDir) {
      const pick = await pickRun((await listRuns(ctx)).filter((r) => !r.problem), { title: 'SynOps: Evaluate Run', placeHolder: 'Which run?' });
      runDir = pick && 'run' in pick ? pick.run.dir : undefined;
    }
    if (!runDir) return undefined;
    const data = given.data ?? (await pickData(ctx, folder, 'SynOps: Evaluate Run — data'));
    if (!data) return undefined;
    const row = await withWork(ctx, `SynOps: evaluating ${path.basename(runDir)}`, (signal, report) =>
      ctx.worker.request(EvaluateRun.type, { runDir: runDir!, data, workspace: folder.uri.fsPath, rhos: given.rhos, snnSamples: given.snnSamples }, { signal, onProgress: (p) => report(p.message, p.fraction) }));
    if (row) void vscode.window.showInformationMessage(`SynOps: ${row.id} — ${runFigures(row)}`);
    return row;
  };
}

/** "SynOps: Show Training Monitor": the loss, accuracy and SynOps per epoch of a run of the workspace. */
export function showTrainingMonitorCommand(ctx: Ctx) {
  return async (arg?: unknown): Promise<string | undefined> => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    let runDir = typeof arg === 'string' ? arg : (arg as { runDir?: string; dir?: string } | undefined)?.runDir ?? (arg as { dir?: string } | undefined)?.dir;
    try {
      if (!runDir) {
        const pick = await pickRun((await listRuns(ctx)).filter((r) => !r.problem), { title: 'SynOps: Show Training Monitor', placeHolder: 'Which run?' });
        runDir = pick && 'run' in pick ? pick.run.dir : undefined;
      }
      if (!runDir) return undefined;
      const payload = await ctx.worker.request(RunTraining.type, { runDir });
      const dir = runDir;
      monitorFor(ctx, dir, `Training: ${payload.runId}`).update(payload);
      return payload.runId;
    } catch (e) {
      await showWorkerError(e, 'SynOps: Show Training Monitor', ctx.log);
      return undefined;
    }
  };
}

/**
 * "SynOps: Install Native Backend": installs tfjs-node (native TensorFlow, several times faster training than
 * wasm) into the extension's storage with npm — it needs the internet, for npm and for libtensorflow. The
 * worker loads it from there after a restart; if its addon does not fit the editor's Node, point
 * `synops.worker.nodePath` at a system Node.
 */
export function installNativeCommand(ctx: Ctx) {
  return async (arg?: unknown): Promise<InstallNative.Result | undefined> => {
    const registry = (arg as { registry?: string } | undefined)?.registry;
    const result = await withWork(ctx, 'SynOps: installing the native TensorFlow backend', (signal, report) =>
      ctx.worker.request(InstallNative.type, { dir: nativeBackendDir(ctx.extension), registry }, { signal, onProgress: (p) => report(p.message, p.fraction) }));
    if (!result) return undefined;
    const msg = result.loads
      ? 'SynOps: tfjs-node is installed and loads; training uses it after the window reloads.'
      : `SynOps: tfjs-node is installed in ${result.dir} but does not load here: ${result.why}`;
    ctx.log.info(msg);
    void vscode.window.showInformationMessage(msg, 'Reload Window').then((pick) => { if (pick) void vscode.commands.executeCommand('workbench.action.reloadWindow'); });
    return result;
  };
}
