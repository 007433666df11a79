/**
 * One training run from the editor, start to end: the worker trains (or resumes) it, the monitor follows it
 * from the first message that names the run, and when it ends the monitor, the status bar and the Runs view
 * all say the state `run.json` records — Finished, Cancelled (with Resume when its checkpoint is there) or
 * Failed. The numbers and states come from the worker; this is glue.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ResumeRun, RunTraining, TrainModel, type WorkProgress } from '../protocol/messages';
import { runFigures } from '../protocol/runText';
import type { TrainingPayload } from '../protocol/views';
import type { Ctx } from './ctx';
import { TrainingMonitor } from './panels/trainingMonitor';
import { resolveRun } from './runs/service';
import { runsProvider } from './runs/view';
import { withWork } from './work';

/** Open monitors and running trainings, by run folder. */
const monitors = new Map<string, TrainingMonitor>();
const running = new Map<string, AbortController>();
let runStatus: vscode.StatusBarItem | undefined;

/** The monitor of the run in `runDir`: the open one (revealed), or a new one. */
export function monitorFor(ctx: Ctx, runDir: string, title: string): TrainingMonitor {
  const open = monitors.get(runDir);
  if (open) { open.panel.reveal(undefined, true); return open; }
  const monitor = newMonitor(ctx, title, () => runDir);
  monitors.set(runDir, monitor);
  monitor.panel.onDidDispose(() => { if (monitors.get(runDir) === monitor) monitors.delete(runDir); });
  return monitor;
}

/** A monitor whose run folder `dirOf` may only be known later (a new run is named by the worker). */
function newMonitor(ctx: Ctx, title: string, dirOf: () => string | undefined): TrainingMonitor {
  return new TrainingMonitor(ctx, title, {
    onCancel: () => { const d = dirOf(); if (d) running.get(d)?.abort(); },
    onOpenRun: () => { const d = dirOf(); if (d) void vscode.commands.executeCommand('synops.showEnergyReport', vscode.Uri.file(path.join(d, 'model.snn.json'))); },
    onResume: () => { const d = dirOf(); if (d) void vscode.commands.executeCommand('synops.resumeRun', d); },
  });
}

const STATUS_TEXT: Record<TrainingPayload['status'], (p: TrainingPayload) => string> = {
  running: (p) => `$(sync~spin) SynOps: ${p.runId} training`,
  done: (p) => `$(pass) SynOps: ${p.runId} finished`,
  cancelled: (p) => `$(debug-pause) SynOps: ${p.runId} cancelled${p.resumable ? ' — Resume' : ''}`,
  failed: (p) => `$(error) SynOps: ${p.runId} failed`,
};

/** The status bar item of the last run: its state until the next run starts; a click resumes or shows it. */
function showRunStatus(p: TrainingPayload, runDir: string): void {
  runStatus ??= vscode.window.createStatusBarItem('synops.run', vscode.StatusBarAlignment.Left, 8);
  runStatus.name = 'SynOps run';
  runStatus.text = STATUS_TEXT[p.status](p);
  runStatus.tooltip = `Run ${p.runId}: ${p.status}, epoch ${p.history.at(-1)?.epoch ?? 0} of ${p.epochs}${p.message ? `. ${p.message}` : ''}`;
  runStatus.command = p.status === 'cancelled' && p.resumable
    ? { command: 'synops.resumeRun', title: 'Resume Run', arguments: [runDir] }
    : { command: 'synops.showTrainingMonitor', title: 'Show Training Monitor', arguments: [runDir] };
  runStatus.show();
}

type Start = (opts: { signal: AbortSignal; onProgress: (p: WorkProgress) => void }) => Promise<TrainModel.Result>;

/**
 * Runs a training request (`start`) with the notification, the monitor and the status bar, and afterwards
 * shows the state the run ended in everywhere. `runDir` is known for a resume; a new run's comes from the
 * first progress message that names it.
 */
