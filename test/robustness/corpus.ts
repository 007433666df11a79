// The malformed inputs of the robustness suite, generated here into a temporary folder: model files
// (syntax damage, every field given values it must refuse, absurd sizes, special files), TF.js manifests
// and weights, run folders with damaged files, CLI options, and event recordings the readers must refuse.
// Each case is one CLI command line that must end in a located one-line error.
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, cpSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, ftruncateSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { encodeAedat2 } from '../../src/core/data/aedat2';
import { encodeNmnist } from '../../src/core/data/nmnist';
import { Rng } from '../../src/core/data/rng';
import { writeHalvesDataset } from '../unit/halves-dataset';
import { tinyModel, writeTinyWeights } from '../unit/tiny-model';
import { loadH5 } from '../../src/io/nir/hdf5';
import { convGraph, tinyGraph, writeRaw, type RawGraph } from '../unit/nir-files';

export type Area = 'model files' | 'TF.js manifests' | 'run folders' | 'CLI options' | 'readers' | 'faults' | 'NIR graphs';

export interface Case {
  area: Area;
  name: string;
  args: string[];
  /** Preloaded scripts (fault injection). */
  preload?: string[];
  /** Run without root's rights (permission cases). */
  unprivileged?: boolean;
}

/** Where the corpus lives and the valid inputs its cases start from. */
export interface Fixture {
  root: string;
  data: string;
  model: string;
  recording: string;
  /** A finished run of `model` on `data`, to copy and damage. */
  run: string;
  workspace: string;
}

/** Writes the valid inputs; `run` is filled in by the suite (it trains it through the CLI). */
export function writeFixture(root: string): Fixture {
  chmodSync(root, 0o755);
  const data = join(root, 'halves');
  writeHalvesDataset(data, { recordings: 8, events: 200 });
  const model = join(root, 'tiny.snn.json');
  writeFileSync(model, JSON.stringify(tinyModel(), null, 1));
  const workspace = join(root, 'ws');
  mkdirSync(workspace, { mode: 0o777 });
  chmodSync(workspace, 0o777);
  return { root, data, model, recording: join(data, 'rec0.bin'), run: join(root, 'run'), workspace };
}

/** Sets `path` of a clone of `obj` to raw JSON text `raw` (so 1e999 and other non-JSON.stringify values can be written). */
function withRaw(obj: unknown, path: (string | number)[], raw: string): string {
  const clone = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  let at: Record<string | number, unknown> = clone;
  for (const k of path.slice(0, -1)) {
    if (at[k] === undefined || typeof at[k] !== 'object') at[k] = {};
    at = at[k] as Record<string | number, unknown>;
  }
  at[path[path.length - 1]] = '@@RAW@@';
  return JSON.stringify(clone, null, 1).replace('"@@RAW@@"', raw);
}

/** Fields of the tiny model and values each must refuse (raw JSON text). */
const FIELD_VALUES: Array<[(string | number)[], string[]]> = [
  [['version'], ['2']],
  [['input'], ['null']],
  [['input', 'kind'], ['"frames"']],
  [['input', 'shape'], ['[1, 34]', '[1, 34.5, 34]', '[1, 1e6, 1e6]', '[64, 4096, 4096]']],
  [['input', 'chunkEvents'], ['0', '1e12']],
  [['input', 'dtMs'], ['0', '1e999']],
  [['input', 'sensor'], ['[0, 0]', '[-34, 34]', '[50, 50]']],
  [['layers'], ['[]']],
  [['layers', 0, 'outChannels'], ['0', '100000', '2.5']],
  [['layers', 0, 'kernel'], ['[3]', '100', '1e999']],
  [['layers', 0, 'stride'], ['1e12']],
  [['layers', 0, 'padding'], ['1e9']],
  [['layers', 0, 'type'], ['"lif"']],
  [['layers', 3, 'outFeatures'], ['1e7']],
  [['layers', 1], ['null']],
  [['training', 'strategy'], ['"magic"']],
  [['training', 'seed'], ['"abc"']],
  [['training', 'epochs'], ['1e6']],
  [['training', 'batchSize'], ['0']],
  [['training', 'learningRate'], ['1e999', '-0.1']],
  [['training', 'quantizer'], ['"ceil"']],
  [['training'], ['"fast"']],
  [['conversion', 'readout'], ['"votes"']],
  [['conversion', 'normalize'], ['{}']],
  [['conversion', 'calibrate'], ['{"samples": 1e9}']],
  [['conversion', 'finetune'], ['{"bins": 1e999}', '{"learningRate": 1}']],
  [['energy'], ['"loihi"']],
];

