/**
 * Runs one parsed cell command: finds the files it names and asks the worker. Paths are taken relative to the
 * notebook's folder, then its workspace folder, the first workspace folder and the extension's folder (so
 * `report templates/mnist-dvs.snn.json` works anywhere); a raster's run is a run folder or a run id.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CellCommand } from '../../notebook/cells';
import { rasterOutput, reportOutput, tradeoffOutput, type OutputItem } from '../../notebook/outputs';
import { AnalyzeModel, ChunkRaster } from '../../protocol/messages';
import { matchRun } from '../../protocol/runs';
import type { Ctx } from '../ctx';
import { listRuns, runSimFiles, tradeoffOf, workspaceFolder } from '../runs/service';

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(() => true, () => false);
}

/** The folders a relative path in a cell is looked up in, in order. */
function baseFolders(ctx: Ctx, notebook?: vscode.NotebookDocument): vscode.Uri[] {
  const bases: vscode.Uri[] = [];
  if (notebook && notebook.uri.scheme === 'file') bases.push(vscode.Uri.file(path.dirname(notebook.uri.fsPath)));
  const folder = notebook ? vscode.workspace.getWorkspaceFolder(notebook.uri) : undefined;
  if (folder) bases.push(folder.uri);
  const first = workspaceFolder();
  if (first) bases.push(first.uri);
  bases.push(ctx.extensionUri);
  return bases;
}

async function resolvePath(ctx: Ctx, notebook: vscode.NotebookDocument | undefined, arg: string, what: string): Promise<vscode.Uri> {
  const candidates = path.isAbsolute(arg) ? [vscode.Uri.file(arg)] : baseFolders(ctx, notebook).map((base) => vscode.Uri.joinPath(base, arg));
  for (const uri of candidates) if (await exists(uri)) return uri;
  throw new Error(`${what} ${arg} not found (relative paths are looked up next to the notebook, in the workspace folder and in the extension's folder)`);
}

async function resolveRunDir(ctx: Ctx, notebook: vscode.NotebookDocument | undefined, arg: string): Promise<string> {
  try {
    return (await resolvePath(ctx, notebook, arg, 'run folder')).fsPath;
  } catch (e) {
    const run = matchRun(await listRuns(ctx), arg);
    if (run) return run.dir;
    throw e;
  }
}

/** Runs one command and returns its output's items. */
export async function runCellCommand(ctx: Ctx, command: CellCommand, notebook?: vscode.NotebookDocument, signal?: AbortSignal): Promise<OutputItem[]> {
  switch (command.kind) {
    case 'report': {
      const uri = await resolvePath(ctx, notebook, command.model, 'model file');
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      // The same figures as the file's lenses and report panel: its run's (a run's own model file), its newest
      // evaluated run's, or the run picked for it; the worker labels the report with the run.
      const result = await ctx.worker.request(AnalyzeModel.type, { path: uri.scheme === 'file' ? uri.fsPath : undefined, text, options: ctx.models.reportOptions(uri) }, { signal });
      if (!result.report) {
        const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
        throw new Error(`${command.model} has errors:\n${errors.join('\n') || 'no report'}`);
      }
      return reportOutput(result.report);
    }
    case 'tradeoff': {
      const folder = (notebook && vscode.workspace.getWorkspaceFolder(notebook.uri)) ?? workspaceFolder();
      if (!folder) throw new Error('tradeoff: open a folder with runs (.synops/runs) first');
      return tradeoffOutput((await tradeoffOf(ctx, folder.uri)).payload);
    }
    case 'raster': {
      const file = (await resolvePath(ctx, notebook, command.file, 'event file')).fsPath;
      const runDir = command.run === undefined ? undefined : await resolveRunDir(ctx, notebook, command.run);
      const sim = runDir ? runSimFiles(runDir) : {};
      return rasterOutput(await ctx.worker.request(ChunkRaster.type, { file, index: command.chunk, ...sim }, { signal }));
    }
    default: {
      const never: never = command;
      throw new Error(`unknown cell command ${JSON.stringify(never)}`);
    }
  }
}
