// A tiny two-class event dataset for training tests: N-MNIST's 34×34 sensor and file format, a flat folder
// with labels.txt. Class 0 fires in the left half of the sensor, class 1 in the right, so a small network
// separates them after a few steps.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNmnist } from '../../src/core/data/nmnist';

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
