/**
 * NIR graphs in and out of the editor: "SynOps: Import NIR Graph" and "Export to NIR" (Runs view). Glue
 * only: the host picks the files and asks the worker, which runs the same core code as `synops import` and
 * `synops export --nir`. Both write files, so both need a trusted workspace.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExportNir, ImportNir } from '../protocol/messages';
import type { Ctx } from './ctx';
import { resolveRun, workspaceFolder } from './runs/service';
import { withWork } from './work';

const asPath = (x: unknown): string | undefined => (x instanceof vscode.Uri ? x.fsPath : typeof x === 'string' ? x : undefined);

function requireTrust(title: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`${title} writes files: trust the workspace first (Workspaces: Manage Workspace Trust).`);
  return false;
}

/**
 * Imports a `.nir` (`fileArg`, else picked) as a model file (`outArg`, else `<name>.snn.json` beside the
 * `.nir`, confirmed or moved in a save dialog) with its TF.js weights beside it, and opens the model file.
 */
export async function importNirCommand(ctx: Ctx, fileArg?: unknown, outArg?: unknown): Promise<ImportNir.Result | undefined> {
  const title = 'SynOps: Import NIR Graph';
  if (!requireTrust(title)) return undefined;
  let file = asPath(fileArg);
  if (!file) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false, openLabel: 'Import', title: 'NIR graph to import (Sinabs, snnTorch, Norse, Rockpool… nir.write)',
      defaultUri: workspaceFolder()?.uri, filters: { 'NIR graphs': ['nir'] },
    });
    file = picked?.[0]?.fsPath;
  }
  if (!file) return undefined;
  let out = asPath(outArg);
  if (!out) {
    const beside = path.join(path.dirname(file), `${path.basename(file).replace(/\.nir$/i, '')}.snn.json`);
    const picked = await vscode.window.showSaveDialog({
      title: 'Model file to write (its TF.js weights go beside it, in <name>.weights/)', saveLabel: 'Import',
      defaultUri: vscode.Uri.file(beside), filters: { 'SynOps model': ['snn.json'] },
    });
    out = picked?.fsPath;
    if (out && !/\.snn\.json$/i.test(out)) out = `${out.replace(/\.json$/i, '')}.snn.json`;
  }
  if (!out) return undefined;
  const target = out;
  const result = await withWork(ctx, `${title}: ${path.basename(file)}`, (signal, report) =>
    ctx.worker.request(ImportNir.type, { file: file as string, out: target }, { signal, onProgress: (p) => report(p.message, p.fraction) }));
  if (!result) return undefined;
  ctx.log.info(`imported ${file} as ${result.modelPath} and ${result.weightsPath}${result.notes.length ? `; ${result.notes.join('; ')}` : ''}`);
  await vscode.window.showTextDocument(vscode.Uri.file(result.modelPath));
  void vscode.window.showInformationMessage(`SynOps: imported ${path.basename(file)} as ${path.basename(result.modelPath)} (${result.layers} layers), weights in ${path.relative(path.dirname(result.modelPath), result.weightsPath)}.`);
  return result;
}

/** Writes a run's trained network as a NIR graph (`targetArg`, else picked; default `<workspace>/<run id>.nir`). */
export async function exportNirCommand(ctx: Ctx, runArg?: unknown, targetArg?: unknown): Promise<ExportNir.Result | undefined> {
  const title = 'SynOps: Export to NIR';
  if (!requireTrust(title)) return undefined;
  const run = await resolveRun(ctx, runArg, title, (r) => !r.problem && (r.state === 'done' || r.state === 'cancelled'));
  if (!run) return undefined;
  if (run.problem) { void vscode.window.showWarningMessage(`${title}: ${run.problem}`); return undefined; }
  let target = asPath(targetArg);
  if (!target) {
    const folder = workspaceFolder()?.uri.fsPath ?? path.dirname(run.dir);
    const picked = await vscode.window.showSaveDialog({
      title: `NIR graph of run ${run.id}`, saveLabel: 'Export', defaultUri: vscode.Uri.file(path.join(folder, `${run.id}.nir`)), filters: { 'NIR graphs': ['nir'] },
    });
    target = picked?.fsPath;
    if (target && !/\.nir$/i.test(target)) target = `${target}.nir`;
  }
  if (!target) return undefined;
  const file = target;
  const result = await withWork(ctx, `${title}: ${run.id}`, (signal, report) =>
    ctx.worker.request(ExportNir.type, { runDir: run.dir, target: file }, { signal, onProgress: (p) => report(p.message, p.fraction) }));
  if (!result) return undefined;
  ctx.log.info(`exported run ${run.id} to ${file}: ${result.nodes} nodes, ${result.edges} edges (NIR ${result.version})`);
  void vscode.window.showInformationMessage(`SynOps: run ${run.id} written to ${path.basename(file)} (${result.nodes} NIR nodes, ${result.edges} edges).`);
  return result;
}

/** Commands of this file, as factories of the extension context (see COMMANDS in commands.ts). */
export const NIR_COMMANDS: Record<string, (ctx: Ctx) => (...args: unknown[]) => unknown> = {
  'synops.importNir': (ctx) => (file?: unknown, out?: unknown) => importNirCommand(ctx, file, out),
  'synops.runs.exportNir': (ctx) => (run?: unknown, target?: unknown) => exportNirCommand(ctx, run, target),
};
