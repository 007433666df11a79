// The SIMD convolution kernels (src/core/train/kernels): each against the cpu backend's own Conv2D /
// Conv2DBackpropFilter / Conv2DBackpropInput on random shapes and against a hand-computed case; the
// committed binary against its source; the module's safety in the backend's memory (no data of its own, a
// memory that grows during the kernel); the wiring into tf.conv2d and its gradient; and a whole training step
// of the MNIST-DVS net with and without the kernels.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '../../src/core/train/backend';
import { compileConvKernels } from '../../src/io/train/kernels/compile';
import { CONV_WASM_BASE64 } from '../../src/core/train/kernels/conv-wasm';
import { conv2dWasm, filterGradWasm, inputGradWasm, ownForward, useWasmConvKernels, wasmConvReady } from '../../src/core/train/kernels/wasm-conv';
import { parseModel } from '../../src/core/model/parse';
import { buildNet } from '../../src/core/train/net';
import { lossParts } from '../../src/core/train/loss';
import { cpuKernel } from './cpu-kernel';
import { relDiff, repoRoot } from './helpers';

type Pad = 'valid' | 'same' | number;
type Shape4 = [number, number, number, number];

/** Float32 sums in another order than the reference's differ by rounding: ~1e-7 seen, 1e-5 allowed. */
const TOL = 1e-5;

interface Case { B: number; H: number; W: number; C: number; N: number; k: number; s: number; pad: Pad }

/** Random shapes from a fixed seed: batch 1–5, sizes 5–20 (odd ones too), the brief's channel counts. */
function randomCases(n: number): Case[] {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const out: Case[] = [];
  while (out.length < n) {
    const c: Case = {
      B: 1 + Math.floor(rnd() * 5), H: 5 + Math.floor(rnd() * 16), W: 5 + Math.floor(rnd() * 16),
      C: pick([1, 3, 8, 12, 17]), N: pick([1, 3, 8, 12, 17]), k: pick([1, 3, 3, 3, 5]), s: pick([1, 2]), pad: pick<Pad>([0, 0, 1, 1, 'same']),
    };
    if (typeof c.pad === 'number' && (c.H + 2 * c.pad < c.k || c.W + 2 * c.pad < c.k)) continue;
    out.push(c);
  }
  return out;
}

const FIXED: (Case & { why: string })[] = [
  { B: 2, H: 10, W: 10, C: 3, N: 8, k: 3, s: 2, pad: 0, why: 'stride 2, valid: floor mode leaves the last row and column unused' },
  { B: 1, H: 11, W: 8, C: 8, N: 12, k: 3, s: 2, pad: 1, why: 'stride 2, padding 1, odd height' },
  { B: 3, H: 9, W: 13, C: 16, N: 16, k: 3, s: 1, pad: 1, why: '16 channels: the 4-vector tiles' },
  { B: 2, H: 7, W: 7, C: 33, N: 33, k: 3, s: 2, pad: 1, why: '33 channels: 4 + 4 + 1 vectors, one lane in the last' },
  { B: 2, H: 6, W: 20, C: 5, N: 20, k: 1, s: 2, pad: 0, why: '1×1, stride 2: input rows and columns no output reads' },
  { B: 1, H: 5, W: 5, C: 12, N: 3, k: 5, s: 1, pad: 0, why: 'the kernel as large as the input: one output' },
];

function label(c: Case): string {
  return `x [${c.B},${c.H},${c.W},${c.C}], ${c.k}×${c.k}×${c.C}→${c.N}, stride ${c.s}, pad ${c.pad}`;
}

