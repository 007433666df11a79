import { basename } from 'node:path';
import { readEventChunk } from '../core/data/detect';
import { EventDataError } from '../core/data/events';
import { FileFormatError } from '../core/jsonText';
import { readModelFile } from '../io/model/read';
import { readTfjsWeightsFile } from '../io/sim/tfjs-weights';
import { chunkRaster, withFileFacts } from '../core/views/raster';
import { describeEventFile } from '../core/views/eventFile';
import { tradeoffOf } from '../io/views/tradeoff';
import type { ChunkRaster, DescribeEvents, Tradeoff } from '../protocol/messages';
import { BadInputError, throwIfAborted, type HandlerContext } from './handlers';
import { fileSource } from '../io/data/files';

/** Runs `fn`, turning a data-file problem into bad input the user can act on. */
async function userFacing<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof EventDataError || e instanceof FileFormatError) throw new BadInputError(e.message);
    throw e;
  }
}

export function describeEvents(params: DescribeEvents.Params, ctx: HandlerContext): Promise<DescribeEvents.Result> {
  return userFacing(() => describeEventFile(fileSource(params.file), params.chunkEvents ?? 3000, ctx.signal));
}

/**
 * The raster of one chunk, simulated through a model when one is given. With a model the chunk is cut as
 * the model was trained — its `input.chunkEvents` events (1,500 for N-MNIST reproductions) — so the
 * network sees the samples it learnt from; without one, `chunkEvents` of the request, else 3,000.
 */
export function rasterOfChunk(params: ChunkRaster.Params, ctx: HandlerContext): Promise<ChunkRaster.Result> {
  return userFacing(async () => {
    let model;
    if (params.modelPath) {
      const parsed = readModelFile(params.modelPath);
      if (!parsed.model || parsed.diagnostics.some((d) => d.severity === 'error')) throw new BadInputError(`${params.modelPath} has errors; fix them first (see the Problems panel)`);
      model = parsed.model;
      if (model.input.kind !== 'events') throw new BadInputError(`${params.modelPath} takes images; the spike raster of an event file needs a model of events`);
      if (!params.weightsPath) throw new BadInputError(`simulating ${params.modelPath} needs trained weights: pick a run's model.json`);
    }
    const chunkEvents = model?.input.kind === 'events' ? model.input.chunkEvents : params.chunkEvents ?? 3000;
    ctx.progress({ message: `reading chunk ${params.index}` });
    const { meta, events } = await readEventChunk(fileSource(params.file), params.index, chunkEvents, { signal: ctx.signal });
    throwIfAborted(ctx.signal);
    let weights;
    if (model && params.weightsPath) {
      // Weight files are confined to the real folder of model.json; NaN or infinite weights are refused.
      weights = await readTfjsWeightsFile(params.weightsPath, model);
      ctx.progress({ message: `simulating ${events.length} events through ${model.name}` });
    }
    const title = `chunk ${params.index + 1} (${events.length.toLocaleString('en-US')} events${model ? `, chunks of ${chunkEvents.toLocaleString('en-US')} as ${model.name} was trained` : ''}) of ${basename(params.file)}`;
    const simulated = chunkRaster(events, meta, { model, weights, maxEntries: params.maxEntries, signal: ctx.signal, title });
    const payload = simulated.output && params.label !== undefined ? { ...simulated, output: { ...simulated.output, label: params.label } } : simulated;
    return params.facts ? withFileFacts(payload, params.facts, basename(params.file), params.index, params.chunkCount ?? Math.max(1, params.facts.chunks)) : payload;
  });
}

/** The trade-off of a workspace's runs or a reproduction's report; a wrong file is bad input. */
export async function tradeoff(params: Tradeoff.Params): Promise<Tradeoff.Result> {
  try {
    return tradeoffOf(params.source, params.name);
  } catch (e) {
    throw new BadInputError((e as Error).message);
  }
}