/** A model file with 6,000 layers, one of 100,000 channels, and other sizes that would exhaust memory. */
function absurdModels(): Array<[string, string]> {
  const m = tinyModel();
  const layers = Array.from({ length: 6000 }, (_, i) => ({ type: 'relu', name: `r${i}` }));
  return [
    ['6000 layers', JSON.stringify({ ...m, layers })],
    ['neurons 2^24', JSON.stringify({ ...m, input: { kind: 'image', shape: [1, 1024, 1024], steps: 1 }, layers: [{ type: 'conv2d', name: 'c', outChannels: 4096, kernel: 1 }] })],
    ['parameters 2^26', JSON.stringify({ ...m, input: { kind: 'image', shape: [1, 1024, 1024], steps: 1 }, layers: [{ type: 'flatten', name: 'f' }, { type: 'linear', name: 'fc', outFeatures: 65536 }] })],
    ['padding blows up the shape', JSON.stringify({ ...m, layers: [{ type: 'conv2d', name: 'c', outChannels: 4096, kernel: 1, padding: 4096 }] })],
    ['nested 100,000 deep', `{"format": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['object keys 100,000', `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}": 0`).join(',')}}`],
  ];
}

/** Syntax damage: truncations, byte flips, comments, other roots. */
function damagedText(valid: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const at of [1, 200, valid.length - 1]) out.push([`truncated at ${at}`, valid.slice(0, at)]);
  const rng = new Rng(13);
  for (let k = 0; k < 2; k++) {
    const b = Buffer.from(valid);
    for (let j = 0; j < 3; j++) b[rng.int(b.length)] = rng.int(256);
    out.push([`3 bytes flipped #${k}`, b.toString('latin1')]);
  }
  out.push(['line comment', valid.replace('"version": 1,', '"version": 1, // v1')]);
  out.push(['block comment before the root', `/* model */ ${valid}`]);
  out.push(['trailing comma', valid.replace(/\n}$/, ',\n}')]);
  for (const root of ['[]', 'null', '']) out.push([`root ${root || 'empty'}`, root]);
  out.push(['NUL bytes', '\0'.repeat(1000)]);
  out.push(['two roots', `${valid}${valid}`]);
  return out;
}

/** Cases of the model-file area: each file through `summary`, and a spread of them through `train`. */
export function modelCases(f: Fixture): Case[] {
  const dir = join(f.root, 'models');
  mkdirSync(dir);
  const valid = readFileSync(f.model, 'utf8');
  const base = tinyModel();
  const files: Array<[string, string]> = [];
  FIELD_VALUES.forEach(([path, values]) => values.forEach((v) => files.push([`${path.join('.')} = ${v}`, withRaw(base, path, v)])));
  files.push(...absurdModels(), ...damagedText(valid));
  files.push(['64×64 template on 34×34 recordings (train only)', JSON.stringify(tinyModel({ shape: [1, 64, 64] }))]);
  const cases: Case[] = [];
  files.forEach(([name, text], i) => {
    const file = join(dir, `m${i}.snn.json`);
    writeFileSync(file, text);
    if (!name.includes('train only')) cases.push({ area: 'model files', name: `summary: ${name}`, args: ['summary', file] });
    // Training reads the model through the same parse: the files the issue named.
    if (/6000|100000|100,000|1e6, 1e6|64, 4096|magic|abc|dtMs = 1e999|learningRate = 1e999|\[0, 0\]|-34|batchSize = 0|train only|line comment/.test(name)) {
      cases.push({ area: 'model files', name: `train: ${name}`, args: ['train', file, '--data', f.data, '--out', join(dir, `out${i}`), '--threads', '1', '--workspace', f.workspace] });
    }
  });
  // Not regular files: a folder, a named pipe (a reader that opens it first waits forever), a device.
  mkdirSync(join(dir, 'folder.snn.json'));
  execFileSync('mkfifo', [join(dir, 'pipe.snn.json')]);
  const big = join(dir, 'big.snn.json');
  const fd = openSync(big, 'w');
  ftruncateSync(fd, 3 << 20);
  closeSync(fd);
  for (const [name, file] of [['a folder', join(dir, 'folder.snn.json')], ['a named pipe', join(dir, 'pipe.snn.json')], ['/dev/zero', '/dev/zero'], ['a 3 MB file', big], ['missing', join(dir, 'none.snn.json')]]) {
    cases.push({ area: 'model files', name: `summary: ${name}`, args: ['summary', file] });
  }
  cases.push({ area: 'model files', name: 'train: a named pipe', args: ['train', join(dir, 'pipe.snn.json'), '--data', f.data, '--threads', '1', '--workspace', f.workspace] });
  return cases;
}

