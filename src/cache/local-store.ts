/**
 * The local tier's storage: DECODED cache entries in process memory, bounded by `maxEntries`
 * (second-chance LRU: a hit only sets a flag, eviction gives flagged entries one more round)
 * and by time: an entry lives at most the tier's `ttl` and never past its Redis expiry. What
 * keeps it coherent with Redis is coherence.ts; this file only stores.
 */
import type { Envelope } from "./envelope";
import { ValidationError } from "../errors";

/** Options of the local tier (`local` on `db.cache()`, `wrap()` and `@cached()`). */
export interface LocalOptions {
  /** Most entries kept in this process (least recently used go first). */
  readonly maxEntries: number;
  /**
   * Seconds a local copy may live (default 60), however long Redis keeps the entry: a bound on
   * how long a copy could outlive its Redis value in the cases Redis cannot report (a failover
   * to a replica not yet seen by the client).
   */
  readonly ttl?: number;
}

/** One local copy. */
export interface LocalEntry<V> {
  readonly envelope: Envelope<V>;
  /** Epoch ms after which the copy is dropped. */
  readonly until: number;
  /** Read since the last eviction pass. */
  hot: boolean;
}

const DEFAULT_TTL_MS = 60_000;

/** Checks `local` options; `undefined`/`false` → no tier. */
export function localOptions(path: string, value: unknown): { maxEntries: number; ttlMs: number } | undefined {
  if (value === undefined || value === false) return undefined;
  const o = value as LocalOptions;
  if (typeof o !== "object" || o === null || !Number.isSafeInteger(o.maxEntries) || o.maxEntries < 1) {
    throw new ValidationError({ path: `${path}.maxEntries`, message: "must be an integer ≥ 1 (the local tier's size)" });
  }
  if (o.ttl !== undefined && (typeof o.ttl !== "number" || !Number.isFinite(o.ttl) || o.ttl <= 0)) {
    throw new ValidationError({ path: `${path}.ttl`, message: "must be a positive number of seconds" });
  }
  return { maxEntries: o.maxEntries, ttlMs: o.ttl === undefined ? DEFAULT_TTL_MS : Math.ceil(o.ttl * 1000) };
}

export class LocalStore<V = unknown> {
  private readonly map = new Map<string, LocalEntry<V>>();

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** The live copy of `key`, or undefined. The hit path: one Map lookup and a clock read. */
  get(key: string): LocalEntry<V> | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    if (entry.until <= Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    entry.hot = true;
    return entry;
  }

  /** Keeps a copy until min(now + ttl, `expiresAt`) (epoch ms; undefined = no Redis expiry). */
  set(key: string, envelope: Envelope<V>, expiresAt: number | undefined): void {
    const now = Date.now();
    const until = Math.min(now + this.ttlMs, expiresAt ?? Number.POSITIVE_INFINITY);
    if (until <= now) return;
    this.map.delete(key);
    this.map.set(key, { envelope, until, hot: false });
    if (this.map.size > this.maxEntries) this.evictOne();
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  private evictOne(): void {
    for (const [key, entry] of this.map) {
      this.map.delete(key);
      if (!entry.hot) return;
      entry.hot = false;
      this.map.set(key, entry); // second chance: to the back of the queue
    }
  }
}
