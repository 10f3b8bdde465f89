/**
 * Decoders for the compact blobs inside Redis 7.0's DUMP payloads: listpacks (quicklist nodes,
 * small hashes and sorted sets) and intsets (small integer sets). Integers come back as their
 * decimal text, as Redis returns them.
 */
import { BadFormat } from "./format";

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