export async function followTraining(ctx: Ctx, title: string, workspace: string, start: Start, runDir?: string, modelFile?: string): Promise<TrainModel.Result | undefined> {
  const stop = new AbortController();
  let dir = runDir;
  let last: TrainingPayload | undefined;
  // A new run's monitor opens at once, before the worker is busy, so its page has loaded when the first epoch
  // arrives; it is filed under the run's folder once the worker names the run.
  let pending: TrainingMonitor | undefined = !dir && modelFile ? newMonitor(ctx, `Training: ${modelFile}`, () => dir) : undefined;
  const follow = (payload: TrainingPayload): void => {
    dir ??= path.join(workspace, '.synops', 'runs', payload.runId);
    running.set(dir, stop);
    if (pending) {
      pending.panel.title = `Training: ${payload.modelName}`;
      const adopted = pending;
      const key = dir;
      monitors.set(key, adopted);
      adopted.panel.onDidDispose(() => { if (monitors.get(key) === adopted) monitors.delete(key); });
      pending = undefined;
    }
    monitorFor(ctx, dir, `Training: ${payload.modelName}`).update(payload);
    if (last?.status !== payload.status || !last) showRunStatus(payload, dir);
    last = payload;
  };
  const result = await withWork(ctx, title, (signal, report) => start({
    signal: AbortSignal.any([signal, stop.signal]),
    onProgress: (p) => {
      report(p.message, p.fraction);
      if (p.training) follow(p.training);
      // Before the worker names the run (data loading), the waiting monitor says what it does.
      else (pending ?? (dir ? monitors.get(dir) : undefined))?.activity(p.message);
    },
  }));
  if (dir && running.get(dir) === stop) running.delete(dir);
  // Refused before the run began (bad data, a locked folder): the monitor that waited for it closes.
  pending?.panel.dispose();
  // The run's final state as its run.json records it: finished, cancelled (resumable) or failed.
  const final = result?.training ?? (dir ? await ctx.worker.request(RunTraining.type, { runDir: dir }).catch(() => undefined) : undefined);
  if (final && dir) {
    monitorFor(ctx, dir, `Training: ${final.modelName}`).update(final);
    showRunStatus(final, dir);
  }
  runsProvider(ctx).refresh();
  ctx.models.runsChanged();
  if (result) {
    const msg = `SynOps: run ${result.runId} done on ${result.backend} — ${runFigures(result.row)}`;
    ctx.log.info(msg);
    void vscode.window.showInformationMessage(msg, 'Show Trade-off').then((pick) => { if (pick) void vscode.commands.executeCommand('synops.showTradeoff'); });
  }
  return result;
}

/** "SynOps: Resume Run": continues a stopped run (Runs view item, run folder, or picked) with its own settings. */
export function resumeRunCommand(ctx: Ctx) {
  return async (arg?: unknown, optionsArg?: unknown): Promise<TrainModel.Result | undefined> => {
    const options = optionsArg as { snnSamples?: number } | undefined;
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    const run = await resolveRun(ctx, arg, 'SynOps: Resume Run', (r) => !!r.resumable);
    if (!run) return undefined;
    if (!run.resumable) {
      void vscode.window.showInformationMessage(`SynOps: run ${run.id} cannot resume: it is ${run.state ?? 'unknown'}${run.state === 'done' ? '' : ' and has no checkpoint'}.`);
      return undefined;
    }
    return followTraining(ctx, `SynOps: resuming ${run.id}`, folder.uri.fsPath, ({ signal, onProgress }) =>
      ctx.worker.request(ResumeRun.type, { runDir: run.dir, workspace: folder.uri.fsPath, snnSamples: options?.snnSamples }, { signal, onProgress }), run.dir);
  };
}

/** Trains a new run from the "Train Model" parameters. */
export function runTraining(ctx: Ctx, params: TrainModel.Params): Promise<TrainModel.Result | undefined> {
  return followTraining(ctx, `SynOps: training ${path.basename(params.modelPath)}`, params.workspace,
    ({ signal, onProgress }) => ctx.worker.request(TrainModel.type, params, { signal, onProgress }), undefined, path.basename(params.modelPath));
}
