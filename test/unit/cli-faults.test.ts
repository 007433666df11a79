// Ordinary faults reach the user as one line naming the file and the fix, exit 1 (usage: exit 2); a stack
// trace and exit 70 are for bugs only (issue #13, item 7). Every subcommand answers --help (item 13). The
// CLI is the real bundle in a child process, as a user runs it.
import { strict as assert } from 'node:assert';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildCli, runCli, STACK_LINE, unprivileged, type CliOptions, type CliRun } from './cli-bundle';
import { writeHalvesDataset } from './halves-dataset';
import { tinyModel } from './tiny-model';

const root = mkdtempSync(join(tmpdir(), 'synops-faults-'));
chmodSync(root, 0o755);
const data = join(root, 'halves');
const model = join(root, 'tiny.snn.json');
const run = join(root, 'run');
let bundle = '';

const synops = (args: string[], o: CliOptions = {}): CliRun => runCli(bundle, args, { cwd: root, ...o });
const trainArgs = (out: string, ...more: string[]): string[] => ['train', model, '--data', data, '--out', out, '--snn-samples', '0', '--threads', '1', '--backend', 'wasm', '--workspace', join(root, 'ws'), ...more];

/**
 * Exit 1 (or `code`), no stack trace, and one error line matching `line`: the last line of stderr, and the
 * only one that starts with `synops ` (progress and notes may come before it).
 */
function fault(r: CliRun, line: RegExp, code = 1): void {
  assert.equal(r.code, code, `exit ${r.code}: ${r.err}`);
  assert.doesNotMatch(r.err, STACK_LINE);
  const lines = r.err.trimEnd().split('\n');
  assert.equal(lines.filter((l) => l.startsWith('synops ')).length, lines[lines.length - 1].startsWith('synops ') ? 1 : 0, `one error line, got:\n${r.err}`);
  assert.match(lines[lines.length - 1], line);
}

