/**
 * `Cache`: a namespace of Redis string keys holding codec-encoded values, with per-entry
 * TTLs, and the home of memoized functions (`wrap`, `@cached`) and tags.
 *
 * Memoized calls live at `<prefix>:<namespace>:<name>:<digest>`, raw keys at
 * `<prefix>:<namespace>::<key>` (an empty name segment), tag sets at
 * `<prefix>:<namespace>:#tag:<tag>` and computation locks at
 * `<prefix>:<namespace>:#lock:<name>:<digest>` (keys.ts). Function names are non-empty and
 * never start with `#`, so the four key spaces are disjoint: no raw key, whatever its
 * characters, is a memoized entry, a tag set or a lock, and `invalidateAll()` or
 * `invalidateTags()` never touch a raw key (nor `delete()` a memoized entry).
 *
 * The state the operations share (wire, coherence, local tier, error reporting) is in
 * cache-core.ts.
 */
import { ValidationError } from "../errors";
import { toInteger } from "../reply";
import { isWellFormed } from "../validate";
import type { SetManyEntries, SetOptions, WrapOptions, Wrapped } from "./options";
import { ttlMs } from "./options";
import type { CacheStatsSnapshot } from "./stats";
import { checkTags } from "./tags";
import { wrapFunction } from "./wrap";
import { CacheCore } from "./cache-core";
import { getManyValues, incrEntry, rawKeys, setManyEntries } from "./cache-bulk";
import { clearPattern, rawKeysOf } from "./cache-scan";
import type { GetOrSetOptions, ManyFactory, WrapManyOptions, WrappedMany } from "./many";
import { getOrSet, getOrSetMany, wrapMany } from "./many";
import type { FactoryContext } from "./factory-context";

const valueOf = <V>(entry: { readonly value: V } | undefined): V | undefined => entry?.value;

/** A Redis-backed cache. Open one with `db.cache(options)`. */
export class Cache<V = unknown> extends CacheCore<V> {
  /** The value at `key`, or `undefined` on a miss. Use {@link getEntry} to tell a cached `undefined` from a miss. GET. */
  get(key: string): Promise<V | undefined> {
    const tier = this.local;
    if (tier !== undefined) {
      // The local hit path: no async frame, one Map lookup.
      const hit = typeof key === "string" && key !== "" && isWellFormed(key) ? tier.hit(this.rawBase + key, this.counters) : undefined;
      if (hit !== undefined) return Promise.resolve(hit.value);
    }
    return this.getEntry(key).then(valueOf);
  }

  /**
   * `{ value }` when `key` holds an entry (even a cached `undefined`), `undefined` on a miss.
   * GET (with the local tier: a local hit sends nothing; a miss sends GET and PTTL).
   */
  getEntry(key: string): Promise<{ readonly value: V } | undefined> {
    let redisKey: string;
    try {
      redisKey = this.redisKey(key);
    } catch (error) {
      return Promise.reject(error);
    }
    const tier = this.local;
    const hit = tier?.hit(redisKey, this.counters);
    if (hit !== undefined) return Promise.resolve({ value: hit.value });
    return this.guarded("get", redisKey, async () => {
      const entry = tier ? await this.readLocal(redisKey, tier, undefined) : await this.read(redisKey, undefined);
      if (entry) this.counters.hits++;
      else this.counters.misses++;
      return entry === undefined ? undefined : { value: entry.value };
    }, undefined);
  }

  /** Stores `value` at `key` for `ttl` seconds (default: the cache's; 0 = forever). SET PX. */
  async set(key: string, value: V, options: SetOptions = {}): Promise<void> {
    const redisKey = this.redisKey(key);
    const ttl = ttlMs("ttl", options.ttl, this.defaultTtlMs);
    await this.guarded("set", redisKey, () => this.write(redisKey, value, ttl, undefined), undefined);
  }

  /** True when `key` holds an entry. EXISTS. */
  async has(key: string): Promise<boolean> {
    const redisKey = this.redisKey(key);
    return this.guarded("has", redisKey, async () => toInteger(await this.wire.send("exists", [redisKey])) === 1, false);
  }

  /** Removes `key`; true when it existed. UNLINK. */
  async delete(key: string): Promise<boolean> {
    const redisKey = this.redisKey(key);
    return this.guarded("delete", redisKey, async () => toInteger(await this.evicting(redisKey, () => this.wire.send("unlink", [redisKey]))) === 1, false);
  }

  /**
   * Values of `keys` in order (`undefined` for misses). One MGET; on Cluster one MGET per
   * slot, sent concurrently. With the local tier, only the keys not held locally are read
   * (and their PTTLs, in the same round trip).
   */
  async getMany(keys: readonly string[]): Promise<Array<V | undefined>> {
    const out = new Array<V | undefined>(Array.isArray(keys) ? keys.length : 0).fill(undefined);
    return this.guarded("mget", undefined, () => getManyValues(this, keys, out), out);
  }

  /**
   * Stores many entries, each with its own TTL (`[key, value, { ttl }]`), in one round trip:
   * one MULTI of SET PX commands (on Cluster one MULTI per slot, sent concurrently). Resolves
   * how many entries were written.
   */
  async setMany(entries: SetManyEntries<V>, options: SetOptions = {}): Promise<number> {
    const fallbackTtl = ttlMs("ttl", options.ttl, this.defaultTtlMs);
    return setManyEntries(this, entries, fallbackTtl, (operation, run) => this.guarded(operation, undefined, run, 0));
  }

