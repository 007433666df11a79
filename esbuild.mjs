// One build script for every bundle (see bundles.mjs): extension host, worker and CLI (CommonJS, Node),
// the report webview (browser IIFE) and the notebook renderer (browser ESM). Exits non-zero on failure.
// `node esbuild.mjs --watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bundles, wasmBeside } from './bundles.mjs';

/** Copies the wasm backend's binaries next to the Node bundles that load them. */
function copyWasm() {
  const from = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  for (const dir of wasmBeside) {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(from).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(from, f), join(dir, f));
  }
}

try {
  copyWasm();
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