describe('SIMD convolution kernels (wasm backend)', () => {
  before(async () => {
    await selectBackend('wasm');
    assert.ok(wasmConvReady(), 'this machine runs wasm SIMD: the kernels must be available');
  });

  it('read and write the tensors correctly when an allocation in the kernel grows the memory', () => {
    // A 1×1 conv with stride 4: dx is 16× the size of dy, big enough that allocating it grows the memory.
    // dx is dy·w at rows and columns ≡ 0 (mod 4) and 0 elsewhere.
    const memory = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } }).wasm.asm.memory;
    const before = memory.buffer.byteLength;
    const side = Math.ceil(Math.sqrt(before / 4 / 2)); // dx: 2 channels, side² floats ≥ before/8 …
    const h = Math.ceil(side / 4) * 2; // … × 16 / 4 ≥ 2× the memory
    const dy = tf.randomNormal([1, h, h, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const w = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]);
    const dx = inputGradWasm([1, 4 * h, 4 * h, 2], dy, w, 4, 'valid');
    assert.ok(memory.buffer.byteLength > before, 'the memory grew');
    const d = dy.dataSync(), got = dx.dataSync();
    for (const [y, x] of [[0, 0], [1, 2], [h - 1, h - 1], [h >> 1, 3]]) {
      const o = ((4 * y) * 4 * h + 4 * x) * 2, i = (y * h + x) * 3;
      assert.ok(Math.abs(got[o] - (d[i] + 2 * d[i + 1] + 3 * d[i + 2])) < 1e-5);
      assert.ok(Math.abs(got[o + 1] - (4 * d[i] + 5 * d[i + 1] + 6 * d[i + 2])) < 1e-5);
      assert.equal(got[o + 2], 0); // the next column: no output reads it
    }
    tf.dispose([dy, w, dx]);
  });

  it('a hand-computed 3×3 case: forward, filter and input gradients', () => {
    // x = [1 2 3; 4 5 6; 7 8 9], w = [1 2; 3 4], valid, stride 1, dy = [1 0; 0 2].
    // y[0,0] = 1·1 + 2·2 + 4·3 + 5·4 = 37, y[0,1] = 2 + 6 + 15 + 24 = 47, y[1,0] = 4 + 10 + 21 + 32 = 67, y[1,1] = 77.
    // dW[i,j] = x[i,j]·1 + x[i+1,j+1]·2: 1 + 10 = 11, 2 + 12 = 14, 4 + 16 = 20, 5 + 18 = 23.
    // dx: w at the top left (dy 1) plus 2w at the bottom right (dy 2): [1 2 0; 3 4+2 4; 0 6 8].
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const w = tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]);
    const dy = tf.tensor4d([1, 0, 0, 2], [1, 2, 2, 1]);
    assert.deepEqual([...conv2dWasm(x, w, 1, 'valid').dataSync()], [37, 47, 67, 77]);
    assert.deepEqual([...filterGradWasm(x, dy, [2, 2, 1, 1], 1, 'valid').dataSync()], [11, 14, 20, 23]);
    assert.deepEqual([...inputGradWasm([1, 3, 3, 1], dy, w, 1, 'valid').dataSync()], [1, 2, 0, 3, 6, 4, 0, 6, 8]);
  });

  for (const c of [...FIXED, ...randomCases(36)]) {
    const why = 'why' in c ? ` (${c.why})` : '';
    it(`${label(c)}${why}: all three equal the cpu kernels (rel. diff ≤ ${TOL})`, () => {
      const x = tf.randomNormal([c.B, c.H, c.W, c.C], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([c.k, c.k, c.C, c.N], 0, 1, 'float32', 2) as tf.Tensor4D;
      const attrs = { strides: [c.s, c.s], pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] };
      const y = conv2dWasm(x, w, c.s, c.pad);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
      const dw = filterGradWasm(x, dy, w.shape, c.s, c.pad);
      const dx = inputGradWasm(x.shape, dy, w, c.s, c.pad);
      assert.deepEqual(dw.shape, w.shape);
      assert.deepEqual(dx.shape, x.shape);
      const ry = cpuKernel('Conv2D', { x, filter: w }, attrs);
      const rdw = cpuKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape });
      const rdx = cpuKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape });
      const e = [relDiff(y.dataSync(), ry), relDiff(dw.dataSync(), rdw), relDiff(dx.dataSync(), rdx)];
      assert.ok(Math.max(...e) <= TOL, `rel. diff forward ${e[0]}, filter gradient ${e[1]}, input gradient ${e[2]}`);
      tf.dispose([x, w, y, dy, dw, dx]);
    });
  }

  it('tf.conv2d runs the kernel where ownForward says so, and the Conv2D gradient calls both gradient kernels', async () => {
    const x = tf.randomNormal([2, 9, 9, 8], 0, 1, 'float32', 4) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 8, 12], 0, 1, 'float32', 5) as tf.Tensor4D;
    // Bit-identical to the kernel called by name; XNNPACK sums in another order.
    assert.deepEqual(tf.conv2d(x, w, 1, 'valid').dataSync(), conv2dWasm(x, w, 1, 'valid').dataSync());
    const kernels = async () => (await tf.profile(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'valid')))([x, w]))).kernelNames;
    const on = await kernels();
    assert.ok(on.includes('SynopsConv2DBackpropFilter') && on.includes('SynopsConv2DBackpropInput'), on.join(' '));
    useWasmConvKernels(false);
    try {
      const off = await kernels();
      assert.ok(!off.some((k) => k.startsWith('Synops')), `off: the gradients as convolutions (${off.join(' ')})`);
    } finally {
      useWasmConvKernels(true);
    }
    // The 192 → 192 stride-2 layer stays with XNNPACK (measured faster there); the MNIST-DVS layers do not.
    const info = (xs: Shape4, fs: Shape4, s: number) => tf.backend_util.computeConv2DInfo(xs, fs, [s, s], 1, 1);
    assert.equal(ownForward(info([32, 16, 16, 192], [3, 3, 192, 192], 2)), false);
    assert.equal(ownForward(info([32, 64, 64, 1], [3, 3, 1, 8], 1)), true);
    tf.dispose([x, w]);
  });

  it('a training step of the MNIST-DVS net gives the same gradients with and without the kernels', () => {
    // ReLU rather than QReLU: its floor would turn rounding differences of the forward pass into steps.
    const model = parseModel(readFileSync(join(repoRoot, 'templates', 'mnist-dvs.snn.json'), 'utf8'), 'mnist-dvs.snn.json').model!;
    const net = buildNet(model, 1);
    const x = tf.floor(tf.mul(tf.randomUniform([8, 64, 64, 1], 0, 1, 'float32', 6), 2.2)) as tf.Tensor4D;
    const labels = tf.tensor1d(Int32Array.from({ length: 8 }, (_, i) => i % 10), 'int32');
    const grads = () => tf.variableGrads(() => lossParts(net, x, labels, { training: true, dropoutSeed: 1, activation: 'relu' },
      { objective: { kind: 'target', target: 1e4 } }).total, [...net.vars.values()]);
    const on = grads();
    useWasmConvKernels(false);
    let off: ReturnType<typeof grads>;
    try {
      off = grads();
    } finally {
      useWasmConvKernels(true);
    }
    assert.ok(Math.abs(on.value.dataSync()[0] - off.value.dataSync()[0]) <= 1e-5 * Math.abs(off.value.dataSync()[0]));
    for (const name of Object.keys(off.grads)) {
      const e = relDiff(on.grads[name].dataSync(), off.grads[name].dataSync());
      assert.ok(e <= 1e-4, `${name}: rel. diff ${e}`);
    }
    assert.ok(Object.keys(off.grads).some((n) => on.grads[n].shape.length === 4), 'conv kernels are among the variables');
    tf.dispose([x, labels, on.value, off.value, ...Object.values(on.grads), ...Object.values(off.grads)]);
  });
});

describe('SIMD convolution kernels: the binary', () => {
  const bytes = Buffer.from(CONV_WASM_BASE64, 'base64');

  it('conv-wasm.ts is what conv.as compiles to (run npm run build:kernels after editing conv.as)', async () => {
    const fresh = await compileConvKernels();
    assert.ok(Buffer.from(fresh).equals(bytes), `conv-wasm.ts holds ${bytes.length} bytes, conv.as compiles to ${fresh.length} different ones`);
  });

  it('imports only the memory and has no data, globals or start function of its own to put into it', () => {
    const mod = new WebAssembly.Module(bytes);
    assert.deepEqual(WebAssembly.Module.imports(mod), [{ module: 'env', name: 'memory', kind: 'memory' }]);
    const sections: number[] = [];
    for (let p = 8; p < bytes.length;) {
      const id = bytes[p++];
      let size = 0, shift = 0, b: number;
      do { b = bytes[p++]; size |= (b & 127) << shift; shift += 7; } while (b & 128);
      sections.push(id);
      p += size;
    }
    // 6 global, 8 start, 11 data, 12 data count.
    assert.deepEqual(sections.filter((id) => [6, 8, 11, 12].includes(id)), []);
  });
});
