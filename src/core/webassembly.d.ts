/**
 * The part of the WebAssembly JS API the core's kernels use. TypeScript declares it only in its DOM library,
 * which the Node targets leave out (src/tsconfig.json) so that browser globals do not type-check there;
 * Node has the same API. The shapes follow lib.dom.d.ts.
 */
declare namespace WebAssembly {
  type BufferSource = ArrayBufferView | ArrayBuffer;
  interface MemoryDescriptor { initial: number; maximum?: number; shared?: boolean }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: BufferSource);
  }
  type ExportValue = ((...args: never[]) => unknown) | Memory;
  type Exports = Record<string, ExportValue>;
  type ImportValue = ExportValue | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  class Instance {
    constructor(module: Module, importObject?: Imports);
    readonly exports: Exports;
  }
  function validate(bytes: BufferSource): boolean;
}
