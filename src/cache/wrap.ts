/**
 * `cache.wrap(fn, options)`: memoizes an async (or sync) function in a {@link Cache}.
 *
 * A call computes its key (`<prefix>:<namespace>:<name>:<digest of canonical args>`). With a
 * local tier, a fresh local copy answers at once (no I/O, no decode). Otherwise it joins the
 * in-process flight for that key if one is running (single flight), else GETs the entry and
 * decides as memo.ts says: hit, stale (served while one refresh runs), grace, or miss (runs
 * `fn` once and SETs the result with its times and tags before resolving). A thrown error is
 * not cached. See `WrapOptions` (options.ts) for every option.
 */
import { ValidationError } from "../errors";
import type { Cache } from "./cache";
import { argsDigest } from "./canonical-key";
import type { Job, Outcome } from "./memo";
import { Memo } from "./memo";
import type { CacheEntryInfo, PeekedEntry, Wrapped, WrapOptions } from "./options";
import { checkSegment } from "./options";
import { checkTags } from "./tags";
import { memoSpec } from "./wrap-spec";

/** @internal Extra options used by `@cached`. */
export interface WrapInternals {
  /** What identifies the function for the duplicate-name check (default `fn.toString()`). */
  readonly identity?: string;
}

const valueOf = <T>(o: Outcome<T>): T => o.value;

/** `{ value, status, age, expiresAt }` of an outcome. */
export function entryInfo<T>(o: Outcome<T>): CacheEntryInfo<T> {
  return {
    value: o.value,
    status: o.status,
    age: o.status === "miss" ? 0 : o.writtenAt === undefined ? undefined : Math.max(0, (Date.now() - o.writtenAt) / 1000),
    expiresAt: o.freshUntil === undefined ? undefined : new Date(o.freshUntil),
  };
}

/** @internal Registers `name` for a function (refusing two different functions under one name). */
export function claimName(cache: Cache<unknown>, name: string, identity: string): void {
  checkSegment("name", name);
  const known = cache.names.get(name);
  if (known !== undefined && known !== identity) {
    throw new ValidationError({ path: "name", message: `"${name}" already names another function in cache namespace "${cache.namespace}"; give each function a unique name` });
  }
  cache.names.set(name, identity);
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
  claimName(cache as Cache<unknown>, name, options.identity ?? fn.toString());
  const { keySpace, wire } = cache;
  const base = keySpace.cache(cache.namespace, name, "");
  const lockKeyOf = (redisKey: string) => keySpace.cacheLock(cache.namespace, name, redisKey.slice(base.length));
  const memo = new Memo<T>(cache, memoSpec(cache, options, name, lockKeyOf));
  const keyFn = options.key;
  const tagsFn = options.tags;

  const keyOf = (self: This, args: A): string => base + argsDigest(keyFn ? [keyFn.apply(self, args)] : args);
  const jobOf = (self: This, args: A): Job<T> => ({
    factory: () => fn.apply(self, args) as T | Promise<T>,
    tags: () => (tagsFn ? checkTags(tagsFn.apply(self, args), "tags()") : undefined),
  });
  const call = (self: This, args: A): Promise<Outcome<T>> => {
    let redisKey: string;
    try {
      redisKey = keyOf(self, args);
    } catch (error) {
      return Promise.reject(error);
    }
    return memo.call(redisKey, jobOf(self, args));
  };

  const wrapped = function (this: This, ...args: A): Promise<T> {
    let redisKey: string;
    try {
      redisKey = keyOf(this, args);
    } catch (error) {
      return Promise.reject(error);
    }
    const local = memo.localFresh(redisKey);
    if (local !== undefined) return Promise.resolve(local.value);
    // A flight for this key is running (a stampede): join it without building a job.
    const joined = memo.join(redisKey);
    if (joined !== undefined) return joined.then(valueOf);
    return memo.call(redisKey, jobOf(this, args)).then(valueOf);
  } as Wrapped<This, A, T>;

  const selfOf = (that: unknown): This => (that === wrapped ? undefined : that) as This;
  Object.defineProperties(wrapped, {
    cacheName: { value: name },
    key: {
      value: function (this: unknown, ...args: A): string {
        return keyOf(selfOf(this), args);
      },
    },
    entry: {
      value: function (this: unknown, ...args: A): Promise<CacheEntryInfo<T>> {
        return call(selfOf(this), args).then(entryInfo);
      },
    },
    invalidate: {
      value: async function (this: unknown, ...args: A): Promise<boolean> {
        const redisKey = keyOf(selfOf(this), args);
        try {
          return Number(await wire.deadline(cache.evicting(redisKey, () => wire.send("unlink", [redisKey])), memo.spec.timeout, "UNLINK")) === 1;
        } catch (error) {
          memo.absorb(error, "delete", redisKey);
          return false;
        }
      },
    },
    peek: {
      value: async function (this: unknown, ...args: A): Promise<PeekedEntry<T> | undefined> {
        const redisKey = keyOf(selfOf(this), args);
        try {
          const entry = memo.spec.tier?.get(redisKey) ?? (await cache.read(redisKey, memo.spec.timeout));
          return entry && { value: entry.value, stale: entry.freshUntil !== undefined && Date.now() >= entry.freshUntil };
        } catch (error) {
          memo.absorb(error, "get", redisKey);
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
