/**
 * Option types and checks shared by the cache files.
 */
import type { Codec } from "../codec";
import type { LockOptions } from "./lock";
import type { LocalOptions } from "./local-store";
import { ValidationError } from "../errors";
import { requireWellFormed } from "../validate";

/** What an `onError` hook is told besides the error. */
export interface CacheErrorInfo {
  /** What failed: `"get"`, `"set"`, `"decode"`, `"lock"`, `"unlock"`, `"refresh"`, `"tags"`, `"delete"`, … */
  readonly operation: string;
  /** The full Redis key concerned, when there is one. */
  readonly key?: string;
  /** The memoized function's name (`wrap` / `@cached` only). */
  readonly name?: string;
}

/** Called with every error a fail-open call absorbed (and, for the raw API, with every error). Exceptions it throws are ignored. */
export type CacheErrorHook = (error: Error, info: CacheErrorInfo) => void;

/** Options of `db.cache()`. */
export interface CacheOptions<V = unknown> {
  /** Second key segment (`<prefix>:<namespace>:…`); default `"cache"`. No `:`, `{`, `}` or spaces. */
  readonly namespace?: string;
  /**
   * Default time to live in seconds (fractions allowed, sent as PX milliseconds).
   * `0` or absent: entries never expire. Negative or non-finite: `ValidationError`.
   */
  readonly ttl?: number;
  /** How values are stored; default `codecs.typed()` (Date, Map, Set, bigint, Buffer, undefined, null… round-trip exactly). */
  readonly codec?: Codec<V>;
  /**
   * Raw API only (`get`, `set`, …): absorb Redis failures instead of rejecting (a failed read
   * is a miss, a failed write is skipped) and report them to `onError`. Default false.
   * `wrap()` and `@cached` have their own `failOpen`, default true.
   */
  readonly failOpen?: boolean;
  /** Raw API only: milliseconds to wait for Redis before failing (default: the client's own `commandTimeout`). */
  readonly timeoutMs?: number;
  /** @deprecated Renamed {@link CacheOptions.timeoutMs} (same unit: milliseconds). */
  readonly timeout?: number;
  /** Told about every Redis or codec error this cache sees (also the default hook of its wrapped functions). */
  readonly onError?: CacheErrorHook;
  /**
   * The local tier: an LRU of decoded values in this process, in front of Redis, kept coherent
   * by Redis itself (CLIENT TRACKING; see coherence.ts): a hit costs no round trip and no
   * decode. Applies to the raw API and, unless they say otherwise, to wrapped functions. Off by default.
   */
  readonly local?: LocalOptions;
}

/** Options of one write. */
export interface SetOptions {
  /** Seconds to live; `0` = never expires; default: the cache's `ttl`. */
  readonly ttl?: number;
}

const NAME = /^[^:{}#\s][^:{}\s]*$/;

/**
 * A raw key: any non-empty well-formed string. Raw keys have a key space of their own
 * (`<prefix>:<namespace>::<key>`, see keys.ts), so no raw key can name a memoized entry, a tag
 * set or a lock, whatever its characters (`:` and a leading `#` included).
 */
export function checkKey(path: string, key: unknown): string {
  if (typeof key !== "string" || key === "") {
    throw new ValidationError({ path, message: `must be a non-empty string, got ${typeof key === "string" ? '""' : typeof key}` });
  }
  return requireWellFormed(path, key);
}

/** Entries accepted by {@link Cache.setMany}: pairs, triples with per-key options, a Map or a record. */
export type SetManyEntries<V> =
  | Iterable<readonly [string, V] | readonly [string, V, SetOptions]>
  | Map<string, V>
  | Record<string, V>;

/** A namespace or function name: one key segment. */
export function checkSegment(path: string, value: unknown): string {
  if (typeof value !== "string" || !NAME.test(value)) {
    throw new ValidationError({
      path,
      message: `must be a non-empty string without ":", "{", "}" or spaces, not starting with "#" (got ${JSON.stringify(value)})`,
    });
  }
  return requireWellFormed(path, value);
}

/** A TTL in seconds → milliseconds (`0` = no expiry). `undefined` → `fallback`. */
export function ttlMs(path: string, seconds: unknown, fallback = 0): number {
  if (seconds === undefined) return fallback;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
    throw new ValidationError({ path, message: `must be a finite number of seconds ≥ 0 (0 = no expiry), got ${String(seconds)}` });
  }
  return seconds === 0 ? 0 : Math.max(1, Math.ceil(seconds * 1000));
}

