/**
 * Reply normalisers. ioredis answers the same command in different shapes depending on
 * protocol (RESP2/RESP3), `replyMapping` and version (HGETALL as an object, ZRANGE
 * WITHSCORES flat or as pairs, doubles as strings or numbers), and the memory engine must
 * give the same answers. These helpers accept every shape.
 */
import type { Raw } from "./codec";

/** A score as a number; accepts `"inf"`, `"-inf"`, `"+inf"` and numbers. */
export function toNumber(reply: unknown): number {
  if (typeof reply === "number") return reply;
  const s = typeof reply === "string" ? reply : Buffer.isBuffer(reply) ? reply.toString("latin1") : String(reply);
  switch (s) {
    case "inf":
    case "+inf":
      return Infinity;
    case "-inf":
      return -Infinity;
    default:
      return Number(s);
  }
}

/** `null`/`undefined` → `undefined`, else the number. */
export function toOptionalNumber(reply: unknown): number | undefined {
  return reply === null || reply === undefined ? undefined : toNumber(reply);
}

/** An array reply (empty for nil); a RESP3 set reply decoded as a JS `Set` is accepted too. */
export function toArray(reply: unknown): unknown[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) return reply;
  if (reply instanceof Set) return [...reply];
  throw new TypeError(`expected an array reply, got ${typeof reply}`);
}

/** Field/value or member/score pairs from a flat array, an array of pairs, an object or a Map. */
export function toPairs(reply: unknown): Array<[Raw, unknown]> {
  if (reply === null || reply === undefined) return [];
  if (reply instanceof Map) return [...reply.entries()] as Array<[Raw, unknown]>;
  if (Array.isArray(reply)) {
    if (reply.length > 0 && Array.isArray(reply[0])) return reply as Array<[Raw, unknown]>;
    const out: Array<[Raw, unknown]> = [];
    for (let i = 0; i + 1 < reply.length; i += 2) out.push([reply[i] as Raw, reply[i + 1]]);
    return out;
  }
  if (typeof reply === "object") return Object.entries(reply as Record<string, unknown>);
  throw new TypeError(`expected a pairs reply, got ${typeof reply}`);
}

/** `1`/`0` (or `true`/`false`) → boolean. */
export function toBoolean(reply: unknown): boolean {
  return reply === 1 || reply === true || reply === "1" || reply === "OK";
}

/** A reply that must be an integer. */
export function toInteger(reply: unknown): number {
  return typeof reply === "number" ? reply : Number(reply);
}

/** A SCAN-family reply: `[cursor, items]`. */
export function toScanPage(reply: unknown): { cursor: string; items: unknown[] } {
  const [cursor, items] = toArray(reply) as [Raw, unknown];
  return { cursor: String(cursor), items: toArray(items) };
}