/** A manifest entry of the tiny model's weights. */
const SPECS = [{ name: 'c1/kernel', shape: [3, 3, 1, 2], dtype: 'float32' }, { name: 'fc/kernel', shape: [242, 2], dtype: 'float32' }];

/** Cases of TF.js manifests and weights, through `simulate --weights`. */
export function manifestCases(f: Fixture): Case[] {
  const dir = join(f.root, 'manifests');
  mkdirSync(dir);
  const outside = join(f.root, 'outside.bin');
  writeFileSync(outside, Buffer.alloc(502 * 4));
  const variants: Array<[string, (d: string) => void]> = [
    ['not JSON', (d) => writeFileSync(join(d, 'model.json'), '{"weightsManifest": [')],
    ['a JSON array', (d) => writeFileSync(join(d, 'model.json'), '[]')],
    ['no weightsManifest', (d) => writeFileSync(join(d, 'model.json'), '{}')],
    ['weightsManifest an object', (d) => writeFileSync(join(d, 'model.json'), '{"weightsManifest": {}}')],
    ['group without paths', (d) => writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ weights: SPECS }] }))],
    ['path ../', (d) => writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['../outside.bin'], weights: SPECS }] }))],
    ['absolute path', (d) => writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: [outside], weights: SPECS }] }))],
    ['backslash path', (d) => writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['..\\outside.bin'], weights: SPECS }] }))],
    ['symlink out of the folder', (d) => { writeTinyWeights(d); rmSync(join(d, 'weights.bin')); symlinkSync(outside, join(d, 'weights.bin')); }],
    ['symlinked folder inside', (d) => { writeTinyWeights(d); mkdirSync(join(d, 'sub')); rmSync(join(d, 'sub'), { recursive: true }); symlinkSync(f.root, join(d, 'sub')); writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['sub/outside.bin'], weights: SPECS }] })); }],
    ['missing weight file', (d) => { writeTinyWeights(d); rmSync(join(d, 'weights.bin')); }],
    ['weight file a folder', (d) => { writeTinyWeights(d); rmSync(join(d, 'weights.bin')); mkdirSync(join(d, 'weights.bin')); }],
    ['weight file a named pipe', (d) => { writeTinyWeights(d); rmSync(join(d, 'weights.bin')); execFileSync('mkfifo', [join(d, 'weights.bin')]); }],
    ['dtype int32', (d) => { writeTinyWeights(d); writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: SPECS.map((s) => ({ ...s, dtype: 'int32' })) }] })); }],
    ['shape 1e6×1e6', (d) => { writeTinyWeights(d); writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'fc/kernel', shape: [1e6, 1e6], dtype: 'float32' }] }] })); }],
    ['shape negative', (d) => { writeTinyWeights(d); writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'fc/kernel', shape: [-1, 2], dtype: 'float32' }] }] })); }],
    ['entry without name', (d) => { writeTinyWeights(d); writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: [{ shape: [2], dtype: 'float32' }] }] })); }],
    ['duplicate entry', (d) => { writeTinyWeights(d); writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['weights.bin', 'weights.bin'], weights: [...SPECS, ...SPECS] }] })); }],
    ['same shard 1,000 times', (d) => { writeTinyWeights(d); writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: Array(1000).fill('weights.bin'), weights: SPECS }] })); }],
    ['bin too short', (d) => { writeTinyWeights(d); writeFileSync(join(d, 'weights.bin'), Buffer.alloc(100)); }],
    ['NaN weight', (d) => writeTinyWeights(d, (n, i) => (n === 'fc/kernel' && i === 3 ? NaN : 0.1))],
    ['-Infinity weight', (d) => writeTinyWeights(d, (n, i) => (n === 'c1/kernel' && i === 0 ? -Infinity : 0.1))],
    ['weights of another layer name', (d) => { writeTinyWeights(d); writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: [SPECS[0], { ...SPECS[1], name: 'dense/kernel' }] }] })); }],
    ['kernel of another shape', (d) => { writeTinyWeights(d); writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: [SPECS[0], { ...SPECS[1], shape: [2, 242] }] }] })); }],
    ['an extra weight', (d) => { writeTinyWeights(d); writeFileSync(join(d, 'weights.bin'), Buffer.alloc(503 * 4)); writeFileSync(join(d, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: [...SPECS, { name: 'x/bias', shape: [1], dtype: 'float32' }] }] })); }],
    ['model.json of 70 MB', (d) => { const fd = openSync(join(d, 'model.json'), 'w'); ftruncateSync(fd, 70 << 20); closeSync(fd); }],
    ['model.json a folder', (d) => mkdirSync(join(d, 'model.json'))],
  ];
  return variants.map(([name, make], i) => {
    const d = join(dir, `w${i}`);
    mkdirSync(d);
    make(d);
    return { area: 'TF.js manifests', name, args: ['simulate', f.model, '--weights', join(d, 'model.json'), '--input', f.recording, '--chunk', '100'] };
  });
}

