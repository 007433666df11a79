import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { analyzeModelText } from '../core/report';
import { withRunFigures } from '../io/train/runReport';
import { parseSimulationResult, resultPathFor, type SimulationResultFile } from '../core/synops/result';
import type { AnalyzeModel, BadInputPlace, Ping, RunReport, WorkProgress } from '../protocol/messages';

/** Thrown for anything the user has to fix (bad settings, unreadable file): mapped to `BadInput`. */
export class BadInputError extends Error {
  /** Where the fix is made: given, or read from the message's leading file and line. */
  readonly place: BadInputPlace;
  constructor(message: string, place?: BadInputPlace) {
    super(message);
    this.place = place ?? placeOf(message);
  }
}

/**
 * The place a located error message names, as the readers and the model checker word them:
 * `<file>:<line>:<col>: …` (model files), `<file>: byte <n>: …` or `<file>: …` (recordings, archives, run
 * files) for an absolute file, or a `synops.*` setting named anywhere in it. Nothing when it names neither.
 */
export function placeOf(message: string): BadInputPlace {
  const setting = /\b(synops\.[A-Za-z][\w.]*[A-Za-z0-9])/.exec(message)?.[1];
  const lineCol = /^((?:\/|[A-Za-z]:[\\/])[^:\n]*?):(\d+):(\d+):/.exec(message);
  if (lineCol) return { file: lineCol[1], line: Number(lineCol[2]), column: Number(lineCol[3]) };
  const file = /^((?:\/|[A-Za-z]:[\\/])[^:\n]*?)(?::| is | has )/.exec(message);
  if (file) return { file: file[1] };
  return setting ? { setting } : {};
}

/** What a handler gets besides its params: cancellation and a way to report progress. */
export interface HandlerContext {
  signal: AbortSignal;
  progress: (p: WorkProgress) => void;
}

/** Lets the event loop run, so a `$/cancelRequest` that arrived in the meantime is seen. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new DOMException('cancelled', 'AbortError');
}

/** Reads the model's simulation result if one exists; an unreadable one is reported, not fatal. */
function readResult(modelPath: string | undefined): { result?: SimulationResultFile; error?: string } {
  if (!modelPath) return {};
  const file = resultPathFor(modelPath);
  if (!existsSync(file)) return {};
  try {
    return { result: parseSimulationResult(readFileSync(file, 'utf8'), file) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export async function analyzeModel(params: AnalyzeModel.Params, ctx: HandlerContext): Promise<AnalyzeModel.Result> {
  throwIfAborted(ctx.signal);
  const { result, error } = readResult(params.path);
  let out: AnalyzeModel.Result;
  try {
    out = analyzeModelText(params.text, params.path ?? 'model file', { ...params.options, result });
  } catch (e) {
    // mergeProfiles throws on malformed user profiles: that is a settings problem the user fixes.
    if (/synops\.energyProfiles/.test((e as Error).message)) throw new BadInputError((e as Error).message);
    throw e;
  }
  if (out.report && params.path) out = { ...out, report: withRunFigures(out.report, params.path, { workspace: params.options.workspace, runId: params.options.runId }) };
  return error ? { ...out, resultError: error } : out;
}

/**
 * The report of a run's model file with the run's figures (`withRunFigures` finds the run from the path) and
 * its id even when it was never evaluated; an unreadable or broken model file is bad input at its place.
 */
export async function runReport(params: RunReport.Params, ctx: HandlerContext): Promise<RunReport.Result> {
  const path = join(params.runDir, 'model.snn.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BadInputError(`${path}: the run's model file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); was the run folder moved or deleted?`, { file: params.runDir });
  }
  const { report, diagnostics } = await analyzeModel({ path, text, options: params.options }, ctx);
  if (!report) {
    const first = diagnostics.find((d) => d.severity === 'error');
    const at = first ? { line: first.range.start.line + 1, column: first.range.start.character + 1 } : {};
    throw new BadInputError(`the model of run ${basename(params.runDir)} has errors: ${first?.message ?? 'no report'}`, { file: path, ...at });
  }
  return report.runId ? report : { ...report, runId: basename(params.runDir) };
}

const started = Date.now();

export async function ping(params: Ping.Params, ctx: HandlerContext): Promise<Ping.Result> {
  const busyMs = Math.max(0, Math.min(params.busyMs ?? 0, 60_000));
  const sliceMs = 20;
  const end = Date.now() + busyMs;
  let slices = 0;
  while (Date.now() < end) {
    // Busy work in short slices; between slices the event loop delivers cancellation.
    const sliceEnd = Math.min(end, Date.now() + sliceMs);
    while (Date.now() < sliceEnd) { /* spin: stands for a slice of real computation */ }
    slices++;
    ctx.progress({ message: `busy ${slices * sliceMs} of ${busyMs} ms`, fraction: Math.min(1, (slices * sliceMs) / Math.max(busyMs, 1)) });
    await yieldToEventLoop();
    throwIfAborted(ctx.signal);
  }
  return { pid: process.pid, uptimeMs: Date.now() - started, slices, rssBytes: process.memoryUsage().rss };
}
