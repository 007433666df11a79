/**
 * Per-epoch checkpoints of a run folder: `checkpoint-<epoch>.bin` (kernels `<layer>/kernel` and Adam
 * moments `m/<layer>`, `v/<layer>`, float32) and `checkpoint.json` naming the newest one with its epoch and
 * Adam step. The binary is written first and `checkpoint.json` replaced atomically after, so a crash at
 * any point leaves the previous checkpoint usable; older binaries are deleted only after the switch.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../data/cache';
import type { Adam } from './adam';
import type { TrainNet } from './net';
import { netArrays, packArrays, setNetArrays, unpackArrays, type NamedArray } from './save';

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

export function readCheckpointIndex(dir: string): CheckpointIndex | undefined {
  const p = join(dir, 'checkpoint.json');
  if (!existsSync(p)) return undefined;
  return JSON.parse(readFileSync(p, 'utf8')) as CheckpointIndex;
}

/** Restores the net's kernels and Adam's state from the run folder's checkpoint; returns its epoch. */
export function loadCheckpoint(dir: string, net: TrainNet, adam: Adam): number {
  const index = readCheckpointIndex(dir);
  if (!index) throw new Error(`${dir} has no checkpoint.json`);
  const bytes = readFileSync(join(dir, index.file));
  const arrays = unpackArrays(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), index.specs);
  setNetArrays(net, arrays);
  const values: Record<string, Float32Array> = {};
  const shapes: Record<string, number[]> = {};
  for (const [k, a] of arrays) if (/^[mv]\//.test(k)) { values[k] = a.data; shapes[k] = a.shape; }
  adam.restore(index.adamStep, values, shapes);
  return index.epoch;
}