/** Cases of damaged run folders, through a resumed `train` and through `eval`. */
export function runCases(f: Fixture): Case[] {
  const dir = join(f.root, 'runs');
  mkdirSync(dir);
  const damages: Array<[string, (d: string) => void]> = [
    ['run.json not JSON', (d) => writeFileSync(join(d, 'run.json'), '{"config": ')],
    ['run.json an array', (d) => writeFileSync(join(d, 'run.json'), '[]')],
    ['run.json without config', (d) => writeFileSync(join(d, 'run.json'), '{"state": "done"}')],
    ['run.json batch 0', (d) => { const r = JSON.parse(readFileSync(join(d, 'run.json'), 'utf8')); r.config.batchSize = 0; writeFileSync(join(d, 'run.json'), JSON.stringify(r)); }],
    ['run.json a folder', (d) => { rmSync(join(d, 'run.json')); mkdirSync(join(d, 'run.json')); }],
    ['checkpoint.json not JSON', (d) => writeFileSync(join(d, 'checkpoint.json'), '{')],
    ['checkpoint.json points outside', (d) => writeFileSync(join(d, 'checkpoint.json'), JSON.stringify({ epoch: 1, adamStep: 1, file: '/etc/passwd', specs: [] }))],
    ['checkpoint.json huge specs', (d) => writeFileSync(join(d, 'checkpoint.json'), JSON.stringify({ epoch: 1, adamStep: 1, file: 'checkpoint-1.bin', specs: [{ name: 'c1/kernel', shape: [1e6, 1e6], dtype: 'float32' }] }))],
    ['checkpoint bin torn', (d) => writeFileSync(join(d, 'checkpoint-1.bin'), 'torn')],
    ['checkpoint NaN', (d) => { const b = readFileSync(join(d, 'checkpoint-1.bin')); b.writeFloatLE(NaN, 0); writeFileSync(join(d, 'checkpoint-1.bin'), b); }],
    ['model.snn.json edited', (d) => writeFileSync(join(d, 'model.snn.json'), JSON.stringify(tinyModel({ outputs: 3 })))],
    ['model.snn.json with a comment', (d) => writeFileSync(join(d, 'model.snn.json'), `// edited\n${readFileSync(join(d, 'model.snn.json'), 'utf8')}`)],
    ['model.snn.json linked outside', (d) => { rmSync(join(d, 'model.snn.json')); symlinkSync(f.model, join(d, 'model.snn.json')); }],
    ['metrics.json damaged', (d) => writeFileSync(join(d, 'metrics.json'), '[{')],
    ['in use by a live training', (d) => writeFileSync(join(d, '.lock'), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: 'now' }))],
    ['in use on another host', (d) => writeFileSync(join(d, '.lock'), JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: 'now' }))],
  ];
  const evalDamages: Array<[string, (d: string) => void]> = [
    ['weights.bin NaN', (d) => { const b = readFileSync(join(d, 'model', 'weights.bin')); b.writeFloatLE(NaN, 8); writeFileSync(join(d, 'model', 'weights.bin'), b); }],
    ['weights.bin truncated', (d) => writeFileSync(join(d, 'model', 'weights.bin'), Buffer.alloc(10))],
    ['model.json damaged', (d) => writeFileSync(join(d, 'model', 'model.json'), '{"weightsManifest": [{"paths": ["weights.bin"], "weights": [')],
    ['weights.bin linked outside', (d) => { rmSync(join(d, 'model', 'weights.bin')); symlinkSync(join(f.run, 'model', 'weights.bin'), join(d, 'model', 'weights.bin')); }],
    ['model folder linked outside', (d) => { rmSync(join(d, 'model'), { recursive: true }); symlinkSync(join(f.run, 'model'), join(d, 'model')); }],
    ['weights of another model', (d) => writeTinyWeights(join(d, 'model'), () => 0.1, 3)],
  ];
  const cases: Case[] = [];
  damages.forEach(([name, make], i) => {
    const d = join(dir, `r${i}`);
    cpSync(f.run, d, { recursive: true });
    make(d);
    cases.push({ area: 'run folders', name: `train resume: ${name}`, args: ['train', f.model, '--data', f.data, '--out', d, '--snn-samples', '0', '--threads', '1', '--workspace', f.workspace] });
  });
  evalDamages.forEach(([name, make], i) => {
    const d = join(dir, `e${i}`);
    cpSync(f.run, d, { recursive: true });
    make(d);
    cases.push({ area: 'run folders', name: `eval: ${name}`, args: ['eval', d, '--data', f.data, '--workspace', f.workspace] });
  });
  // A resume that asks for other settings than the run's, one setting at a time.
  for (const more of [['--epochs', '2'], ['--strategy', 'synops', '--target', '1000'], ['--max-recordings', '4']]) {
    cases.push({ area: 'run folders', name: `resume with ${more.join(' ')}`, args: ['train', f.model, '--data', f.data, '--out', f.run, '--snn-samples', '0', '--threads', '1', '--workspace', f.workspace, ...more] });
  }
  return cases;
}

