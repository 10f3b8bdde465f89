/**
 * `cache.wrap(fn, options)`: memoizes an async (or sync) function in a {@link Cache}.
 *
 * A call computes its key (`<prefix>:<namespace>:<name>:<digest of canonical args>`), joins
 * an in-process flight for that key if one is running (single flight), else GETs the entry:
 * a hit returns the decoded value (even `undefined` or `null`); a miss runs `fn` once and
 * SETs the result with its TTL (and records it under its tags) before resolving. A thrown
 * error is not cached. See `WrapOptions` (options.ts) for locks, stale-while-revalidate and fail-open.
 */
import { CodecError, ValidationError } from "../errors";
import type { Cache } from "./cache";
import { argsDigest } from "./canonical-key";
import type { Envelope } from "./envelope";
import { decodeEnvelope } from "./envelope";
import type { HeldLock, LockOptions } from "./lock";
import { DEFAULT_LOCK_TTL, DEFAULT_LOCK_WAIT, pollDelay, releaseLock, tryLock } from "./lock";
import type { PeekedEntry, Wrapped, WrapOptions } from "./options";
import { checkSegment, DEFAULT_WRAP_TIMEOUT, timeoutMs, ttlMs } from "./options";
import { SingleFlight } from "./single-flight";
import { checkTags } from "./tags";

/** @internal Extra options used by `@cached`. */
export interface WrapInternals {
  /** What identifies the function for the duplicate-name check (default `fn.toString()`). */
  readonly identity?: string;
}

function lockOptions(lock: boolean | LockOptions | undefined): { ttl: number; wait: number } | undefined {
  if (lock === undefined || lock === false) return undefined;
  const o = lock === true ? {} : lock;
  return {
    ttl: ttlMs("lock.ttl", o.ttl ?? DEFAULT_LOCK_TTL) || DEFAULT_LOCK_TTL * 1000,
    wait: ttlMs("lock.wait", o.wait ?? DEFAULT_LOCK_WAIT),
  };
}

