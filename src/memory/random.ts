/** Random picks shared by SRANDMEMBER, SPOP, HRANDFIELD, ZRANDMEMBER, and the bounds on their counts. */
import { fail, NOT_INTEGER } from "./errors";
import { parseBigInt } from "./numbers";

const LONG_MAX = 9223372036854775807n;
const HALF_LONG_MAX = LONG_MAX / 2n;

/**
 * The count of SRANDMEMBER / HRANDFIELD / ZRANDMEMBER as Redis 7.0 parses it: an integer
 * within ±LONG_MAX (so -2^63 is refused with Redis's text). Exact (bigint): the pair bound
 * below sits between two integers one double cannot tell apart.
 */
export function randomCount(arg: Buffer | undefined): bigint {
  const n = arg === undefined ? undefined : parseBigInt(arg);
  if (n === undefined) fail(NOT_INTEGER);
  if (n < -LONG_MAX) fail("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
  return n;
}

/** WITHVALUES / WITHSCORES: Redis refuses counts beyond ±LONG_MAX/2 (the reply holds two items per pick). */
export function checkPairCount(n: bigint): void {
  if (n < -HALF_LONG_MAX || n > HALF_LONG_MAX) fail("ERR value is out of range");
}

/**
 * Default bound on one reply of repeated random picks (engine option `maxReplyBytes`), in
 * bytes as RESP would write them. Redis 7.0 builds such a reply until the machine runs out of
 * memory; the engine answers an error instead of growing until Node aborts ("invalid size
 * error"). 512 MiB is Redis's own largest single bulk (`proto-max-bulk-len`).
 */
export const DEFAULT_MAX_REPLY_BYTES = 512 * 1024 * 1024;

/** Framing of one bulk item in RESP (`$<len>\r\n…\r\n`) plus the reply array's slot. */
const PER_ITEM_OVERHEAD = 16;

/**
 * Refuses a reply of `count` random picks (with repetition) whose estimated size would
 * exceed `limit` bytes; `itemBytes` is the average payload of one pick (a pair counts both
 * halves). Called before anything is built, so a refused count costs nothing.
 */
export function checkRepeatedReply(count: number, itemBytes: number, limit: number): void {
  const estimate = count * (itemBytes + PER_ITEM_OVERHEAD);
  if (estimate > limit) {
    fail(`ERR reply too large: ${count} random elements would exceed the engine's reply limit of ${limit} bytes (maxReplyBytes / maxmemory)`);
  }
}

/** `count` distinct random items (all of them, in order, when count ≥ size). */
export function pickDistinct<T>(items: readonly T[], count: number): T[] {
  if (count >= items.length) return [...items];
  const copy = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}

/**
 * `count` random items with repetition. The reply shares the items (one Buffer per distinct
 * member, not one per pick), so a large count costs one array slot per pick.
 */
export function pickWithRepeats<T>(items: readonly T[], count: number): T[] {
  const out = new Array<T>(count);
  for (let i = 0; i < count; i++) out[i] = items[Math.floor(Math.random() * items.length)]!;
  return out;
}

/** One random item (SRANDMEMBER / HRANDFIELD / ZRANDMEMBER without a count). */
export function pickOne<T>(items: Iterable<T>, size: number): T {
  let i = Math.floor(Math.random() * size);
  for (const item of items) if (i-- === 0) return item;
  throw new Error("narwhal: pickOne on an empty collection");
}

/** Mean length of strings or Buffers (0 for none): the per-item payload in {@link checkRepeatedReply}. */
export function averageLength(items: Iterable<string | Buffer>): number {
  let total = 0;
  let n = 0;
  for (const item of items) {
    total += item.length;
    n++;
  }
  return n === 0 ? 0 : total / n;
}
