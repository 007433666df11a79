// A tiny two-class event dataset for training tests: N-MNIST's 34×34 sensor and file format, a flat folder
// with labels.txt. Class 0 fires in the left half of the sensor, class 1 in the right, so a small network
// separates them after a few steps.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNmnist } from '../../src/core/data/nmnist';
import type { ModelFile } from '../../src/core/model/types';

/**
 * The network the halves tests train: 17×17 input (the 34×34 sensor halved), conv 4×1×3×3 without bias →
 * 4×15×15, avgpool 2 → 4×7×7, fc 196 → 2; 200 events per sample. conv1: 4·15·15 outputs × 9 = 8,100 MACs;
 * fc: 196 × 2 = 392; 8,492 in all. A fresh copy per call (tests rename or extend it).
 */
export function tinyHalvesModel(name = 'tiny halves'): ModelFile {
  return {
    format: 'synops-model', version: 1, name,
    input: { kind: 'events', shape: [1, 17, 17], sensor: [34, 34], chunkEvents: 200, dtMs: 1 },
    layers: [
      { type: 'conv2d', name: 'conv1', outChannels: 4, kernel: 3 }, { type: 'relu', name: 'relu1' }, { type: 'avgpool', name: 'pool1', kernel: 2 },
      { type: 'flatten', name: 'flatten' }, { type: 'linear', name: 'fc', outFeatures: 2 },
    ],
  };
}

export function writeHalvesDataset(dir: string, opts: { recordings?: number; events?: number; dtUs?: number } = {}): void {
  const { recordings = 20, events = 400, dtUs = 50 } = opts;
  mkdirSync(dir, { recursive: true });
  const lines = ['# id\tlabel'];
  for (let r = 0; r < recordings; r++) {
    const label = r % 2;
    const ev = { x: [] as number[], y: [] as number[], t: [] as number[], p: [] as number[] };
    for (let i = 0; i < events; i++) { ev.x.push(label * 17 + ((i * 7 + r) % 17)); ev.y.push((i * 5 + r) % 34); ev.t.push(i * dtUs); ev.p.push(i & 1); }
    writeFileSync(join(dir, `rec${r}.bin`), encodeNmnist(ev));
    lines.push(`rec${r}\t${label}`);
  }
  writeFileSync(join(dir, 'labels.txt'), lines.join('\n') + '\n');
}