/** @internal Builds the function returned by `cache.wrap()`. */
export function wrapFunction<This, A extends unknown[], R, V>(
  owner: Cache<V>,
  fn: (this: This, ...args: A) => R,
  options: WrapOptions<This, A, Awaited<R>> & WrapInternals = {},
): Wrapped<This, A, Awaited<R>> {
  type T = Awaited<R>;
  if (typeof fn !== "function") throw new ValidationError({ path: "fn", message: "must be a function" });
  const cache = owner as unknown as Cache<T>;
  const name = options.name ?? fn.name;
  if (name === "") throw new ValidationError({ path: "name", message: "an anonymous function needs a `name` option (it is part of its cache keys)" });
  checkSegment("name", name);
  const identity = options.identity ?? fn.toString();
  const known = cache.names.get(name);
  if (known !== undefined && known !== identity) {
    throw new ValidationError({ path: "name", message: `"${name}" already names another function in cache namespace "${cache.namespace}"; give each function a unique name` });
  }
  cache.names.set(name, identity);

  const fixedTtl = typeof options.ttl === "function" ? undefined : ttlMs("ttl", options.ttl, cache.defaultTtlMs);
  const ttlOf = typeof options.ttl === "function" ? options.ttl : undefined;
  const staleMs = ttlMs("staleTtl", options.staleTtl);
  if (staleMs > 0 && !fixedTtl) throw new ValidationError({ path: "staleTtl", message: "needs a fixed ttl > 0" });
  const lock = lockOptions(options.lock);
  const failOpen = options.failOpen ?? true;
  const timeout = timeoutMs("timeout", options.timeout, DEFAULT_WRAP_TIMEOUT);
  const onError = options.onError ?? cache.onError;
  const keyFn = options.key;
  const tagsFn = options.tags;
  const { wire, keySpace, tagIndex, counters, codec } = cache;
  const base = keySpace.cache(cache.namespace, name, "");
  const flights = new SingleFlight<T>();
  const refreshing = new Set<string>();

  const keyOf = (self: This, args: A): string => base + argsDigest(keyFn ? [keyFn.apply(self, args)] : args);
  const lockKey = (redisKey: string) => keySpace.cacheLock(cache.namespace, name, redisKey.slice(base.length));
  const report = (error: unknown, operation: string, key: string) => cache.report(error, { operation, key, name }, onError);
  /** Counts and reports a Redis/codec error; rethrows it unless failOpen (ValidationErrors always propagate). */
  const absorb = (error: unknown, operation: string, key: string): void => {
    if (error instanceof ValidationError) throw error;
    const err = report(error, operation, key);
    if (!failOpen) throw err;
  };

  async function store(self: This, args: A, redisKey: string, value: T): Promise<void> {
    try {
      const ttl = ttlOf ? ttlMs("ttl()", ttlOf(value)) : fixedTtl!;
      const freshUntil = staleMs > 0 ? Date.now() + ttl : undefined;
      const redisTtl = staleMs > 0 ? ttl + staleMs : ttl;
      const tags = tagsFn ? checkTags(tagsFn.apply(self, args), "tags()") : undefined;
      const writes: Promise<unknown>[] = [cache.write(redisKey, value, redisTtl, undefined, freshUntil)];
      if (tags && tags.length > 0) writes.push(tagIndex.add(tags, redisKey, redisTtl));
      await wire.deadline(Promise.all(writes), timeout, "SET");
    } catch (error) {
      absorb(error, error instanceof CodecError ? "encode" : "set", redisKey);
    }
  }

  async function compute(self: This, args: A, redisKey: string, write: boolean): Promise<T> {
    const value = (await fn.apply(self, args)) as T;
    if (write) await store(self, args, redisKey, value);
    return value;
  }

  async function computeLocked(self: This, args: A, redisKey: string, opts: { ttl: number; wait: number }): Promise<T> {
    const key = lockKey(redisKey);
    const holding = async (held: HeldLock): Promise<T> => {
      try {
        return await compute(self, args, redisKey, true);
      } finally {
        await releaseLock(wire, held, timeout).catch((error: unknown) => absorb(error, "unlock", key));
      }
    };
    let held: HeldLock | undefined;
    try {
      held = await tryLock(wire, key, opts.ttl, timeout);
      const deadline = Date.now() + opts.wait;
      for (let attempt = 0; !held && Date.now() < deadline; attempt++) {
        await pollDelay(attempt);
        const entry = await cache.read(redisKey, timeout);
        if (entry !== undefined) return entry.value;
        held = await tryLock(wire, key, opts.ttl, timeout); // the holder may have failed without writing
      }
      if (held) {
        // Double-check: a holder may have written the entry and released the lock between our
        // GET and our SET NX (on Cluster the entry and the lock live on different nodes).
        const entry = await cache.read(redisKey, timeout);
        if (entry !== undefined) {
          await releaseLock(wire, held, timeout);
          return entry.value;
        }
      }
    } catch (error) {
      absorb(error, error instanceof CodecError ? "decode" : "lock", key);
      return compute(self, args, redisKey, error instanceof CodecError);
    }
    if (held) return holding(held);
    return compute(self, args, redisKey, true);
  }

  function refresh(self: This, args: A, redisKey: string): void {
    if (refreshing.has(redisKey)) return;
    refreshing.add(redisKey);
    void (async () => {
      try {
        const held = await tryLock(wire, lockKey(redisKey), lock?.ttl ?? DEFAULT_LOCK_TTL * 1000, timeout);
        if (!held) return;
        try {
          await compute(self, args, redisKey, true);
        } finally {
          await releaseLock(wire, held, timeout);
        }
      } catch (error) {
        report(error, "refresh", redisKey);
      } finally {
        refreshing.delete(redisKey);
      }
    })();
  }

  /** After a failed GET: absorb (failOpen) or rethrow, then compute; undecodable bytes are overwritten. */
  async function afterReadError(self: This, args: A, redisKey: string, error: unknown): Promise<T> {
    absorb(error, error instanceof CodecError ? "decode" : "get", redisKey);
    counters.misses++;
    // After a Redis failure the write is skipped (it would wait for Redis again).
    return compute(self, args, redisKey, error instanceof CodecError);
  }

  function settle(promise: Promise<T>, redisKey: string, resolve: (value: T) => void, reject: (error: unknown) => void): void {
    promise.then(
      (value) => {
        flights.end(redisKey);
        resolve(value);
      },
      (error: unknown) => {
        flights.end(redisKey);
        reject(error);
      },
    );
  }

  /**
   * One flight for `redisKey`, as a single promise: a hit resolves it straight from the GET
   * reply callback (no async frames on the hit path); a miss or an error continues in the
   * async helpers above. The flight ends (single-flight entry removed) when it settles,
   * always after `flights.start()` registered it, since every path waits for I/O or a microtask.
   */
  function flight(self: This, args: A, redisKey: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (failOpen && wire.down) {
        report(wire.notConnected(), "get", redisKey);
        counters.misses++;
        settle(compute(self, args, redisKey, false), redisKey, resolve, reject);
        return;
      }
      wire.get(
        redisKey,
        timeout,
        (raw) => {
          let entry: Envelope<T> | undefined;
          try {
            entry = decodeEnvelope(codec, raw);
          } catch (error) {
            settle(afterReadError(self, args, redisKey, error), redisKey, resolve, reject);
            return;
          }
          if (entry === undefined) {
            counters.misses++;
            settle(lock ? computeLocked(self, args, redisKey, lock) : compute(self, args, redisKey, true), redisKey, resolve, reject);
            return;
          }
          counters.hits++;
          if (entry.freshUntil !== undefined && Date.now() >= entry.freshUntil) {
            counters.stale++;
            refresh(self, args, redisKey);
          }
          flights.end(redisKey);
          resolve(entry.value);
        },
        (error) => settle(afterReadError(self, args, redisKey, error), redisKey, resolve, reject),
      );
    });
  }

  const wrapped = function (this: This, ...args: A): Promise<T> {
    let redisKey: string;
    try {
      redisKey = keyOf(this, args);
    } catch (error) {
      return Promise.reject(error);
    }
    return flights.join(redisKey) ?? flights.start(redisKey, flight(this, args, redisKey));
  } as Wrapped<This, A, T>;

  const selfOf = (that: unknown): This => (that === wrapped ? undefined : that) as This;
  Object.defineProperties(wrapped, {
    cacheName: { value: name },
    key: {
      value: function (this: unknown, ...args: A): string {
        return keyOf(selfOf(this), args);
      },
    },
    invalidate: {
      value: async function (this: unknown, ...args: A): Promise<boolean> {
        const redisKey = keyOf(selfOf(this), args);
        try {
          return Number(await wire.deadline(wire.send("unlink", [redisKey]), timeout, "UNLINK")) === 1;
        } catch (error) {
          absorb(error, "delete", redisKey);
          return false;
        }
      },
    },
    peek: {
      value: async function (this: unknown, ...args: A): Promise<PeekedEntry<T> | undefined> {
        const redisKey = keyOf(selfOf(this), args);
        try {
          const entry = await cache.read(redisKey, timeout);
          return entry && { value: entry.value, stale: entry.freshUntil !== undefined && Date.now() >= entry.freshUntil };
        } catch (error) {
          absorb(error, "get", redisKey);
          return undefined;
        }
      },
    },
    invalidateAll: {
      value: (): Promise<number> => cache.clearPattern(keySpace.cachePattern(cache.namespace, name)),
    },
  });
  return wrapped;
}
