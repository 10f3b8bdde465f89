/**
 * OBJECT ENCODING: the encoding redis-server 7.0 would report for the same value, with its
 * built-in default thresholds (no config file). Strings: `int` (a canonical 64-bit integer of at most 20 characters),
 * `embstr` (at most 44 bytes) or `raw`, unless the command that wrote it fixes it (values.ts:
 * in-place writes are `raw`, INCRBYFLOAT `embstr`). Hashes: `listpack` up to 512 fields with
 * fields and values of at most 64 bytes, else `hashtable`; sets: `intset` up to 512 integer
 * members, else `hashtable`; sorted sets: `listpack` up to 128 members of at most 64 bytes, else
 * `skiplist`; lists `quicklist`; streams `stream`. Redis never converts back, nor does this: a
 * container that grew past the entry limit ({@link noteSize}, on every write) or took a long or
 * non-integer element (HSET/HSETNX/HMSET, SADD/SMOVE, ZADD/ZINCRBY call the note functions)
 * stays converted. A copy (COPY, RESTORE) is re-derived from its content.
 */
import type { Value } from "./values";

// redis-server's built-in defaults (what it runs with without a config file; the sample redis.conf sets 128 for hashes).
const HASH_ENTRIES = 512; // hash-max-listpack-entries
const ZSET_ENTRIES = 128; // zset-max-listpack-entries
const LISTPACK_VALUE = 64; // hash-max-listpack-value, zset-max-listpack-value
const INTSET_ENTRIES = 512; // set-max-intset-entries
const EMBSTR_LIMIT = 44; // OBJ_ENCODING_EMBSTR_SIZE_LIMIT
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Containers that grew past their compact encoding's entry limit (Redis keeps them converted). */
const converted = new WeakSet<object>();

/** Records a container's size after a write: past the compact limit it stays converted. */
export function noteSize(value: Value, n: number): void {
  if ((value.type === "hash" && n > HASH_ENTRIES) || (value.type === "zset" && n > ZSET_ENTRIES)) converted.add(value.v);
  else if (value.type === "set" && n > INTSET_ENTRIES) converted.add(value.v);
}

/** A hash field was written: a field or value past 64 bytes converts a listpack hash for good. */
export function noteHashEntry(h: Map<string, Buffer>, field: string, value: Buffer): void {
  if (field.length > LISTPACK_VALUE || value.length > LISTPACK_VALUE) converted.add(h);
}

/** A set member was added: a non-integer converts an intset for good. */
export function noteSetMember(s: Set<string>, member: string): void {
  if (s.size <= INTSET_ENTRIES && !converted.has(s) && !isInt64(member)) converted.add(s);
}

/** A sorted-set member was added: one past 64 bytes converts a listpack sorted set for good. */
export function noteZsetMember(z: object, member: string): void {
  if (member.length > LISTPACK_VALUE) converted.add(z);
}

/** Redis's string2ll: a canonical signed 64-bit integer ("0", no sign on 0, no leading zeros, no spaces). */
export function isInt64(text: string): boolean {
  if (text.length === 0 || text.length > 20 || !/^(0|-?[1-9]\d*)$/.test(text)) return false;
  const n = BigInt(text);
  return n >= INT64_MIN && n <= INT64_MAX;
}

export function encodingOf(value: Value): string {
  switch (value.type) {
    case "string": {
      if (value.enc) return value.enc;
      const b = value.v;
      if (b.length <= 20 && isInt64(b.toString("latin1"))) return "int";
      return b.length <= EMBSTR_LIMIT ? "embstr" : "raw";
    }
    case "list":
      return "quicklist";
    case "stream":
      return "stream";
    case "hash": {
      const h = value.v;
      if (converted.has(h) || h.size > HASH_ENTRIES) return "hashtable";
      for (const [field, v] of h) if (field.length > LISTPACK_VALUE || v.length > LISTPACK_VALUE) return "hashtable";
      return "listpack";
    }
    case "set": {
      const s = value.v;
      if (converted.has(s) || s.size > INTSET_ENTRIES) return "hashtable";
      for (const member of s) if (!isInt64(member)) return "hashtable";
      return "intset";
    }
    case "zset": {
      const z = value.v;
      if (converted.has(z) || z.size > ZSET_ENTRIES) return "skiplist";
      for (const member of z.scores.keys()) if (member.length > LISTPACK_VALUE) return "skiplist";
      return "listpack";
    }
  }
}

/** OBJECT REFCOUNT: Redis shares the integers 0–9999 (refcount INT_MAX) unless an LRU/LFU maxmemory policy is set. */
export function refcountOf(value: Value, lruPolicy: boolean): number {
  if (value.type !== "string" || lruPolicy || encodingOf(value) !== "int") return 1;
  const n = Number(value.v.toString("latin1"));
  return n >= 0 && n < 10000 ? 2147483647 : 1;
}
