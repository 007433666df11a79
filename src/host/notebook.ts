/**
 * Notebooks: a notebook controller ("SynOps") that turns one-line cell commands into SynOps outputs the
 * notebook renderer draws, for Jupyter notebooks and for the extension's own small notebook type
 * (`*.synops-nb`, JSON of cells); and "SynOps: Export Run as Notebook", which writes a run's report and the
 * workspace's trade-off into `<run>/report.ipynb` as MIME-typed outputs with a text fallback.
 *
 * Cell commands (one per line; `#` starts a comment; a leading `%synops` is allowed):
 *   report <model.snn.json>              energy report          application/vnd.synops.report+json
 *   tradeoff                              the workspace's runs   application/vnd.synops.tradeoff+json
 *   raster <event file> [chunk] [run]     one chunk's raster     application/vnd.synops.raster+json
 * Paths are taken relative to the notebook's folder, then the workspace folder, then the extension's
 * folder (so `report templates/mnist-dvs.snn.json` works anywhere). `run` is a run folder or a run id.
 */
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { formatCount, formatEnergy } from '../protocol/format';
import { AnalyzeModel, ChunkRaster } from '../protocol/messages';
import type { ModelReport } from '../protocol/report';
import type { RunRow } from '../protocol/runs';
import { MIME_RASTER, MIME_REPORT, MIME_TRADEOFF, type RasterPayload, type TradeoffPayload } from '../protocol/views';
import type { Ctx } from './ctx';
import { tradeoffPayload } from './panels/workbench';
import { describeRun, listRuns, percent, resolveRun, runReport, workspaceFolder } from './runsView';
import { showWorkerError } from './workerProcess/errors';

export const NOTEBOOK_TYPE = 'synops-notebook';
export const JUPYTER_NOTEBOOK_TYPE = 'jupyter-notebook';
export const CONTROLLER_ID = 'synops-studio.kernel';

// ------------------------------------------------------------------ the .synops-nb format

/** What a `.synops-nb` file holds: the cells, their outputs as text (all SynOps outputs are JSON). */
interface SynopsNotebookFile {
  format: 'synops-notebook';
  version: 1;
  cells: { kind: 'code' | 'markdown'; language?: string; source: string; outputs?: { items: { mime: string; data: string }[] }[] }[];
}

export class SynopsNotebookSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    const text = new TextDecoder().decode(content).trim();
    let file: Partial<SynopsNotebookFile> = {};
    if (text) {
      try {
        file = JSON.parse(text) as SynopsNotebookFile;
      } catch (e) {
        throw new Error(`not a SynOps notebook (JSON of cells): ${(e as Error).message}`);
      }
    }
    const cells = (Array.isArray(file.cells) ? file.cells : []).map((c) => {
      const markdown = c.kind === 'markdown';
      const cell = new vscode.NotebookCellData(markdown ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code, String(c.source ?? ''), c.language ?? (markdown ? 'markdown' : 'plaintext'));
      cell.outputs = (c.outputs ?? []).map((o) => new vscode.NotebookCellOutput((o.items ?? []).map((i) => vscode.NotebookCellOutputItem.text(String(i.data), i.mime))));
      return cell;
    });
    return new vscode.NotebookData(cells);
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    const decoder = new TextDecoder();
    const file: SynopsNotebookFile = {
      format: 'synops-notebook',
      version: 1,
      cells: data.cells.map((c) => ({
        kind: c.kind === vscode.NotebookCellKind.Markup ? 'markdown' : 'code',
        language: c.languageId,
        source: c.value,
        ...(c.outputs?.length ? { outputs: c.outputs.map((o) => ({ items: o.items.map((i) => ({ mime: i.mime, data: decoder.decode(i.data) })) })) } : {}),
      })),
    };
    return new TextEncoder().encode(JSON.stringify(file, null, 2) + '\n');
  }
}

// ------------------------------------------------------------------ text fallbacks

/** A few lines that stand in for the report where the renderer is not installed. */
export function reportText(report: ModelReport): string {
  const measured = report.basis.kind === 'measured';
  const lines = [
    `SynOps report: ${report.modelName}${report.runId ? ` (run ${report.runId})` : ''}`,
    `${formatCount(report.totals.synops)} SynOps per sample (${measured ? 'measured' : 'estimated'}), ${formatCount(report.totals.params)} parameters, ${formatCount(report.totals.macs)} MACs`,
    `energy per sample: ${formatEnergy(report.totals.energyJ[report.profileId]) || '—'} on ${report.profileId}; ANN ${formatEnergy(report.totals.annEnergyJ[report.annProfileId]) || '—'} on ${report.annProfileId}`,
  ];
  if (report.accuracy) lines.push(`accuracy: SNN ${percent(report.accuracy.snn)}, quantized ANN ${percent(report.accuracy.ann)}`);
  for (const l of report.layers) if (l.synops !== undefined) lines.push(`  ${l.name}: ${formatCount(l.synops)} SynOps${l.synopsAnn !== undefined ? ` (ANN proxy ${formatCount(l.synopsAnn)})` : ''}`);
  return lines.join('\n');
}

