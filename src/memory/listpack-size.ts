/**
 * Byte sizes of listpack elements (listpack.c), so the engine's stream macro nodes fill up
 * exactly when Redis's do: a node is closed at `stream-node-max-entries` (100) entries or when
 * its listpack plus the new entry's raw bytes reach `stream-node-max-bytes` (4096).
 */

/** Size of an integer element (`lpEncodeIntegerGetType` + one backlen byte). */
export function intElementSize(v: bigint): number {
  let enc: number;
  if (v >= 0n && v <= 127n) enc = 1;
  else if (v >= -4096n && v <= 4095n) enc = 2;
  else if (v >= -32768n && v <= 32767n) enc = 3;
  else if (v >= -8388608n && v <= 8388607n) enc = 4;
  else if (v >= -2147483648n && v <= 2147483647n) enc = 5;
  else enc = 9;
  return enc + 1;
}

function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** `lpStringToInt64`: the integer a listpack stores a string as, or undefined. */
export function asInt64(b: Buffer): bigint | undefined {
  if (b.length === 0 || b.length >= 21) return undefined;
  const s = b.toString("latin1");
  if (!/^(?:0|-?[1-9][0-9]*)$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(1n << 63n) && n < 1n << 63n ? n : undefined;
}

/** Size of a string element (integer-encoded when it looks like one). */
export function stringElementSize(b: Buffer): number {
  const n = asInt64(b);
  if (n !== undefined) return intElementSize(n);
  const enc = b.length < 64 ? 1 + b.length : b.length < 4096 ? 2 + b.length : 5 + b.length;
  return enc + backlenSize(enc);
}

/** Header (6) + end byte (1) of every listpack. */
export const LISTPACK_OVERHEAD = 7;
