/**
 * `maxmemory` and `maxmemory-policy`, with Redis's names, defaults (0 = no limit,
 * `noeviction`) and reply text. Before a command runs, an engine over its limit evicts keys
 * by its policy; when it cannot get under the limit, commands Redis flags `denyoom` (those
 * that may grow memory) answer `OOM command not allowed when used memory > 'maxmemory'.`
 * while reads, deletes and every other command still run. Memory use is the engine's own
 * estimate (memory-size.ts), kept per key by the keyspace.
 *
 * Policies: `noeviction`, `allkeys-lru` and `volatile-lru` (exact LRU: the least recently
 * accessed key goes first, where Redis samples `maxmemory-samples` keys), `volatile-ttl` (the
 * key with the nearest expiry goes first), `allkeys-random` and `volatile-random` (a random key,
 * the databases taken in turn as Redis's next_db does). Redis's LFU policies are not supported.
 */
import type { Keyspace } from "./keyspace";
import { EXPIRE_OVERHEAD } from "./memory-size";
import { NOTIFY_EVICTED } from "./notify";

export const MAXMEMORY_POLICIES = ["noeviction", "allkeys-lru", "volatile-lru", "volatile-ttl", "allkeys-random", "volatile-random"] as const;
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];
/** Redis 7.0's policies the engine does not implement (CONFIG SET names them in its error). */
export const UNSUPPORTED_POLICIES = ["volatile-lfu", "allkeys-lfu"];

export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";

/** Commands Redis 7.0 flags `denyoom` (from redis-server 7.0.15's COMMAND), as far as the engine has them. */
export const DENYOOM = new Set([
  "append", "bitfield", "bitop", "blmove", "brpoplpush", "copy", "decr", "decrby", "geoadd", "georadius", "georadiusbymember",
  "geosearchstore", "getset", "hincrby", "hincrbyfloat", "hmset", "hset", "hsetnx", "incr", "incrby", "incrbyfloat", "linsert",
  "lmove", "lpush", "lpushx", "lset", "mset", "msetnx", "pfadd", "pfmerge", "psetex", "restore", "rpoplpush", "rpush", "rpushx",
  "sadd", "sdiffstore", "set", "setbit", "setex", "setnx", "setrange", "sinterstore", "sort", "sunionstore", "xadd",
  "xgroup|create", "xgroup|createconsumer", "xsetid", "zadd", "zdiffstore", "zincrby", "zinterstore", "zrangestore", "zunionstore",
  "function|load", "function|restore",
]);

/** Baseline of an empty engine (Redis reports ~0.9 MB for an empty server; the engine's own tables are far smaller). */
const BASELINE_BYTES = 512 * 1024;

export interface MaxmemoryOptions {
  /** `maxmemory` in bytes; 0 (default) = no limit. */
  readonly maxmemory?: number;
  /** `maxmemory-policy` (default `noeviction`). */
  readonly maxmemoryPolicy?: MaxmemoryPolicy;
}

/** The limit, the policy and eviction over an engine's databases. */
export class Maxmemory {
  limit: number;
  private policyName: MaxmemoryPolicy;
  /** INFO stats `evicted_keys`. */
  evictedKeys = 0;
  /** The database a random policy evicts from next (Redis's static next_db). */
  private nextDb = 0;

  constructor(
    private readonly dbs: readonly Keyspace[],
    options: MaxmemoryOptions = {},
  ) {
    this.limit = options.maxmemory ?? 0;
    this.policyName = options.maxmemoryPolicy ?? "noeviction";
    this.applyPolicy();
  }

  get policy(): MaxmemoryPolicy {
    return this.policyName;
  }

  set policy(policy: MaxmemoryPolicy) {
    this.policyName = policy;
    this.applyPolicy();
  }

  /** Estimated bytes in use: INFO memory `used_memory`. */
  used(): number {
    let total = BASELINE_BYTES;
    for (const db of this.dbs) total += db.usedBytes + db.expires.size * EXPIRE_OVERHEAD;
    return total;
  }

  /**
   * Evicts by the policy until under the limit; true when the engine is (now) within it.
   * Redis runs this before every command (performEvictions).
   */
  enforce(): boolean {
    if (this.limit <= 0) return true;
    while (this.used() > this.limit) {
      if (!this.evictOne()) return false;
    }
    return true;
  }

  /** Evicts the policy's best candidate across all databases; false when there is none. */
  private evictOne(): boolean {
    if (this.policyName === "allkeys-random" || this.policyName === "volatile-random") return this.evictRandom(this.policyName === "volatile-random");
    let best: { db: Keyspace; key: string; rank: number } | undefined;
    for (const db of this.dbs) {
      const candidate = this.policyName === "volatile-ttl" ? db.nearestExpiry() : this.policyName === "noeviction" ? undefined : db.leastRecentlyUsed(this.policyName === "volatile-lru");
      if (candidate && (!best || candidate.rank < best.rank)) best = { db, ...candidate };
    }
    if (!best) return false;
    this.evict(best.db, best.key);
    return true;
  }

  /** A random key of the first database, from the one after the last eviction's, that has one. */
  private evictRandom(volatileOnly: boolean): boolean {
    for (let i = 0; i < this.dbs.length; i++) {
      const db = this.dbs[this.nextDb++ % this.dbs.length]!;
      const key = db.randomKey(volatileOnly);
      if (key !== undefined) {
        this.evict(db, key);
        return true;
      }
    }
    return false;
  }

  private evict(db: Keyspace, key: string): void {
    db.delete(key); // WATCH, tracking and keyspace bookkeeping as any deletion
    this.evictedKeys++;
    if (db.notifier.flags & NOTIFY_EVICTED) db.notifier.emit(NOTIFY_EVICTED, "evicted", key, db.index);
  }

  /** LRU order is kept only under an LRU policy (one Map move per key access); the TTL heap only under volatile-ttl; the random pools only under a random policy. */
  private applyPolicy(): void {
    const lru = this.policyName === "allkeys-lru" || this.policyName === "volatile-lru";
    for (const db of this.dbs) {
      db.trackAccess(lru);
      db.expires.indexByTime(this.policyName === "volatile-ttl");
      db.trackRandom(this.policyName === "allkeys-random");
      db.expires.indexRandom(this.policyName === "volatile-random");
    }
  }
}

/** Parses a memory amount as Redis's memtoull does (`100`, `1k`, `1kb`, `10mb`, `2gb`; case-insensitive), or undefined. */
export function parseMemory(text: string): number | undefined {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? "b").toLowerCase();
  const factor = { b: 1, k: 1000, kb: 1024, m: 1_000_000, mb: 1024 * 1024, g: 1_000_000_000, gb: 1024 * 1024 * 1024 }[unit]!;
  const n = Number(m[1]) * factor;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Commands Redis still accepts inside MULTI when over maxmemory. */
export const MULTI_CONTROL = new Set(["exec", "discard", "quit", "reset"]);

/** Commands that run a script: gated by maxmemory at their first write, not up front. */
export const SCRIPT_COMMANDS = new Set(["eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro"]);

/** The command table name of a queued argv (`xgroup|create` for a subcommand). */
export function commandName(argv: readonly Buffer[]): string {
  const name = argv[0]?.toString("latin1").toLowerCase() ?? "";
  return name === "xgroup" || name === "function" ? `${name}|${argv[1]?.toString("latin1").toLowerCase() ?? ""}` : name;
}
