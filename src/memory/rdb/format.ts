/**
 * The parts of Redis's RDB format a DUMP payload uses: value type bytes, length encodings,
 * string encodings (integers, LZF), and the footer (RDB version 10, Redis 7.0's, then the
 * CRC-64 of everything before it).
 */
import { Buffer } from "node:buffer";
import { crc64 } from "./crc64";

export const RDB_VERSION = 10;

export const TYPE = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  SET_INTSET: 11,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
} as const;

/** Thrown by the reader on a malformed payload (RESTORE answers "Bad data format"). */
export class BadFormat extends Error {}

/** Appends RDB lengths, strings and doubles to a growing list of chunks. */
export class RdbWriter {
  private readonly chunks: Buffer[] = [];

  byte(b: number): void {
    this.chunks.push(Buffer.from([b]));
  }

  length(n: number): void {
    if (n < 64) this.byte(n);
    else if (n < 16384) this.chunks.push(Buffer.from([0x40 | (n >> 8), n & 0xff]));
    else if (n <= 0xffffffff) {
      const b = Buffer.alloc(5);
      b[0] = 0x80;
      b.writeUInt32BE(n, 1);
      this.chunks.push(b);
    } else {
      const b = Buffer.alloc(9);
      b[0] = 0x81;
      b.writeBigUInt64BE(BigInt(n), 1);
      this.chunks.push(b);
    }
  }

  /** A 64-bit unsigned length (stream IDs, counters; a negative read counter as its two's complement). */
  lengthBig(n: bigint): void {
    const u = BigInt.asUintN(64, n);
    if (u <= 0xffffffffn) return this.length(Number(u));
    const b = Buffer.alloc(9);
    b[0] = 0x81;
    b.writeBigUInt64BE(u, 1);
    this.chunks.push(b);
  }

  /** Bytes as they are (stream IDs in PELs). */
  raw(b: Buffer): void {
    this.chunks.push(b);
  }

  /** rdbSaveMillisecondTime: 8 bytes little-endian. */
  millis(t: number): void {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(t));
    this.chunks.push(b);
  }

  /** A string as Redis saves it, short of LZF: up to 11 bytes, a canonical integer in 32 bits is integer-encoded. */
  string(s: Buffer): void {
    if (s.length <= 11) {
      const text = s.toString("latin1");
      if (/^(0|-?[1-9]\d*)$/.test(text)) {
        const v = Number(text);
        if (v >= -128 && v <= 127) return this.chunks.push(Buffer.from([0xc0, v & 0xff])), undefined;
        if (v >= -32768 && v <= 32767) {
          const b = Buffer.alloc(3);
          b[0] = 0xc1;
          b.writeInt16LE(v, 1);
          return this.chunks.push(b), undefined;
        }
        if (v >= -2147483648 && v <= 2147483647) {
          const b = Buffer.alloc(5);
          b[0] = 0xc2;
          b.writeInt32LE(v, 1);
          return this.chunks.push(b), undefined;
        }
      }
    }
    this.length(s.length);
    this.chunks.push(s);
  }

  /** RDB_TYPE_ZSET_2's binary double. */
  double(d: number): void {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(d);
    this.chunks.push(b);
  }

  /** The payload: the body, the RDB version, the CRC-64. */
  payload(): Buffer {
    const version = Buffer.alloc(2);
    version.writeUInt16LE(RDB_VERSION);
    const body = Buffer.concat([...this.chunks, version]);
    return Buffer.concat([body, crc64(body)]);
  }
}

/** Reads RDB lengths, strings and doubles from a payload. */
export class RdbReader {
  at = 0;

  constructor(private readonly b: Buffer) {}

  byte(): number {
    if (this.at >= this.b.length) throw new BadFormat("truncated");
    return this.b[this.at++]!;
  }

  take(n: number): Buffer {
    if (n < 0 || this.at + n > this.b.length) throw new BadFormat("truncated");
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** A length, or (encoded) the special encoding's number with `encoded` set. */
  private lengthOrEncoding(): { n: number; encoded: boolean } {
    const first = this.byte();
    const kind = first >> 6;
    if (kind === 0) return { n: first & 0x3f, encoded: false };
    if (kind === 1) return { n: ((first & 0x3f) << 8) | this.byte(), encoded: false };
    if (kind === 3) return { n: first & 0x3f, encoded: true };
    if (first === 0x80) return { n: this.take(4).readUInt32BE(0), encoded: false };
    if (first === 0x81) {
      const n = this.take(8).readBigUInt64BE(0);
      if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new BadFormat("length");
      return { n: Number(n), encoded: false };
    }
    throw new BadFormat("length");
  }

  length(): number {
    const { n, encoded } = this.lengthOrEncoding();
    if (encoded) throw new BadFormat("length");
    return n;
  }

  /** A length of up to 64 bits, unsigned. */
  lengthBig(): bigint {
    if (this.at < this.b.length && this.b[this.at] === 0x81) {
      this.at++;
      return this.take(8).readBigUInt64BE(0);
    }
    return BigInt(this.length());
  }

  /** rdbLoadMillisecondTime. */
  millis(): number {
    return Number(this.take(8).readBigInt64LE(0));
  }

  string(decompress: (data: Buffer, length: number) => Buffer | undefined): Buffer {
    const { n, encoded } = this.lengthOrEncoding();
    if (!encoded) return Buffer.from(this.take(n));
    if (n === 0) return Buffer.from(String(this.take(1).readInt8(0)));
    if (n === 1) return Buffer.from(String(this.take(2).readInt16LE(0)));
    if (n === 2) return Buffer.from(String(this.take(4).readInt32LE(0)));
    if (n === 3) {
      const clen = this.length();
      const len = this.length();
      const out = decompress(this.take(clen), len);
      if (!out) throw new BadFormat("lzf");
      return out;
    }
    throw new BadFormat("string encoding");
  }

  double(): number {
    return this.take(8).readDoubleLE(0);
  }

  /** RDB_TYPE_ZSET's text double: 253 nan, 254 +inf, 255 -inf, else a length and the text. */
  textDouble(): number {
    const len = this.byte();
    if (len === 253) return NaN;
    if (len === 254) return Infinity;
    if (len === 255) return -Infinity;
    return Number(this.take(len).toString("latin1"));
  }
}

/** Checks the footer as Redis's verifyDumpPayload: at least 10 bytes, version ≤ 10, CRC-64 matches. */
export function verifyPayload(p: Buffer): boolean {
  if (p.length < 10) return false;
  const version = p.readUInt16LE(p.length - 10);
  if (version > RDB_VERSION) return false;
  return crc64(p.subarray(0, p.length - 8)).equals(p.subarray(p.length - 8));
}
