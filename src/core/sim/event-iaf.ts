/**
 * The integrate-and-fire layers of the event-driven engine: state, inlined neuron update (bit for bit the
 * rule in `neuron.ts`), and the per-step bookkeeping (spike trains and records are in `event-train.ts`; the
 * constants and mode bits in `event-iaf-params.ts`).
 */
import { addCurrent, Arena, clToCf, invert, type Layout, type Signal, type Touched } from './event-ops';
import { type NeuronParams } from './neuron';
import { type SpikingLayerInfo } from './network';
import { type SimKernel } from './wasm-kernel';
import type { BookArgs } from './wasm-threads';
import { copyBooked, zero, type Booking } from './event-booking';
import { record, type LayerRecord, type Train } from './event-train';
import { CHUNK_COUNTS, iafMode, parallelMinNeurons } from './event-iaf-params';

/**
 * The integrate-and-fire state of one spiking layer. Internally a 3-D layer is channels-last (the layout
 * of the conv output it receives, so the C neurons of a position are contiguous); counts are returned
 * channels-first. Only neurons that receive a current this step, or were left above threshold by the
 * previous step, are updated: with no input `v` does not change (see `neuron.ts`). The one exception is
 * step 0 with an initial potential and a lower bound (`membrane.ts`): neurons whose `v0` is not a fixed
 * point of the bound are updated at step 0 with or without input.
 */
export class IafLayer {
  readonly size: number;
  /** Membrane potentials (a view into the arena, so that the WebAssembly step can reach them). */
  v: Float64Array;
  private readonly vAt: number;
  protected kernel: SimKernel | null = null;
  /** The integration kernel's records (16 bytes per neuron of the largest layer): int32 and float64 views. */
  protected cand: Int32Array = new Int32Array(0);
  private candN: Float64Array = new Float64Array(0);
  protected chunkCounts: Int32Array = new Int32Array(0);
  /**
   * Spikes per neuron over the sample (internal order), in the arena: a shared step's helper threads add
   * their chunk's spikes to it (`Booking`).
   */
  counts: Float64Array;
  private readonly spikeCountsAt: number;
  /** A shared step's `Booking` and this layer's counts, for the helper threads (`KernelPool.iaf`). */
  private bookArgs: BookArgs | null = null;
  readonly stamp: Int32Array;
  epoch = 0;
  pending: Int32Array;
  nPending = 0;
  next: Int32Array;
  /** Neurons to update at step 0 even without input (`resetState`), and how many. */
  private readonly start: Int32Array;
  protected nStart = 0;
  /** Internal index → channels-first index (null when they agree). */
  readonly perm: Int32Array | null;
  /** Index of the incoming signal → internal index (null when they agree). */
  readonly inMap: Int32Array | null;
  readonly out: Layout;
  total = 0;
  maxPerStep = 0;

  constructor(readonly info: SpikingLayerInfo, inLayout: Layout, protected readonly arena: Arena, private readonly candAt: number, private readonly countsAt: number,
    protected readonly booking: Booking) {
    this.size = info.size;
    this.v = new Float64Array(0);
    this.vAt = arena.reserve(this.size);
    this.counts = new Float64Array(0);
    this.spikeCountsAt = arena.reserve(this.size);
    this.stamp = new Int32Array(this.size);
    this.pending = new Int32Array(this.size);
    this.next = new Int32Array(this.size);
    this.start = new Int32Array(this.size);
    this.perm = clToCf(info.shape);
    this.out = { shape: info.shape, perm: this.perm };
    const toInternal = this.perm ? invert(this.perm) : null;
    let map: Int32Array | null = null;
    if (inLayout.perm || toInternal) {
      map = new Int32Array(this.size);
      let identity = true;
      for (let i = 0; i < this.size; i++) {
        const cf = inLayout.perm ? inLayout.perm[i] : i;
        map[i] = toInternal ? toInternal[cf] : cf;
        if (map[i] !== i) identity = false;
      }
      if (identity) map = null;
    }
    this.inMap = map;
  }

  /** Byte offsets in the arena of `v` and of the kernel's records (set by `bind`). */
  protected vBytes = 0;
  protected candBytes = 0;
  /** The last touched signal `offsetsOf` saw, and the byte offsets of its positions, rows and marks (−1: not in the arena). */
  private seen: Touched | null = null;
  private readonly at = { pos: 0, buf: 0, mark: -1 };

