/**
 * The one run picker: every command that asks for a run shows the same rows (name, description with the
 * figures, run id, model), newest first, and may add choices that are not runs (the model figures' "Newest
 * evaluated run" and "Estimate"). Says so, and picks nothing, when there are no runs.
 */
import * as vscode from 'vscode';
import type { RunRow } from '../../protocol/runs';
import { describeRun } from '../../protocol/runText';

/** A choice that is not a run, with the value the caller gets back. */
export type OtherChoice<V> = vscode.QuickPickItem & { value: V };

export interface RunPickOptions<V> {
  title: string;
  placeHolder?: string;
  /** The run to show as picked (its id). */
  current?: string;
  /** Choices before and after the runs; with any, an empty run list still opens the pick. */
  before?: OtherChoice<V>[];
  after?: OtherChoice<V>[];
}

type Item<V> = vscode.QuickPickItem & ({ run: RunRow } | { value: V });

/** The pick's row of a run. */
export function runPickItem(run: RunRow, current?: string): vscode.QuickPickItem & { run: RunRow } {
  return { label: run.title ?? run.id, description: `${describeRun(run)} · ${run.id}`, detail: run.modelName, picked: current === run.id, run };
}

/** `runs` (newest last, as listed) newest first; the picked run as `{ run }`, another choice as `{ value }`. */
export async function pickRun<V = never>(runs: RunRow[], o: RunPickOptions<V>): Promise<{ run: RunRow } | { value: V } | undefined> {
  const others = [...(o.before ?? []), ...(o.after ?? [])];
  if (!runs.length && !others.length) {
    void vscode.window.showInformationMessage(`${o.title}: there are no runs in this workspace yet; train a model with "SynOps: Train Model".`);
    return undefined;
  }
  const items: Item<V>[] = [...(o.before ?? []), ...runs.slice().reverse().map((r) => runPickItem(r, o.current)), ...(o.after ?? [])];
  // A webview that had focus takes it back when the palette closes; the pick must not close with it.
  const pick = await vscode.window.showQuickPick(items, { title: o.title, placeHolder: o.placeHolder ?? 'Pick a run', ignoreFocusOut: true, matchOnDescription: true });
  if (!pick) return undefined;
  return 'run' in pick ? { run: pick.run } : { value: pick.value };
}
