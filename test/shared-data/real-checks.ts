import { strict as assert } from 'node:assert';
import { openAedat4 } from '../../src/core/data/aedat4';
import { fileSource } from '../../src/io/data/files';

/** The AEDAT 4.0 clip read in packets: declared streams, and timestamps that never go back. */
export async function readAedat4Check(file: string): Promise<void> {
  const r = await openAedat4(fileSource(file));
  assert.deepEqual(r.meta.streams.map((s) => `${s.id}:${s.type}`), ['0:EVTS', '2:IMUS', '3:TRIG']);
  assert.equal(r.meta.compression, 'lz4');
  let prev = -Infinity;
  let batches = 0;
  for await (const b of r.batches()) {
    batches++;
    assert.ok(b.t[0] >= prev);
    prev = b.t[b.length - 1];
  }
  assert.ok(batches > 1, 'one batch per packet');
}
