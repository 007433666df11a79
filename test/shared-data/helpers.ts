// Where the shared real data lives: $SYNOPS_SHARED_DATA, else ../shared/data beside the repository.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../../scripts/shared-data';

export const sharedData = sharedDataDir();

/** `false` when the folder exists, else the reason to skip (shown by the test runner). */
export const skipUnlessShared = (sub: string): string | false =>
  existsSync(join(sharedData, sub)) ? false : `shared data not found at ${join(sharedData, sub)} (set SYNOPS_SHARED_DATA to run this suite)`;