  /**
   * The byte offsets of `sig`'s arrays, looked up when `sig` is not the last one seen: a view's `byteOffset`
   * and `buffer` over shared memory cost about 0.1 µs each in Node 20, six per step before.
   */
  private offsetsOf(sig: Touched): { pos: number; buf: number; mark: number } {
    if (sig !== this.seen) {
      this.seen = sig;
      this.at.pos = sig.pos.byteOffset; this.at.buf = sig.buf.byteOffset;
      this.at.mark = sig.mark.buffer === this.arena.buffer ? sig.mark.byteOffset : -1;
    }
    return this.at;
  }

  /** Takes the views into the arena once it exists. */
  bind(): void {
    this.seen = null;
    this.v = this.arena.f64.subarray(this.vAt, this.vAt + this.size);
    this.vBytes = this.vAt * 8; this.candBytes = this.candAt;
    this.counts = this.arena.f64.subarray(this.spikeCountsAt, this.spikeCountsAt + this.size);
    this.bookArgs = { counts: this.counts.byteOffset, ...this.booking };
    this.kernel = this.arena.kernel;
    this.cand = this.arena.int32s(this.candAt, 4 * this.size);
    this.candN = new Float64Array(this.arena.buffer, this.candAt, 2 * this.size);
    this.chunkCounts = this.arena.int32s(this.countsAt, CHUNK_COUNTS);
  }

  /**
   * The state at the start of a sample: `v = v0` (channels-first, or 0 when null), no spikes. With a lower
   * bound `m`, the neurons with `relu(v0 − m) + m ≠ v0` are listed for an update at step 0 (see `membrane.ts`;
   * for `v0 = 0` that is every neuron when `m > 0`, none otherwise).
   */
  resetState(v0: Float64Array | null, minVMem: number | null): void {
    const { v, perm, start } = this;
    this.nStart = 0;
    if (v0 === null) {
      // All at 0: either every neuron is listed (a positive bound) or none.
      zero(v, this.kernel);
      if (minVMem !== null && (0 - minVMem > 0 ? 0 - minVMem : 0) + minVMem !== 0) for (let j = 0; j < this.size; j++) start[this.nStart++] = j;
    } else {
      for (let j = 0; j < this.size; j++) {
        const x = v[j] = v0[perm === null ? j : perm[j]];
        if (minVMem !== null && (x - minVMem > 0 ? x - minVMem : 0) + minVMem !== x) start[this.nStart++] = j;
      }
    }
    zero(this.counts, this.kernel);
    this.nPending = 0;
    this.total = 0;
    this.maxPerStep = 0;
  }

  // Per-step state of `step`, read and written by `fire`.
  protected th = 1;
  private useDiv = false;
  private multi = true;
  private subtract = true;
  private hasMin = false;
  protected m = 0;
  private train!: Train;
  private nNext = 0;
  private sum = 0;
  private rec: LayerRecord | null = null;
  private recCap = 0;
  private t = 0;

  /**
   * Neuron `j`, listed by `resetState`, that got no input at step 0: `v ← relu(v + 0 − m) + m`. It does not
   * fire (`v0` is below threshold, `membrane.ts`) but may be left above threshold by the bound.
   */
  private settle(j: number): void {
    const m = this.m;
    let vm = this.v[j] + 0;
    const d = vm - m; vm = (d > 0 ? d : 0) + m;
    this.v[j] = vm;
    if (this.useDiv ? vm > 0 && vm / this.th >= 1 : vm >= this.th) this.next[this.nNext++] = j;
  }

  /** Adds the current `sig` carries to `sum` by internal index, without consuming it (`addCurrent` in `event-signals.ts`). */
  addCurrent(sig: Signal, sum: Float64Array): void {
    addCurrent(sig, this.inMap, sum);
  }

  /**
   * Neuron `j`, whose potential after integration `vm` has reached the threshold: fires, resets, bounds
   * (steps 2–4 of `stepNeuron` in `neuron.ts`) and notes a neuron left above threshold.
   */
  private fire(j: number, vm: number): void {
    const th = this.th;
    const n = this.multi ? Math.trunc(vm / th) : 1;
    vm = this.subtract ? vm - n * th : 0;
    if (this.hasMin) { const d = vm - this.m; vm = (d > 0 ? d : 0) + this.m; }
    this.v[j] = vm;
    const train = this.train;
    train.idx[train.n] = j; train.val[train.n] = n; train.n++;
    this.counts[j] += n;
    this.sum += n;
    if (n > this.maxPerStep) this.maxPerStep = n;
    if (this.rec !== null) record(this.rec, this.recCap, this.t, j, n);
    if (this.useDiv ? vm > 0 && vm / th >= 1 : vm >= th) this.next[this.nNext++] = j;
  }

