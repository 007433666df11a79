/**
 * Before a sweep starts its models: how long it will take (the worker's estimate from the model's size, the
 * samples, the epochs and the speed a previous run measured, or "no estimate" and why), and a modal
 * question whether to start it.
 */
import * as vscode from 'vscode';
import { EstimateSweep } from '../protocol/messages';
import { formatDuration } from '../protocol/format';
import type { Ctx } from './ctx';

export const START_SWEEP = 'Start Sweep';

/** The question's text: the number of models and the time, or that there is no estimate. */
export function sweepQuestion(model: string, e: EstimateSweep.Result): { message: string; detail: string } {
  const time = e.seconds !== undefined ? `about ${formatDuration(e.seconds)}` : 'no estimate of the time';
  return {
    message: `Sweep of ${model}: train ${e.models > 0 ? `${e.models} models` : 'its models'}, ${time}. Start it?`,
    detail: e.seconds !== undefined ? `Estimate: ${e.basis}. Its notification can cancel it once started.` : `${e.basis[0].toUpperCase()}${e.basis.slice(1)}.`,
  };
}

/** Asks whether to start the sweep; true when the user chose Start Sweep. */
export async function confirmSweep(ctx: Ctx, model: string, params: EstimateSweep.Params): Promise<boolean> {
  const estimate = await ctx.worker.request(EstimateSweep.type, params).catch((e: Error) => {
    ctx.log.warn(`sweep estimate: ${e.message}`);
    return { models: params.targets?.length ?? 0, basis: `no estimate: ${e.message}` } as EstimateSweep.Result;
  });
  const q = sweepQuestion(model, estimate);
  ctx.log.info(`${q.message} ${q.detail}`);
  return (await vscode.window.showWarningMessage(q.message, { modal: true, detail: q.detail }, START_SWEEP)) === START_SWEEP;
}
