import { resolve } from 'node:path';

/**
 * The shared real-data folder for benchmarks and optional checks: `SYNOPS_SHARED_DATA`, else
 * `../shared/data` beside the repository. The project's own tests never need it.
 */
export function sharedDataDir(): string {
  return resolve(process.env.SYNOPS_SHARED_DATA ?? resolve(__dirname, '..', '..', 'shared', 'data'));
}