/**
 * The `timeoutMs` option (or its deprecated alias `timeout`), in milliseconds: finite and > 0.
 * Time options of the cache say their unit: a bare name (`ttl`, `staleTtl`, `lock.ttl`,
 * `lock.wait`) is seconds, like Redis's EXPIRE; a name ending in `Ms` is milliseconds.
 */
export function timeoutMs(options: { readonly timeoutMs?: number; readonly timeout?: number }, fallback: number | undefined): number | undefined {
  const path = options.timeoutMs !== undefined || options.timeout === undefined ? "timeoutMs" : "timeout";
  const value: unknown = options.timeoutMs ?? options.timeout;
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError({ path, message: `must be a positive number of milliseconds, got ${String(value)}` });
  }
  return value;
}

/** Calls a user hook, ignoring anything it throws. */
export function callHook(hook: CacheErrorHook | undefined, error: Error, info: CacheErrorInfo): void {
  if (!hook) return;
  try {
    hook(error, info);
  } catch {
    // A logging hook must never break the call it reports on.
  }
}

/** Default `timeoutMs` of wrapped functions: ms a call waits for Redis before computing without it. */
export const DEFAULT_WRAP_TIMEOUT = 500;

/** Options of `cache.wrap()` and `@cached()`. */
export interface WrapOptions<This, A extends unknown[], R> {
  /**
   * Third key segment; default `fn.name` (`Class.method` for `@cached`). Anonymous functions
   * must be given one (`ValidationError` otherwise). Two different functions wrapped under
   * one name in one Cache object are refused (`ValidationError`); across processes, the
   * name is what tells functions apart, so keep names unique per namespace.
   */
  readonly name?: string;
  /** Seconds to live (default: the cache's ttl; 0 = forever), or a function of the result. */
  readonly ttl?: number | ((value: R) => number);
  /**
   * What identifies a call; default: all arguments (canonically encoded). Its result is
   * canonically encoded and digested. `this` is NOT part of the default key: include it here
   * (`key(id) { return [this.tenant, id] }`) when results depend on the instance.
   */
  key?(this: This, ...args: A): unknown;
  /**
   * Stale-while-revalidate: for `staleTtl` seconds after `ttl`, a call returns the stale value
   * at once and one caller (one per cluster: it takes the entry's lock) refreshes it in the
   * background. The entry's Redis TTL is `ttl + staleTtl`. Needs a fixed `ttl` > 0.
   */
  readonly staleTtl?: number;
  /**
   * Cross-process single flight: on a miss, take a Redis lock (SET NX PX with a token) before
   * computing; other processes poll the entry (growing delays) until it appears or `wait`
   * seconds pass, then compute themselves. `true` = `{ ttl: 10, wait: 5 }`.
   */
  readonly lock?: boolean | LockOptions;
  /**
   * When Redis is down, slower than `timeout`, or returns undecodable data: compute and
   * return the value, tell `onError`, never throw. Default true. With `false`, Redis errors
   * reject the call.
   */
  readonly failOpen?: boolean;
  /** Milliseconds a call waits for each Redis reply before giving up on Redis (default 500). */
  readonly timeoutMs?: number;
  /** @deprecated Renamed {@link WrapOptions.timeoutMs} (same unit: milliseconds). */
  readonly timeout?: number;
  /** Tags to record the entry under, from the call's arguments; see `cache.invalidateTags()`. */
  tags?(this: This, ...args: A): readonly string[];
  /** Told about every error absorbed (default: the cache's `onError`). */
  readonly onError?: CacheErrorHook;
  /** This function's local tier (default: the cache's `local`); `false`: none. */
  readonly local?: LocalOptions | false;
  /**
   * Milliseconds: when a stale value exists (past `ttl`, within `grace`) and `fn` has not
   * answered within this time, return the stale value and let `fn` finish (and be stored) in
   * the background.
   */
  readonly softTimeoutMs?: number;
  /**
   * Milliseconds: give up waiting for `fn` after this time: return the stale value when one
   * exists, else reject with a `CacheTimeoutError`. `fn` keeps running (its result is stored
   * if it arrives); `cacheContext().signal` is aborted.
   */
  readonly hardTimeoutMs?: number;
  /**
   * Seconds a value is kept past its `ttl` to be served when `fn` fails (throws, or times out
   * with `hardTimeoutMs`): the call returns the last good value instead of failing, and `fn` is
   * not tried again for this key before `graceBackoff` (in every process). Needs a fixed `ttl` > 0.
   */
  readonly grace?: number;
  /** Seconds to wait before calling a failing `fn` again while serving the `grace` value (default 10). */
  readonly graceBackoff?: number;
  /**
   * Eager refresh: a hit after this fraction of the entry's `ttl` (0 < x < 1; 0.8 = in its last
   * 20%) starts one background refresh, so hot keys never expire (one per cluster: it takes
   * the entry's lock).
   */
  readonly eagerRefresh?: number;
  /** TTL jitter (0–1): each entry's ttl is shortened by a random fraction up to this, so keys written together do not expire together. */
  readonly ttlJitter?: number;
  /** Seconds to keep a negative result (default: `null` or `undefined`, or one marked with `cacheContext().negative()`). */
  readonly negativeTtl?: number;
  /** What a negative result is (default `value === null || value === undefined`). */
  isNegative?(value: R): boolean;
}

