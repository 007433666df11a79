/**
 * Dataset layouts on disk, turned into a list of labelled recordings (or CIFAR batch files):
 * - MNIST-DVS: `grabbed_data{d}/scale{4,8,16}/mnist_{d}_scale{ss}_{nnnn}.aedat` (label d);
 * - N-MNIST: `Train/{0..9}/*.bin` and `Test/{0..9}/*.bin`;
 * - flat: a folder of recordings and a `labels.txt` of `<id>\t<label>` lines (`#` lines are comments),
 *   recording `<id>` being the file `<id>.<ext>` for a known event extension;
 * - CIFAR-10: `data_batch_{1..5}.bin` and `test_batch.bin` (directly or in `cifar-10-batches-bin/`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_EXTENSIONS } from '../../core/data/detect';
import { EventDataError } from '../../core/data/events';
import { parseLabels } from '../../core/data/labels';

export interface Recording {
  /** Unique within the dataset, stable across runs (a relative path without extension). */
  id: string;
  file: string;
  label: number;
  /** The official part it belongs to, when the layout has one (`Train`, `Test`, `scale16`). */
  group?: string;
}

export type DatasetKind = 'mnist-dvs' | 'nmnist' | 'flat' | 'cifar10';

export interface DatasetIndex {
  kind: DatasetKind;
  root: string;
  recordings: Recording[];
  /** CIFAR-10 only: the batch files, training ones first. */
  batches?: string[];
}

const isDir = (p: string): boolean => { try { return statSync(p).isDirectory(); } catch { return false; } };
const byName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** MNIST-DVS recordings of one scale (default 16, as in the paper). */
function mnistDvs(root: string, scale: number): Recording[] {
  const out: Recording[] = [];
  for (let d = 0; d <= 9; d++) {
    const dir = join(root, `grabbed_data${d}`, `scale${scale}`);
    if (!isDir(dir)) continue;
    for (const f of readdirSync(dir).sort(byName)) {
      if (new RegExp(`^mnist_${d}_scale${String(scale).padStart(2, '0')}_\\d+\\.aedat$`).test(f)) {
        out.push({ id: `grabbed_data${d}/scale${scale}/${f.replace(/\.aedat$/, '')}`, file: join(dir, f), label: d, group: `scale${scale}` });
      }
    }
  }
  return out;
}

function nmnist(root: string): Recording[] {
  const out: Recording[] = [];
  for (const part of ['Train', 'Test']) {
    for (let d = 0; d <= 9; d++) {
      const dir = join(root, part, String(d));
      if (!isDir(dir)) continue;
      for (const f of readdirSync(dir).sort(byName)) {
        if (f.endsWith('.bin')) out.push({ id: `${part}/${d}/${f.slice(0, -4)}`, file: join(dir, f), label: d, group: part });
      }
    }
  }
  return out;
}


function flat(root: string): Recording[] {
  const labelsFile = join(root, 'labels.txt');
  // A named pipe would block the read below forever: only a regular file is read.
  if (!statSync(labelsFile).isFile()) throw new EventDataError('io', labelsFile, 0, 'labels.txt is not a regular file (a pipe, device or folder)', 'a regular labels.txt file');
  const entries = parseLabels(readFileSync(labelsFile, 'utf8'), labelsFile);
  const files = new Set(readdirSync(root));
  return entries.map(({ id, label }) => {
    const ext = EVENT_EXTENSIONS.find((e) => files.has(id + e));
    if (!ext) throw new EventDataError('bad-layout', labelsFile, 0, `recording "${id}" has no file in ${root}`, `a file ${id}{${EVENT_EXTENSIONS.join(',')}}`);
    return { id, file: join(root, id + ext), label };
  });
}

function cifarBatches(root: string): string[] | undefined {
  for (const dir of [root, join(root, 'cifar-10-batches-bin')]) {
    if (!isDir(dir)) continue;
    const names = readdirSync(dir).filter((f) => /^(data_batch_\d+|test_batch)\.bin$/.test(f)).sort(byName);
    if (names.length) return names.map((f) => join(dir, f));
  }
  return undefined;
}

/** Recognises the layout of a dataset folder; `scale` picks the MNIST-DVS scale (default 16). */
export function scanDataset(root: string, opts: { scale?: 4 | 8 | 16 } = {}): DatasetIndex {
  if (!isDir(root)) throw new EventDataError('bad-layout', root, 0, 'not a folder', 'a dataset folder');
  const names = readdirSync(root);
  if (names.some((n) => /^grabbed_data\d$/.test(n))) {
    const recordings = mnistDvs(root, opts.scale ?? 16);
    if (!recordings.length) throw new EventDataError('bad-layout', root, 0, `no MNIST-DVS recordings at scale ${opts.scale ?? 16}`, 'grabbed_data{d}/scale{s}/mnist_{d}_scale{ss}_{nnnn}.aedat files');
    return { kind: 'mnist-dvs', root, recordings };
  }
  if (isDir(join(root, 'Train')) || isDir(join(root, 'Test'))) return { kind: 'nmnist', root, recordings: nmnist(root) };
  if (existsSync(join(root, 'labels.txt'))) return { kind: 'flat', root, recordings: flat(root) };
  const batches = cifarBatches(root);
  if (batches) return { kind: 'cifar10', root, recordings: [], batches };
  throw new EventDataError('bad-layout', root, 0, 'no known dataset layout', 'MNIST-DVS grabbed_data*/, N-MNIST Train/ Test/, labels.txt, or CIFAR-10 *_batch*.bin');
}
