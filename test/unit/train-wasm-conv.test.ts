// The SIMD convolution kernels (src/core/train/kernels): the committed binary against its source, and the
// module's safety in the backend's memory (no data of its own to put there).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { compileConvKernels } from '../../src/core/train/kernels/compile';
import { CONV_WASM_BASE64 } from '../../src/core/train/kernels/conv-wasm';

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
