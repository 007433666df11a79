/**
 * Event data shared by every reader: a structure-of-arrays batch of DVS events, the metadata of an event
 * file, and the error every reader throws on bad input.
 *
 * Conventions (all readers): `x` grows to the right and `y` grows downwards as the sensor array is
 * addressed by the file format (no mirroring is applied, see `aedat2.ts` for the DVS128 case); `t` is in
 * microseconds as stored in the file (no rebasing); `p` is 1 for an ON event (brightness went up), 0 for OFF.
 */

/** Event file formats this folder can read. */
export type EventFormat = 'aedat2' | 'aedat4' | 'nmnist' | 'prophesee-dat' | 'prophesee-evt2';

/**
 * A batch of `length` events, structure of arrays. Compatible with the simulator's `EventChunk`
 * (`src/core/sim/input.ts`): `x`, `y` pixel coordinates, `t` timestamp in µs, `p` polarity (1 = ON).
 */
export interface EventBatch {
  x: Uint16Array;
  y: Uint16Array;
  /** Timestamps in µs, non-decreasing within a file. Float64 keeps 64-bit µs clocks exact up to 2^53. */
  t: Float64Array;
  /** Polarity, 1 = ON, 0 = OFF. */
  p: Uint8Array;
  length: number;
}

/** What a reader knows about a file before reading its events. */
export interface EventFileMeta {
  file: string;
  format: EventFormat;
  /** Sensor width in pixels (x ranges over 0 .. width − 1). */
  width: number;
  /** Sensor height in pixels (y ranges over 0 .. height − 1). */
  height: number;
  /** Byte offset where event data starts (after any header). */
  dataOffset: number;
  /** File size in bytes. */
  fileSize: number;
  /** Header text or comment lines, when the format has them. */
  header?: string[];
}

/** Options every streaming reader takes. */
export interface ReadOptions {
  /** Bytes read from disk per block (default 1 MiB). A file is never loaded whole. */
  blockBytes?: number;
  /** Stops the read between blocks with an `AbortError`. */
  signal?: AbortSignal;
}

/** An opened event file: metadata now, events as a stream of batches. */
export interface EventReader {
  meta: EventFileMeta;
  /** Streams the events in file order, one batch per block read. */
  batches(opts?: ReadOptions): AsyncGenerator<EventBatch>;
}

/** Machine-readable reason of an `EventDataError`. */
export type DataErrorCode =
  | 'bad-magic' | 'bad-header' | 'truncated' | 'out-of-sensor' | 'time-backwards' | 'bad-packet'
  | 'unsupported' | 'bad-layout' | 'io';

/**
 * Bad input: names the file, the byte offset where the problem was found and what was expected there.
 * Message: `<file>: byte <offset>: <problem>; expected <expectation>`.
 */
export class EventDataError extends Error {
  override readonly name = 'EventDataError';
  constructor(
    readonly code: DataErrorCode,
    readonly file: string,
    readonly offset: number,
    readonly problem: string,
    readonly expected: string,
  ) {
    super(`${file}: byte ${offset}: ${problem}; expected ${expected}`);
  }
}

/** Growable event storage used by readers and tools; `take()` returns a trimmed batch and starts afresh. */
export class EventBuilder {
  x: Uint16Array;
  y: Uint16Array;
  t: Float64Array;
  p: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.x = new Uint16Array(capacity);
    this.y = new Uint16Array(capacity);
    this.t = new Float64Array(capacity);
    this.p = new Uint8Array(capacity);
  }

  /** Makes room for `n` more events. */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.x.length) return;
    const cap = Math.max(need, this.x.length * 2);
    const grow = <T extends Uint16Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.length) as never);
      return b;
    };
    this.x = grow(this.x, (n) => new Uint16Array(n));
    this.y = grow(this.y, (n) => new Uint16Array(n));
    this.t = grow(this.t, (n) => new Float64Array(n));
    this.p = grow(this.p, (n) => new Uint8Array(n));
  }

  push(x: number, y: number, t: number, p: number): void {
    if (this.length === this.x.length) this.reserve(1);
    const i = this.length++;
    this.x[i] = x;
    this.y[i] = y;
    this.t[i] = t;
    this.p[i] = p;
  }

  /** Appends all events of a batch. */
  append(b: EventBatch): void {
    this.reserve(b.length);
    this.x.set(b.x.subarray(0, b.length), this.length);
    this.y.set(b.y.subarray(0, b.length), this.length);
    this.t.set(b.t.subarray(0, b.length), this.length);
    this.p.set(b.p.subarray(0, b.length), this.length);
    this.length += b.length;
  }

  /** The events so far as an exact-length batch (copies), then empties the builder. */
  take(): EventBatch {
    const n = this.length;
    const out = { x: this.x.slice(0, n), y: this.y.slice(0, n), t: this.t.slice(0, n), p: this.p.slice(0, n), length: n };
    this.length = 0;
    return out;
  }
}

/** An empty batch. */
export function emptyBatch(): EventBatch {
  return { x: new Uint16Array(0), y: new Uint16Array(0), t: new Float64Array(0), p: new Uint8Array(0), length: 0 };
}

/** Events `start .. end − 1` of a batch, as views (no copy). */
export function sliceBatch(b: EventBatch, start: number, end: number): EventBatch {
  return { x: b.x.subarray(start, end), y: b.y.subarray(start, end), t: b.t.subarray(start, end), p: b.p.subarray(start, end), length: end - start };
}

/** Throws a DOM-style `AbortError` when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const e = new Error('the read was cancelled');
    e.name = 'AbortError';
    throw e;
  }
}