describe('CLI faults are one line with the fix', () => {
  before(async () => {
    bundle = await buildCli();
    writeHalvesDataset(data, { recordings: 8, events: 200 });
    writeFileSync(model, JSON.stringify(tinyModel(), null, 1));
    mkdirSync(join(root, 'ws'), { mode: 0o777 });
    chmodSync(join(root, 'ws'), 0o777);
    const r = synops(trainArgs(run));
    assert.equal(r.code, 0, r.err);
  });

  it('every subcommand answers --help with its usage on stdout, exit 0', () => {
    for (const cmd of ['summary', 'simulate', 'events', 'data', 'train', 'sweep', 'eval', 'reproduce']) {
      const r = synops([cmd, '--help']);
      assert.equal(r.code, 0, `${cmd}: ${r.err}`);
      assert.equal(r.err, '');
      assert.match(r.out, new RegExp(`^usage: synops ${cmd} `));
    }
    const sub = synops(['data', 'synth', '-h']);
    assert.equal(sub.code, 0);
    assert.match(sub.out, /^usage: synops data synth --out <dir>/);
  });

  it('a usage error is one line pointing at --help, exit 2', () => {
    fault(synops([]), /^synops: give a command: summary, simulate, .* \(synops --help shows them\)$/, 2);
    fault(synops(['eval', run, '--bogus']), /^synops eval: unknown option --bogus \(synops eval --help shows the usage\)$/, 2);
    fault(synops(['events', 'frames', join(data, 'rec0.bin'), '--size', '100000']), /^synops events: --size must be an integer from 0 to 4,096, got 100000/, 2);
    fault(synops(['train', model, '--data', data, '--batch', '0']), /^synops train: --batch must be an integer from 1 to 8,192, got 0/, 2);
  });

  it('permission denied names the folder and the fix, not ENOENT', { skip: process.platform === 'win32' }, () => {
    const ro = join(root, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const user = unprivileged();
    fault(synops(trainArgs(join(ro, 'run')), { user }), /^synops train: cannot create the folder .*\/ro\/run: permission denied \(EACCES\); choose a writable --out \(or --workspace\)$/);
    fault(synops(trainArgs(ro), { user }), /^synops train: cannot open .*\/ro\/\.lock: permission denied \(EACCES\); check its permissions, or choose a writable --out/);
    const secret = join(root, 'secret.snn.json');
    writeFileSync(secret, '{}');
    chmodSync(secret, 0o600);
    if (user) fault(synops(['summary', secret], { user }), /^synops summary: cannot open .*secret\.snn\.json: permission denied \(EACCES\); check its permissions/);
  });

  it('a full disk names the file being written and says the run resumes', () => {
    // Node's writeSync fails with ENOSPC and no path on a full disk; this preload makes the checkpoint's write do so.
    const inject = join(root, 'enospc.cjs');
    writeFileSync(inject, `const fs = require('node:fs');
const open = fs.openSync, write = fs.writeSync, fds = new Set();
fs.openSync = (p, ...a) => { const fd = open(p, ...a); if (/checkpoint-1\\.bin/.test(String(p))) fds.add(fd); return fd; };
const close = fs.closeSync;
fs.closeSync = (fd) => { fds.delete(fd); return close(fd); };
fs.writeSync = (fd, ...a) => { if (fds.has(fd)) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { errno: -28, code: 'ENOSPC', syscall: 'write' }); return write(fd, ...a); };
`);
    fault(synops(trainArgs(join(root, 'full')), { preload: [inject] }), /^synops train: cannot write .*full\/checkpoint-1\.bin: no space left on the disk \(ENOSPC\); free some space and run again \(an unfinished run resumes from its last checkpoint\)$/);
  });

  it('damaged run files, NaN weights and weights linked out of the folder are located one-line errors', () => {
    const copy = (name: string): string => { const d = join(root, name); cpSync(run, d, { recursive: true }); return d; };
    const damaged = copy('damaged');
    writeFileSync(join(damaged, 'run.json'), '{"config": {');
    fault(synops(trainArgs(damaged)), /^synops train: .*damaged\/run\.json:1:13: damaged JSON \(.*\); the run folder is damaged: restore the file, or train into another --out$/);
    const torn = copy('torn');
    writeFileSync(join(torn, 'checkpoint.json'), '');
    fault(synops(trainArgs(torn)), /^synops train: .*torn\/checkpoint\.json:1:1: damaged JSON \(Unexpected end of JSON input\); the checkpoint is damaged/);
    const nan = copy('nan');
    const bin = readFileSync(join(nan, 'model', 'weights.bin'));
    bin.writeFloatLE(Infinity, 0);
    writeFileSync(join(nan, 'model', 'weights.bin'), bin);
    fault(synops(['eval', nan, '--data', data, '--workspace', join(root, 'ws')]), /^synops eval: .*nan\/model\/model\.json: the weights of layer "c1" hold Infinity at element 0 of 18/);
    // simulate with a weight file that is a link to a file outside the folder of model.json.
    const linked = copy('linked');
    writeFileSync(join(root, 'outside.bin'), readFileSync(join(run, 'model', 'weights.bin')));
    const w = join(linked, 'model', 'weights.bin');
    rmSync(w);
    symlinkSync(join(root, 'outside.bin'), w);
    fault(synops(['simulate', model, '--weights', join(linked, 'model', 'model.json'), '--input', join(data, 'rec0.bin'), '--chunk', '100']),
      /^synops simulate: .*model\.json: weight file "weights\.bin" resolves to .*outside\.bin, outside .*linked\/model; weight files must lie in the folder of model\.json/);
  });

  it('data that does not fit, labels past the outputs, a busy or differently configured run folder: refused before training', () => {
    const cifar = join(root, 'cifar');
    mkdirSync(cifar);
    writeFileSync(join(cifar, 'data_batch_1.bin'), Buffer.alloc(3073 * 2));
    fault(synops([...trainArgs(join(root, 'c')).slice(0, 3), cifar, ...trainArgs(join(root, 'c')).slice(4)]), /^synops train: .*cifar is a CIFAR-10 folder \(images\), but tiny takes events/);
    const m64 = join(root, 'm64.snn.json');
    writeFileSync(m64, JSON.stringify(tinyModel({ shape: [1, 64, 64] })));
    fault(synops(['train', m64, ...trainArgs(join(root, 'm64')).slice(2)]), /34×34 sensor, which is not a whole multiple of the 64×64 input of tiny .*an input that fits is \[1, 34, 34\]/);
    const labelled = join(root, 'labels7');
    cpSync(data, labelled, { recursive: true });
    writeFileSync(join(labelled, 'labels.txt'), readFileSync(join(data, 'labels.txt'), 'utf8').replace('rec5\t1', 'rec5\t7'));
    fault(synops(['train', model, '--data', labelled, ...trainArgs(join(root, 'l7')).slice(4)]), /label 7 of 1 recording .*\(such as rec5\) is beyond the 2 outputs of tiny/);
    const busy = join(root, 'busy');
    cpSync(run, busy, { recursive: true });
    writeFileSync(join(busy, '.lock'), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: 'now' }));
    fault(synops(trainArgs(busy)), new RegExp(`busy is in use by process ${process.pid} on `));
    fault(synops(trainArgs(run, '--epochs', '3', '--seed', '2')), /run holds a run with other settings, which a resume would ignore: epochs 3 \(the run: 1\), seed 2 \(the run: 1\)/);
  });

  it('absurd model files are refused at their place within a 512 MB heap', () => {
    const wide = join(root, 'wide.snn.json');
    writeFileSync(wide, JSON.stringify(tinyModel(), null, 1).replace('"outChannels": 2', '"outChannels": 100000'));
    const r = synops(['summary', wide], { heapMb: 512 });
    fault(r, /^.*wide\.snn\.json:\d+:\d+: error: layer 0 "c1": "outChannels" must be a whole number from 1 to 4,096/);
    const deep = join(root, 'deep.snn.json');
    writeFileSync(deep, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    fault(synops(['train', deep, '--data', data], { heapMb: 512 }), /^synops train: .*deep\.snn\.json:1:33: error: .*nested more than 32 deep/);
  });
});
