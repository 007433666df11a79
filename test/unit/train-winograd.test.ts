// The Winograd F(2×2, 3×3) kernels (src/core/train/kernels/winograd.as, run by wasm-conv.ts for 3×3, stride-1
// convolutions with ≥ 16 channels each way, multiples of 4): a hand-computed case, then forward, filter and input
// gradients against the cpu backend's kernels on random shapes, paddings (0–3, 'same') and odd sizes (tiles
// that stick out of the output), each checked to take the Winograd path.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '../../src/core/train/backend';
import { conv2dWasm, filterGradWasm, inputGradWasm, wasmConvReady, winogradFits } from '../../src/core/train/kernels/wasm-conv';
import { filterGradAsConv } from '../../src/core/train/conv-grad';
import { cpuKernel } from './cpu-kernel';
import { relDiff } from './helpers';

type Pad = 'valid' | 'same' | number;

/**
 * The transforms round differently from a direct float32 sum: 2e-7–8e-7 of the largest output seen (max abs
 * difference ÷ max |reference|), 1e-5 allowed (the direct kernels' bound).
 */
const TOL = 1e-5;

interface Case { B: number; H: number; W: number; C: number; N: number; pad: Pad; big?: true }

function randomCases(n: number): Case[] {
  let seed = 777;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const out: Case[] = [];
  while (out.length < n) {
    const c: Case = { B: 1 + Math.floor(rnd() * 3), H: 1 + Math.floor(rnd() * 13), W: 1 + Math.floor(rnd() * 13), C: pick([16, 20, 32, 48]), N: pick([16, 24, 32, 52]), pad: pick<Pad>([0, 1, 1, 2, 3, 'same']) };
    const p = c.pad === 'same' ? 1 : c.pad === 'valid' ? 0 : c.pad;
    if (c.H + 2 * p < 3 || c.W + 2 * p < 3) continue;
    out.push(c);
  }
  return out;
}

/**
 * The filter gradient on the cpu backend as one forward convolution with the batch as channels (conv-grad.ts,
 * checked against the cpu backend's Conv2DBackpropFilter in train-kernels.test.ts): that kernel takes 13–18 s on
 * the two All-ConvNet-sized cases, this ~0.5 s. Neither shares code with winograd.as or the wasm kernels.
 */
function cpuFilterGradAsConv(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], pad: Pad): Float32Array {
  const prev = tf.getBackend();
  tf.setBackend('cpu');
  const [xc, dyc] = [tf.tensor4d(x.dataSync(), x.shape), tf.tensor4d(dy.dataSync(), dy.shape)];
  const g = filterGradAsConv(xc, dyc, filterShape, 1, pad);
  const data = g.dataSync() as Float32Array;
  tf.dispose([xc, dyc, g]);
  tf.setBackend(prev);
  return data;
}

const geometry = (x: number[], w: number[], pad: Pad) => {
  const ci = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], w as [number, number, number, number], 1, 1, pad);
  return [x[0], x[1], x[2], x[3], ci.outHeight, ci.outWidth, w[3], 3, 3, 1, 1, ci.padInfo.top, ci.padInfo.left] as Parameters<typeof winogradFits>[0];
};

