/**
 * One logical database (SELECT n): keys → values, keys → expiry (ms since epoch), lazy
 * expiry on every lookup, WATCH bookkeeping and "key ready" signals for blocked clients.
 */
import type { ClientState } from "./command";
import { fail, WRONGTYPE } from "./errors";
import { RandomPool } from "./random-pool";
import { ExpiryMap } from "./expiry-map";
import { elementCount, estimateKeyBytes, SAMPLES, sampleElementBytes } from "./memory-size";
import type { TypeName, Value, ValueOf } from "./values";
import { KeyspaceNotifier, NOTIFY_EXPIRED, NOTIFY_KEY_MISS, NOTIFY_NEW } from "./notify";

/** What a Keyspace reports to the engine: modified keys (for WATCH) and keys ready for blocked pops. */
export interface KeyspaceEvents {
  /** A watched key was modified or deleted. */
  touched(db: Keyspace, key: string): void;
  /** A list, sorted set or stream key received elements (BLPOP/BZPOPMIN/XREAD waiters may be served), or a stream was deleted (XREADGROUP waiters get an error). */
  ready(db: Keyspace, key: string): void;
  /** Any key was modified, deleted or expired (`expired`): CLIENT TRACKING invalidations (tracking.ts). */
  modified?(db: Keyspace, key: string, expired: boolean): void;
  /** The database was emptied (FLUSHDB, FLUSHALL). */
  flushed?(db: Keyspace): void;
}

export class Keyspace {
  // Not readonly: SWAPDB swaps the contents of two databases (swapContents). Read them through the Keyspace, never keep them.
  data = new Map<string, Value>();
  expires = new ExpiryMap();
  /**
   * The sum of every key's estimated bytes (memory-size.ts; maxmemory.ts reads it). Each key's
   * own estimate is kept on its value object (`Value.mem`): a key's write then costs no second
   * map's get and set (they were ~5% of an MSET).
   */
  usedBytes = 0;
  /** Keys by last access, least recent first; kept only under an LRU maxmemory-policy. */
  private lru: Map<string, number> | null = null;
  /** Every key, for a random pick; kept only under `allkeys-random`. */
  private pool: RandomPool | null = null;
  /**
   * The key clock, refreshed by the active-expiry tick (every 100 ms): what a lookup stamps on
   * the value for OBJECT IDLETIME. Redis's LRU clock is as coarse (1 s resolution); reading
   * the clock on every lookup cost ~20% of a GET.
   */
  accessClock: number;
  /** Keys watched by at least one client (maintained by the transaction layer). */
  readonly watched = new Map<string, Set<ClientState>>();

  constructor(
    readonly index: number,
    private readonly events: KeyspaceEvents,
    private readonly now: () => number,
    /** The engine's keyspace notifications (`expired` and `new` fire here; command events in the commands). */
    readonly notifier: KeyspaceNotifier = new KeyspaceNotifier(),
  ) {
    this.accessClock = now();
  }

  /**
   * Set by the engine while a command whose lookups are Redis's read lookups (lookupKeyRead) runs
   * with the `m` notification class on: a miss then publishes `keymiss` (notify.ts).
   */
  missReads = false;

  /** The value of a live key (expired keys are deleted on the way); a read command's miss is a `keymiss` event. */
  lookup(key: string): Value | undefined {
    const value = this.live(key);
    if (value === undefined && this.missReads) this.notifier.emit(NOTIFY_KEY_MISS, "keymiss", key, this.index);
    return value;
  }

  /** lookup without the `keymiss` event (Redis's write lookups: setKey, dbDelete). */
  private live(key: string): Value | undefined {
    const value = this.data.get(key);
    if (value === undefined) return undefined;
    // No TTL in this database (the common case): no second map lookup.
    const at = this.expires.size === 0 ? undefined : this.expires.get(key);
    if (at !== undefined && at <= this.now()) {
      this.remove(key);
      return undefined;
    }
    value.at = this.accessClock; // OBJECT IDLETIME
    if (this.lru !== null) this.accessed(key);
    return value;
  }

  /**
   * A read lookup that leaves OBJECT IDLETIME and the LRU order alone (Redis's
   * lookupKeyReadWithFlags(LOOKUP_NOTOUCH): EXISTS, TYPE, the TTL family): a miss is still a
   * `keymiss` event.
   */
  lookupNoTouch(key: string): Value | undefined {
    const value = this.peek(key);
    if (value === undefined && this.missReads) this.notifier.emit(NOTIFY_KEY_MISS, "keymiss", key, this.index);
    return value;
  }

