/**
 * Redis's CRC-64 (Jones polynomial 0xad93d23594c935a9, reflected, init 0, no final xor; check
 * value of "123456789" = 0xe9c6d914c4b8d9ca), the checksum at the end of a DUMP payload. Table
 * driven on two 32-bit halves (no BigInt per byte).
 */
import { Buffer } from "node:buffer";
const LO = new Uint32Array(256);
const HI = new Uint32Array(256);
// The reflected polynomial 0x95ac9329ac4bc9b5 as two halves.
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;
for (let i = 0; i < 256; i++) {
  let lo = i;
  let hi = 0;
  for (let k = 0; k < 8; k++) {
    const odd = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (odd) {
      lo = (lo ^ POLY_LO) >>> 0;
      hi = (hi ^ POLY_HI) >>> 0;
    }
  }
  LO[i] = lo;
  HI[i] = hi;
}

/** The CRC-64 of `data`, as the 8 little-endian bytes Redis appends. */
export function crc64(data: Uint8Array): Buffer {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < data.length; i++) {
    const idx = (lo ^ data[i]!) & 0xff;
    lo = (((lo >>> 8) | ((hi & 0xff) << 24)) ^ LO[idx]!) >>> 0;
    hi = ((hi >>> 8) ^ HI[idx]!) >>> 0;
  }
  const out = Buffer.alloc(8);
  out.writeUInt32LE(lo, 0);
  out.writeUInt32LE(hi, 4);
  return out;
}
