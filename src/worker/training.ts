import { ensureBackend, evaluateRun, isRunDataRoot, loadModel, train } from '../io/train/api';
import type { TrainRequest } from '../io/train/request';
import { DEFAULT_SWEEP_EPOCHS, DEFAULT_SWEEP_TARGETS, sweep } from '../io/train/sweep';
import { estimateSweep } from '../io/train/estimate';
import { canResume, listRuns, listRunsIn, readRunRow, runIdOf, runRow } from '../io/train/list';
import { resumeRequest } from '../io/train/resume';
import { evaluatedRunsOf } from '../io/train/runReport';
import { viewStrategy } from '../io/views/tradeoff';
import { readMetrics, readRunInfo, runsDir } from '../io/train/run';
import { TrainError, type RunInfo, type TrainProgress } from '../core/train/types';
import { basename, join } from 'node:path';
import type { EstimateSweep, EvaluateRun, ListRuns, ResumeRun, RunSweep, RunTraining, TrainModel } from '../protocol/messages';
import type { TrainingPayload } from '../protocol/views';
import { BadInputError, type HandlerContext } from './handlers';


export async function trainModel(params: TrainModel.Params, ctx: HandlerContext): Promise<TrainModel.Result> {
  const request: TrainRequest = {
    model: params.modelPath, data: params.data, workspace: params.workspace, strategy: params.strategy ?? 'baseline', target: params.target, epochs: params.epochs ?? 8, batchSize: params.batchSize,
    maxRecordings: params.maxRecordings, snnSamples: params.snnSamples, out: params.out, ...(params.conversion ? { conversion: params.conversion } : {}),
  };
  return trainWithMonitor(request, ctx);
}

/** Continues a stopped run with its own settings (`resumeRequest`), reporting like `trainModel`. */
export async function resumeRun(params: ResumeRun.Params, ctx: HandlerContext): Promise<ResumeRun.Result> {
  let request: TrainRequest;
  try { request = resumeRequest(params.runDir, params.workspace, params.snnSamples); } catch (e) { throw userFacing(e); }
  return trainWithMonitor(request, ctx);
}

/**
 * Trains (or resumes) and reports progress with a `training` snapshot for the monitor: from the first message
 * that names the run (so the monitor opens before the first epoch ends, with a resumed run's earlier epochs),
 * then after every epoch; the result carries the finished run's snapshot.
 */
async function trainWithMonitor(request: TrainRequest, ctx: HandlerContext): Promise<TrainModel.Result> {
  let model;
  try { model = loadModel(typeof request.model === 'string' ? request.model : ''); } catch (e) { throw new BadInputError((e as Error).message); }
  const backend = await ensureBackend();
  const strategy = request.strategy ?? 'baseline';
  let payload: TrainingPayload | undefined;
  let lastBatchReport = 0;
  const started = (runId: string, epochs: number): TrainingPayload => {
    if (payload) return payload;
    const dir = request.out ?? join(runsDir(request.workspace), runId);
    // A resumed run starts with the epochs it already has.
    const before = request.out ? readRunPayload(dir) : undefined;
    payload = { schemaVersion: 1, runId, modelName: model.name, strategy: viewStrategy(strategy), target: request.target, backend: backend.name, epochs, history: before?.history ?? [], status: 'running' };
    return payload;
  };
  const onProgress = (p: TrainProgress): void => {
    switch (p.type) {
      case 'phase': {
        if (p.runId) started(p.runId, request.epochs ?? 8);
        const message = p.total ? `${p.message} ${p.done ?? 0}/${p.total}` : p.message;
        // The monitor says what the run does until its next step: loading data, binning, evaluating.
        if (payload) { payload.activity = message; delete payload.current; }
        ctx.progress({ message, training: payload && { ...payload } });
        break;
      }
      case 'batch': {
        // Every batch would flood the channel; a few reports a second are plenty for a progress bar.
        const now = Date.now();
        if (now - lastBatchReport < 250) return;
        lastBatchReport = now;
        // The epoch in progress goes to the monitor too, so its header says what the status bar says.
        const snapshot = started(p.runId, p.epochs);
        snapshot.current = { epoch: p.epoch, step: p.batch, steps: p.batches };
        delete snapshot.activity;
        ctx.progress({ message: `epoch ${p.epoch}/${p.epochs} · batch ${p.batch}/${p.batches} · loss ${p.loss.toFixed(3)} · ${Math.round(p.imagesPerSec)} img/s`, fraction: (p.epoch - 1 + p.batch / p.batches) / p.epochs,
          training: { ...snapshot, history: snapshot.history.slice(-1) } });
        break;
      }
      case 'epoch': {
        const snapshot = started(p.runId, p.epochs);
        snapshot.epochs = p.epochs;
        snapshot.history = [...snapshot.history.filter((e) => e.epoch !== p.metrics.epoch), p.metrics];
        delete snapshot.current;
        delete snapshot.activity;
        ctx.progress({ message: `epoch ${p.metrics.epoch}/${p.epochs} done`, fraction: p.metrics.epoch / p.epochs, training: snapshot });
        break;
      }
      default: break;
    }
  };
  try {
    const r = await train(request, { signal: ctx.signal, onProgress });
    // The row of the run just made, from what it holds: the other runs of the workspace are not read again.
    const row = runRow(runIdOf(request.workspace, r.runDir), r.runDir, r.info, r.evaluation);
    return { runId: r.runId, runDir: r.runDir, backend: r.backend.name, row, training: readRunPayload(r.runDir) };
  } catch (e) {
    throw userFacing(e);
  }
}

