// The readers on the real files of the shared data folder: counts as its README gives them.
// Optional: skipped with a message when the folder is absent.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readAedat4Check } from './real-checks';
import { readCifar } from '../../src/core/data/cifar';
import { scanDataset } from '../../src/io/data/datasets';
import { readAllEvents } from '../../src/core/data/detect';
import { recordingFrames } from '../../src/core/data/frames';
import { sharedData, skipUnlessShared } from './helpers';
import { fileSource } from '../../src/io/data/files';

describe('MNIST-DVS sample (AEDAT 2.0)', { skip: skipUnlessShared('mnist-dvs') }, () => {
  it('has 15,744 events over 2.21 s on the 128×128 sensor', async () => {
    const { meta, events } = await readAllEvents(fileSource(join(sharedData, 'mnist-dvs', 'mnist_0_scale04_0001.aedat')));
    assert.deepEqual([meta.format, meta.width, meta.height, events.length], ['aedat2', 128, 128, 15744]);
    assert.equal(Math.round((events.t[events.length - 1] - events.t[0]) / 1e4) / 100, 2.21);
    const f = recordingFrames(events, [128, 128], { chunk: 3000, size: [64, 64] });
    assert.equal(f.count, 5); // 15,744 = 5 × 3000 + 744 dropped
  });
});

describe('AEDAT 4.0 DVXplorer clip', { skip: skipUnlessShared('aedat4') }, () => {
  it('has 111,954 polarity events on 320×240, IMU and trigger packets skipped', async () => {
    const { meta, events } = await readAllEvents(fileSource(join(sharedData, 'aedat4', 'dvxplorer_sample.aedat4')));
    assert.deepEqual([meta.format, meta.width, meta.height, events.length], ['aedat4', 320, 240, 111954]);
    await readAedat4Check(join(sharedData, 'aedat4', 'dvxplorer_sample.aedat4'));
  });
});

describe('N-MNIST subset (flat folder + labels.txt)', { skip: skipUnlessShared('nmnist/train') }, () => {
  it('has 1,000 labelled recordings of 34×34 events, 1,069–7,152 events each', async () => {
    const idx = scanDataset(join(sharedData, 'nmnist', 'train'));
    assert.equal(idx.kind, 'flat');
    assert.equal(idx.recordings.length, 1000);
    let min = Infinity;
    let max = 0;
    for (const r of idx.recordings) {
      const { meta, events } = await readAllEvents(fileSource(r.file));
      assert.deepEqual([meta.width, meta.height], [34, 34]);
      min = Math.min(min, events.length);
      max = Math.max(max, events.length);
    }
    assert.ok(min >= 1069, `min ${min}`);
    assert.equal(max, 7152);
    assert.equal(readdirSync(join(sharedData, 'nmnist', 'train')).filter((f) => f.endsWith('.bin')).length, 1000);
  });
});

describe('CIFAR-10 batch', { skip: skipUnlessShared('cifar10') }, () => {
  it('has 10,000 records with labels 0..9, about 1,000 of each', async () => {
    const c = await readCifar(fileSource(join(sharedData, 'cifar10', 'data_batch_1.bin')));
    assert.equal(c.count, 10000);
    const per = new Array(10).fill(0);
    for (const l of c.labels) per[l]++;
    assert.ok(per.every((k) => k > 900 && k < 1100), per.join(' '));
    assert.equal(readFileSync(join(sharedData, 'cifar10', 'data_batch_1.bin'))[0], c.labels[0]);
  });
});