  /** The value without counting an access (OBJECT, as Redis's LOOKUP_NOTOUCH); expired keys are deleted. */
  peek(key: string): Value | undefined {
    const at = this.expires.get(key);
    if (at !== undefined && at <= this.now()) {
      this.remove(key);
      return undefined;
    }
    return this.data.get(key);
  }

  /** The value if it has type `type`, undefined when missing, WRONGTYPE otherwise. */
  get<T extends TypeName>(key: string, type: T): ValueOf<T> | undefined {
    const value = this.lookup(key);
    if (value === undefined) return undefined;
    if (value.type !== type) fail(WRONGTYPE);
    return value.v as unknown as ValueOf<T>;
  }

  /** Existing value of type `type`, or a new one created by `make` and stored. */
  getOrCreate<T extends TypeName>(key: string, type: T, make: () => ValueOf<T>): ValueOf<T> {
    const existing = this.get(key, type);
    if (existing !== undefined) return existing;
    const v = make();
    this.data.set(key, { type, v, at: this.accessClock } as Value);
    if (this.notifier.flags & NOTIFY_NEW) this.notifier.emit(NOTIFY_NEW, "new", key, this.index);
    return v;
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  /** Stores a value; clears the TTL unless `keepTtl`. Signals WATCH. */
  set(key: string, value: Value, keepTtl = false): void {
    // The old value matters for its type, its estimate and the `new` event; an expired one is
    // removed (with its signals) by live(), a write lookup: no `keymiss`.
    const old = this.expires.size === 0 ? this.data.get(key) : this.live(key);
    value.at = this.accessClock;
    this.data.set(key, value);
    if (old === undefined && this.notifier.flags & NOTIFY_NEW) this.notifier.emit(NOTIFY_NEW, "new", key, this.index);
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
    // The estimate replaced is the old value's (a value moved here by RENAME or MOVE still carries its old key's).
    this.accountAs(key, value, old?.mem ?? 0);
    this.signal(key);
    if (old?.type === "stream") this.ready(key); // XREADGROUP waiters learn their stream is gone
  }

  /** Deletes a live key; true when it existed. Signals WATCH. */
  delete(key: string): boolean {
    const old = this.live(key);
    if (old === undefined) return false;
    this.data.delete(key);
    this.expires.delete(key);
    this.accountAs(key, undefined, old.mem ?? 0);
    this.signal(key);
    if (old.type === "stream") this.ready(key);
    return true;
  }

  /** Deletes a container key once it became empty (Redis never keeps empty containers). */
  deleteIfEmpty(key: string): void {
    const v = this.data.get(key);
    if (!v) return;
    const size = v.type === "string" || v.type === "stream" ? 1 : v.type === "list" ? v.v.length : v.v.size;
    if (size === 0) {
      this.data.delete(key);
      this.expires.delete(key);
      this.accountAs(key, undefined, v.mem ?? 0);
    }
  }

  /** Removes an expired key (lazy or active expiry). */
  remove(key: string): void {
    const old = this.data.get(key);
    if (old === undefined) return;
    this.data.delete(key);
    if (old.type === "stream") this.ready(key);
    this.expires.delete(key);
    this.accountAs(key, undefined, old.mem ?? 0);
    if (this.watched.has(key)) this.events.touched(this, key);
    this.events.modified?.(this, key, true);
    if (this.notifier.flags & NOTIFY_EXPIRED) this.notifier.emit(NOTIFY_EXPIRED, "expired", key, this.index);
  }

  /** Marks WATCHers of `key` dirty and tells client-side caching. Call after every modification (`value`: the key's value now, when the caller has it). */
  touch(key: string, value?: Value): void {
    this.account(key, value);
    this.signal(key);
  }

  /** WATCH and CLIENT TRACKING learn that `key` was modified or deleted. */
  private signal(key: string): void {
    if (this.watched.size !== 0 && this.watched.has(key)) this.events.touched(this, key);
    this.events.modified?.(this, key, false);
  }

  /** Signals blocked clients that `key` may now serve them. */
  ready(key: string): void {
    this.events.ready(this, key);
  }

  /** Milliseconds left, -1 without TTL, -2 when missing. */
  pttl(key: string): number {
    if (!this.has(key)) return -2;
    const at = this.expires.get(key);
    return at === undefined ? -1 : Math.max(0, at - this.now());
  }

  size(): number {
    return this.data.size;
  }

  /** Removes every key; touches watched ones that existed. */
  flush(): void {
    for (const key of this.watched.keys()) if (this.has(key)) this.events.touched(this, key);
    for (const [key, v] of this.data) if (v.type === "stream") this.ready(key);
    this.data.clear();
    this.expires.clear();
    this.usedBytes = 0;
    this.lru?.clear();
    this.pool?.clear();
    this.events.flushed?.(this);
  }

  /**
   * SWAPDB: exchanges keys, TTLs and estimates with `other`, in O(1) as Redis. WATCHed keys stay
   * with their database index; like Redis's touchAllWatchedKeysInDb, a watched key that exists
   * in either database before the swap dirties its watchers, and afterwards every key of a
   * blocking type is signalled (blocked clients of either database may now be served; O(keys)).
   */
  swapContents(other: Keyspace): void {
    for (const [a, b] of [[this, other], [other, this]] as const) {
      for (const key of a.watched.keys()) if (a.data.has(key) || b.data.has(key)) a.events.touched(a, key);
    }
    [this.data, other.data] = [other.data, this.data];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.usedBytes, other.usedBytes] = [other.usedBytes, this.usedBytes];
    [this.lru, other.lru] = [other.lru, this.lru];
    [this.pool, other.pool] = [other.pool, this.pool];
    for (const db of [this, other]) {
      for (const [key, v] of db.data) if (v.type === "list" || v.type === "zset" || v.type === "stream") db.ready(key);
    }
    // As Redis 7.0, CLIENT TRACKING clients get no invalidation for the swapped keys.
  }