  /** The kernel's mode bits for this step's rule (`iaf` in `wasm-iaf.ts`; set by `begin`). */
  protected mode = 0;

  /** Per-step state of a step (`step`, `beginFused`): the rule, the train, the record; whether any neuron is listed to update without input. */
  protected begin(p: NeuronParams, train: Train, rec: LayerRecord | null, recCap: number, t: number): boolean {
    const th = p.threshold;
    const multi = p.spike === 'multi';
    const useDiv = multi && th !== 1;
    const hasMin = p.minVMem !== null;
    this.th = th; this.useDiv = useDiv; this.multi = multi; this.subtract = p.reset === 'subtract';
    this.hasMin = hasMin; this.m = p.minVMem ?? 0;
    this.mode = iafMode(p);
    this.rec = rec; this.recCap = recCap; this.t = t;
    this.sum = 0;
    this.nNext = 0;
    train.reserve(this.size);
    this.train = train;
    return this.nPending > 0 || this.nStart > 0;
  }

  /**
   * After the kernel integrated the touched rows of `sig`: the listed neurons at untouched positions (a
   * touched position's were updated with it), then `sig` cleared unless `keep`.
   */
  protected endTouched(sig: Touched, stamping: boolean, keep: boolean, t: number): number {
    const { C, pos, mark } = sig;
    const v = this.v;
    if (stamping) {
      const pending = this.pending;
      for (let k = 0; k < this.nPending; k++) {
        const j = pending[k];
        if (mark[(j / C) | 0] === 0) this.fire(j, v[j] + 0);
      }
      const start = this.start;
      for (let k = 0; k < this.nStart; k++) {
        const j = start[k];
        if (mark[(j / C) | 0] === 0) this.settle(j);
      }
      this.nStart = 0;
    }
    if (!keep) {
      for (let k = 0; k < sig.n; k++) mark[pos[k]] = 0;
      sig.n = 0;
    }
    return this.finishStep(this.train, t);
  }

  /**
   * One time step: integrates `sig` (clearing it, unless `keep`: a weight layer's output left as it is for
   * the next step, which brings the same current), emits the spikes into `train` (internal indices) and
   * returns the number of spikes. Per neuron this is `stepNeuron` (`neuron.ts`): `v + I`, then whether it
   * fires — multi-spike `trunc(v/θ) ≥ 1`, i.e. `v/θ ≥ 1` (`v ≥ 1` for θ = 1), single-spike `v − θ ≥ 0`,
   * i.e. `v ≥ θ` — and only a neuron that fires takes the rest (`fire`); one that does not keeps `v`, or
   * with a lower bound `relu(v − m) + m`.
   */
  step(sig: Signal, p: NeuronParams, train: Train, rec: LayerRecord | null, recCap: number, t: number, keep = false): number {
    const { v, stamp, inMap } = this;
    const stamping = this.begin(p, train, rec, recCap, t);
    const { th, useDiv, hasMin, m } = this;
    const stampNow = ++this.epoch;
    if (sig.kind === 'touched' && this.kernel !== null && inMap === null && (sig.C & 1) === 0) {
      // Integration in WebAssembly (two neurons per instruction); firing neurons come back as candidates.
      const { C } = sig;
      const mode = this.mode | (keep ? 16 : 0);
      const pool = this.arena.pool;
      const at = this.offsetsOf(sig);
      if (pool !== null && sig.n * C >= parallelMinNeurons()) {
        // Shared with the helper threads by chunks of positions; each chunk's records in chunk order.
        // Each chunk's spikes booked by the thread that ran it (`book` in `wasm-book.ts`), unless they go to a record.
        const booking = this.bookingNow();
        const chunk = pool.iaf(this.kernel, at.pos, sig.n, C, at.buf, this.vBytes, th, m, mode, this.candBytes, this.chunkCounts.byteOffset,
          Math.max(1, Math.ceil(sig.n / (16 * (pool.helpers + 1)))), booking);
        this.takeChunks(chunk, Math.ceil(sig.n / chunk), C, booking !== null);
      } else {
        // Without neurons to fire at untouched positions the kernel clears the touched marks as it goes (mode 32).
        const clear = !stamping && !keep && at.mark >= 0;
        this.takeCandidates(0, this.kernel.iaf(at.pos, sig.n, C, at.buf, this.vBytes, th, m, mode | (clear ? 32 : 0), this.candBytes, at.mark));
        if (clear) sig.n = 0;
      }
      return this.endTouched(sig, stamping, keep, t);
    }
    if (sig.kind === 'touched') {
      const { buf, C, pos, mark } = sig;
      for (let k = 0; k < sig.n; k++) {
        const q = pos[k];
        const base = q * C;
        for (let o = 0; o < C; o++) {
          const i = base + o;
          const j = inMap === null ? i : inMap[i];
          let vm = v[j] + buf[i];
          if (!keep) buf[i] = 0;
          if (stamping) stamp[j] = stampNow;
          if (useDiv ? vm > 0 && vm / th >= 1 : vm >= th) this.fire(j, vm);
          else {
            if (hasMin) {
              const d = vm - m; vm = (d > 0 ? d : 0) + m;
              if (useDiv ? vm > 0 && vm / th >= 1 : vm >= th) this.next[this.nNext++] = j;
            }
            v[j] = vm;
          }
        }
        if (!keep) mark[q] = 0;
      }
      if (!keep) sig.n = 0;
    } else {
      const { idx, val } = sig;
      for (let k = sig.lo; k < sig.hi; k++) {
        const i = idx[k];
        const j = inMap === null ? i : inMap[i];
        let vm = v[j] + val[k];
        if (stamping) stamp[j] = stampNow;
        if (useDiv ? vm > 0 && vm / th >= 1 : vm >= th) this.fire(j, vm);
        else {
          if (hasMin) {
            const d = vm - m; vm = (d > 0 ? d : 0) + m;
            if (useDiv ? vm > 0 && vm / th >= 1 : vm >= th) this.next[this.nNext++] = j;
          }
          v[j] = vm;
        }
      }
    }
    // Neurons left above threshold by the previous step fire again without input (Sinabs adds 0).
    if (stamping) {
      const pending = this.pending;
      for (let k = 0; k < this.nPending; k++) {
        const j = pending[k];
        if (stamp[j] !== stampNow) this.fire(j, v[j] + 0);
      }
      const start = this.start;
      for (let k = 0; k < this.nStart; k++) {
        const j = start[k];
        if (stamp[j] !== stampNow) this.settle(j);
      }
      this.nStart = 0;
    }
    return this.finishStep(train, t);
  }

