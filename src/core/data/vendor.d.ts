// Type declarations for the untyped npm packages this folder uses.

declare module 'lz4js' {
  /** Decodes one LZ4 block `src[sIndex .. sIndex + sLength)` into `dst` from `dIndex`; returns the new end. */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
  /** Encodes bytes as one LZ4 frame (used by tests to build fixtures). */
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
}

declare module 'mnist' {
  /** The images of one digit class: `raw` holds `length` images of 28×28 grey levels in [0, 1], row-major. */
  export interface MnistDigit {
    id: number;
    length: number;
    raw: number[];
  }
  const digits: MnistDigit[];
  export default digits;
}
