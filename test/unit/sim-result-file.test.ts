// The measured-SynOps file (`.synops/results/<model>.sim.json`) has one builder and one writer: what a run's
// evaluation and `simulate --save` write is read back by the parser the lenses use.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { measuredByEvaluation, modelHash, parseSimulationResult, simulationResultFile } from '../../src/core/synops/result';
import type { EvalResult } from '../../src/core/train/types';
import { writeSimulationResult } from '../../src/io/sim/resultFile';
import { repoRoot, template } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'synops-simresult-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every `.ts` file under `d`. */
function sources(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
}

describe('the measured-SynOps file', () => {
  const model = template('mnist-dvs.snn.json');
  // A run's spiking evaluation on 40 samples: 0.75 accuracy, 1,200 SynOps into conv2 and 300 into fc.
  const snn: EvalResult = {
    kind: 'snn', samples: 40, accuracy: 0.75, totalSynops: 1500, hiddenSynops: 1500, seconds: 2,
    synopsPerLayer: [{ emitter: 'relu1', receiver: 'conv2', synops: 1200 }, { emitter: 'relu2', receiver: 'fc', synops: 300 }],
  };

  it('is built from a run\'s evaluation with the model\'s fingerprint, written where the lenses look, and parses back', () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    const file = simulationResultFile(model, measuredByEvaluation(snn), 'spiking simulation of 40 held-out samples (run r1)', at);
    assert.deepEqual(file, {
      kind: 'synops-simulation', version: 1, modelHash: modelHash(model), modelName: model.name, samples: 40,
      source: 'spiking simulation of 40 held-out samples (run r1)', createdAt: '2026-01-02T03:04:05.000Z',
      layers: [{ name: 'conv2', synopsPerSample: 1200 }, { name: 'fc', synopsPerSample: 300 }], accuracy: 0.75,
    });
    const written = writeSimulationResult(join(dir, 'runs', 'r1', 'model.snn.json'), file);
    assert.equal(written, join(dir, 'runs', 'r1', '.synops', 'results', 'model.sim.json'));
    assert.deepEqual(parseSimulationResult(readFileSync(written, 'utf8'), written), file);
  });

  it('has one builder in the sources: no other file spells out its kind', () => {
    const spelled = sources(join(repoRoot, 'src')).filter((f) => /kind: 'synops-simulation'/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(spelled.map((f) => relative(repoRoot, f)), ['src/core/synops/result.ts']);
  });
});