  /**
   * Records `from … to` of the integration kernel's list (`iaf` in `wasm-kernel.ts`, 16 bytes each): a
   * neuron that fired (index, whether it is left above threshold, spikes n; the kernel has reset and
   * bounded it) is counted and emitted, and listed to fire again at the next step if left above threshold;
   * `~index` is a neuron the bound left above threshold.
   */
  protected takeCandidates(from: number, to: number, cand = this.cand, candN = this.candN): void {
    const { counts, next, train, rec, recCap, t } = this;
    const oi = train.idx, ov = train.val;
    let on = train.n, sum = 0, max = this.maxPerStep, nNext = this.nNext;
    for (let c = from; c < to; c++) {
      const j = cand[4 * c];
      if (j < 0) { next[nNext++] = ~j; continue; }
      const n = candN[2 * c + 1];
      oi[on] = j; ov[on] = n; on++;
      counts[j] += n;
      sum += n;
      if (n > max) max = n;
      if (rec !== null) record(rec, recCap, t, j, n);
      if (cand[4 * c + 1] !== 0) next[nNext++] = j;
    }
    train.n = on; this.sum += sum; this.maxPerStep = max; this.nNext = nNext;
  }

  /** The booking arguments of a shared step now: null while a raster record is kept (`takeCandidates` fills it). */
  protected bookingNow(): BookArgs | null {
    return this.rec === null ? this.bookArgs : null;
  }

  /**
   * The spikes of a shared step of `nChunks` chunks of `chunk` positions (groups) of `C` neurons, in chunk
   * order: booked by the threads (`booked`: copied from the `Booking` staging, the counts already added),
   * else taken from the kernel's records.
   */
  protected takeChunks(chunk: number, nChunks: number, C: number, booked: boolean): void {
    if (!booked) {
      for (let k = 0; k < nChunks; k++) this.takeCandidates(k * chunk * C, k * chunk * C + this.chunkCounts[k]);
      return;
    }
    const got = copyBooked(this.arena, this.booking, chunk, nChunks, C, this.train, this.next, this.nNext);
    this.nNext = got.nNext; this.sum += got.sum;
    if (got.max > this.maxPerStep) this.maxPerStep = got.max;
  }

  private finishStep(train: Train, t: number): number {
    const swap = this.pending; this.pending = this.next; this.next = swap;
    this.nPending = this.nNext;
    if (this.epoch > 0x3fffffff) { this.epoch = 0; this.stamp.fill(0); }
    train.start[t + 1] = train.n;
    this.total += this.sum;
    return this.sum;
  }
}
