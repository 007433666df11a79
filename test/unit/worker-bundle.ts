// The worker as `npm run build` bundles it (dist/worker/main.js), with the training threads' script beside it
// as in dist/worker, built once per change of the sources for the files that start it (bundle-cache.ts).
import { join } from 'node:path';
import { buildBundleAs, cachedBundle } from './bundle-cache';

async function buildInto(dir: string): Promise<void> {
  await buildBundleAs('dist/worker/main.js', join(dir, 'worker.js'));
  await buildBundleAs('dist/worker/shard-thread.js', join(dir, 'shard-thread.js'));
}

let built: Promise<string> | undefined;

/** The worker bundle's path. */
export function buildWorker(): Promise<string> {
  built ??= cachedBundle('synops-worker-bundle', ['test/unit/worker-bundle.ts'], ['worker.js', 'shard-thread.js'], buildInto).then((dir) => join(dir, 'worker.js'));
  return built;
}