/** Options each command must refuse, one at a time, on otherwise valid command lines. */
export function optionCases(f: Fixture): Case[] {
  const train = ['train', f.model, '--data', f.data, '--threads', '1', '--workspace', f.workspace];
  const evalRun = ['eval', f.run, '--data', f.data, '--workspace', f.workspace];
  const simulate = ['simulate', f.model, '--weights', join(f.run, 'model', 'model.json'), '--input', f.recording];
  const bad: Array<[string[], string, string[]]> = [
    [train, '--epochs', ['2.5', 'Infinity']],
    [train, '--batch', ['0']],
    [train, '--lr', ['2']],
    [train, '--seed', ['abc']],
    [train, '--target', ['0']],
    [train, '--threads', ['65']],
    [train, '--max-recordings', ['x']],
    [train, '--strategy', ['magic']],
    [train, '--backend', ['gpu']],
    [evalRun, '--split', ['train']],
    [evalRun, '--rhos', ['a,b']],
    [evalRun, '--snn-samples', ['-1']],
    [simulate, '--index', ['-1']],
    [simulate, '--chunk', ['1e12']],
    [simulate, '--dt-ms', ['1e-9']],
    [simulate, '--steps', ['1e9']],
    [simulate, '--engine', ['gpu']],
    [['events', 'frames', f.recording, '--out', join(f.root, 'frames')], '--size', ['100000']],
    [['events', 'frames', f.recording, '--out', join(f.root, 'frames')], '--chunk', ['1e12']],
    [['events', 'frames', f.recording, '--out', join(f.root, 'frames')], '--orientation', ['upside-down']],
    [['summary', f.model], '--spikes-per-neuron', ['Infinity']],
    [['summary', f.model], '--profile', ['nope']],
    [['sweep', f.model, '--data', f.data], '--kind', ['ring']],
    [['sweep', f.model, '--data', f.data], '--targets', ['x,1']],
    [['reproduce'], '--budget', ['huge']],
    [['reproduce'], '--per-digit', ['0']],
    [['data', 'synth', '--out', join(f.root, 'synth')], '--per-digit', ['1e9x']],
    [['data', 'synth', '--out', join(f.root, 'synth')], '--scales', ['5']],
  ];
  const cases: Case[] = [];
  for (const [line, opt, values] of bad) for (const v of values) cases.push({ area: 'CLI options', name: `${line[0]} ${opt} ${v}`, args: [...line, opt, v] });
  for (const line of [train, evalRun, ['summary', f.model]]) {
    cases.push({ area: 'CLI options', name: `${line[0]} --no-such-option`, args: [...line, '--no-such-option'] });
    cases.push({ area: 'CLI options', name: `${line[0]} missing value`, args: [...line.slice(0, 2), line.includes('--data') ? '--data' : '--json', ...(line.includes('--data') ? [] : ['--bogus'])] });
  }
  cases.push(
    { area: 'CLI options', name: 'no command', args: [] },
    { area: 'CLI options', name: 'unknown command', args: ['frobnicate'] },
    { area: 'CLI options', name: 'train without --data', args: ['train', f.model] },
    { area: 'CLI options', name: 'train a missing model', args: ['train', join(f.root, 'none.snn.json'), '--data', f.data] },
    { area: 'CLI options', name: 'train on a missing folder', args: ['train', f.model, '--data', join(f.root, 'nowhere'), '--threads', '1', '--workspace', f.workspace] },
    { area: 'CLI options', name: 'train on a file as data', args: ['train', f.model, '--data', f.recording, '--threads', '1', '--workspace', f.workspace] },
    { area: 'CLI options', name: 'eval a folder that is no run', args: ['eval', f.data, '--data', f.data] },
    { area: 'CLI options', name: 'simulate past the last chunk', args: [...simulate, '--chunk', '100', '--index', '50'] },
    { area: 'CLI options', name: 'simulate an image input file for an event model', args: ['simulate', f.model, '--weights', join(f.run, 'model', 'model.json'), '--input', f.model] },
    { area: 'CLI options', name: 'reproduce --rerender of a missing folder', args: ['reproduce', '--rerender', '--out', join(f.root, 'nowhere')] },
  );
  return cases;
}

