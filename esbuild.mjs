// One build script, five bundles: extension host and worker (CommonJS, Node), the CLI (CommonJS, Node),
// the report webview (browser IIFE) and the notebook renderer (browser ESM). Exits non-zero on failure.
// `node esbuild.mjs --watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };
const browser = { ...common, platform: 'browser', target: 'es2022' };

const bundles = [
  { ...node, entryPoints: ['src/host/extension.ts'], outfile: 'dist/host/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/worker/main.ts'], outfile: 'dist/worker/main.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli/main.js' },
  { ...browser, entryPoints: ['webview/report/main.ts'], outfile: 'dist/webview/report.js', format: 'iife' },
  { ...browser, entryPoints: ['webview/renderer/index.ts'], outfile: 'dist/renderer/index.js', format: 'esm' },
];

try {
  if (watch) {
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
