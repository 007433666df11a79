// The CLI as a user runs it: a real child process on real files.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildCli, runCli } from './cli-bundle';
import { repoRoot, templateText } from './helpers';

// The CLI as `npm run build` bundles it (cli-bundle.ts: built once, 0.3 s a run instead of tsx's 2 s).
let bundle = '';
before(async () => { bundle = await buildCli(); });

function synops(...args: string[]): { code: number | null; out: string; err: string } {
  const r = runCli(bundle, args, { cwd: repoRoot, timeoutMs: 120_000 });
  return { code: r.code, out: r.out, err: r.err };
}

describe('synops summary', () => {
  it('prints the per-layer table of the MNIST-DVS template', () => {
    const r = synops('summary', 'templates/mnist-dvs.snn.json');
    assert.equal(r.code, 0, r.err);
    const row = (name: string): string => r.out.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
    assert.match(row('conv1'), /8×62×62\s+72\s+276,768/);
    assert.match(row('conv2'), /726,624/);
    assert.match(row('conv3'), /186,624/);
    assert.match(row('fc'), /4,320\s+4,320/);
    assert.match(row('total'), /6,552\s+1,194,336/);
    assert.match(r.out, /Estimate, not measured/);
  });

  it('--json gives the report the panels draw', () => {
    const r = synops('summary', 'templates/cifar10-allconv.snn.json', '--json', '--profile', 'loihi');
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.reportVersion, 1);
    assert.equal(report.profileId, 'loihi');
    assert.equal(report.totals.params, 1_617_312);
  });

  it('names the file, line and column of an error and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synops-cli-'));
    const file = join(dir, 'broken.snn.json');
    writeFileSync(file, templateText('mnist-dvs.snn.json').replace('"name": "conv2", "outChannels": 12, "kernel": 3', '"name": "conv2", "outChannels": 12, "kernel": 40'));
    const r = synops('summary', file);
    assert.equal(r.code, 1);
    // conv2 is on line 11 of the template (1-based, as editors and compilers print it); 40 starts at column 71
    assert.match(r.err, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:11:71: error: layer 3 "conv2" \\(conv2d\\): kernel 40×40`));
  });

  it('refuses unknown options and profiles with usage exit code 2', () => {
    assert.equal(synops('summary', 'templates/mnist-dvs.snn.json', '--frobnicate').code, 2);
    const r = synops('summary', 'templates/mnist-dvs.snn.json', '--profile', 'nope');
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown profile "nope"; known: paper-generic, loihi/);
    assert.equal(synops('simulate-everything').code, 2);
  });

  it('refuses a --threads that is not auto or 1–64, naming what it takes', () => {
    for (const bad of ['0', '2.5', 'many']) {
      const r = synops('train', 'templates/mnist-dvs.snn.json', '--data', 'synth', '--threads', bad);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, new RegExp(`--threads is auto or a whole number from 1 to 64, not "${bad}"`));
    }
  });
});
