import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readEventChunk } from '../core/data/detect';
import { EventDataError } from '../core/data/events';
import { parseModel } from '../core/model/parse';
import { readTfjsWeights } from '../core/sim/tfjs-weights';
import { chunkRaster } from '../core/views/raster';
import { describeEventFile } from '../core/views/eventFile';
import type { ChunkRaster, DescribeEvents } from '../protocol/messages';
import { BadInputError, throwIfAborted, type HandlerContext } from './handlers';

/** Runs `fn`, turning a data-file problem into bad input the user can act on. */
async function userFacing<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof EventDataError) throw new BadInputError(e.message);
    throw e;
  }
}

export function describeEvents(params: DescribeEvents.Params, ctx: HandlerContext): Promise<DescribeEvents.Result> {
  return userFacing(() => describeEventFile(params.file, params.chunkEvents ?? 3000, ctx.signal));
}

export function rasterOfChunk(params: ChunkRaster.Params, ctx: HandlerContext): Promise<ChunkRaster.Result> {
  return userFacing(async () => {
    const chunkEvents = params.chunkEvents ?? 3000;
    ctx.progress({ message: `reading chunk ${params.index}` });
    const { meta, events } = await readEventChunk(params.file, params.index, chunkEvents, { signal: ctx.signal });
    throwIfAborted(ctx.signal);
    let model;
    let weights;
    if (params.modelPath) {
      const parsed = parseModel(readFileSync(params.modelPath, 'utf8'), params.modelPath);
      if (!parsed.model) throw new BadInputError(`${params.modelPath} has errors; fix them first (see the Problems panel)`);
      model = parsed.model;
      if (!params.weightsPath) throw new BadInputError(`simulating ${params.modelPath} needs trained weights: pick a run's model.json`);
      const folder = dirname(params.weightsPath);
      weights = await readTfjsWeights(readFileSync(params.weightsPath, 'utf8'), model, async (rel) => new Uint8Array(readFileSync(join(folder, rel))));
      ctx.progress({ message: `simulating ${events.length} events through ${model.name}` });
    }
    return chunkRaster(events, meta, { model, weights, maxEntries: params.maxEntries, signal: ctx.signal, title: `chunk ${params.index + 1} (${events.length.toLocaleString('en-US')} events) of ${basename(params.file)}` });
  });
}
