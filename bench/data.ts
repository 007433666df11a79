// Read speed of each event format (events/s) and the time to generate the synthetic digit set.
// Run alone: npx tsx bench/data.ts. Real files from the shared data folder are used when present
// ($SYNOPS_SHARED_DATA, else ../shared/data); synthetic files of the same format otherwise.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '../scripts/shared-data';
import { encodeAedat2 } from '../src/core/data/aedat2';
import { cifarBatches } from '../src/core/data/cifar';
import { openEvents } from '../src/core/data/detect';
import { encodeNmnist } from '../src/core/data/nmnist';
import { DEFAULT_PER_DIGIT, synthDataset } from '../src/io/data/synth/generate';
import { fileSource } from '../src/io/data/files';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  detail: string;
}

const shared = sharedDataDir();

/** Events per second reading `file` whole `repeat` times, best of 3. */
async function readRate(file: string, repeat = 1): Promise<{ rate: number; events: number }> {
  let best = Infinity;
  let events = 0;
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    events = 0;
    for (let k = 0; k < repeat; k++) {
      for await (const b of (await openEvents(fileSource(file))).batches()) events += b.length;
    }
    best = Math.min(best, performance.now() - t0);
  }
  return { rate: (events / best) * 1000, events: events / repeat };
}

function syntheticEvents(n: number, side: number, maxT: number) {
  const ev = { x: new Array<number>(n), y: new Array<number>(n), t: new Array<number>(n), p: new Array<number>(n) };
  for (let i = 0; i < n; i++) { ev.x[i] = (i * 7) % side; ev.y[i] = (i * 13) % side; ev.t[i] = Math.floor((i * maxT) / n); ev.p[i] = i & 1; }
  return ev;
}

/** Measures read speeds and synthetic-set generation; returns one row per measure. */
export async function benchData(opts: { synthPerDigit?: number } = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'synops-bench-data-'));
  try {
    const n = 2_000_000;
    const a2 = join(dir, 'big.aedat');
    writeFileSync(a2, encodeAedat2(syntheticEvents(n, 128, 60e6)));
    let r = await readRate(a2);
    rows.push({ name: 'read AEDAT 2.0', value: r.rate, unit: 'events/s', detail: `synthetic ${n.toLocaleString('en-US')} events, 16 MB` });
    const nm = join(dir, 'big.bin');
    writeFileSync(nm, encodeNmnist(syntheticEvents(n, 34, 8e6)));
    r = await readRate(nm);
    rows.push({ name: 'read N-MNIST .bin', value: r.rate, unit: 'events/s', detail: `synthetic ${n.toLocaleString('en-US')} events, 10 MB` });
    const dat = join(dir, 'big.dat');
    const body = new Uint8Array(2 + 8 * n);
    body.set([0x0c, 8]);
    const dv = new DataView(body.buffer);
    for (let i = 0; i < n; i++) { dv.setUint32(2 + 8 * i, i >> 4, true); dv.setUint32(6 + 8 * i, ((i % 240) << 14) | (i % 304), true); }
    writeFileSync(dat, Buffer.concat([Buffer.from('% Width 304\n% Height 240\n'), body]));
    r = await readRate(dat);
    rows.push({ name: 'read Prophesee DAT', value: r.rate, unit: 'events/s', detail: `synthetic ${n.toLocaleString('en-US')} events` });

    const a4 = join(shared, 'aedat4', 'dvxplorer_sample.aedat4');
    if (existsSync(a4)) {
      r = await readRate(a4, 10);
      rows.push({ name: 'read AEDAT 4.0 (LZ4)', value: r.rate, unit: 'events/s', detail: `shared DVXplorer clip, ${r.events.toLocaleString('en-US')} events ×10` });
    } else rows.push({ name: 'read AEDAT 4.0 (LZ4)', value: NaN, unit: 'events/s', detail: 'skipped: no shared data' });
    const mdvs = join(shared, 'mnist-dvs', 'mnist_0_scale04_0001.aedat');
    if (existsSync(mdvs)) {
      r = await readRate(mdvs, 20);
      rows.push({ name: 'read AEDAT 2.0 (MNIST-DVS file)', value: r.rate, unit: 'events/s', detail: `shared sample, ${r.events.toLocaleString('en-US')} events ×20 (includes open)` });
    }
    const cifar = join(shared, 'cifar10', 'data_batch_1.bin');
    if (existsSync(cifar)) {
      const t0 = performance.now();
      let images = 0;
      for await (const b of cifarBatches(fileSource(cifar))) images += b.count;
      rows.push({ name: 'read CIFAR-10 batch', value: (images / (performance.now() - t0)) * 1000, unit: 'images/s', detail: `shared data_batch_1, ${images} images` });
    }

    const per = opts.synthPerDigit ?? 10;
    const s = await synthDataset({ out: join(dir, 'synth'), perDigit: per, seed: 1 });
    const perRec = s.ms / s.files;
    rows.push({ name: 'synthetic DVS digits', value: perRec, unit: 'ms/recording', detail: `${s.files} recordings at scale 16, ${Math.round(s.events / s.files).toLocaleString('en-US')} events each` });
    rows.push({ name: `synthetic set, default (${DEFAULT_PER_DIGIT}/digit)`, value: (perRec * DEFAULT_PER_DIGIT * 10) / 1000, unit: 's (extrapolated)', detail: `${DEFAULT_PER_DIGIT * 10} recordings` });
    rows.push({ name: 'synthetic set, paper size (1000/digit)', value: (perRec * 10000) / 1000, unit: 's (extrapolated)', detail: '10,000 recordings' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (require.main === module) {
  benchData().then((rows) => {
    const fmt = (v: number): string => (Number.isNaN(v) ? '-' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2));
    const w = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) console.log(`${r.name.padEnd(w)}  ${fmt(r.value).padStart(12)} ${r.unit.padEnd(16)} ${r.detail}`);
  });
}
