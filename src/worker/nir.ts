/** NIR import and export requests: the core's `importNirFile` / `exportRunToNir`, problems as `BadInput`. */
import { FileFormatError } from '../core/jsonText';
import { exportRunToNir, importNirFile, nirReport } from '../io/nir/files';
import type { ExportNir, ImportNir, NirReport } from '../protocol/messages';
import { BadInputError, throwIfAborted, type HandlerContext } from './handlers';

/** A damaged or unsupported file, or a path that cannot be read or written: the user fixes it. */
function badInput(e: unknown): never {
  if (e instanceof FileFormatError) throw new BadInputError(e.message, { file: e.file });
  const errno = e as { code?: string; path?: string; message?: string };
  if (typeof errno.code === 'string' && /^E[A-Z]+$/.test(errno.code)) throw new BadInputError(errno.message ?? String(e), errno.path ? { file: errno.path } : {});
  throw e;
}

export async function importNir(params: ImportNir.Params, ctx: HandlerContext): Promise<ImportNir.Result> {
  throwIfAborted(ctx.signal);
  ctx.progress({ message: 'reading the NIR graph' });
  return importNirFile(params.file, params.out).catch(badInput);
}

export async function exportNir(params: ExportNir.Params, ctx: HandlerContext): Promise<ExportNir.Result> {
  throwIfAborted(ctx.signal);
  ctx.progress({ message: 'writing the NIR graph' });
  return exportRunToNir(params.runDir, params.target).catch(badInput);
}

export async function reportNir(params: NirReport.Params, ctx: HandlerContext): Promise<NirReport.Result> {
  throwIfAborted(ctx.signal);
  const { spikesPerNeuron, inputActivity, userProfiles, profileId } = params.options;
  return nirReport(params.file, { spikesPerNeuron, inputActivity, userProfiles, profileId }).catch(badInput);
}