export function tradeoffText(payload: TradeoffPayload): string {
  if (!payload.points.length) return `${payload.title}: no evaluated runs.`;
  return [payload.title, ...payload.points.map((p) => `  ${p.runId}${p.rho !== undefined ? ` ρ=${p.rho}` : ''} ${p.strategy}: ${percent(p.accuracy)} at ${formatCount(p.synops)} SynOps`)].join('\n');
}

export function rasterText(payload: RasterPayload): string {
  return [`${payload.title}: ${payload.input.total} input events, ${payload.steps} steps of ${payload.dtMs} ms`,
    ...payload.layers.map((l) => `  ${l.name}: ${formatCount(l.total)} spikes`),
    ...(payload.output ? [`  predicted class ${payload.output.predicted}`] : [])].join('\n');
}

// ------------------------------------------------------------------ cell commands

/** Words of a command line; "double quotes" keep spaces. */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2]);
  return out;
}

/** The command lines of a cell: comments and blank lines dropped, a leading `%synops` removed. */
export function commandLines(source: string): string[] {
  return source.split(/\r?\n/).map((l) => l.trim().replace(/^%+synops\s+/, '')).filter((l) => l && !l.startsWith('#') && !l.startsWith('//'));
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
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
  if (path.isAbsolute(arg)) {
    const uri = vscode.Uri.file(arg);
    if (await exists(uri)) return uri;
  } else {
    for (const base of baseFolders(ctx, notebook)) {
      const uri = vscode.Uri.joinPath(base, arg);
      if (await exists(uri)) return uri;
    }
  }
  throw new Error(`${what} ${arg} not found (relative paths are looked up next to the notebook, in the workspace folder and in the extension's folder)`);
}

async function resolveRunDir(ctx: Ctx, notebook: vscode.NotebookDocument | undefined, arg: string): Promise<string> {
  try {
    return (await resolvePath(ctx, notebook, arg, 'run folder')).fsPath;
  } catch (e) {
    const run = (await listRuns(ctx)).find((r) => r.id === arg);
    if (run) return run.dir;
    throw e;
  }
}

/** Runs one command line and returns its output. */
export async function runCellCommand(ctx: Ctx, line: string, notebook?: vscode.NotebookDocument, signal?: AbortSignal): Promise<vscode.NotebookCellOutput> {
  const [command, ...args] = splitArgs(line);
  switch (command) {
    case 'report': {
      if (args.length !== 1) throw new Error('usage: report <model.snn.json>');
      const uri = await resolvePath(ctx, notebook, args[0], 'model file');
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      // The same figures as the file's lenses and report panel: its newest evaluated run, or the run picked for it.
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      const picked = ctx.models.pickedRun(uri);
      const options = { ...ctx.config.reportOptions(ctx.models.profileOverride), ...(folder?.uri.scheme === 'file' ? { workspace: folder.uri.fsPath } : {}), ...(picked !== undefined ? { runId: picked } : {}) };
      const result = await ctx.worker.request(AnalyzeModel.type, { path: uri.scheme === 'file' ? uri.fsPath : undefined, text, options }, { signal });
      if (!result.report) {
        const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
        throw new Error(`${args[0]} has errors:\n${errors.join('\n') || 'no report'}`);
      }
      let report = result.report;
      // A run's model file: label the report with the run and its accuracies.
      if (path.basename(uri.fsPath) === 'model.snn.json') {
        const run = (await listRuns(ctx).catch(() => [] as RunRow[])).find((r) => path.resolve(r.dir) === path.dirname(uri.fsPath));
        if (run) report = { ...report, runId: run.id, ...(run.snnAccuracy !== undefined || run.annAccuracy !== undefined ? { accuracy: { snn: run.snnAccuracy, ann: run.annAccuracy } } : {}) };
      }
      return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.json(report, MIME_REPORT), vscode.NotebookCellOutputItem.text(reportText(report))]);
    }
    case 'tradeoff': {
      const folder = (notebook && vscode.workspace.getWorkspaceFolder(notebook.uri)) ?? workspaceFolder();
      if (!folder) throw new Error('tradeoff: open a folder with runs (.synops/runs) first');
      const { payload } = await tradeoffPayload(ctx, folder.uri);
      return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.json(payload, MIME_TRADEOFF), vscode.NotebookCellOutputItem.text(tradeoffText(payload))]);
    }
    case 'raster': {
      if (args.length < 1 || args.length > 3) throw new Error('usage: raster <event file> [chunk] [run folder or id]');
      const file = (await resolvePath(ctx, notebook, args[0], 'event file')).fsPath;
      const index = args[1] === undefined ? 0 : Number(args[1]);
      if (!Number.isInteger(index) || index < 0) throw new Error(`raster: the chunk must be a whole number ≥ 0, not ${args[1]}`);
      const runDir = args[2] === undefined ? undefined : await resolveRunDir(ctx, notebook, args[2]);
      const sim = runDir ? { modelPath: path.join(runDir, 'model.snn.json'), weightsPath: path.join(runDir, 'model', 'model.json') } : {};
      const payload = await ctx.worker.request(ChunkRaster.type, { file, index, ...sim }, { signal });
      return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.json(payload, MIME_RASTER), vscode.NotebookCellOutputItem.text(rasterText(payload))]);
    }
    default:
      throw new Error(`unknown command "${command}": the SynOps kernel knows report <model.snn.json>, tradeoff, raster <event file> [chunk] [run]`);
  }
}

