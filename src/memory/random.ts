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
 * Default bound on one reply of repeated random picks, in bytes as RESP would write them:
 * Redis 7.0 builds such a reply until the machine runs out of memory; the engine answers an
 * error instead of growing until Node aborts ("invalid size error").
 */
export const DEFAULT_MAX_REPLY_BYTES = 512 * 1024 * 1024;

/**
 * Refuses a reply of `count` random picks (with repetition) whose RESP size would exceed
 * `limit` bytes; `itemBytes` is the average size of one picked item's payload.
 */
export function checkRepeatedReply(count: number, itemBytes: number, limit: number): void {
  const estimate = count * (itemBytes + 16); // "$<len>\r\n…\r\n" framing, and the JS array slot
  if (estimate > limit) {
    fail(`ERR reply of ${count} elements would exceed the engine's reply limit of ${limit} bytes (max-reply-bytes)`);
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

/** `count` random items with repetition. */
export function pickWithRepeats<T>(items: readonly T[], count: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(items[Math.floor(Math.random() * items.length)]!);
  return out;
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
