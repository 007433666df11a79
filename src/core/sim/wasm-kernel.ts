/**
 * The hot loops of the event-driven engine as a small WebAssembly module with 128-bit SIMD, assembled here
 * from its opcodes so that no build step or binary file is needed. All offsets are in bytes into one memory
 * (the engine's `Arena`, `event-signals.ts`).
 *
 * - `axpy(list, n, vecBytes, odd)`: `n` tap records of 16 bytes at `list` (`i32 bufOffset, i32
 *   weightOffset, f64 a`), each doing `buf[o] += a · w[o]` over one row of `C` float64 values
 *   (`vecBytes = ⌊C/2⌋·16`, `odd = C mod 2`).
 * - `scatter(...)`: a conv's scatter that makes those records itself from its inputs and tap tables.
 * - `gather(...)`: a conv's gather, one output row at a time in registers, in float32.
 * - `iaf(...)`: a spiking layer's integration `v += I` over touched rows; returns the neurons that fire.
 * - `gatherIaf(...)`: `gather`, then `iaf` on each row as soon as it is summed (one pass over the rows).
 * - `bucket(...)`: a gather's inputs bucketed by position (`ConvOp.bucketRuns`), channels-last inputs.
 * - `zero(at, bytes)`: zeroes memory (`memory.fill`).
 *
 * Precision. `axpy`, `scatter` and `iaf` work on two float64 lanes; `gather` on four float32 lanes: it sums
 * each output value's terms in float32 (the precision of Sinabs' and tfjs' convolutions, twice the lanes of
 * float64) and adds the widened sum to the float64 row. Each lane computes exactly what the plain loops the
 * engine falls back to compute (IEEE multiply, then add, in the same order; `1·w` is `w`; widening is
 * exact; `Math.fround` after each float32 operation), so kernel and loops give the same bits.
 * `isWasmSimdAvailable()` reports whether the runtime accepts the module (no WebAssembly, no SIMD, or a
 * content security policy that forbids compiling it: plain loops).
 */
import { uleb, str, section, vec, I32, F64 } from './wasm-encode';
import { iafBody, iafGroupsBody } from './wasm-iaf';
import { gatherBody, gatherIafBody } from './wasm-gather';
import { axpyBody, scatterBody } from './wasm-scatter';
import { bucketBody } from './wasm-bucket';

/**
 * The module's bytes: imports memory `env.mem` (shared, at most 65536 pages, when `shared`: the memory of
 * `wasm-threads.ts`' helper threads), exports `axpy`, `iaf`, `gather`, `scatter` and `gatherIaf`.
 */
function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  // Functions 0–4, 6 and 7 are exported; 5 (`iafGroups`) is called by `gatherIaf` only. `zero(at, bytes)`
  // is `memory.fill` with 0 (a typed array's fill on shared memory is about 25 times slower in Node 20).
  const zeroBody = [0x00, 0x20, 0, 0x41, 0, 0x20, 1, 0xfc, 11, 0x00, 0x0b];
  const bodies = [axpyBody(), iafBody(), gatherBody(), scatterBody(), gatherIafBody(2, 5), iafGroupsBody(), bucketBody(), zeroBody];
  const limits = shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([
      [0x60, ...vec([[I32], [I32], [I32], [I32]]), ...vec([])],
      [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [F64], [F64], [I32], [I32]]), ...vec([[I32]])],
      [0x60, ...vec([[I32], [I32], [I32]]), ...vec([])],
      [0x60, ...vec(Array.from({ length: 15 }, () => [I32])), ...vec([[I32]])],
      [0x60, ...vec([[I32], [I32]]), ...vec([])],
      [0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [F64], [F64], [I32], [I32], [I32]]), ...vec([[I32]])],
    ])),
    ...section(2, vec([[...str('env'), ...str('mem'), 0x02, ...limits]])),
    ...section(3, vec([uleb(0), uleb(5), uleb(2), uleb(3), uleb(1), uleb(1), uleb(3), uleb(4)])),
    ...section(7, vec([[...str('axpy'), 0x00, ...uleb(0)], [...str('iaf'), 0x00, ...uleb(1)], [...str('gather'), 0x00, ...uleb(2)], [...str('scatter'), 0x00, ...uleb(3)], [...str('gatherIaf'), 0x00, ...uleb(4)], [...str('bucket'), 0x00, ...uleb(6)], [...str('zero'), 0x00, ...uleb(7)]])),
    ...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  ];
  return Uint8Array.from(bytes);
}

