/**
 * The teacher of a distillation (`TrainConfig.distill`, Hinton et al. 2015): a finished run of the same
 * model, whose logits on every training sample are computed once before the student's epochs and read by
 * the batches (`loop.ts`, `teacherRows`). The teacher runs as it trained: its own activations, no dropout,
 * the output activation as its training objective saw it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { modelHash } from '../../core/synops/result';
import type { SampleSet } from '../../core/train/samples';
import { batchTensor } from '../../core/train/evaluate';
import { forward } from '../../core/train/net';
import { closeRun, openRun } from './run';
import { TrainError } from '../../core/train/types';

export interface TeacherLogits { logits: Float32Array; classes: number }

/** The logits of the run in `dir` on every sample of `set`, `[set.n, classes]` row-major. */
export async function teacherLogits(dir: string, set: SampleSet, studentModelHash: string, signal?: AbortSignal): Promise<TeacherLogits> {
  const t = openRun(dir);
  try {
    if (t.info.state !== 'done') throw new TrainError('bad-input', `cannot distil from ${dir}: that run is ${t.info.state}, not done; finish it first`);
    if (modelHash(t.model) !== studentModelHash) throw new TrainError('bad-input', `cannot distil from ${dir}: it trained another model (${t.model.name}); pick a run of the same model`);
    const spiking = t.info.config.outputActivation === 'spiking';
    let logits: Float32Array | undefined;
    let classes = 0;
    for (let s = 0; s < set.n; s += 256) {
      if (signal?.aborted) throw new TrainError('cancelled', 'cancelled while computing the teacher\'s logits');
      const idx = Array.from({ length: Math.min(256, set.n - s) }, (_, k) => s + k);
      const out = tf.tidy(() => forward(t.net, batchTensor(set, idx), { training: false, activation: t.info.activation, skipOutputActivation: !spiking, addedOutputActivation: spiking }).logits);
      const v = (await out.data()) as Float32Array;
      classes = out.shape[1];
      out.dispose();
      logits ??= new Float32Array(set.n * classes);
      logits.set(v, s * classes);
    }
    return { logits: logits ?? new Float32Array(0), classes };
  } finally { closeRun(t); }
}
