/**
 * The threads that read `.nir` files (`read-thread.ts`), each with its own copy of HDF5: one at a time per
 * read, one kept idle for the next read while its HDF5 is sound (see `readNirFile` in `hdf5.ts`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { NirGraph } from '../../core/nir/graph';

/** Longest a read may take: the largest file `MAX_NIR_FILE_BYTES` allows reads in seconds. */
const READ_TIMEOUT_MS = 120_000;

/** What the reading thread answers; `reusable`: no HDF5 call of the read aborted, so its copy of HDF5 is sound. */
export type ThreadReply = ({ graph: NirGraph } | { where: string; message: string }) & { reusable?: boolean };

/** The thread entry beside this file: the bundle's `nir-thread.js`, or the TypeScript source under tsx. */
function threadScript(dir = __dirname): string {
  for (const f of ['nir-thread.js', 'read-thread.ts']) if (existsSync(join(dir, f))) return join(dir, f);
  throw new Error(`the NIR reader's script nir-thread.js is not beside ${join(dir, '')} (rebuild with npm run build)`);
}

/** A reading thread whose last read was clean, kept for the next one (starting a thread and HDF5 costs more than most reads). */
let idle: Worker | undefined;
/** Reads a thread serves before it is replaced: what a damaged file's failed read leaves allocated stays bounded. */
const READS_PER_THREAD = 64;
/** An idle thread ends after this long, giving its copy of HDF5 back to a long-lived process (the worker). */
const IDLE_MS = 30_000;
let idleTimer: NodeJS.Timeout | undefined;
const reads = new WeakMap<Worker, number>();

function startThread(): Worker {
  const script = threadScript();
  // Sources run under tsx (tests, scripts): the thread registers tsx itself, as it does not inherit the loader.
  const worker = script.endsWith('.ts')
    ? new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(script)});`, { eval: true })
    : new Worker(script);
  worker.on('error', () => undefined); // a read in progress hears it too; an idle thread's is only its end
  worker.on('exit', () => { if (idle === worker) idle = undefined; });
  return worker;
}

export function inThread(file: string): Promise<ThreadReply> {
  const worker = idle ?? startThread();
  idle = undefined;
  clearTimeout(idleTimer);
  worker.ref();
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: ThreadReply): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      // A read that made HDF5 abort left its copy broken: only a thread whose HDF5 is sound is kept.
      reads.set(worker, (reads.get(worker) ?? 0) + 1);
      if (r.reusable && !idle && reads.get(worker)! < READS_PER_THREAD) {
        idle = worker;
        worker.unref();
        idleTimer = setTimeout(() => void worker.terminate(), IDLE_MS).unref();
      } else void worker.terminate();
      resolve(r);
    };
    const onMessage = (r: ThreadReply): void => finish(r);
    const onError = (e: unknown): void => finish({ where: '/', message: `HDF5 failed reading it (${String((e as Error)?.message ?? e).split('\n')[0]}); the file is damaged: write it again` });
    const onExit = (): void => finish({ where: '/', message: 'HDF5 stopped reading it without an answer; the file is damaged: write it again' });
    // Damage that sends HDF5 round in circles ends here instead of hanging the command.
    const timer = setTimeout(() => finish({ where: '/', message: `HDF5 did not finish reading it in ${READ_TIMEOUT_MS / 1000} s; the file is damaged: write it again` }), READ_TIMEOUT_MS);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage({ file });
  });
}
