// The worker as `npm run build` bundles it (dist/worker/main.js), with the training threads' script beside it
// as in dist/worker, built once per change of the sources for the files that start it (bundle-cache.ts).
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { bundles } from '../../bundles.mjs';
import { cachedBundle } from './bundle-cache';

async function buildInto(dir: string): Promise<void> {
  const worker = bundles.find((b) => b.outfile === 'dist/worker/main.js');
  await esbuild.build({ ...worker, outfile: join(dir, 'worker.js'), sourcemap: false, logLevel: 'error' });
  const thread = bundles.find((b) => b.outfile === 'dist/worker/shard-thread.js');
  await esbuild.build({ ...thread, outfile: join(dir, 'shard-thread.js'), sourcemap: false, logLevel: 'error' });
}

let built: Promise<string> | undefined;

/** The worker bundle's path. */
export function buildWorker(): Promise<string> {
  built ??= cachedBundle('synops-worker-bundle', ['test/unit/worker-bundle.ts'], ['worker.js', 'shard-thread.js'], buildInto).then((dir) => join(dir, 'worker.js'));
  return built;
}