/** Ordinary faults of the machine: no permission, a full disk, data that does not fit the model. */
export function faultCases(f: Fixture): Case[] {
  const ro = join(f.root, 'readonly');
  mkdirSync(ro);
  chmodSync(ro, 0o555);
  const inject = join(f.root, 'enospc.cjs');
  writeFileSync(inject, `const fs = require('node:fs');
const open = fs.openSync, write = fs.writeSync, close = fs.closeSync, fds = new Set();
fs.openSync = (p, ...a) => { const fd = open(p, ...a); if (/\\.tmp$/.test(String(p))) fds.add(fd); return fd; };
fs.closeSync = (fd) => { fds.delete(fd); return close(fd); };
fs.writeSync = (fd, ...a) => { if (fds.has(fd)) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { errno: -28, code: 'ENOSPC', syscall: 'write' }); return write(fd, ...a); };
`);
  const cifar = join(f.root, 'cifar');
  mkdirSync(cifar);
  writeFileSync(join(cifar, 'data_batch_1.bin'), Buffer.alloc(3073 * 2));
  const labelled = join(f.root, 'labels7');
  cpSync(f.data, labelled, { recursive: true });
  writeFileSync(join(labelled, 'labels.txt'), readFileSync(join(f.data, 'labels.txt'), 'utf8').replace('rec3\t1', 'rec3\t7'));
  const train = (out: string, data = f.data): string[] => ['train', f.model, '--data', data, '--out', out, '--snn-samples', '0', '--threads', '1', '--workspace', f.workspace];
  return [
    { area: 'faults', name: 'read-only --out', args: train(ro), unprivileged: true },
    { area: 'faults', name: '--out under a read-only folder', args: train(join(ro, 'run')), unprivileged: true },
    { area: 'faults', name: 'events frames into a read-only folder', args: ['events', 'frames', f.recording, '--out', ro], unprivileged: true },
    { area: 'faults', name: 'disk full while training', args: train(join(f.root, 'full')), preload: [inject] },
    { area: 'faults', name: 'disk full on simulate --save', args: ['simulate', f.model, '--weights', join(f.run, 'model', 'model.json'), '--input', f.recording, '--chunk', '100', '--save'], preload: [inject] },
    { area: 'faults', name: 'an event model on a CIFAR-10 folder', args: train(join(f.root, 'c'), cifar) },
    { area: 'faults', name: 'labels past the outputs', args: train(join(f.root, 'l7'), labelled) },
    { area: 'faults', name: '--out is a file', args: train(f.recording) },
  ];
}