// ------------------------------------------------------------------ controller

/** One controller per notebook type; both run the same cell commands. */
class SynopsController implements vscode.Disposable {
  readonly controller: vscode.NotebookController;
  private order = 0;

  constructor(private readonly ctx: Ctx, id: string, notebookType: string) {
    this.controller = vscode.notebooks.createNotebookController(id, notebookType, 'SynOps', (cells, notebook) => this.execute(cells, notebook));
    this.controller.description = 'report, tradeoff and raster cells drawn by SynOps Studio';
    this.controller.detail = 'One command per line: report <model.snn.json> · tradeoff · raster <event file> [chunk] [run]';
    this.controller.supportsExecutionOrder = true;
  }

  private async execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    for (const cell of cells) {
      if (cell.kind !== vscode.NotebookCellKind.Code) continue;
      const exec = this.controller.createNotebookCellExecution(cell);
      exec.executionOrder = ++this.order;
      exec.start(Date.now());
      const abort = new AbortController();
      exec.token.onCancellationRequested(() => abort.abort());
      try {
        const outputs: vscode.NotebookCellOutput[] = [];
        for (const line of commandLines(cell.document.getText())) {
          if (abort.signal.aborted) break;
          outputs.push(await runCellCommand(this.ctx, line, notebook, abort.signal));
        }
        await exec.replaceOutput(outputs);
        exec.end(!abort.signal.aborted, Date.now());
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        await exec.replaceOutput([new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name: 'SynOps', message: err.message })])]);
        exec.end(false, Date.now());
      }
    }
  }

  dispose(): void {
    this.controller.dispose();
  }
}

/** Registers the `.synops-nb` serializer and the controllers (call once on activation). */
export function registerNotebooks(ctx: Ctx): vscode.Disposable {
  const own = new SynopsController(ctx, CONTROLLER_ID, NOTEBOOK_TYPE);
  const jupyter = new SynopsController(ctx, `${CONTROLLER_ID}-jupyter`, JUPYTER_NOTEBOOK_TYPE);
  // The only kernel of its own notebook type: preferred there, so running a cell needs no kernel pick.
  const prefer = (nb: vscode.NotebookDocument) => { if (nb.notebookType === NOTEBOOK_TYPE) own.controller.updateNotebookAffinity(nb, vscode.NotebookControllerAffinity.Preferred); };
  vscode.workspace.notebookDocuments.forEach(prefer);
  return vscode.Disposable.from(
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new SynopsNotebookSerializer()),
    own, jupyter,
    vscode.workspace.onDidOpenNotebookDocument(prefer),
  );
}

// ------------------------------------------------------------------ Export Run as Notebook

type MultiLine = string[];
interface IpynbCell {
  cell_type: 'markdown' | 'code';
  id: string;
  metadata: Record<string, unknown>;
  source: MultiLine;
  execution_count?: null;
  outputs?: { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown> }[];
}

/** nbformat's multi-line string: lines that keep their `\n`, the last one without. */
function lines(text: string): MultiLine {
  return text.split('\n').map((l, i, all) => (i < all.length - 1 ? `${l}\n` : l)).filter((l) => l !== '');
}

function cellId(): string {
  return randomBytes(4).toString('hex');
}

