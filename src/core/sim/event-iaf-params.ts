/**
 * The integration's tunables and constants shared by the engine's files (`event-iaf.ts`, the segment loops):
 * the arena's list sizes, when a step is shared with the helper threads, the kernel's mode bits.
 */
import type { NeuronParams } from './neuron';

/** Tap records the arena holds before it applies them (16 bytes each). */
export const LIST_RECORDS = 1 << 15;
/** A step integrating at least this many neurons is shared with the helper threads (`wasm-threads.ts`). */
let PARALLEL_MIN_NEURONS = 16384;

/** For tests: the smallest integration step shared with helper threads (0: every step). */
export function setParallelMinNeurons(n: number): void {
  PARALLEL_MIN_NEURONS = n;
}

/** The smallest integration step shared with helper threads (see `setParallelMinNeurons`). */
export function parallelMinNeurons(): number {
  return PARALLEL_MIN_NEURONS;
}

/** The integration kernel's mode bits for the rule `p` (`iaf` in `wasm-iaf.ts`). */
export function iafMode(p: NeuronParams): number {
  const multi = p.spike === 'multi';
  return (multi && p.threshold !== 1 ? 1 : 0) | (p.minVMem !== null ? 2 : 0) | (multi ? 0 : 4) | (p.reset === 'subtract' ? 0 : 8);
}

/** Chunk counts of a shared integration step (`KernelPool.iaf`): int32 words reserved in the arena. */
export const CHUNK_COUNTS = 4096;
