/**
 * Checks the options of `wrap()` / `@cached` / `getOrSet` / `wrapMany` and resolves them into
 * the {@link MemoSpec} the memoization flow runs on.
 */
import { ValidationError } from "../errors";
import type { Cache } from "./cache";
import { DEFAULT_LOCK_TTL, DEFAULT_LOCK_WAIT } from "./lock";
import type { LockOptions } from "./lock";
import { LocalStore, localOptions } from "./local-store";
import type { LocalOptions } from "./local-store";
import { LocalTier } from "./local-tier";
import type { MemoSpec } from "./memo";
import type { CacheErrorHook } from "./options";
import { DEFAULT_WRAP_TIMEOUT, timeoutMs, ttlMs } from "./options";

/** The options every memoizing entry point shares (see `WrapOptions` for each). */
export interface MemoOptions<R> {
  readonly ttl?: number | ((value: R) => number);
  readonly staleTtl?: number;
  readonly lock?: boolean | LockOptions;
  readonly failOpen?: boolean;
  readonly timeoutMs?: number;
  /** @deprecated `timeoutMs` */
  readonly timeout?: number;
  readonly onError?: CacheErrorHook;
  readonly local?: LocalOptions | false;
  readonly softTimeoutMs?: number;
  readonly hardTimeoutMs?: number;
  readonly grace?: number;
  readonly graceBackoff?: number;
  readonly eagerRefresh?: number;
  readonly ttlJitter?: number;
  readonly negativeTtl?: number;
  isNegative?(value: R): boolean;
}

const DEFAULT_GRACE_BACKOFF = 10;

function lockOptions(lock: boolean | LockOptions | undefined): { ttl: number; wait: number } | undefined {
  if (lock === undefined || lock === false) return undefined;
  const o = lock === true ? {} : lock;
  return {
    ttl: ttlMs("lock.ttl", o.ttl ?? DEFAULT_LOCK_TTL) || DEFAULT_LOCK_TTL * 1000,
    wait: ttlMs("lock.wait", o.wait ?? DEFAULT_LOCK_WAIT),
  };
}

function fraction(path: string, value: unknown, open: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !(open ? value > 0 && value < 1 : value >= 0 && value <= 1)) {
    throw new ValidationError({ path, message: `must be a number ${open ? "between 0 and 1 (exclusive)" : "from 0 to 1"}, got ${String(value)}` });
  }
  return value;
}

/** A duration option in milliseconds (`…Ms`): finite and > 0. */
function ms(path: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) throw new ValidationError({ path, message: `must be a positive number of milliseconds, got ${String(value)}` });
  return value;
}

const defaultNegative = (value: unknown) => value === null || value === undefined;

/** Resolves `options` for a function named `name` (undefined for getOrSet) whose lock keys `lockKeyOf` builds. */
export function memoSpec<T>(cache: Cache<T>, options: MemoOptions<T>, name: string | undefined, lockKeyOf: (redisKey: string) => string): MemoSpec<T> {
  const fixedTtl = typeof options.ttl === "function" ? undefined : ttlMs("ttl", options.ttl, cache.defaultTtlMs);
  const ttlOf = typeof options.ttl === "function" ? options.ttl : undefined;
  const staleMs = ttlMs("staleTtl", options.staleTtl);
  if (staleMs > 0 && !fixedTtl) throw new ValidationError({ path: "staleTtl", message: "needs a fixed ttl > 0" });
  const graceMs = ttlMs("grace", options.grace);
  if (graceMs > 0 && !fixedTtl) throw new ValidationError({ path: "grace", message: "needs a fixed ttl > 0" });
  const local = options.local === undefined ? cache.localDefaults : localOptions("local", options.local);
  const shared = options.local === undefined && cache.local !== undefined;
  const tier = local === undefined ? undefined : shared ? cache.local : new LocalTier<T>(new LocalStore<T>(local.maxEntries, local.ttlMs), cache.coherence);
  if (options.isNegative !== undefined && typeof options.isNegative !== "function") throw new ValidationError({ path: "isNegative", message: "must be a function" });
  const lock = lockOptions(options.lock);
  // Lock waiters sleep until the entry's invalidation: have the invalidation connection ready before the first stampede.
  if (lock) cache.coherence.start();
  return {
    name,
    fixedTtl,
    ttlOf,
    staleMs,
    graceMs,
    backoffMs: ttlMs("graceBackoff", options.graceBackoff ?? DEFAULT_GRACE_BACKOFF),
    softTimeout: ms("softTimeoutMs", options.softTimeoutMs),
    hardTimeout: ms("hardTimeoutMs", options.hardTimeoutMs),
    eager: fraction("eagerRefresh", options.eagerRefresh, true),
    jitter: fraction("ttlJitter", options.ttlJitter, false) ?? 0,
    negativeTtlMs: options.negativeTtl === undefined ? undefined : ttlMs("negativeTtl", options.negativeTtl),
    isNegative: options.isNegative ?? defaultNegative,
    lock,
    failOpen: options.failOpen ?? true,
    timeout: timeoutMs(options, DEFAULT_WRAP_TIMEOUT),
    onError: options.onError ?? cache.onError,
    tier: tier as LocalTier<T> | undefined,
    lockKeyOf,
  };
}
