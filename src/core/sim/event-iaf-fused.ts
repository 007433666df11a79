/**
 * A spiking layer that can take its input current from a gathering conv in the same kernel call
 * (`gatherIaf`; the segment loop is `event-fused.ts`).
 */
import { IafLayer } from './event-iaf';
import { parallelMinNeurons } from './event-iaf-params';
import type { ConvOp, GatherStep, Touched } from './event-ops';
import type { NeuronParams } from './neuron';
import type { LayerRecord, Train } from './event-train';

export class FusingIafLayer extends IafLayer {
  /** Whether `startFused` can take this layer's input from `conv` (the WebAssembly kernel; internal order is the conv's). */
  fusesWith(conv: ConvOp): boolean {
    return this.kernel !== null && this.inMap === null && conv.fusable();
  }

  /** `begin` for a fused step (`startFused`, `finishFused`); returns whether neurons are listed to update without input. */
  beginFused(p: NeuronParams, train: Train, rec: LayerRecord | null, recCap: number, t: number): boolean {
    const stamping = this.begin(p, train, rec, recCap, t);
    ++this.epoch;
    return stamping;
  }

  /** Chunk size of the fused step on the helper threads, or 0 when it ran here (then `fusedN` records). */
  private fusedChunk = 0;
  private fusedN = 0;
  /** Whether the threads of the shared step book its spikes (`takeChunks`). */
  private fusedBooked = false;

  /**
   * `step` with the input current of a gathering conv (`fusesWith`), whose groups `st` holds
   * (`ConvOp.prepareFused`): the touched rows are summed and integrated in one kernel call (`gatherIaf`,
   * one job for the helper threads) — the same records, in the same order, as the conv's step then `step`.
   * A large step starts on the helper threads and the caller may prepare the next one (other memory)
   * before `finishFused` joins in; a small one runs here, now.
   */
  startFused(st: GatherStep): void {
    const kernel = this.kernel!;
    const C = st.rowBytes >> 3;
    const vShift = this.vBytes - st.bufBytes;
    const pool = this.arena.pool;
    if (pool !== null && (st.parallel || st.nGroups * C >= parallelMinNeurons())) {
      const booking = this.bookingNow();
      this.fusedBooked = booking !== null;
      this.fusedChunk = pool.startGatherIaf(kernel, st.groups, st.nGroups, st.rowBytes, vShift, this.vBytes, this.th, this.m, this.mode, this.candBytes, this.chunkCounts.byteOffset,
        Math.max(1, Math.ceil(st.nGroups / (16 * (pool.helpers + 1)))), booking);
    } else {
      this.fusedChunk = 0;
      this.fusedN = kernel.gatherIaf(st.groups, st.nGroups, st.rowBytes, vShift, this.vBytes, this.th, this.m, this.mode, this.candBytes);
    }
  }

  /** Ends the step `startFused` began: joins the helpers, takes the records (in chunk order), clears `st`. */
  finishFused(st: GatherStep, stamping: boolean, t: number): number {
    const chunk = this.fusedChunk;
    if (chunk > 0) {
      this.arena.pool!.join();
      this.takeChunks(chunk, Math.ceil(st.nGroups / chunk), st.rowBytes >> 3, this.fusedBooked);
    } else {
      this.takeCandidates(0, this.fusedN);
    }
    return this.endTouched(st.res, stamping, false, t);
  }


  /**
   * Whether a streamed segment (`event-stream.ts`) can integrate this layer's steps on a helper: the
   * WebAssembly kernel over the conv's own order and an even number of channels.
   */
  streams(C: number): boolean {
    return this.kernel !== null && this.inMap === null && (C & 1) === 0;
  }

  /** Whether the step-0 bookkeeping changes potentials (neurons listed by `resetState`). */
  settlesAtStart(): boolean {
    return this.nStart > 0;
  }

  /**
   * `step` for a step that a streamed segment's kernels integrated already (`iaf` on the touched rows of
   * `res`, records `rec`, `n` of them): the records taken, then what `step` does after its kernel call.
   */
  finishStreamed(res: Touched, rec: { i32: Int32Array; f64: Float64Array }, n: number, p: NeuronParams, train: Train, record: LayerRecord | null, recCap: number, t: number): number {
    const stamping = this.begin(p, train, record, recCap, t);
    this.takeCandidates(0, n, rec.i32, rec.f64);
    return this.endTouched(res, stamping, false, t);
  }
}
