import { kernelSize, type Conv2dLayer, type LinearLayer, type PoolLayer } from '../model/types';
import { numel, type LayerStats } from '../model/shapes';
import type { LayerWeights } from './weights';
import { sparse, toSparse, touched, type Signal, type Sparse, type Touched } from './sparse';

/** A stateless op of the event-driven engine: maps this step's input signal to its output signal. */
export interface EventOp {
  apply(s: Signal): Signal;
}

/** Flatten and dropout: the identity on row-major indices. */
export const IDENTITY_OP: EventOp = { apply: (s) => s };

/**
 * Convolution as a scatter: each non-zero input `(c, y, x)` with value `a` adds `a · W[o, c, ky, kx]` to
 * output `(o, oy, ox)` for every tap with `oy·s − p + ky = y` (and alike for x), so the work is
 * `Σ inputs · fan-out` multiply-adds — the SynOps — instead of the dense MACs. Weights are kept as float64
 * copies of the float32 values in `[c][ky][kx][o]` order so the inner loop over output channels is
 * contiguous. A bias is added to every output position after the scatter (every neuron then gets input).
 */
export class ConvScatter implements EventOp {
  private readonly w: Float64Array;
  private readonly bias?: Float64Array;
  private readonly out: Touched;
  private readonly scratch: Sparse;
  private readonly c: number; private readonly h: number; private readonly wd: number;
  private readonly oc: number; private readonly oh: number; private readonly ow: number;
  private readonly kh: number; private readonly kw: number; private readonly s: number; private readonly p: number;

  constructor(layer: Conv2dLayer, st: LayerStats, weights: LayerWeights) {
    [this.c, this.h, this.wd] = st.inShape;
    [this.oc, this.oh, this.ow] = st.outShape;
    [this.kh, this.kw] = kernelSize(layer);
    this.s = layer.stride ?? 1;
    this.p = layer.padding ?? 0;
    const { c, oc, kh, kw } = this;
    this.w = new Float64Array(oc * c * kh * kw);
    for (let o = 0; o < oc; o++) for (let ci = 0; ci < c; ci++) for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
      this.w[((ci * kh + a) * kw + b) * oc + o] = weights.weight[((o * c + ci) * kh + a) * kw + b];
    }
    if (weights.bias) this.bias = Float64Array.from(weights.bias);
    this.out = touched(oc, this.oh * this.ow);
    this.scratch = sparse(numel(st.inShape));
  }

  apply(sig: Signal): Signal {
    const s = sig.kind === 'sparse' ? sig : toSparse(sig, this.scratch);
    const { w, out, h, wd, oc, oh, ow, kh, kw, p } = this;
    const stride = this.s;
    const { buf, pos, mark } = out;
    const hw = h * wd;
    for (let k = 0; k < s.n; k++) {
      const i = s.idx[k];
      const a = s.val[k];
      const ci = (i / hw) | 0;
      const r = i - ci * hw;
      const y = (r / wd) | 0;
      const x = r - y * wd;
      for (let ky = 0; ky < kh; ky++) {
        const ny = y + p - ky;
        if (ny < 0 || ny % stride !== 0) continue;
        const oy = ny / stride;
        if (oy >= oh) continue;
        for (let kx = 0; kx < kw; kx++) {
          const nx = x + p - kx;
          if (nx < 0 || nx % stride !== 0) continue;
          const ox = nx / stride;
          if (ox >= ow) continue;
          const q = oy * ow + ox;
          if (mark[q] === 0) { mark[q] = 1; pos[out.n++] = q; }
          let b = q * oc;
          let wb = ((ci * kh + ky) * kw + kx) * oc;
          const end = b + oc;
          while (b < end) buf[b++] += a * w[wb++];
        }
      }
    }
    if (this.bias) addBias(out, this.bias);
    return out;
  }
}

/** Adds `bias[o]` to every position (all become touched): bias current reaches every neuron at every step. */
function addBias(out: Touched, bias: Float64Array): void {
  const { buf, pos, mark, C, P } = out;
  for (let q = 0; q < P; q++) {
    if (mark[q] === 0) { mark[q] = 1; pos[out.n++] = q; }
    for (let o = 0; o < C; o++) buf[q * C + o] += bias[o];
  }
}

