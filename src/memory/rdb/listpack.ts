/**
 * The compact blobs inside Redis 7.0's DUMP payloads: listpacks (quicklist nodes, small hashes
 * and sorted sets, stream macro nodes) and intsets (small integer sets). Decoded integers come
 * back as their decimal text, as Redis returns them; the encoder writes listpack.c's encodings
 * (strings that look like integers stored as integers), byte for byte.
 */
import { Buffer } from "node:buffer";
import { asInt64 } from "../listpack-size";
import { BadFormat } from "./format";

/** lpEncodeIntegerGetType. */
function encodeInt(v: bigint): Buffer {
  if (v >= 0n && v <= 127n) return Buffer.from([Number(v)]);
  const n = Number(v);
  if (v >= -4096n && v <= 4095n) {
    const u = n < 0 ? (1 << 13) + n : n;
    return Buffer.from([0xc0 | (u >> 8), u & 0xff]);
  }
  if (v >= -32768n && v <= 32767n) {
    const b = Buffer.alloc(3);
    b[0] = 0xf1;
    b.writeInt16LE(n, 1);
    return b;
  }
  if (v >= -8388608n && v <= 8388607n) {
    const b = Buffer.alloc(4);
    b[0] = 0xf2;
    b.writeIntLE(n, 1, 3);
    return b;
  }
  if (v >= -2147483648n && v <= 2147483647n) {
    const b = Buffer.alloc(5);
    b[0] = 0xf3;
    b.writeInt32LE(n, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = 0xf4;
  b.writeBigInt64LE(BigInt.asIntN(64, v), 1);
  return b;
}

/** lpEncodeString's header for a string of `len` bytes. */
function stringHeader(len: number): Buffer {
  if (len < 64) return Buffer.from([0x80 | len]);
  if (len < 4096) return Buffer.from([0xe0 | (len >> 8), len & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = 0xf0;
  b.writeUInt32LE(len, 1);
  return b;
}

/** lpEncodeBacklen: `l` in 7-bit groups, most significant first, all but the first flagged (its size thresholds, 16383 taking 3 bytes). */
function backlen(l: number): Buffer {
  const count = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
  const out = Buffer.alloc(count);
  for (let i = count - 1, rest = l; i >= 0; i--, rest = Math.floor(rest / 128)) out[i] = i === 0 ? rest : (rest & 127) | 128;
  return out;
}

/** A listpack holding `elements` (integers, or strings stored as integers when they look like one). */
export function encodeListpack(elements: ReadonlyArray<bigint | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.alloc(6)];
  let total = 7;
  for (const el of elements) {
    const asInt = typeof el === "bigint" ? el : asInt64(el);
    const enc = asInt !== undefined ? encodeInt(asInt) : Buffer.concat([stringHeader((el as Buffer).length), el as Buffer]);
    const back = backlen(enc.length);
    parts.push(enc, back);
    total += enc.length + back.length;
  }
  parts.push(Buffer.from([0xff]));
  parts[0]!.writeUInt32LE(total, 0);
  parts[0]!.writeUInt16LE(Math.min(elements.length, 65535), 4);
  return Buffer.concat(parts, total);
}

/** The entries of a listpack blob. */
export function listpackEntries(lp: Buffer): Buffer[] {
  if (lp.length < 7 || lp.readUInt32LE(0) !== lp.length) throw new BadFormat("listpack header");
  const out: Buffer[] = [];
  let p = 6;
  for (;;) {
    if (p >= lp.length) throw new BadFormat("listpack end");
    const b = lp[p]!;
    if (b === 0xff) break;
    let size: number; // encoding + data bytes, before the backlen
    if ((b & 0x80) === 0) {
      out.push(Buffer.from(String(b & 0x7f)));
      size = 1;
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      out.push(Buffer.from(slice(lp, p + 1, len)));
      size = 1 + len;
    } else if ((b & 0xe0) === 0xc0) {
      let v = ((b & 0x1f) << 8) | at(lp, p + 1);
      if (v >= 1 << 12) v -= 1 << 13;
      out.push(Buffer.from(String(v)));
      size = 2;
    } else if ((b & 0xf0) === 0xe0) {
      const len = ((b & 0x0f) << 8) | at(lp, p + 1);
      out.push(Buffer.from(slice(lp, p + 2, len)));
      size = 2 + len;
    } else if (b === 0xf0) {
      const len = slice(lp, p + 1, 4).readUInt32LE(0);
      out.push(Buffer.from(slice(lp, p + 5, len)));
      size = 5 + len;
    } else if (b === 0xf1) {
      out.push(Buffer.from(String(slice(lp, p + 1, 2).readInt16LE(0))));
      size = 3;
    } else if (b === 0xf2) {
      out.push(Buffer.from(String(slice(lp, p + 1, 3).readIntLE(0, 3))));
      size = 4;
    } else if (b === 0xf3) {
      out.push(Buffer.from(String(slice(lp, p + 1, 4).readInt32LE(0))));
      size = 5;
    } else if (b === 0xf4) {
      out.push(Buffer.from(String(slice(lp, p + 1, 8).readBigInt64LE(0))));
      size = 9;
    } else throw new BadFormat("listpack entry");
    // The backlen holds `size` in 7-bit groups.
    p += size + (size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5);
  }
  if (out.length !== lp.readUInt16LE(4) && lp.readUInt16LE(4) !== 65535) throw new BadFormat("listpack count");
  return out;
}

/** The members of an intset blob, as decimal text. */
export function intsetMembers(blob: Buffer): Buffer[] {
  if (blob.length < 8) throw new BadFormat("intset header");
  const width = blob.readUInt32LE(0);
  const n = blob.readUInt32LE(4);
  if ((width !== 2 && width !== 4 && width !== 8) || blob.length !== 8 + width * n) throw new BadFormat("intset");
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const at = 8 + i * width;
    const v = width === 2 ? blob.readInt16LE(at) : width === 4 ? blob.readInt32LE(at) : blob.readBigInt64LE(at);
    out.push(Buffer.from(String(v)));
  }
  return out;
}

function at(b: Buffer, i: number): number {
  if (i >= b.length) throw new BadFormat("listpack truncated");
  return b[i]!;
}

function slice(b: Buffer, from: number, len: number): Buffer {
  if (from + len > b.length) throw new BadFormat("listpack truncated");
  return b.subarray(from, from + len);
}
