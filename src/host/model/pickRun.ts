/**
 * "SynOps: Choose Run for Model Figures": which run a model file's lenses and report show — the newest
 * evaluated run of the same model (the default), another one of them, or the estimate. The runs come from
 * the worker (`ListRuns` of the model's hash: the worker's rule for the runs its figures may follow); the choice is kept by the model service.
 */
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { pickRun } from '../runs/picker';
import { listRuns } from '../runs/service';
import { isModelDocument } from './service';

export function pickModelRunCommand(ctx: Ctx) {
  return async (arg?: unknown, choice?: unknown): Promise<string | undefined> => {
    const doc = arg instanceof vscode.Uri ? await vscode.workspace.openTextDocument(arg) : vscode.window.activeTextEditor?.document;
    if (!doc || !isModelDocument(doc)) { void vscode.window.showWarningMessage('SynOps: open a *.snn.json model file first.'); return undefined; }
    // Scripts and tests give the choice: a run id, '' for the estimate, 'newest' to follow the newest run.
    if (typeof choice === 'string') {
      ctx.models.pickRun(doc.uri, choice === 'newest' ? undefined : choice);
      return choice;
    }
    const report = (await ctx.models.analysis(doc)).report;
    if (!report) { void vscode.window.showWarningMessage('SynOps: the model file has errors; fix them first (see the Problems panel).'); return undefined; }
    // The runs the figures can follow, as the worker chooses them: this model's (same input and layers) with a spiking evaluation, newest last.
    const runs = await listRuns(ctx, { modelHash: report.modelHash });
    const current = ctx.models.pickedRun(doc.uri);
    const pick = await pickRun<string | undefined>(runs, {
      title: `SynOps: figures of ${report.modelName} from which run?`, current,
      before: [{ label: 'Newest evaluated run', description: runs.at(-1)?.id ?? 'none yet', detail: 'Follows new runs as they finish', value: undefined, picked: current === undefined }],
      after: [{ label: 'Estimate', description: 'no run', detail: 'Assumed spikes per neuron (settings: synops.estimate.*)', value: '', picked: current === '' }],
    });
    if (!pick) return undefined;
    const value = 'run' in pick ? pick.run.id : pick.value;
    ctx.models.pickRun(doc.uri, value);
    return value ?? 'newest';
  };
}
