/**
 * Whether a program's segments are streamed to a helper thread (`event-stream.ts`), chosen by the time its
 * runs take. Streaming pays when the helper runs beside the calling thread; on a machine whose cores other
 * jobs hold, the two wait for each other and a run takes longer than on one thread (the MNIST-DVS chunk:
 * 4.5 ms not streamed, 10–12 ms streamed, at a load of 7–8 on two cores). Both forms give the same bits, so
 * the engine may pick the faster: it times each form's runs (an average that follows the last few) and
 * runs the faster, and every 16th run the other one, so that a change of load is noticed.
 */

/** Runs between two runs of the form that is not the faster. */
const EXPLORE = 16;
/** Weight of a new run in a form's average time. */
const ALPHA = 0.25;

export class StreamChoice {
  /** Average ms per run of the two forms (not streamed, streamed); NaN before the first. */
  private readonly ms = [Number.NaN, Number.NaN];
  private runs = 0;

  /** Whether the next run streams: each form once, then the faster, and every `EXPLORE`th run the other. */
  next(): boolean {
    const [off, on] = this.ms;
    if (Number.isNaN(on)) return true;
    if (Number.isNaN(off)) return false;
    const faster = on <= off;
    return ++this.runs % EXPLORE === 0 ? !faster : faster;
  }

  /** Notes the wall time of a run of one form. */
  record(streamed: boolean, ms: number): void {
    const i = streamed ? 1 : 0;
    this.ms[i] = Number.isNaN(this.ms[i]) ? ms : this.ms[i] + ALPHA * (ms - this.ms[i]);
  }
}
