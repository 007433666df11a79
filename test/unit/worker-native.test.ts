// Installing the native backend: npm runs for real (against a registry address where nothing listens, so no
// network is touched and it fails at once), and the loader's answers for a missing and a broken tfjs-node.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildWorker } from './worker-bundle';
import { tryLoadTfjsNode } from '../../src/core/train/backend';
import { WorkerClient, WorkerError } from '../../src/host/workerProcess/client';
import { InstallNative, WorkerErrorCode } from '../../src/protocol/messages';

const outDir = mkdtempSync(join(tmpdir(), 'synops-worker-native-'));
/** The worker bundle (worker-bundle.ts), set by `before`. */
let workerPath = '';

describe('native backend', () => {
  let client: WorkerClient;
  before(async () => {
    workerPath = await buildWorker();
    client = new WorkerClient({ workerPath, log: () => undefined, env: { npm_config_fetch_retries: '0', npm_config_cache: join(outDir, 'npm-cache') } });
  });
  after(() => client?.dispose());

  it('reports a failed npm install with npm\'s own words, as something the user can act on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synops-native-'));
    await assert.rejects(client.request(InstallNative.type, { dir, registry: 'http://127.0.0.1:9/' }), (e: unknown) => {
      assert.ok(e instanceof WorkerError);
      assert.equal(e.code, WorkerErrorCode.BadInput);
      assert.match(e.message, /npm install @tensorflow\/tfjs-node@4\.22\.0 into .* failed \(exit \d+\)/);
      assert.match(e.message, /ECONNREFUSED|127\.0\.0\.1:9/);
      return true;
    });
  });

  it('says why tfjs-node does not load: not installed, or an addon that does not fit this Node', () => {
    const empty = mkdtempSync(join(tmpdir(), 'synops-native-empty-'));
    const missing = tryLoadTfjsNode(empty);
    assert.equal(missing.ok, false);
    assert.match(missing.why ?? '', /tfjs-node is not installed in /);
    const broken = mkdtempSync(join(tmpdir(), 'synops-native-broken-'));
    const pkg = join(broken, 'node_modules', '@tensorflow', 'tfjs-node');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }));
    // What tfjs-node throws when its binary was not downloaded (measured here with --ignore-scripts).
    writeFileSync(join(pkg, 'index.js'), "throw new Error('The Node.js native addon module (tfjs_binding.node) can not be found at path: lib/napi-v8/tfjs_binding.node');\n");
    const r = tryLoadTfjsNode(broken);
    assert.equal(r.ok, false);
    assert.match(r.why ?? '', /native addon does not load in this Node .*synops\.worker\.nodePath/);
  });
});
