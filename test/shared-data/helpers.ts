// Where the shared real data lives: $SYNOPS_SHARED_DATA, else ../shared/data beside the repository.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const sharedData = resolve(process.env.SYNOPS_SHARED_DATA ?? join(__dirname, '..', '..', '..', 'shared', 'data'));

/** `false` when the folder exists, else the reason to skip (shown by the test runner). */
export const skipUnlessShared = (sub: string): string | false =>
  existsSync(join(sharedData, sub)) ? false : `shared data not found at ${join(sharedData, sub)} (set SYNOPS_SHARED_DATA to run this suite)`;
