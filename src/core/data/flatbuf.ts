/**
 * Just enough of the FlatBuffers wire format to read AEDAT 4.0 headers and packets, with every offset
 * checked against the buffer so that a lying size fails with the position instead of reading garbage.
 * Offsets are byte positions inside `buf`; `fail` turns a problem into the caller's error type.
 */
export class FlatReader {
  constructor(readonly buf: Uint8Array, private readonly fail: (at: number, problem: string, expected: string) => never) {}

  private need(at: number, n: number, what: string): void {
    if (!(at >= 0 && at + n <= this.buf.length)) this.fail(at, `${what} at byte ${at} (+${n}) lies outside the ${this.buf.length}-byte buffer`, `a ${what} inside the buffer`);
  }

  u8(at: number): number { this.need(at, 1, 'byte'); return this.buf[at]; }
  u16(at: number): number { this.need(at, 2, 'uint16'); return this.buf[at] | (this.buf[at + 1] << 8); }
  i32(at: number): number { this.need(at, 4, 'int32'); const b = this.buf; return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24); }
  u32(at: number): number { return this.i32(at) >>> 0; }
  /** int64 as a number (exact up to 2^53). */
  i64(at: number): number { return this.u32(at) + this.i32(at + 4) * 2 ** 32; }

  /** Four ASCII characters at `at` (a file identifier). */
  ident(at: number): string { this.need(at, 4, 'identifier'); return String.fromCharCode(...this.buf.subarray(at, at + 4)); }

  /** Position of the root table of a buffer that starts at `base`. */
  root(base: number): number { return base + this.u32(base); }

  /** Position of field `index` of the table at `table`, or -1 when absent. */
  field(table: number, index: number): number {
    const vt = table - this.i32(table);
    const vtLen = this.u16(vt);
    if (vtLen < 4 || vtLen % 2) this.fail(vt, `vtable length ${vtLen}`, 'an even vtable length ≥ 4');
    const slot = 4 + 2 * index;
    if (slot + 2 > vtLen) return -1;
    const off = this.u16(vt + slot);
    return off ? table + off : -1;
  }

  /** Follows the offset stored at `at` (to a table, vector or string). */
  deref(at: number): number { return at + this.u32(at); }

  /** A vector of `elemBytes`-byte elements whose offset is stored at `at`: its first element and length. */
  vector(at: number, elemBytes: number): { start: number; length: number } {
    const v = this.deref(at);
    const length = this.u32(v);
    this.need(v + 4, length * elemBytes, `vector of ${length}×${elemBytes} bytes`);
    return { start: v + 4, length };
  }

  /** A UTF-8 string whose offset is stored at `at`. */
  string(at: number): string {
    const { start, length } = this.vector(at, 1);
    return new TextDecoder().decode(this.buf.subarray(start, start + length));
  }
}
