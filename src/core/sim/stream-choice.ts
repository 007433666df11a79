/**
 * Whether a program's segments are streamed to a helper thread (`event-stream.ts`), chosen by the time its
 * runs take. Streaming pays when the helper runs beside the calling thread; on a machine whose cores other
 * jobs hold, the two wait for each other and a run takes longer than on one thread (the MNIST-DVS chunk:
 * 4.5 ms not streamed, 10–12 ms streamed, at a load of 7–8 on two cores). Both forms give the same bits, so
 * the engine may pick the faster: it times each form's runs (an average that follows the last few; the
 * first run of each, which compiles and warms, is not counted), runs each until it has `WARM` timed runs,
 * then the faster, and every 64th run the other one, so that a change of load is noticed.
 */

/** Runs between two runs of the form that is not the faster. */
const EXPLORE = 64;
/** Timed runs of each form before the choice. */
const WARM = 3;
/** Weight of a new run in a form's average time. */
const ALPHA = 0.25;

export class StreamChoice {
  /** Per form (not streamed, streamed): average ms per run, and runs so far. */
  private readonly ms = [0, 0];
  private readonly runs = [0, 0];
  private n = 0;

  /** Whether the next run streams. */
  next(): boolean {
    const [off, on] = this.runs;
    if (on <= WARM || off <= WARM) return on <= off;
    const faster = this.ms[1] <= this.ms[0];
    return ++this.n % EXPLORE === 0 ? !faster : faster;
  }

  /** Notes the wall time of a run of one form. */
  record(streamed: boolean, ms: number): void {
    const i = streamed ? 1 : 0;
    const k = ++this.runs[i];
    if (k === 2) this.ms[i] = ms;
    else if (k > 2) this.ms[i] += ALPHA * (ms - this.ms[i]);
  }
}
