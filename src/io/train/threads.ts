/**
 * Where the training threads' script is (`src/core/train/parallel.ts` starts it): beside the bundle that
 * trains (`dist/worker/shard-thread.js`, `dist/cli/shard-thread.js`), or the TypeScript source under tsx.
 * Finding a file is I/O, so it lives here and the core is handed the path.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The thread entry: `shard-thread.js` in `dir` (the bundle's folder), else the source beside the core's `parallel.ts`. */
export function shardThreadScript(dir = __dirname): string {
  for (const f of [join(dir, 'shard-thread.js'), join(dir, '../../core/train/shard-thread.ts')]) if (existsSync(f)) return f;
  throw new Error(`the training threads' script shard-thread.js is not beside ${join(dir, '')} (rebuild with npm run build, or train with --threads 1)`);
}