const compiled: { plain?: WebAssembly.Module | null; shared?: WebAssembly.Module | null } = {};

/** The compiled module (over a plain or a shared memory), or null where WebAssembly SIMD (or shared memory) is missing. */
export function kernelModule(shared = false): WebAssembly.Module | null {
  const key = shared ? 'shared' : 'plain';
  const known = compiled[key];
  if (known !== undefined) return known;
  let mod: WebAssembly.Module | null = null;
  try {
    const bytes = moduleBytes(shared);
    if (typeof WebAssembly !== 'undefined' && WebAssembly.validate(bytes)) {
      mod = new WebAssembly.Module(bytes);
      // A shared module is only useful if this runtime can also make the memory (SharedArrayBuffer).
      if (shared) new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    }
  } catch {
    mod = null;
  }
  compiled[key] = mod;
  return mod;
}

/** Whether the SIMD kernel can run here (WebAssembly with 128-bit SIMD). */
export function isWasmSimdAvailable(): boolean {
  return kernelModule() !== null;
}

/** An instance of the kernel over its own memory of `bytes` bytes (rounded up to 64 KiB pages). */
export interface SimKernel {
  memory: WebAssembly.Memory;
  /** The compiled module the instance runs (helper threads instantiate it over the same shared memory). */
  module: WebAssembly.Module;
  axpy: (list: number, n: number, vecBytes: number, odd: number) => void;
  iaf: (pos: number, nPos: number, C: number, bufBase: number, vBase: number, th: number, m: number, mode: number, cand: number, mark: number) => number;
  gather: (groups: number, nGroups: number, rowBytes: number) => void;
  gatherIaf: (groups: number, nGroups: number, rowBytes: number, vShift: number, vBase: number, th: number, m: number, mode: number, cand: number) => number;
  scatter: (ent: number, n: number, cl: number, cin: number, hw: number, tapStart: number, tapQ: number, tapW: number,
    wBase: number, ciStride: number, bufBase: number, rowBytes: number, mark: number, pos: number, np: number) => number;
  bucket: (idx: number, val: number, n: number, cin: number, wBytes: number, ciBytes: number, e0: number, seen: number, inList: number, startOf: number,
    ones: number, cnt: number, xRow: number, xVal: number, stamp: number) => number;
  /** Zeroes `bytes` bytes from byte offset `at`. */
  zero: (at: number, bytes: number) => void;
}

/** The kernel over a new memory of `bytes` bytes; `shared`: a shared memory of fixed size. Null when unavailable. */
export function simKernel(bytes: number, shared = false): SimKernel | null {
  const mod = kernelModule(shared);
  if (!mod) return null;
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  const memory = shared ? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }) : new WebAssembly.Memory({ initial: pages });
  const inst = new WebAssembly.Instance(mod, { env: { mem: memory } });
  const ex = inst.exports;
  return { memory, module: mod, axpy: ex.axpy as SimKernel['axpy'], iaf: ex.iaf as SimKernel['iaf'], gather: ex.gather as SimKernel['gather'], gatherIaf: ex.gatherIaf as SimKernel['gatherIaf'], scatter: ex.scatter as SimKernel['scatter'], bucket: ex.bucket as SimKernel['bucket'], zero: ex.zero as SimKernel['zero'] };
}