describe('Winograd F(2×2, 3×3) convolution kernels (wasm backend)', () => {
  before(async () => {
    await selectBackend('wasm');
    assert.ok(wasmConvReady(), 'this machine runs wasm SIMD: the kernels must be available');
  });

  it('take only 3×3, stride-1 convolutions with ≥ 16 channels each way, multiples of 4, C·N ≤ 2²⁰', () => {
    assert.equal(winogradFits(geometry([32, 16, 16, 192], [3, 3, 192, 192], 1)), true);
    assert.equal(winogradFits(geometry([32, 32, 32, 3], [3, 3, 3, 96], 1)), false); // 3 input channels
    assert.equal(winogradFits(geometry([32, 62, 62, 8], [3, 3, 8, 12], 0)), false); // the MNIST-DVS net's
    assert.equal(winogradFits(geometry([2, 8, 8, 18], [3, 3, 18, 16], 1)), false); // 18: not a multiple of 4
    assert.equal(winogradFits(geometry([1, 4, 4, 1024], [3, 3, 1024, 1024], 1)), true); // C·N = 2²⁰: 64 MB of transformed filter
    assert.equal(winogradFits(geometry([1, 4, 4, 1024], [3, 3, 1024, 1028], 1)), false); // more: the direct kernels' 9/16 of it
    const s2 = geometry([32, 16, 16, 192], [3, 3, 192, 192], 1);
    s2[9] = s2[10] = 2;
    assert.equal(winogradFits(s2), false);
  });

  it('a hand-computed case: x[r, c, 0] = 4r + c on a 4×4 input of 16 channels, ones on the filter taps 0 → 0, valid', () => {
    // y[oy, ox, 0] = Σ_{i,j} 4(oy + i) + (ox + j) = 9(4oy + ox) + 4·3·3 + 3·3 = 9(4oy + ox) + 45: 45, 54, 81, 90;
    // every other output channel 0.
    // dy = 1 at channel 0 of the 2×2 output: dw[i, j, 0, 0] = Σ_{oy,ox ∈ {0,1}} 4(oy + i) + ox + j = 10 + 16i + 4j.
    // dx[h, w, 0] = (windows over row h) · (over column w) = a[h]·a[w], a = [1, 2, 2, 1].
    const xv = new Float32Array(16 * 16), wv = new Float32Array(9 * 16 * 16), dyv = new Float32Array(4 * 16);
    for (let p = 0; p < 16; p++) xv[p * 16] = p;
    for (let t = 0; t < 9; t++) wv[t * 256] = 1;
    for (let p = 0; p < 4; p++) dyv[p * 16] = 1;
    const x = tf.tensor4d(xv, [1, 4, 4, 16]), w = tf.tensor4d(wv, [3, 3, 16, 16]), dy = tf.tensor4d(dyv, [1, 2, 2, 16]);
    assert.ok(winogradFits(geometry(x.shape, w.shape, 'valid')));
    const y = conv2dWasm(x, w, 1, 'valid').dataSync();
    assert.deepEqual([0, 1, 2, 3].map((p) => y[p * 16]), [45, 54, 81, 90]);
    assert.equal(Array.from(y).reduce((a, v, i) => a + (i % 16 ? Math.abs(v) : 0), 0), 0);
    const dw = filterGradWasm(x, dy, [3, 3, 16, 16], 1, 'valid').dataSync();
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.equal(dw[(i * 3 + j) * 256], 10 + 16 * i + 4 * j, `dw[${i}, ${j}, 0, 0]`);
    assert.equal(Array.from(dw).reduce((a, v, k) => a + (k % 256 ? Math.abs(v) : 0), 0), 0);
    const dx = inputGradWasm([1, 4, 4, 16], dy, w, 1, 'valid').dataSync();
    const a = [1, 2, 2, 1];
    for (let h = 0; h < 4; h++) for (let c = 0; c < 4; c++) assert.equal(dx[(h * 4 + c) * 16], a[h] * a[c], `dx[${h}, ${c}, 0]`);
    tf.dispose([x, w, dy]);
  });

  // The two All-ConvNet-sized cases are the only ones with several blocks of tiles (wgBlock: 42 and 20 tiles
  // forward, 84 and 42 in the filter gradient, for 256 and 50 tiles), a last block partly filled included.
  const cases: Case[] = [{ B: 4, H: 16, W: 16, C: 96, N: 96, pad: 1, big: true }, { B: 2, H: 9, W: 9, C: 192, N: 192, pad: 1, big: true }, ...randomCases(24)];
  for (const c of cases) {
    it(`x [${c.B},${c.H},${c.W},${c.C}], 3×3×${c.C}→${c.N}, pad ${c.pad}: forward and both gradients equal the cpu kernels (rel. diff ≤ ${TOL})`, () => {
      const x = tf.randomNormal([c.B, c.H, c.W, c.C], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, c.C, c.N], 0, 1, 'float32', 2) as tf.Tensor4D;
      assert.ok(winogradFits(geometry(x.shape, w.shape, c.pad)), 'takes the Winograd path');
      const attrs = { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] };
      const y = conv2dWasm(x, w, 1, c.pad);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
      const dw = filterGradWasm(x, dy, w.shape, 1, c.pad);
      const dx = inputGradWasm(x.shape, dy, w, 1, c.pad);
      const e = [
        relDiff(y.dataSync(), cpuKernel('Conv2D', { x, filter: w }, attrs)),
        relDiff(dw.dataSync(), c.big ? cpuFilterGradAsConv(x, dy, w.shape, c.pad) : cpuKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape })),
        relDiff(dx.dataSync(), cpuKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape })),
      ];
      assert.ok(Math.max(...e) <= TOL, `rel. diff forward ${e[0]}, filter gradient ${e[1]}, input gradient ${e[2]}`);
      tf.dispose([x, w, y, dy, dw, dx]);
    });
  }
});
