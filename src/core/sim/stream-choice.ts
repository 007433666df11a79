/**
 * Whether a program's segments are streamed to a helper thread (`event-stream.ts`), chosen by the time its
 * runs take. Streaming pays when the helper runs beside the calling thread; on a machine whose cores other
 * jobs hold, the two wait for each other and a run takes longer than on one thread (the MNIST-DVS chunk:
 * 4.5 ms not streamed, 10–12 ms streamed, at a load of 7–8 on two cores). Both forms give the same bits, so
 * the engine may pick the faster. It runs each form in bursts and times every run of a burst but its first
 * (the first run of a form compiles, and the first after a switch finds the helper asleep and the caches
 * holding the other form's data). A form's time is that of its latest burst: an average that starts afresh
 * with each burst and follows the burst's last few runs, so that times measured while the code was still
 * compiling (the first hundred runs can take twice as long) do not hold the choice for hundreds of runs
 * afterwards. First a burst of each form until both have `WARM` timed runs, then runs of the faster (8 at
 * first, twice as many each time up to `EXPLOIT`; fewer if it falls behind the other's time), then a burst of
 * `BURST` runs of the other so that a change of load is noticed, and so on.
 */

/** Timed runs of each form before the first choice. */
const WARM = 3;
/** Runs of the faster form between two bursts of the other: the first time, and at most. */
const EXPLOIT_FIRST = 8;
const EXPLOIT = 64;
/** Runs of a burst of the slower form (its first not timed). */
const BURST = 4;
/** Weight of a new run in a form's average time within a burst. */
const ALPHA = 0.25;

export class StreamChoice {
  /** Per form (not streamed, streamed): average ms per run, and timed runs so far. */
  private readonly ms = [0, 0];
  private readonly timed = [0, 0];
  /** The form of the current burst, the runs left in it, and whether the next run is its first. */
  private form = false;
  private left = 0;
  private first = true;
  /** Whether the next timed run is the burst's first (its time replaces the form's). */
  private fresh = true;
  private exploring = false;
  private exploit = EXPLOIT_FIRST;

  /** Whether the next run streams. */
  next(): boolean {
    // A run of the faster form that has become the slower (another job took a core) ends its burst early.
    if (this.left === 0 || (!this.exploring && this.form !== this.faster())) this.plan();
    this.left--;
    return this.form;
  }

  /** Notes the wall time of a run of one form (the first run of a burst is not timed). */
  record(streamed: boolean, ms: number): void {
    if (this.first) { this.first = false; return; }
    const i = streamed ? 1 : 0;
    this.timed[i]++;
    this.ms[i] = this.fresh ? ms : this.ms[i] + ALPHA * (ms - this.ms[i]);
    this.fresh = false;
  }

  private faster(): boolean { return this.ms[1] <= this.ms[0]; }

  /** The next burst: warming a form that has too few timed runs, the faster form, or a look at the slower. */
  private plan(): void {
    const [off, on] = this.timed;
    const faster = this.faster();
    let form: boolean;
    if (off < WARM || on < WARM) {
      form = off >= WARM;
      this.left = WARM + 1; this.exploring = true;
    } else if (this.exploring || this.form !== faster) {
      form = faster; this.left = this.exploit; this.exploring = false;
      this.exploit = Math.min(EXPLOIT, 2 * this.exploit);
    } else {
      form = !faster; this.left = BURST; this.exploring = true;
    }
    if (form !== this.form) { this.first = true; this.fresh = true; }
    this.form = form;
  }
}