function display(mime: string, value: unknown, text: string): NonNullable<IpynbCell['outputs']>[number] {
  return { output_type: 'display_data', data: { [mime]: value, 'text/plain': lines(text) }, metadata: {} };
}

/** The `.ipynb` (nbformat 4.5) of a run: a summary, its energy report, the workspace's trade-off. */
export function runNotebook(run: RunRow, report: ModelReport, tradeoff: TradeoffPayload, version: string): object {
  const summary = [
    `# SynOps run ${run.id}`,
    '',
    `${run.modelName ? `Model **${run.modelName}**: ` : ''}${run.title ? `${run.title} · ` : ''}${describeRun(run)}; backend ${run.backend ?? '—'}, epochs ${run.epochsDone ?? '?'}/${run.epochs ?? '?'}.`,
    '',
    'The outputs below are drawn by the SynOps Studio notebook renderer (MIME types `application/vnd.synops.report+json` and',
    '`application/vnd.synops.tradeoff+json`, see its docs); elsewhere they show as text. To recompute them, run the cells with',
    'the "SynOps" kernel of SynOps Studio: each line is a command (`report <model.snn.json>`, `tradeoff`, `raster <event file> [chunk] [run]`).',
  ].join('\n');
  const cells: IpynbCell[] = [
    { cell_type: 'markdown', id: cellId(), metadata: {}, source: lines(summary) },
    {
      cell_type: 'code', id: cellId(), metadata: {}, execution_count: null,
      source: lines(`# Energy report of run ${run.id}: SynOps per layer of its spiking network\nreport model.snn.json`),
      outputs: [display(MIME_REPORT, report, reportText(report))],
    },
    {
      cell_type: 'code', id: cellId(), metadata: {}, execution_count: null,
      source: lines('# Accuracy vs SynOps of every run in the workspace\ntradeoff'),
      outputs: [display(MIME_TRADEOFF, tradeoff, tradeoffText(tradeoff))],
    },
  ];
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { language_info: { name: 'plaintext' }, synops: { runId: run.id, exportedBy: `SynOps Studio ${version}`, exportedAt: new Date().toISOString() } },
    cells,
  };
}

async function writeAtomically(target: vscode.Uri, bytes: Uint8Array): Promise<void> {
  const tmp = target.with({ path: `${target.path}.${process.pid}.${randomBytes(3).toString('hex')}.tmp` });
  await vscode.workspace.fs.writeFile(tmp, bytes);
  try {
    await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
  } catch (e) {
    await vscode.workspace.fs.delete(tmp).then(undefined, () => undefined);
    throw e;
  }
}

/** "SynOps: Export Run as Notebook": writes `<run>/report.ipynb` and opens it; returns its URI. */
export async function exportRunNotebook(ctx: Ctx, arg?: unknown, options: { open?: boolean } = {}): Promise<vscode.Uri | undefined> {
  const title = 'SynOps: Export Run as Notebook';
  const run = await resolveRun(ctx, arg, title);
  if (!run) return undefined;
  if (run.problem) { void vscode.window.showWarningMessage(`${title}: ${run.problem}`); return undefined; }
  const target = vscode.Uri.joinPath(vscode.Uri.file(run.dir), 'report.ipynb');
  try {
    const folder = workspaceFolder();
    if (!folder) throw new Error('open the folder of the run first');
    const [report, { payload: tradeoff }] = await Promise.all([runReport(ctx, run), tradeoffPayload(ctx, folder.uri)]);
    const version = String((ctx.extension.extension.packageJSON as { version?: string }).version ?? '');
    const nb = runNotebook(run, report, tradeoff, version);
    await writeAtomically(target, new TextEncoder().encode(JSON.stringify(nb, null, 1) + '\n'));
  } catch (e) {
    await showWorkerError(e, title, ctx.log);
    return undefined;
  }
  ctx.log.info(`exported run ${run.id} to ${target.fsPath}`);
  if (options.open !== false) {
    const open = (async () => {
      try {
        await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(target));
      } catch {
        // No notebook support for .ipynb in this editor: show the file itself.
        await vscode.window.showTextDocument(target);
      }
    })();
    // Opening an .ipynb waits on the editor's notebook support, which once stalled for minutes: the file is
    // written, so the command returns after at most 10 s and the notebook opens when it can.
    await Promise.race([open, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
  return target;
}

/** Commands of this file, as factories of the extension context (see COMMANDS in commands.ts). */
export const NOTEBOOK_COMMANDS: Record<string, (ctx: Ctx) => (...args: unknown[]) => unknown> = {
  'synops.exportRunNotebook': (ctx) => (arg?: unknown, options?: unknown) => exportRunNotebook(ctx, arg, (options ?? {}) as { open?: boolean }),
};

