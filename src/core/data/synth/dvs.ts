/**
 * A DVS pixel model. Each pixel keeps the log intensity at its last event (its reference); when the
 * log intensity moves above reference + C_on (or below reference − C_off) it emits an ON (OFF) event and
 * moves the reference by that threshold, once per threshold crossed. Between two simulation steps the
 * log intensity is taken as linear in time, so each crossing gets its own µs timestamp.
 * - Thresholds: C_on, C_off drawn per pixel from N(C, σ²) (fixed-pattern mismatch), clamped ≥ 0.05.
 * - Refractory period: a crossing within `refractoryUs` of the pixel's last event moves the reference but
 *   emits nothing (the event is lost, as on the chip).
 * - Background activity: Poisson noise events of random polarity at `noiseHz` per pixel, plus a few
 *   hot pixels firing at `hotHz`.
 */
import { Rng } from '../rng';

export interface DvsParams {
  width: number;
  height: number;
  /** Mean contrast threshold in log-intensity units (default 0.25). */
  threshold?: number;
  /** Standard deviation of the per-pixel threshold (default 0.03). */
  thresholdSigma?: number;
  /** Refractory period in µs (default 500). */
  refractoryUs?: number;
  /** Background activity per pixel in Hz (default 0.05). */
  noiseHz?: number;
  /** Number of hot pixels (default 2) and their rate in Hz (default 40). */
  hotPixels?: number;
  hotHz?: number;
}

/** Events collected by the model, in emission order (sorted by `sortEvents`). */
export interface RawEvents { x: number[]; y: number[]; t: number[]; p: number[] }

/** The fixed pattern of one simulated sensor: thresholds and hot pixels. Same seed → same sensor. */
export class DvsSensor {
  readonly width: number;
  readonly height: number;
  readonly cOn: Float32Array;
  readonly cOff: Float32Array;
  readonly hot: number[];
  readonly refractoryUs: number;
  readonly noiseHz: number;
  readonly hotHz: number;

  constructor(p: DvsParams, seed: number) {
    const rng = new Rng(seed);
    this.width = p.width;
    this.height = p.height;
    const n = p.width * p.height;
    const c = p.threshold ?? 0.25;
    const sd = p.thresholdSigma ?? 0.03;
    this.cOn = new Float32Array(n);
    this.cOff = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      this.cOn[k] = Math.max(0.05, c + sd * rng.normal());
      this.cOff[k] = Math.max(0.05, c + sd * rng.normal());
    }
    this.hot = Array.from({ length: p.hotPixels ?? 2 }, () => rng.int(n));
    this.refractoryUs = p.refractoryUs ?? 500;
    this.noiseHz = p.noiseHz ?? 0.05;
    this.hotHz = p.hotHz ?? 40;
  }
}

/** State of one recording on a sensor: reference and current log intensity, last event time per pixel. */
export class DvsRecording {
  readonly ref: Float32Array;
  readonly cur: Float32Array;
  readonly last: Float64Array;
  readonly out: RawEvents = { x: [], y: [], t: [], p: [] };

  constructor(readonly sensor: DvsSensor, initial: Float32Array) {
    this.ref = Float32Array.from(initial);
    this.cur = Float32Array.from(initial);
    this.last = new Float64Array(initial.length).fill(-Infinity);
  }

  /**
   * Moves pixel k from its current log intensity to `next` over the step `[t0, t0 + dt)` µs and emits
   * the threshold crossings.
   */
  update(k: number, next: number, t0: number, dt: number): void {
    const prev = this.cur[k];
    this.cur[k] = next;
    const s = this.sensor;
    let ref = this.ref[k];
    const slope = next - prev;
    if (slope === 0) return;
    const on = next > ref;
    const c = on ? s.cOn[k] : s.cOff[k];
    while (on ? next - ref >= c : ref - next >= c) {
      ref += on ? c : -c;
      const f = (ref - prev) / slope;
      const t = Math.floor(t0 + Math.min(1, Math.max(0, f)) * dt);
      if (t - this.last[k] >= s.refractoryUs) {
        this.last[k] = t;
        const x = k % s.width;
        this.out.x.push(x);
        this.out.y.push((k - x) / s.width);
        this.out.t.push(t);
        this.out.p.push(on ? 1 : 0);
      }
    }
    this.ref[k] = ref;
  }

  /** Adds background noise and hot-pixel events over `[0, durationUs)`. */
  addNoise(durationUs: number, rng: Rng): void {
    const s = this.sensor;
    const n = s.width * s.height;
    const noise = poisson(rng, (s.noiseHz * n * durationUs) / 1e6);
    const push = (k: number, t: number): void => {
      const x = k % s.width;
      this.out.x.push(x); this.out.y.push((k - x) / s.width); this.out.t.push(t); this.out.p.push(rng.int(2));
    };
    for (let i = 0; i < noise; i++) push(rng.int(n), rng.int(durationUs));
    for (const k of s.hot) {
      const m = poisson(rng, (s.hotHz * durationUs) / 1e6);
      for (let i = 0; i < m; i++) push(k, rng.int(durationUs));
    }
  }

  /** The events sorted by time (stable), as typed arrays. */
  sorted(): { x: Uint16Array; y: Uint16Array; t: Float64Array; p: Uint8Array } {
    const { x, y, t, p } = this.out;
    const n = t.length;
    // Sort keys t·2^22 + index: exact in float64 for t < 2^31 µs, and ties keep emission order.
    if (n >= 1 << 22) throw new RangeError(`too many events in one recording: ${n}`);
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = t[i] * 4194304 + i;
    keys.sort();
    const out = { x: new Uint16Array(n), y: new Uint16Array(n), t: new Float64Array(n), p: new Uint8Array(n) };
    for (let k = 0; k < n; k++) {
      const i = keys[k] % 4194304;
      out.x[k] = x[i]; out.y[k] = y[i]; out.t[k] = t[i]; out.p[k] = p[i];
    }
    return out;
  }
}

/** Poisson sample (Knuth for small means, normal approximation above 50). */
export function poisson(rng: Rng, mean: number): number {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const l = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > l) { k++; p *= rng.next(); }
  return k;
}
