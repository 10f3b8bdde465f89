/**
 * `CacheCore`: what every operation of a {@link Cache} stands on, apart from the operations
 * themselves: the options, the wire and key space, the tag index, the coherence of the local
 * tier (invalidation connections), error reporting, and the single-entry read/write primitives
 * that memo.ts, many.ts and cache-bulk.ts call. cache.ts adds the public raw API and the
 * memoization entry points on top.
 */
import type { Codec } from "../codec";
import { codecs } from "../codec";
import { ValidationError } from "../errors";
import type { KeySpace } from "../keys";
import type { Envelope } from "./envelope";
import type { CacheErrorHook, CacheErrorInfo, CacheOptions } from "./options";
import { callHook, checkKey, checkSegment, timeoutMs, ttlMs } from "./options";
import { CacheStats } from "./stats";
import { TagIndex } from "./tags";
import type { WireOwner } from "./wire";
import { Wire } from "./wire";
import { Coherence } from "./coherence";
import { LocalStore, localOptions } from "./local-store";
import { LocalTier } from "./local-tier";
import { EVENTS } from "./events";
import { guardedOperation, readEntry, readThroughTier, writeEntry } from "./cache-io";

/** The state and plumbing of a cache; {@link Cache} is the class to use. */
export class CacheCore<V = unknown> {
  /** Second key segment of every entry. */
  readonly namespace: string;
  /** Default TTL in milliseconds (0 = none). */
  readonly defaultTtlMs: number;
  /** @internal */
  readonly codec: Codec<V>;
  /** @internal */
  readonly wire: Wire;
  /** @internal */
  readonly keySpace: KeySpace;
  /** @internal */
  readonly tagIndex: TagIndex;
  /** @internal */
  readonly counters = new CacheStats();
  /** @internal */
  readonly onError: CacheErrorHook | undefined;
  /** @internal Names of memoized functions → their source, to refuse two functions sharing a name. */
  readonly names = new Map<string, string>();
  /** @internal Invalidation connections and local stores (coherence.ts), started by the first local tier or lock waiter. */
  readonly coherence: Coherence;
  /** @internal The local tier of the raw API (and default of wrapped functions), when `local` is set. */
  readonly local: LocalTier<V> | undefined;
  /** @internal `local` options, for wrapped functions that do not say. */
  readonly localDefaults: { maxEntries: number; ttlMs: number } | undefined;
  /** @internal */
  readonly failOpen: boolean;
  /** Deadline of raw-API operations (`timeout` option), in milliseconds. */
  protected readonly timeout: number | undefined;
  /** `<prefix>:<namespace>::`, the prefix of every raw key. */
  protected readonly rawBase: string;

  /** @internal Use `db.cache(options)`. */
  constructor(owner: WireOwner & { readonly keys: KeySpace }, options: CacheOptions<V> = {}) {
    this.namespace = checkSegment("namespace", options.namespace ?? "cache");
    this.defaultTtlMs = ttlMs("ttl", options.ttl);
    this.codec = options.codec ?? codecs.typed<V>();
    this.failOpen = options.failOpen ?? false;
    this.timeout = timeoutMs(options, undefined);
    if (options.onError !== undefined && typeof options.onError !== "function") {
      throw new ValidationError({ path: "onError", message: "must be a function" });
    }
    this.onError = options.onError;
    this.wire = new Wire(owner);
    this.keySpace = owner.keys;
    this.tagIndex = new TagIndex(this.wire, owner.keys, this.namespace);
    this.rawBase = owner.keys.cacheKey(this.namespace, "");
    this.coherence = new Coherence(owner, owner.keys.cacheNamespacePrefix(this.namespace), (error) => this.report(error, { operation: "tracking" }));
    this.localDefaults = localOptions("local", options.local);
    this.local = this.localDefaults ? new LocalTier<V>(new LocalStore<V>(this.localDefaults.maxEntries, this.localDefaults.ttlMs), this.coherence) : undefined;
  }

  /** The full Redis key of raw key `key`: `<prefix>:<namespace>::<key>` (keys.ts `cacheKey`). */
  redisKey(key: string): string {
    return this.rawBase + checkKey("key", key);
  }

  /**
   * Where the local tier stands: `up` (copies served), `starting`/`down` (bypassed until the
   * invalidation connections are back), `unavailable` (the server refused tracking: reported
   * once through `onError`), `closed`, or `off` (no local tier, no lock waiter yet).
   */
  get localState(): "off" | "starting" | "up" | "down" | "unavailable" | "closed" {
    const s = this.coherence.state;
    return s === "idle" ? "off" : s;
  }

  /**
   * Resolves once every change Redis made before this call is reflected in the local tier, for
   * a reader that learned of another process's write through a channel of its own (an HTTP
   * request, IPC, a queue message) and must not read anything older: that news can reach this
   * process before Redis's invalidation does. One PING on each invalidation connection (one per
   * master on Cluster), answered behind the invalidations queued before it; nothing to do
   * without a local tier or while it is bypassed. A connection silent for a second empties the
   * tier instead.
   */
  sync(): Promise<void> {
    return this.coherence.barrier();
  }

  /** Closes this cache's invalidation connections (they also close with the Database's client); the local tier is off from then on. */
  close(): void {
    this.coherence.close();
  }

  /** @internal Runs a write of `keys`: local copies are dropped when it is sent and when it is answered (coherence.ts). */
  evicting<T>(keys: string | readonly string[], write: () => Promise<T>): Promise<T> {
    return this.coherence.evicting(keys, write);
  }

  /** @internal Counts and reports an error (the raw API then rethrows unless failOpen). */
  report(error: unknown, info: CacheErrorInfo, hook: CacheErrorHook | undefined = this.onError): Error {
    const err = error instanceof Error ? error : new Error(String(error));
    this.counters.errors++;
    if (EVENTS.redisError.hasSubscribers) EVENTS.redisError.publish({ ...info, error: err });
    callHook(hook, err, info);
    return err;
  }

  /** @internal GET (and PTTL) through a local tier, keeping the value locally when nothing spoiled the read (local-tier.ts). */
  readLocal(redisKey: string, tier: LocalTier<V>, timeout: number | undefined): Promise<Envelope<V> | undefined> {
    return readThroughTier(this, redisKey, tier, timeout);
  }

  /** @internal Reads and decodes one entry; nil → undefined. Throws mapped Redis errors and CodecError. */
  read(redisKey: string, timeout: number | undefined): Promise<Envelope<V> | undefined> {
    return readEntry(this, redisKey, timeout);
  }

  /** @internal Encodes and writes one entry (`bytes`: already encoded). SET [PX]. */
  write(redisKey: string, value: V, ttl: number, timeout: number | undefined, bytes?: Buffer | string): Promise<unknown> {
    return writeEntry(this, redisKey, value, ttl, timeout, bytes);
  }

  /** Runs a raw-API operation: rejects on failure, or (failOpen) reports and resolves `fallback` (cache-io.ts). */
  protected guarded<T>(operation: string, key: string | undefined, run: () => Promise<T>, fallback: T): Promise<T> {
    return guardedOperation(this, this.timeout, operation, key, run, fallback);
  }
}
