/**
 * "SynOps: Choose Run for Model Figures": which run a model file's lenses and report show — the newest
 * evaluated run of the same model (the default), another one of them, or the estimate. The runs come from
 * the worker (`ListRuns`, each with its model's hash); the choice is kept by the model service.
 */
import * as vscode from 'vscode';
import { formatCount } from '../../protocol/format';
import type { Ctx } from '../ctx';
import { listRuns, percent } from '../runsView';
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
    // The worker lists runs newest last; those of this model (same input and layers) with a spiking evaluation.
    const runs = (await listRuns(ctx)).filter((r) => !r.problem && r.modelHash === report.modelHash && r.snnSynops !== undefined).reverse();
    const current = ctx.models.pickedRun(doc.uri);
    const items: (vscode.QuickPickItem & { value: string | undefined })[] = [
      { label: 'Newest evaluated run', description: runs[0] ? runs[0].id : 'none yet', detail: 'Follows new runs as they finish', value: undefined, picked: current === undefined },
      ...runs.map((r) => ({ label: r.title ?? r.id, description: r.id, detail: `SNN ${percent(r.snnAccuracy)} · ${formatCount(r.snnSynops)} SynOps per sample measured on ${r.snnSamples ?? '?'} samples`, value: r.id, picked: current === r.id })),
      { label: 'Estimate', description: 'no run', detail: 'Assumed spikes per neuron (settings: synops.estimate.*)', value: '', picked: current === '' },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: `SynOps: figures of ${report.modelName} from which run?`, ignoreFocusOut: true });
    if (!pick) return undefined;
    ctx.models.pickRun(doc.uri, pick.value);
    return pick.value ?? 'newest';
  };
}