/** What `entry()` returns: the value and what the cache knew about it (for HTTP cache headers). */
export interface CacheEntryInfo<R> {
  readonly value: R;
  /** `hit`: fresh from the cache; `stale`: past its ttl (stale-while-revalidate, grace); `miss`: just computed. */
  readonly status: "hit" | "stale" | "miss";
  /** Seconds since the value was computed (0 for a miss; undefined when the entry does not say). */
  readonly age: number | undefined;
  /** When the value stops being fresh (undefined: never, or not known). */
  readonly expiresAt: Date | undefined;
}

/** What `peek()` finds: the value and whether it is past its `ttl` (stale-while-revalidate). */
export interface PeekedEntry<R> {
  readonly value: R;
  readonly stale: boolean;
}

/** A memoized function: `fn`'s parameters, a promise of its result, and helpers. */
export interface Wrapped<This, A extends unknown[], R> {
  (this: This, ...args: A): Promise<R>;
  /** Removes the entry of these arguments; true when it existed. UNLINK. */
  invalidate(...args: A): Promise<boolean>;
  /** The full Redis key of these arguments (no I/O). */
  key(...args: A): string;
  /** The cached entry of these arguments without computing (`undefined` on a miss). GET. */
  peek(...args: A): Promise<PeekedEntry<R> | undefined>;
  /** Removes every entry of this function (SCAN + UNLINK on `<namespace>:<name>:*`); resolves how many. */
  invalidateAll(): Promise<number>;
  /** Like calling the function, but resolves `{ value, status, age, expiresAt }` (HTTP `Age`, `Cache-Control`). GET (+ the call on a miss). */
  entry(...args: A): Promise<CacheEntryInfo<R>>;
  /** The name in this function's keys. */
  readonly cacheName: string;
}
