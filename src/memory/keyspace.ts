/**
 * One logical database (SELECT n): keys → values, keys → expiry (ms since epoch), lazy
 * expiry on every lookup, WATCH bookkeeping and "key ready" signals for blocked clients.
 */
import type { ClientState } from "./command";
import { fail, WRONGTYPE } from "./errors";
import type { TypeName, Value, ValueOf } from "./values";

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
  readonly data = new Map<string, Value>();
  readonly expires = new Map<string, number>();
  /** Keys watched by at least one client (maintained by the transaction layer). */
  readonly watched = new Map<string, Set<ClientState>>();

  constructor(
    readonly index: number,
    private readonly events: KeyspaceEvents,
    private readonly now: () => number,
  ) {}

  /** The value of a live key (expired keys are deleted on the way). */
  lookup(key: string): Value | undefined {
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
    this.data.set(key, { type, v } as Value);
    return v;
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  /** Stores a value; clears the TTL unless `keepTtl`. Signals WATCH. */
  set(key: string, value: Value, keepTtl = false): void {
    const old = this.lookup(key);
    this.data.set(key, value);
    if (!keepTtl) this.expires.delete(key);
    this.touch(key);
    if (old?.type === "stream") this.ready(key); // XREADGROUP waiters learn their stream is gone
  }

  /** Deletes a live key; true when it existed. Signals WATCH. */
  delete(key: string): boolean {
    const old = this.lookup(key);
    if (old === undefined) return false;
    this.data.delete(key);
    this.expires.delete(key);
    this.touch(key);
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
    }
  }

  /** Removes an expired key (lazy or active expiry). */
  remove(key: string): void {
    const old = this.data.get(key);
    if (!this.data.delete(key)) return;
    if (old?.type === "stream") this.ready(key);
    this.expires.delete(key);
    if (this.watched.has(key)) this.events.touched(this, key);
    this.events.modified?.(this, key, true);
  }

  /** Marks WATCHers of `key` dirty and tells client-side caching. Call after every modification. */
  touch(key: string): void {
    const watchers = this.watched.get(key);
    if (watchers) this.events.touched(this, key);
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
    this.events.flushed?.(this);
  }
}