/** Linear layer as a scatter: input `i` with value `a` adds `a · W[o, i]` to every output `o`. */
export class LinearScatter implements EventOp {
  private readonly w: Float64Array;
  private readonly bias?: Float64Array;
  private readonly out: Touched;
  private readonly scratch: Sparse;
  private readonly nIn: number; private readonly nOut: number;

  constructor(layer: LinearLayer, st: LayerStats, weights: LayerWeights) {
    this.nIn = st.inShape[0];
    this.nOut = layer.outFeatures;
    this.w = new Float64Array(this.nIn * this.nOut);
    for (let o = 0; o < this.nOut; o++) for (let i = 0; i < this.nIn; i++) this.w[i * this.nOut + o] = weights.weight[o * this.nIn + i];
    if (weights.bias) this.bias = Float64Array.from(weights.bias);
    this.out = touched(this.nOut, 1);
    this.scratch = sparse(this.nIn);
  }

  apply(sig: Signal): Signal {
    const s = sig.kind === 'sparse' ? sig : toSparse(sig, this.scratch);
    const { w, out, nOut } = this;
    if (s.n > 0 && out.mark[0] === 0) { out.mark[0] = 1; out.pos[out.n++] = 0; }
    for (let k = 0; k < s.n; k++) {
      const a = s.val[k];
      let wb = s.idx[k] * nOut;
      for (let o = 0; o < nOut; o++) out.buf[o] += a * w[wb++];
    }
    if (this.bias) addBias(out, this.bias);
    return out;
  }
}

/**
 * Average or sum pooling (floor mode) as a scatter: input `(c, y, x)` adds its value to every window that
 * holds it (none if the floor mode drops its row or column); an average divides each window's sum by
 * `k²` afterwards, as PyTorch's `avg_pool2d` does, so a pooled spike is worth exactly `1/k²`.
 */
export class PoolScatter implements EventOp {
  private readonly acc: Float64Array;
  private readonly mark: Uint8Array;
  private readonly out: Sparse;
  private readonly scratch: Sparse;
  private readonly c: number; private readonly h: number; private readonly w: number;
  private readonly oh: number; private readonly ow: number; private readonly k: number; private readonly s: number;
  private readonly avg: boolean;

  constructor(layer: PoolLayer, st: LayerStats) {
    [this.c, this.h, this.w] = st.inShape;
    [, this.oh, this.ow] = st.outShape;
    this.k = layer.kernel;
    this.s = layer.stride ?? layer.kernel;
    this.avg = layer.type === 'avgpool';
    const n = numel(st.outShape);
    this.acc = new Float64Array(n);
    this.mark = new Uint8Array(n);
    this.out = sparse(n);
    this.scratch = sparse(numel(st.inShape));
  }

  apply(sig: Signal): Signal {
    const s = sig.kind === 'sparse' ? sig : toSparse(sig, this.scratch);
    const { acc, mark, out, h, w, oh, ow, k } = this;
    const stride = this.s;
    const hw = h * w;
    out.n = 0;
    for (let e = 0; e < s.n; e++) {
      const i = s.idx[e];
      const a = s.val[e];
      const ci = (i / hw) | 0;
      const r = i - ci * hw;
      const y = (r / w) | 0;
      const x = r - y * w;
      const y0 = Math.max(0, Math.ceil((y - k + 1) / stride));
      const y1 = Math.min(oh - 1, Math.floor(y / stride));
      const x0 = Math.max(0, Math.ceil((x - k + 1) / stride));
      const x1 = Math.min(ow - 1, Math.floor(x / stride));
      for (let oy = y0; oy <= y1; oy++) {
        for (let ox = x0; ox <= x1; ox++) {
          const j = (ci * oh + oy) * ow + ox;
          if (mark[j] === 0) { mark[j] = 1; out.idx[out.n++] = j; }
          acc[j] += a;
        }
      }
    }
    const div = this.avg ? k * k : 1;
    for (let e = 0; e < out.n; e++) {
      const j = out.idx[e];
      out.val[e] = acc[j] / div;
      acc[j] = 0;
      mark[j] = 0;
    }
    return out;
  }
}
