/**
 * OBJECT ENCODING: the encoding redis-server 7.0 would report for the same value and the same
 * CONFIG thresholds ({@link EncodingLimits}: `hash-max-listpack-entries|value`,
 * `zset-max-listpack-entries|value`, `set-max-intset-entries`, built-in defaults 512/64, 128/64,
 * 512). Strings: `int` (a canonical 64-bit integer of at most 20 characters), `embstr` (at most
 * 44 bytes) or `raw`, unless the command that wrote it fixes it (values.ts: in-place writes are
 * `raw`, INCRBYFLOAT `embstr`). Lists `quicklist`, streams `stream`.
 *
 * Hashes, sets and sorted sets are decided on writes, as Redis converts them, with the thresholds
 * of that moment: a container starts compact (listpack/intset) and is converted for good by the
 * writes Redis checks, with its rules (the note functions, O(1), called by HSET, HSETNX, HINCRBY*
 * — any field set —, SADD, SMOVE, ZADD, ZINCRBY — a new element —): past the entry limit, or a
 * long or non-integer element. Redis never converts back, nor does this, but for the values it
 * builds whole: stores (SINTERSTORE…, ZUNIONSTORE…, ZRANGESTORE), RESTORE and SPOP's "keep the
 * remaining elements" path, derived from their content ({@link deriveEncoding}). COPY keeps the
 * source's encoding ({@link copyEncoding}), as Redis's dup functions do; RENAME and MOVE keep the
 * value itself. Only converted containers are remembered (a WeakSet): nothing per compact key.
 */
import type { Value } from "./values";

/** Redis 7.0's conversion thresholds, one per engine, changed by CONFIG SET (encoding-config.ts). */
export class EncodingLimits {
  /** `hash-max-listpack-entries` (alias `hash-max-ziplist-entries`): redis-server's built-in default, 512. */
  hashEntries = 512;
  /** `hash-max-listpack-value` (alias `hash-max-ziplist-value`): longest field or value of a listpack hash. */
  hashValue = 64;
  /** `zset-max-listpack-entries` (alias `zset-max-ziplist-entries`). */
  zsetEntries = 128;
  /** `zset-max-listpack-value` (alias `zset-max-ziplist-value`): longest member of a listpack sorted set. */
  zsetValue = 64;
  /** `set-max-intset-entries` (Redis caps it at 2^30: the intset's own limit). */
  intsetEntries = 512;
  /** `list-max-listpack-size` (alias `list-max-ziplist-size`): kept for CONFIG only, lists are always `quicklist` in 7.0. */
  listSize = -2;
  /** `list-compress-depth`: kept for CONFIG only (the engine does not compress). */
  listCompress = 0;
  /** `stream-node-max-bytes`: a stream macro node closes at this many listpack bytes (0: the listpack's own 1 GiB cap). */
  streamNodeBytes = 4096;
  /** `stream-node-max-entries`: … or at this many entries, deleted ones included (0: no entry limit). */
  streamNodeEntries = 100;
}

const EMBSTR_LIMIT = 44; // OBJ_ENCODING_EMBSTR_SIZE_LIMIT
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTSET_CAP = 2 ** 30;

/** Containers in their big encoding (hashtable/skiplist); absent: compact (listpack/intset). */
const converted = new WeakSet<object>();

type Container = Extract<Value, { type: "hash" | "set" | "zset" }>;

function entryLimit(value: Container, limits: EncodingLimits): number {
  if (value.type === "hash") return limits.hashEntries;
  if (value.type === "zset") return limits.zsetEntries;
  return Math.min(limits.intsetEntries, INTSET_CAP);
}

/** Whether Redis would hold this content in its big encoding. */
function isBig(value: Container, limits: EncodingLimits): boolean {
  if (value.v.size > entryLimit(value, limits)) return true;
  switch (value.type) {
    case "hash":
      for (const [field, v] of value.v) if (field.length > limits.hashValue || v.length > limits.hashValue) return true;
      return false;
    case "set":
      for (const member of value.v) if (!isInt64(member)) return true;
      return false;
    case "zset":
      for (const member of value.v.scores.keys()) if (member.length > limits.zsetValue) return true;
      return false;
  }
}

/**
 * A value built whole (SINTERSTORE/SUNIONSTORE/SDIFFSTORE, ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE,
 * ZRANGESTORE, RESTORE) or rebuilt (SPOP with a count that keeps few members): its encoding
 * derived from its content with the current thresholds, as Redis does for these. O(n), like the
 * command that built it.
 */
export function deriveEncoding(value: Value, limits: EncodingLimits): void {
  if (value.type !== "hash" && value.type !== "set" && value.type !== "zset") return;
  if (isBig(value, limits)) converted.add(value.v);
  else converted.delete(value.v);
}

/**
 * A hash field was set (HSET, HSETNX, HINCRBY*; after the write): Redis's hashTypeSet converts a
 * listpack hash when the field or value is longer than `hash-max-listpack-value` or the hash now
 * has more than `hash-max-listpack-entries` fields (an update counts too, as in Redis).
 */
export function noteHashEntry(h: Map<string, Buffer>, field: string, value: Buffer, limits: EncodingLimits): void {
  if (field.length > limits.hashValue || value.length > limits.hashValue || h.size > limits.hashEntries) converted.add(h);
}

/** A new set member was added (SADD, SMOVE; after the write): a non-integer, or more than `set-max-intset-entries` members, converts an intset. */
export function noteSetMember(s: Set<string>, member: string, limits: EncodingLimits): void {
  if (!converted.has(s) && (s.size > Math.min(limits.intsetEntries, INTSET_CAP) || !isInt64(member))) converted.add(s);
}

/** A new sorted-set member was inserted (ZADD, ZINCRBY; after the write): one past `zset-max-listpack-value`, or more than `zset-max-listpack-entries` members, converts it. */
export function noteZsetMember(z: { readonly size: number }, member: string, limits: EncodingLimits): void {
  if (member.length > limits.zsetValue || z.size > limits.zsetEntries) converted.add(z);
}

/** COPY: the copy keeps the source's encoding (Redis's hashTypeDup, setTypeDup, zsetDup). */
export function copyEncoding(from: Value, to: Value): void {
  if (converted.has(from.v)) converted.add(to.v);
}

/** Redis's string2ll: a canonical signed 64-bit integer ("0", no sign on 0, no leading zeros, no spaces). */
export function isInt64(text: string): boolean {
  if (text.length === 0 || text.length > 20 || !/^(0|-?[1-9]\d*)$/.test(text)) return false;
  const n = BigInt(text);
  return n >= INT64_MIN && n <= INT64_MAX;
}

/** OBJECT ENCODING of a value. */
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
    default: {
      const big = converted.has(value.v);
      if (value.type === "hash") return big ? "hashtable" : "listpack";
      if (value.type === "set") return big ? "hashtable" : "intset";
      return big ? "skiplist" : "listpack";
    }
  }
}

/** OBJECT REFCOUNT: Redis shares the integers 0–9999 (refcount INT_MAX) unless an LRU/LFU maxmemory policy is set. */
export function refcountOf(value: Value, lruPolicy: boolean): number {
  if (value.type !== "string" || lruPolicy) return 1;
  const text = value.v.toString("latin1");
  if (value.enc !== undefined || value.v.length > 20 || !isInt64(text)) return 1;
  const n = Number(text);
  return n >= 0 && n < 10000 ? 2147483647 : 1;
}