/** Event recordings the readers must refuse; `events info` and `events frames` read each. */
export function readerCandidates(f: Fixture): Array<[string, string]> {
  const dir = join(f.root, 'recordings');
  mkdirSync(dir);
  const ev = { x: [1, 2, 3], y: [1, 2, 3], t: [10, 20, 30], p: [1, 0, 1] };
  const aedat2 = Buffer.from(encodeAedat2(ev));
  const nmnist = Buffer.from(encodeNmnist(ev));
  const files: Array<[string, string, Uint8Array | string]> = [
    ['AEDAT 2.0 torn record', 'b.aedat', aedat2.subarray(0, aedat2.length - 3)],
    ['AEDAT 2.0 time backwards', 'c.aedat', Buffer.from(encodeAedat2({ x: [1, 2], y: [1, 2], t: [100, 10], p: [1, 1] }))],
    ['AEDAT 3.1', 'd.aedat', '#!AER-DAT3.1\r\n'],
    ['AEDAT random bytes', 'e.aedat', Buffer.from(Array.from({ length: 500 }, (_, i) => (i * 37) & 255))],
    ['AEDAT 4.0 magic and garbage', 'f.aedat4', `#!AER-DAT4.0\r\n${'x'.repeat(50)}`],
    ['N-MNIST torn record', 'g.bin', nmnist.subarray(0, 7)],
    ['N-MNIST out of sensor', 'h.bin', Buffer.from([200, 200, 0x80, 0, 10])],
    ['Prophesee DAT header only', 'i.dat', '% Date 2020\n'],
    ['Prophesee DAT 65536² sensor', 'j.dat', '% Width 65536\n% Height 65536\n'],
    ['EVT 2.0 without evt line', 'k.raw', '% end\n'],
    ['empty .aedat', 'l.aedat', ''],
    ['unknown extension', 'm.txt', 'hello'],
  ];
  const out: Array<[string, string]> = files.map(([name, file, bytes]) => { writeFileSync(join(dir, file), bytes); return [name, join(dir, file)]; });
  execFileSync('mkfifo', [join(dir, 'pipe.aedat')]);
  mkdirSync(join(dir, 'folder.aedat'));
  out.push(['a named pipe', join(dir, 'pipe.aedat')], ['a folder', join(dir, 'folder.aedat')], ['missing', join(dir, 'none.aedat')]);
  return out;
}

/** The reader cases: each candidate through `events info` and `events frames`, minus those known to fail (see `READER_OPEN`). */
export function readerCases(f: Fixture, open: ReadonlySet<string>): Case[] {
  const cases: Case[] = [];
  for (const [name, file] of readerCandidates(f)) {
    // Frames read the same way as info; a few of them through frames too.
    for (const sub of /65536|pipe/.test(name) ? ['info', 'frames'] : ['info']) {
      const c: Case = { area: 'readers', name: `events ${sub}: ${name}`, args: ['events', sub, file, ...(sub === 'frames' ? ['--out', join(f.root, 'frames-out')] : [])] };
      if (!open.has(c.name)) cases.push(c);
    }
  }
  return cases;
}

