import { DATASETS, installDataset } from '../io/data/catalog';
import { scanDataset } from '../io/data/datasets';
import { DownloadError } from '../io/data/download';
import { EventDataError } from '../core/data/events';
import type { DatasetSummary, DownloadDataset, InspectDataset } from '../protocol/messages';
import { BadInputError, type HandlerContext } from './handlers';

/** Layout and counts of a dataset folder; a folder that is not a dataset is the user's to fix. */
function summarize(dir: string, list = 0): DatasetSummary {
  try {
    const index = scanDataset(dir);
    const perLabel: Record<string, number> = {};
    for (const r of index.recordings) perLabel[r.label] = (perLabel[r.label] ?? 0) + 1;
    const recordings = index.kind === 'cifar10' ? (index.batches?.length ?? 0) * 10_000 : index.recordings.length;
    const listed = list > 0 ? index.recordings.slice(0, list).map((r) => ({ id: r.id, file: r.file, label: r.label })) : undefined;
    return { kind: index.kind, root: index.root, recordings, perLabel, ...(listed ? { list: listed } : {}) };
  } catch (e) {
    if (e instanceof EventDataError) throw new BadInputError(e.message);
    throw e;
  }
}

export async function inspectDataset(params: InspectDataset.Params): Promise<InspectDataset.Result> {
  return summarize(params.dir, params.list);
}

export async function downloadDataset(params: DownloadDataset.Params, ctx: HandlerContext): Promise<DownloadDataset.Result> {
  const source = DATASETS.find((d) => d.id === params.id);
  if (!source) throw new BadInputError(`unknown dataset "${params.id}"; known: ${DATASETS.map((d) => d.id).join(', ')}`);
  const files = source.files.length;
  let done = 0;
  let current = '';
  let path: string;
  try {
    path = await installDataset(source, params.targetDir, {
      signal: ctx.signal,
      baseUrl: params.baseUrl,
      onProgress: (file, received, total) => {
        if (file !== current) { if (current) done++; current = file; }
        const within = total ? received / total : 0;
        const mb = (received / 2 ** 20).toFixed(1);
        ctx.progress({ message: `${file}: ${mb}${total ? ` of ${(total / 2 ** 20).toFixed(1)}` : ''} MB`, fraction: Math.min(1, (done + within) / files) });
      },
    });
  } catch (e) {
    // A bad checksum or an unreachable host is reported as such; a partial file stays for the next try.
    if (e instanceof DownloadError && e.code !== 'cancelled') throw new BadInputError(`${source.title}: ${e.message}`);
    // A damaged archive: extraction names the file and the entry.
    if (e instanceof EventDataError) throw new BadInputError(`${source.title}: ${e.message}; the damaged archive was deleted and is downloaded again next time`);
    throw e;
  }
  return { path, summary: summarize(path) };
}