/** A training problem the user can act on becomes bad input; everything else stays internal. */
function userFacing(e: unknown): unknown {
  return e instanceof TrainError && (e.code === 'bad-input' || e.code === 'non-finite' || e.code === 'no-checkpoint') ? new BadInputError(e.message) : e;
}

/** Progress of the long tasks: phase and epoch messages pass through, batches a few times a second. */
function phaseProgress(ctx: HandlerContext): (p: TrainProgress) => void {
  let last = 0;
  return (p) => {
    if (p.type === 'batch') {
      if (Date.now() - last < 500) return;
      last = Date.now();
      ctx.progress({ message: `${p.runId}: epoch ${p.epoch}/${p.epochs} · batch ${p.batch}/${p.batches} · loss ${p.loss.toFixed(3)}` });
    } else if (p.type === 'epoch') ctx.progress({ message: `${p.runId}: epoch ${p.metrics.epoch}/${p.epochs} done` });
    else ctx.progress({ message: p.total ? `${p.message} ${p.done ?? 0}/${p.total}` : p.message, fraction: p.phase === 'sweep' && p.total ? (p.done ?? 0) / p.total : undefined });
  };
}

export async function runSweep(params: RunSweep.Params, ctx: HandlerContext): Promise<RunSweep.Result> {
  try {
    const r = await sweep({ model: params.modelPath, data: params.data, workspace: params.workspace, kind: params.kind, targets: params.targets, epochs: params.epochs, maxRecordings: params.maxRecordings, snnSamples: params.snnSamples },
      { signal: ctx.signal, onProgress: phaseProgress(ctx) });
    // The rows of the sweep's own run folders, each read alone.
    const rows = r.rows.map((x) => readRunRow(params.workspace, x.runDir));
    return { dir: r.dir, backend: r.backend, rows };
  } catch (e) {
    throw userFacing(e);
  }
}

export async function estimateSweepTime(params: EstimateSweep.Params): Promise<EstimateSweep.Result> {
  return estimateSweep({ model: params.modelPath, data: params.data, workspace: params.workspace, kind: params.kind,
    targets: params.targets?.length ?? DEFAULT_SWEEP_TARGETS[params.kind], epochs: params.epochs ?? DEFAULT_SWEEP_EPOCHS, maxRecordings: params.maxRecordings });
}

export async function evaluateRunCommand(params: EvaluateRun.Params, ctx: HandlerContext): Promise<EvaluateRun.Result> {
  try {
    // "Evaluate Run" keeps its meaning for a run's own data: there the held-out split, because the whole folder
    // would mix in the 80 % the run trained on and flatter it; on any other folder the run saw none of the
    // samples, so it evaluates every one. (The message has no split field: the choice is made here.)
    const split = isRunDataRoot(params.runDir, { data: params.data, workspace: params.workspace }) ? 'test' : 'all';
    await evaluateRun({ runDir: params.runDir, data: params.data, workspace: params.workspace, snnSamples: params.snnSamples, rhos: params.rhos, split }, { signal: ctx.signal, onProgress: phaseProgress(ctx) });
    return readRunRow(params.workspace, params.runDir);
  } catch (e) {
    throw userFacing(e);
  }
}

export async function listWorkspaceRuns(params: ListRuns.Params): Promise<ListRuns.Result> {
  const runs = params.runsDir ? listRunsIn(params.runsDir) : listRuns(params.workspace);
  const of = params.of;
  if (!of) return runs;
  // The same rule and order as the runs a model file's figures follow (`withRunFigures`), newest last.
  if ('modelHash' in of) return evaluatedRunsOf(runs, of.modelHash).reverse();
  return runs.filter((r) => !r.problem && r.modelName === of.modelName);
}

/** A run's history (`run.json`, `metrics.json`) as the training monitor draws it. */
export async function runTraining(params: RunTraining.Params): Promise<RunTraining.Result> {
  return readRunPayload(params.runDir);
}

/** The monitor's payload of the run in `runDir`: its epochs, state, message and whether it can resume. */
function readRunPayload(runDir: string): TrainingPayload {
  let info: RunInfo;
  let history: TrainingPayload['history'];
  try {
    info = readRunInfo(runDir);
    // A run stopped before its first epoch has no metrics yet; an older run's epochs are read in today's shape.
    history = readMetrics(runDir, info.config.countInputSynops === true);
  } catch (e) {
    throw new BadInputError(`${runDir} is not a readable run folder (run.json, metrics.json): ${(e as Error).message}`);
  }
  const status = info.state === 'done' || info.state === 'cancelled' || info.state === 'failed' ? info.state : 'running';
  return {
    schemaVersion: 1, runId: basename(runDir), modelName: info.modelName, strategy: viewStrategy(info.config.strategy),
    // Fine-tuning through time adds its epochs after the ANN's, as the trainer counts them.
    target: info.config.target, backend: info.backend.name, epochs: info.config.epochs + (info.config.conversion?.finetune ? info.config.conversion.finetune.epochs : 0),
    history, status, message: info.message,
    ...(canResume(runDir, info) ? { resumable: true } : {}),
  };
}