  /**
   * Refreshes the memory estimate of `key` after a change made in place (memory-size.ts): O(1)
   * per call. `current`: its value, when the caller has it (one map lookup less). A value
   * removed from the key has been accounted already (delete, deleteIfEmpty): nothing to do then.
   */
  account(key: string, current?: Value): void {
    const value = current ?? this.data.get(key);
    if (value !== undefined) this.accountAs(key, value, value.mem ?? 0);
  }

  /** Sets `key`'s estimate to that of `value` (0 when deleted), replacing `before` bytes in the sum. */
  private accountAs(key: string, value: Value | undefined, before: number): void {
    let now = 0;
    if (value !== undefined) {
      let avg = 0;
      if (value.type !== "string") {
        // Re-sample small containers always, large ones every 64th size (the average drifts slowly).
        const n = elementCount(value);
        if (value.avg === undefined || n <= SAMPLES || (n & 63) === 0) value.avg = sampleElementBytes(value);
        avg = value.avg;
      }
      now = estimateKeyBytes(key, value, avg);
      value.mem = now;
    }
    this.usedBytes += now - before;
    if (value === undefined) this.lru?.delete(key);
    else {
      if (this.lru !== null) this.accessed(key);
      if (this.pool !== null && before === 0) this.pool.add(key, this.data.size, () => this.data.keys());
    }
  }

  /** Keeps (or drops) the LRU order of keys; turned on, existing keys start in insertion order. */
  trackAccess(on: boolean): void {
    if (!on) this.lru = null;
    else if (this.lru === null) this.lru = new Map([...this.data.keys()].map((k) => [k, 0]));
  }

  /** Keeps (or drops) the pool of keys `randomKey` picks from. */
  trackRandom(on: boolean): void {
    if (!on) this.pool = null;
    else if (this.pool === null) this.pool = new RandomPool(this.data.keys());
  }

  /** A random key (with a TTL only, when `volatileOnly`) for the random eviction policies. */
  randomKey(volatileOnly: boolean): string | undefined {
    return volatileOnly ? this.expires.random() : this.pool?.pick((key) => this.data.has(key));
  }

  /** The least recently accessed key (with a TTL only, when `volatileOnly`), ranked by its place for cross-database comparison. */
  leastRecentlyUsed(volatileOnly: boolean): { key: string; rank: number } | undefined {
    if (this.lru === null) return undefined;
    for (const [key, tick] of this.lru) {
      if (!volatileOnly || this.expires.has(key)) return { key, rank: tick };
    }
    return undefined;
  }

  /** The key with the nearest expiry (volatile-ttl), ranked by that time. */
  nearestExpiry(): { key: string; rank: number } | undefined {
    const n = this.expires.nearest();
    return n && { key: n.key, rank: n.at };
  }

  /** Moves `key` to the most recent end, stamped with the shared access clock. */
  private accessed(key: string): void {
    const lru = this.lru!;
    lru.delete(key);
    lru.set(key, ++Keyspace.clock);
  }

  /** One access counter for all databases, so their LRU candidates compare. */
  private static clock = 0;
}