/**
 * Damaged and unsupported `.nir` graphs (written with h5wasm, as the NIR library lays them out), through
 * `summary`, `simulate` and `import`; and `export` to places it cannot write.
 */
export async function nirCases(f: Fixture): Promise<Case[]> {
  const dir = join(f.root, 'nir');
  mkdirSync(dir);
  const good = await writeRaw(join(dir, 'good.nir'), convGraph());
  const edit = (e: (g: RawGraph) => void): RawGraph => { const g = tinyGraph(); e(g); return g; };
  const graphs: Array<[string, RawGraph]> = [
    ['a LIF node', edit((g) => { g.nodes.spk = { type: 'LIF', tau: new Float32Array([1, 1]) }; })],
    ['an edge to nowhere', edit((g) => { g.edges![1] = ['flat', 'nowhere']; })],
    ['a cycle', edit((g) => { g.edges!.push(['spk', 'fc']); })],
    ['no edges', edit((g) => { g.edges = null; })],
    ['weights as strings', edit((g) => { g.nodes.fc.weight = { data: ['a', 'b'], shape: [2] }; })],
    ['weights of the wrong shape', edit((g) => { g.nodes.fc.weight = { data: new Float32Array(6), shape: [2, 3] }; })],
    ['a NaN weight', tinyGraph(Float32Array.from([0, Number.NaN, 0, 0, 0, 0, 0, 0]))],
    // Two thresholds fold into the weights (nir-fold.test.ts); a reset to another value than 0 does not.
    ['a reset to 0.5', edit((g) => { g.nodes.spk.v_reset = new Float32Array([0.5, 0.5]); })],
    ['a threshold of 0', edit((g) => { g.nodes.spk.v_threshold = new Float32Array([1, 0]); })],
  ];
  const files: Array<[string, string]> = [];
  for (const [i, [name, g]] of graphs.entries()) files.push([name, await writeRaw(join(dir, `g${i}.nir`), g)]);
  const bytes = readFileSync(good);
  const text = join(dir, 'text.nir');
  writeFileSync(text, 'not HDF5');
  const half = join(dir, 'half.nir');
  writeFileSync(half, bytes.subarray(0, bytes.length >> 1));
  const damaged = join(dir, 'damaged.nir');
  const b = Buffer.from(bytes);
  for (let i = 600; i < b.length; i += 97) b[i] ^= 0x5a;
  writeFileSync(damaged, b);
  const folder = join(dir, 'folder.nir');
  mkdirSync(folder);
  // A weight declared as 2.5 G float32 (10 GB) in a file of a few KB.
  const huge = join(dir, 'huge.nir');
  const g = tinyGraph();
  delete g.nodes.fc.weight;
  await writeRaw(huge, g);
  const h5 = await loadH5();
  const hf = new h5.File(huge, 'a');
  const d = (hf.get('node/nodes/fc') as InstanceType<typeof h5.Group>).create_dataset({ name: 'weight', data: new Float32Array(4), shape: [4], maxshape: [null], chunks: [1024] });
  d.resize([2_500_000_000]);
  hf.close();
  files.push(['not HDF5', text], ['truncated at half', half], ['bytes damaged', damaged], ['a folder named .nir', folder], ['a 10 GB declared weight', huge]);
  const cases: Case[] = [];
  for (const [name, file] of files) {
    cases.push({ area: 'NIR graphs', name: `summary: ${name}`, args: ['summary', file] });
    cases.push({ area: 'NIR graphs', name: `simulate: ${name}`, args: ['simulate', file, '--input', f.recording, '--chunk', '100'] });
    cases.push({ area: 'NIR graphs', name: `import: ${name}`, args: ['import', file, '--out', join(dir, 'out', `${name.replace(/\W+/g, '-')}.snn.json`)] });
  }
  cases.push({ area: 'NIR graphs', name: 'export: into a missing folder of a file', args: ['export', f.run, '--nir', join(good, 'x.nir')] });
  cases.push({ area: 'NIR graphs', name: 'export: not a run folder', args: ['export', dir, '--nir', join(dir, 'x.nir')] });
  return cases;
}
