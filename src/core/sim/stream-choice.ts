/**
 * Whether a program's segments are streamed to a helper thread (`event-stream.ts`), chosen by the time its
 * runs take. Streaming pays when the helper runs beside the calling thread; on a machine whose cores other
 * jobs hold, the two wait for each other and a run takes longer than on one thread (the MNIST-DVS chunk:
 * 4.5 ms not streamed, 10–12 ms streamed, at a load of 7–8 on two cores). Both forms give the same bits, so
 * the engine may pick the faster. It runs each form in bursts and times every run of a burst but its first
 * (the first run of a form compiles, and the first after a switch finds the helper asleep and the caches
 * holding the other form's data). A form's time is that of its latest burst: the median of the burst's last
 * `WINDOW` timed runs, started afresh with each burst, so that times measured while the code was still
 * compiling (the first hundred runs can take twice as long) do not hold the choice for hundreds of runs
 * afterwards, and one slow run (the second after a switch can still be cold) does not turn it; the faster
 * form leaves early only on a median of at least `WARM` runs. First a burst of each form until both have
 * `WARM` timed runs, then runs of the faster (`EXPLOIT_FIRST` at first, twice as many each time up to
 * `EXPLOIT`; fewer if it falls behind the other's time), then a burst of the other (`BURST`, or
 * `BURST_STREAMED`) so that a change of load is noticed, and so on.
 */

/** Timed runs of each form before the first choice. */
const WARM = 3;
/** Runs of the faster form between two bursts of the other: the first time, and at most. */
const EXPLOIT_FIRST = 8;
const EXPLOIT = 64;
/**
 * Runs of a burst of the slower form (its first not timed): not streamed, and streamed, which takes longer to
 * reach its pace (on the MNIST-DVS chunk, quiet: 3.0–3.8 ms for the first 6–8 runs after a switch, then 2.2).
 */
const BURST = 4;
const BURST_STREAMED = 8;
/** Timed runs of a burst whose median is its form's time. */
const WINDOW = 5;

export class StreamChoice {
  /** Per form (not streamed, streamed): ms per run (`WINDOW`), the latest burst's last timed runs, and timed runs so far. */
  private readonly ms = [0, 0];
  private readonly recent: number[][] = [[], []];
  private readonly timed = [0, 0];
  /** The form of the current burst, the runs left in it, and whether the next run is its first. */
  private form = false;
  private left = 0;
  private first = true;
  private exploring = false;
  private exploit = EXPLOIT_FIRST;

  /** Whether the next run streams. */
  next(): boolean {
    // The faster form that has become the slower (another job took a core) ends its burst early.
    const behind = !this.exploring && this.recent[this.form ? 1 : 0].length >= WARM && this.form !== this.faster();
    if (this.left === 0 || behind) this.plan();
    this.left--;
    return this.form;
  }

  /** Notes the wall time of a run of one form (the first run of a burst is not timed). */
  record(streamed: boolean, ms: number): void {
    if (this.first) { this.first = false; return; }
    const i = streamed ? 1 : 0;
    this.timed[i]++;
    const r = this.recent[i];
    r.push(ms);
    if (r.length > WINDOW) r.shift();
    const sorted = [...r].sort((a, b) => a - b);
    const h = sorted.length >> 1;
    this.ms[i] = sorted.length % 2 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
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
      form = !faster; this.left = form ? BURST_STREAMED : BURST; this.exploring = true;
    }
    if (form !== this.form) { this.first = true; this.recent[form ? 1 : 0].length = 0; }
    this.form = form;
  }
}
