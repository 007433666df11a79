// One build script for every bundle (see bundles.mjs): extension host, worker and CLI (CommonJS, Node),
// the report webview (browser IIFE) and the notebook renderer (browser ESM). Exits non-zero on failure.
// `node esbuild.mjs --watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { bundles } from './bundles.mjs';

try {
  if (process.argv.includes('--watch')) {
    const contexts = await Promise.all(bundles.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('esbuild: watching for changes');
  } else {
    const started = Date.now();
    await Promise.all(bundles.map((b) => esbuild.build(b)));
    console.log(`esbuild: built ${bundles.length} bundles in ${Date.now() - started} ms`);
  }
} catch (e) {
  // esbuild already printed the errors (logLevel warning); make the failure visible to scripts and CI.
  console.error(`esbuild: build failed${e?.errors ? ` with ${e.errors.length} error(s)` : `: ${e}`}`);
  process.exit(1);
}
