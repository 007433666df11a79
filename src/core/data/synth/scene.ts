/**
 * The virtual screen: an MNIST digit (28×28, grey levels in [0, 1]) drawn white on a dark background,
 * scaled to `28·scale/8` sensor pixels (MNIST-DVS scales 4, 8, 16 → 14, 28, 56 px) and moved along a
 * smooth path: the sum of two sinusoids per axis with random frequencies (0.5–2 Hz) and phases, the
 * amplitude chosen so the digit stays on the 128×128 screen.
 */
import { Rng } from '../rng';

/** Screen intensity of the background and of a full-white digit pixel (arbitrary units). */
export const BACKGROUND = 0.05;
export const FOREGROUND = 1;

/** Sensor pixels per digit pixel at an MNIST-DVS scale. */
export const pixelsPerDigitPixel = (scale: number): number => scale / 8;

export interface Path {
  /** Digit centre at time `tUs` (µs), in sensor pixels. */
  at(tUs: number): [number, number];
}

/** A smooth random path around the screen centre. */
export function randomPath(rng: Rng, screen: number, digitPx: number, speedPxPerS: number): Path {
  const room = Math.max(2, (screen - digitPx) / 2 - 2);
  const amp = Math.min(room, speedPxPerS / (2 * Math.PI * 1.2)) / 2;
  const comp = Array.from({ length: 4 }, () => ({ f: 0.5 + 1.5 * rng.next(), ph: 2 * Math.PI * rng.next(), a: amp * (0.6 + 0.8 * rng.next()) }));
  const c = screen / 2;
  return {
    at(tUs: number): [number, number] {
      const s = tUs / 1e6;
      const w = (k: number): number => comp[k].a * Math.sin(2 * Math.PI * comp[k].f * s + comp[k].ph);
      return [c + w(0) + w(1), c + w(2) + w(3)];
    },
  };
}

/** Side of a padded digit image: 28 pixels plus a 1-pixel border on each side. */
export const PADDED = 30;

/**
 * The log screen intensity of a digit, `[30, 30]` row-major with a background border, so sampling needs
 * no bounds checks: `log(BACKGROUND + (FOREGROUND − BACKGROUND)·g)` for grey level g in [0, 1].
 */
export function logDigit(img: ArrayLike<number>): Float32Array {
  const out = new Float32Array(PADDED * PADDED).fill(Math.log(BACKGROUND));
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) out[(y + 1) * PADDED + x + 1] = Math.log(BACKGROUND + (FOREGROUND - BACKGROUND) * img[y * 28 + x]);
  }
  return out;
}

/**
 * Log intensity at digit coordinates (u, v) in digit pixels (pixel centres at integers), bilinear
 * in the log domain, background outside the digit.
 */
export function sampleLog(L: Float32Array, u: number, v: number, background: number): number {
  if (!(u > -1 && v > -1 && u < 28 && v < 28)) return background;
  const x0 = Math.floor(u);
  const y0 = Math.floor(v);
  const fx = u - x0;
  const fy = v - y0;
  const k = (y0 + 1) * PADDED + x0 + 1;
  return (L[k] * (1 - fx) + L[k + 1] * fx) * (1 - fy) + (L[k + PADDED] * (1 - fx) + L[k + PADDED + 1] * fx) * fy;
}
