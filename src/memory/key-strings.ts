/**
 * A key's identity string (latin1: one char per byte) for every command that names a key
 * (GET, SET, INCR, LPUSH, HSET… through `keyAt`), from a small cache of recently decoded keys.
 *
 * Why a cache: Node decodes `buf.toString("latin1")` through a C++ call that costs more than
 * the rest of a GET's lookup, and the fresh string's hash is computed again by every Map it
 * is looked up in (the keyspace's data, sizes, expires…). A key sent again (a hot key, a
 * pipelined burst on one key) hashes its bytes in JavaScript, finds the string decoded last
 * time, compares it byte for byte, and reuses it with its hash already computed. A miss costs
 * that hash and comparison on top of the decoding it always had.
 *
 * Direct-mapped (one string per slot, the newest wins): no eviction bookkeeping, and bounded
 * memory (SLOTS strings of at most MAX_LENGTH chars) whatever keys clients send.
 */

/** Longer keys are decoded each time: hashing and comparing them would cost what decoding does. */
const MAX_LENGTH = 64;
const SLOTS = 4096;
const slots: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

/** `b` as a latin1 string, the same as `b.toString("latin1")`. */
export function keyString(b: Buffer): string {
  const n = b.length;
  if (n > MAX_LENGTH) return b.toString("latin1");
  let h = n;
  for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + b[i]!) | 0;
  const slot = (h ^ (h >>> 12)) & (SLOTS - 1);
  const cached = slots[slot];
  if (cached !== undefined && cached.length === n && sameBytes(b, cached)) return cached;
  const fresh = b.toString("latin1");
  slots[slot] = fresh;
  return fresh;
}

function sameBytes(b: Buffer, s: string): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== s.charCodeAt(i)) return false;
  return true;
}
