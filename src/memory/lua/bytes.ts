/** A growable byte buffer for building Lua strings (cjson.encode) without UTF-8 round trips. */
import { Buffer } from "node:buffer";
export class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  /** Appends an ASCII string. */
  ascii(s: string): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.length++] = s.charCodeAt(i);
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  result(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** A zero-copy Buffer view of a Lua string (fengari never mutates a string's bytes). */
export function asBuffer(s: Uint8Array): Buffer {
  return Buffer.from(s.buffer, s.byteOffset, s.byteLength);
}
