/**
 * The worker process: forked by the extension host, it runs the core (model analysis, simulation,
 * training) and answers over `vscode-jsonrpc` on Node IPC. It never touches VS Code.
 * Logs go to stderr, which the host forwards to its log channel.
 */
import { CancellationToken, createMessageConnection, IPCMessageReader, IPCMessageWriter, ResponseError } from 'vscode-jsonrpc/node';
import { AnalyzeModel, ChunkRaster, DescribeEvents, DownloadDataset, EstimateSweep, EvaluateRun, ExportNir, ImportNir, NirReport, Initialize, InspectDataset, InstallNative, ListRuns, Ping, ResumeRun, RunReport, RunSweep, RunTraining, TrainModel, Tradeoff, PROTOCOL_VERSION, WorkerErrorCode, workProgress, type WorkDoneParams } from '../protocol/messages';
import { downloadDataset, inspectDataset } from './datasets';
import { analyzeModel, BadInputError, ping, runReport, type HandlerContext } from './handlers';
import { installNative } from './native';
import { exportNir, importNir, reportNir } from './nir';
import { evaluateRunCommand, listWorkspaceRuns, resumeRun, estimateSweepTime, runSweep, runTraining, trainModel } from './training';
import { describeEvents, rasterOfChunk, tradeoff } from './views';

const WORKER_VERSION = '0.1.0';

if (!process.send) {
  console.error('synops worker: must be started by the extension host with an IPC channel (child_process.fork)');
  process.exit(2);
}

const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
let initialized = false;

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
}

/** Wraps a handler: handshake check, AbortSignal from the JSON-RPC token, progress, and error codes. */
function handle<P extends WorkDoneParams, R>(method: string, fn: (params: P, ctx: HandlerContext) => Promise<R>) {
  return async (params: P, token: CancellationToken): Promise<R | ResponseError<unknown>> => {
    if (!initialized) return new ResponseError(WorkerErrorCode.NotInitialized, `${method} before initialize`);
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    const started = Date.now();
    try {
      const progress = params.progressToken
        ? (p: { message: string; fraction?: number }) => void connection.sendProgress(workProgress, params.progressToken as string, p)
        : () => undefined;
      const result = await fn(params, { signal: abort.signal, progress });
      log(`${method} done in ${Date.now() - started} ms`);
      return result;
    } catch (e) {
      if (abort.signal.aborted) {
        log(`${method} cancelled after ${Date.now() - started} ms`);
        return new ResponseError(WorkerErrorCode.Cancelled, `${method} cancelled`);
      }
      if (e instanceof BadInputError) return new ResponseError(WorkerErrorCode.BadInput, e.message, e.place);
      log(`${method} failed: ${(e as Error).stack ?? String(e)}`);
      return new ResponseError(WorkerErrorCode.Internal, `${method} failed: ${(e as Error).message}`);
    } finally {
      sub.dispose();
    }
  };
}

connection.onRequest(Initialize.type, (params) => {
  if (params.protocolVersion !== PROTOCOL_VERSION) {
    return new ResponseError(WorkerErrorCode.VersionMismatch,
      `protocol version ${params.protocolVersion} from ${params.client}, worker speaks ${PROTOCOL_VERSION}: rebuild the extension (npm run build)`);
  }
  initialized = true;
  log(`initialized by ${params.client} (protocol ${PROTOCOL_VERSION})`);
  return { protocolVersion: PROTOCOL_VERSION, workerVersion: WORKER_VERSION, pid: process.pid, node: process.version };
});
connection.onRequest(AnalyzeModel.type, handle(AnalyzeModel.method, analyzeModel));
connection.onRequest(Ping.type, handle(Ping.method, ping));
connection.onRequest(DownloadDataset.type, handle(DownloadDataset.method, downloadDataset));
connection.onRequest(InspectDataset.type, handle(InspectDataset.method, inspectDataset));
connection.onRequest(DescribeEvents.type, handle(DescribeEvents.method, describeEvents));
connection.onRequest(ChunkRaster.type, handle(ChunkRaster.method, rasterOfChunk));
connection.onRequest(TrainModel.type, handle(TrainModel.method, trainModel));
connection.onRequest(ResumeRun.type, handle(ResumeRun.method, resumeRun));
connection.onRequest(Tradeoff.type, handle(Tradeoff.method, tradeoff));
connection.onRequest(ListRuns.type, handle(ListRuns.method, listWorkspaceRuns));
connection.onRequest(RunSweep.type, handle(RunSweep.method, runSweep));
connection.onRequest(EstimateSweep.type, handle(EstimateSweep.method, estimateSweepTime));
connection.onRequest(EvaluateRun.type, handle(EvaluateRun.method, evaluateRunCommand));
connection.onRequest(RunTraining.type, handle(RunTraining.method, runTraining));
connection.onRequest(RunReport.type, handle(RunReport.method, runReport));
connection.onRequest(InstallNative.type, handle(InstallNative.method, installNative));
connection.onRequest(ImportNir.type, handle(ImportNir.method, importNir));
connection.onRequest(ExportNir.type, handle(ExportNir.method, exportNir));
connection.onRequest(NirReport.type, handle(NirReport.method, reportNir));

// The host going away (IPC closed) ends the worker: nothing else would.
process.on('disconnect', () => process.exit(0));
connection.listen();
log(`worker ${WORKER_VERSION} started, pid ${process.pid}, node ${process.version}`);
