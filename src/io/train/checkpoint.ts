/**
 * Per-epoch checkpoints of a run folder: `checkpoint-<epoch>.bin` (kernels `<layer>/kernel` and Adam
 * moments `m/<layer>`, `v/<layer>`, float32) and `checkpoint.json` naming the newest one with its epoch and
 * Adam step. The binary is written first and `checkpoint.json` replaced atomically after, so a crash at
 * any point leaves the previous checkpoint usable; older binaries are deleted only after the switch.
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../data/cache';
import { FileFormatError } from '../../core/jsonText';
import { readJsonFile } from '../jsonFile';
import { MAX_PARAMETERS } from '../../core/model/limits';
import { nonFinite } from '../sim/tfjs-weights';
import { TrainError } from '../../core/train/types';
import type { Adam } from '../../core/train/adam';
import type { TrainNet } from '../../core/train/net';
import { packArrays, unpackArrays, type NamedArray } from '../../core/train/weightsFormat';
import { netArrays, setNetArrays } from './save';

export interface CheckpointIndex {
  epoch: number;
  adamStep: number;
  file: string;
  specs: { name: string; shape: number[]; dtype: 'float32' }[];
  savedAt: string;
}

const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v, null, 1));

export function writeCheckpoint(dir: string, epoch: number, net: TrainNet, adam: Adam): CheckpointIndex {
  const moments: NamedArray[] = Object.entries(adam.tensors()).map(([name, t]) => ({ name, shape: t.shape, data: t.dataSync() as Float32Array }));
  const { bytes, specs } = packArrays([...netArrays(net), ...moments]);
  const file = `checkpoint-${epoch}.bin`;
  writeAtomic(join(dir, file), bytes);
  const index: CheckpointIndex = { epoch, adamStep: adam.state.step, file, specs, savedAt: new Date().toISOString() };
  writeAtomic(join(dir, 'checkpoint.json'), enc(index));
  for (const f of readdirSync(dir)) if (/^checkpoint-\d+\.bin$/.test(f) && f !== file) rmSync(join(dir, f), { force: true });
  return index;
}

/** What to do about a damaged checkpoint. */
const DAMAGED = 'the checkpoint is damaged: delete checkpoint.json to train the run again from its first epoch, or train into another --out';

/**
 * Reads and checks `checkpoint.json`: an epoch and Adam step, a `checkpoint-<epoch>.bin` in the same
 * folder (no other name, so it cannot point out of it), and specs of float32 arrays. Damage is a
 * `bad-input` TrainError naming the file and the fix.
 */
export function readCheckpointIndex(dir: string): CheckpointIndex | undefined {
  const p = join(dir, 'checkpoint.json');
  if (!existsSync(p)) return undefined;
  let index: CheckpointIndex;
  try { index = readJsonFile(p, DAMAGED) as CheckpointIndex; } catch (e) {
    throw e instanceof FileFormatError ? new TrainError('bad-input', e.message) : e;
  }
  const bad = (what: string): never => { throw new TrainError('bad-input', `${p}: ${what}; ${DAMAGED}`); };
  if (!index || typeof index !== 'object') bad('not a JSON object');
  if (!(Number.isInteger(index.epoch) && index.epoch >= 0)) bad(`"epoch" is ${JSON.stringify(index.epoch)}`);
  if (!(Number.isInteger(index.adamStep) && index.adamStep >= 0)) bad(`"adamStep" is ${JSON.stringify(index.adamStep)}`);
  if (typeof index.file !== 'string' || !/^checkpoint-\d+\.bin$/.test(index.file)) bad(`"file" is ${JSON.stringify(index.file)}, not checkpoint-<epoch>.bin`);
  if (!Array.isArray(index.specs)) bad('no "specs" array');
  for (const s of index.specs) {
    if (!s || typeof s.name !== 'string' || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) bad(`an array spec ${JSON.stringify(s)?.slice(0, 80)} has no name or shape`);
  }
  return index;
}

/** Restores the net's kernels and Adam's state from the run folder's checkpoint; returns its epoch. */
export function loadCheckpoint(dir: string, net: TrainNet, adam: Adam): number {
  const index = readCheckpointIndex(dir);
  if (!index) throw new Error(`${dir} has no checkpoint.json`);
  const file = join(dir, index.file);
  const bad = (what: string): never => { throw new TrainError('bad-input', `${file}: ${what}; ${DAMAGED}`); };
  // Kernels and two Adam moments per kernel: three times the parameters at most.
  const want = 4 * index.specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  if (want > 3 * 4 * MAX_PARAMETERS) bad(`checkpoint.json describes ${want.toLocaleString('en-US')} bytes, more than a model can have`);
  const size = statSync(file).size;
  if (size !== want) bad(`${size.toLocaleString('en-US')} bytes, checkpoint.json describes ${want.toLocaleString('en-US')} (a torn or foreign file)`);
  const bytes = readFileSync(file);
  const arrays = unpackArrays(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), index.specs);
  for (const a of arrays.values()) {
    const where = nonFinite(a.data);
    if (where) bad(`"${a.name}" holds ${where}`);
  }
  try {
    setNetArrays(net, arrays);
  } catch (e) {
    bad(`${(e as Error).message} (a checkpoint of another model)`);
  }
  const values: Record<string, Float32Array> = {};
  const shapes: Record<string, number[]> = {};
  for (const [k, a] of arrays) if (/^[mv]\//.test(k)) { values[k] = a.data; shapes[k] = a.shape; }
  adam.restore(index.adamStep, values, shapes);
  return index.epoch;
}