  /** Removes many keys; resolves how many existed. UNLINK (one per slot on Cluster, sent concurrently). */
  async deleteMany(keys: readonly string[]): Promise<number> {
    const redisKeys = rawKeys(this, keys);
    return this.guarded("deleteMany", undefined, () => this.evicting(redisKeys, () => this.wire.unlink(redisKeys)), 0);
  }

  /**
   * Adds `by` (default 1; any finite number) to a counter (absent = 0) and resolves the new
   * value. Always INCRBYFLOAT, whatever `by`, so a counter that holds a fraction (or a number
   * stored by `set()`) can still be incremented by an integer; a counter only ever incremented
   * by integers stays integer text (`"42"`), which INCR/INCRBY from other clients accept too.
   * A new counter gets `ttl` (default: the cache's) in the same MULTI (PEXPIRE NX: an existing
   * expiry is kept). `get()` reads it as a number. A key holding something other than a
   * number rejects with a `CodecError`. With `failOpen`, an absorbed error resolves `NaN`.
   */
  async incr(key: string, by = 1, options: SetOptions = {}): Promise<number> {
    const redisKey = this.redisKey(key);
    if (typeof by !== "number" || !Number.isFinite(by)) throw new ValidationError({ path: "by", message: `must be a finite number, got ${String(by)}` });
    const ttl = ttlMs("ttl", options.ttl, this.defaultTtlMs);
    return this.guarded("incr", redisKey, () => incrEntry(this, key, redisKey, by, ttl), Number.NaN);
  }

  /** Seconds left to live (ms precision); `null` when the entry never expires; `undefined` when absent. PTTL. */
  async ttl(key: string): Promise<number | null | undefined> {
    const redisKey = this.redisKey(key);
    return this.guarded("ttl", redisKey, async () => {
      const ms = toInteger(await this.wire.send("pttl", [redisKey]));
      return ms === -2 ? undefined : ms === -1 ? null : ms / 1000;
    }, undefined);
  }

  /**
   * Every raw key of this namespace, as you passed it to `set()` (memoized calls, tag sets and
   * locks live in key spaces of their own and are not listed), by SCAN of
   * `<prefix>:<namespace>::*` on the server or on every cluster master. SCAN's guarantees
   * apply: a key present for the whole iteration is yielded at least once (possibly twice);
   * keys added or removed meanwhile may or may not be.
   */
  keys(): AsyncGenerator<string> {
    return rawKeysOf(this);
  }

  /**
   * Removes every key of this namespace (entries, tag sets, locks): SCAN (on every master of
   * a cluster) + UNLINK in batches of up to 1,000, never KEYS. Keys written while it runs
   * may survive. Resolves how many keys were removed.
   */
  async clear(): Promise<number> {
    return this.clearPattern(this.keySpace.cachePattern(this.namespace));
  }

  /** @internal SCAN `pattern` + UNLINK page by page. */
  clearPattern(pattern: string): Promise<number> {
    return clearPattern(this, pattern);
  }

  /**
   * Removes every entry recorded under any of `tags` (by `wrap`/`@cached` with `tags`), and
   * the tag sets. Cluster-safe: SPOP batches of 1,000 keys per tag, then UNLINK grouped by
   * slot; see tags.ts for the consistency guarantees. Resolves how many entries existed.
   */
  async invalidateTags(...tags: string[]): Promise<number> {
    checkTags(tags);
    if (tags.length === 0) return 0;
    return this.guarded("invalidateTags", undefined, () => this.tagIndex.invalidate(tags, (keys) => this.coherence.evictKeys(keys)), 0);
  }

  /** Hits, misses, stale hits, writes and errors seen by this Cache object in this process. */
  stats(): CacheStatsSnapshot {
    return this.counters.snapshot();
  }

  /** Resets the counters of {@link stats}. */
  resetStats(): void {
    this.counters.reset();
  }

  /**
   * Memoizes `fn` in this cache: see {@link WrapOptions}. The result has `fn`'s parameters,
   * returns a promise, and carries `.invalidate(...args)`, `.key(...args)`, `.peek(...args)`
   * and `.entry(...args)`.
   */
  wrap<This, A extends unknown[], R>(fn: (this: This, ...args: A) => R, options: WrapOptions<This, A, Awaited<R>> = {}): Wrapped<This, A, Awaited<R>> {
    return wrapFunction<This, A, R, V>(this, fn, options);
  }

  /**
   * The value at raw key `key`, or `factory(ctx)`'s result stored there (with the resilience
   * options of `wrap`: `ttl`, `lock`, `grace`, timeouts…). One GET; on a miss the factory and one SET.
   */
  getOrSet<T extends V>(key: string, factory: (ctx: FactoryContext<T>) => T | Promise<T>, options: GetOrSetOptions<T> = {}): Promise<T> {
    return getOrSet(this as unknown as Cache<T>, key, factory, options);
  }

  /**
   * Values of many raw keys, computing the missing ones with ONE call of `factory(missingKeys)`
   * (an array in the same order, or a Map): one MGET (per slot), the factory, one MULTI of SETs.
   */
  getOrSetMany<T extends V>(keys: readonly string[], factory: ManyFactory<string, T>, options: GetOrSetOptions<T> = {}): Promise<T[]> {
    return getOrSetMany(this as unknown as Cache<T>, keys, factory, options);
  }

  /**
   * Memoizes a batch loader `fn(ids) → values` per id: a call with N ids reads them in one MGET
   * and calls `fn` once with the missing ids only. Entries live at `<prefix>:<namespace>:<name>:<digest of id>`.
   */
  wrapMany<K, T extends V>(fn: ManyFactory<K, T>, options: WrapManyOptions<K, T>): WrappedMany<K, T> {
    return wrapMany(this as unknown as Cache<T>, fn, options);
  }
}
