/**
 * `getOrSet` (one raw key, a factory with its context), and the batch forms `getOrSetMany` and
 * `wrapMany`: N keys are read in one MGET per slot (local copies first), and ONE factory call
 * computes all the missing ones; their entries are written in one MULTI per slot.
 */
import { CodecError, ValidationError } from "../errors";
import type { Arg } from "../command";
import type { Cache } from "./cache";
import { getManyEntries } from "./cache-bulk";
import { argsDigest } from "./canonical-key";
import type { Envelope } from "./envelope";
import { encodeMeta } from "./envelope";
import type { FactoryContext } from "./factory-context";
import type { Memo } from "./memo";
import { Memo as MemoClass } from "./memo";
import type { LockOptions } from "./lock";
import { checkKey, checkSegment } from "./options";
import { checkTags } from "./tags";
import { claimName } from "./wrap";
import type { MemoOptions } from "./wrap-spec";
import { memoSpec } from "./wrap-spec";

/** Options of `getOrSet` / `getOrSetMany`: those of `wrap()` that are plain values, and tags. */
export interface GetOrSetOptions<T> {
  readonly ttl?: number;
  readonly staleTtl?: number;
  readonly grace?: number;
  readonly graceBackoff?: number;
  readonly softTimeoutMs?: number;
  readonly hardTimeoutMs?: number;
  readonly eagerRefresh?: number;
  readonly ttlJitter?: number;
  readonly negativeTtl?: number;
  readonly lock?: boolean | LockOptions;
  readonly failOpen?: boolean;
  readonly timeoutMs?: number;
  /** Tags to record the entries under. */
  readonly tags?: readonly string[];
  /** @internal type anchor */
  readonly __value?: T;
}

/** A batch factory: the missing keys (or ids) → their values, as an array in the same order or a Map. */
export type ManyFactory<K, T> = (missing: K[]) => Promise<ReadonlyArray<T> | ReadonlyMap<K, T>> | ReadonlyArray<T> | ReadonlyMap<K, T>;

/** Options of `wrapMany`. */
export interface WrapManyOptions<K, T> extends Omit<MemoOptions<T>, "local" | "lock" | "softTimeoutMs" | "hardTimeoutMs" | "grace" | "graceBackoff" | "staleTtl" | "eagerRefresh"> {
  /** Third key segment (required). */
  readonly name: string;
  /** What identifies an id in its key (default: the id itself, canonically encoded). */
  key?(id: K): unknown;
  /** Tags of one id's entry. */
  tags?(id: K): readonly string[];
}

/** A memoized batch loader, with `key(id)` and `invalidate(...ids)`. */
export interface WrappedMany<K, T> {
  (ids: readonly K[]): Promise<T[]>;
  key(id: K): string;
  invalidate(...ids: K[]): Promise<number>;
}

const memos = new WeakMap<Cache<unknown>, Map<string, Memo<unknown>>>();

function memoFor<T>(cache: Cache<T>, options: GetOrSetOptions<T>): Memo<T> {
  let byOptions = memos.get(cache as Cache<unknown>);
  if (!byOptions) memos.set(cache as Cache<unknown>, (byOptions = new Map()));
  const { tags: _tags, ...rest } = options;
  const id = JSON.stringify(rest);
  let memo = byOptions.get(id);
  if (!memo) {
    if (byOptions.size >= 100) byOptions.delete(byOptions.keys().next().value as string);
    const rawBase = cache.redisKey("x").slice(0, -1);
    const spec = memoSpec(cache, { ...(rest as MemoOptions<T>), local: undefined }, undefined, (key) => cache.keySpace.cacheLock(cache.namespace, "", key.slice(rawBase.length)));
    byOptions.set(id, (memo = new MemoClass<T>(cache, spec) as Memo<unknown>));
  }
  return memo as Memo<T>;
}

/** `cache.getOrSet(key, factory, options)`. */
export function getOrSet<T>(cache: Cache<T>, key: string, factory: (ctx: FactoryContext<T>) => T | Promise<T>, options: GetOrSetOptions<T>): Promise<T> {
  let redisKey: string;
  let memo: Memo<T>;
  try {
    redisKey = cache.redisKey(key);
    if (typeof factory !== "function") throw new ValidationError({ path: "factory", message: "must be a function" });
    if (options.tags !== undefined) checkTags(options.tags as string[], "tags");
    memo = memoFor(cache, options);
  } catch (error) {
    return Promise.reject(error);
  }
  const local = memo.localFresh(redisKey);
  if (local !== undefined) return Promise.resolve(local.value);
  return memo.call(redisKey, { factory: (ctx) => factory(ctx), tags: () => options.tags }).then((o) => o.value);
}

/** Values of `factory(missing)` in the order of `missing`. */
async function callMany<K, T>(factory: ManyFactory<K, T>, missing: K[]): Promise<T[]> {
  const result = await factory(missing);
  if (result instanceof Map) return missing.map((k) => result.get(k) as T);
  if (!Array.isArray(result) || result.length !== missing.length) {
    throw new ValidationError({ path: "factory", message: `must return an array of ${missing.length} values (one per missing key, in order) or a Map` });
  }
  return result as T[];
}

/** The shared batch flow: `redisKeys[i]` holds the value of `ids[i]`. */
async function many<K, T>(cache: Cache<T>, memo: Memo<T>, redisKeys: readonly string[], ids: readonly K[], factory: ManyFactory<K, T>, tagsOf: (i: number) => readonly string[] | undefined): Promise<T[]> {
  let entries: Array<Envelope<T> | undefined>;
  try {
    entries = await getManyEntries(cache, redisKeys, memo.spec.tier);
  } catch (error) {
    memo.absorb(error, error instanceof CodecError ? "decode" : "mget", redisKeys[0] ?? "");
    entries = redisKeys.map(() => undefined);
  }
  const now = Date.now();
  const missing: number[] = [];
  entries.forEach((e, i) => {
    if (e === undefined || (e.freshUntil !== undefined && now >= e.freshUntil)) missing.push(i);
  });
  const out = entries.map((e) => e?.value) as T[];
  if (missing.length === 0) return out;
  const computed = await callMany(factory, missing.map((i) => ids[i]!));
  missing.forEach((index, j) => (out[index] = computed[j]!));
  const { fixedTtl, jitter, negativeTtlMs, isNegative, timeout } = memo.spec;
  try {
    const commands: Array<[string, ...Arg[]]> = [];
    const tagged: Array<Promise<unknown>> = [];
    for (const [j, index] of missing.entries()) {
      const value = computed[j]!;
      let ttl = negativeTtlMs !== undefined && isNegative(value) ? negativeTtlMs : (fixedTtl ?? 0);
      if (ttl > 0 && jitter > 0) ttl = Math.max(1, Math.round(ttl * (1 - jitter * Math.random())));
      const t = Date.now();
      const args: Arg[] = [redisKeys[index]!, encodeMeta(cache.codec, value, { writtenAt: t, freshUntil: ttl > 0 ? t + ttl : 0, expiresAt: ttl > 0 ? t + ttl : 0 })];
      if (ttl > 0) args.push("PX", ttl);
      commands.push(["set", ...args]);
      const tags = tagsOf(index);
      if (tags && tags.length > 0) tagged.push(cache.tagIndex.add(tags, redisKeys[index]!, ttl));
    }
    const keys = commands.map((c) => c[1] as string);
    const writes = cache.evicting(keys, () => Promise.all(cache.wire.bySlot(commands, (c) => c[1] as string).map((group) => cache.wire.multi(group))));
    await cache.wire.deadline(Promise.all([writes, ...tagged]), timeout, "MULTI");
    cache.counters.writes += commands.length;
  } catch (error) {
    memo.absorb(error, error instanceof CodecError ? "encode" : "set", redisKeys[missing[0]!] ?? "");
  }
  return out;
}

/** `cache.getOrSetMany(keys, factory, options)`. */
export async function getOrSetMany<T>(cache: Cache<T>, keys: readonly string[], factory: ManyFactory<string, T>, options: GetOrSetOptions<T>): Promise<T[]> {
  if (!Array.isArray(keys)) throw new ValidationError({ path: "keys", message: "must be an array" });
  const redisKeys = keys.map((k, i) => cache.redisKey(checkKey(`keys[${i}]`, k)));
  if (options.tags !== undefined) checkTags(options.tags as string[], "tags");
  if (keys.length === 0) return [];
  return many(cache, memoFor(cache, options), redisKeys, keys, factory, () => options.tags);
}

/** `cache.wrapMany(fn, options)`. */
export function wrapMany<K, T>(cache: Cache<T>, fn: ManyFactory<K, T>, options: WrapManyOptions<K, T>): WrappedMany<K, T> {
  if (typeof fn !== "function") throw new ValidationError({ path: "fn", message: "must be a function" });
  if (typeof options !== "object" || options === null) throw new ValidationError({ path: "options", message: "wrapMany needs { name }" });
  const name = checkSegment("name", options.name);
  claimName(cache as Cache<unknown>, name, `many\n${fn.toString()}`);
  const base = cache.keySpace.cache(cache.namespace, name, "");
  const memo = new MemoClass<T>(cache, memoSpec(cache, options, name, (k) => cache.keySpace.cacheLock(cache.namespace, name, k.slice(base.length))));
  const keyOf = (id: K) => base + argsDigest([options.key ? options.key(id) : id]);
  const wrapped = (async (ids: readonly K[]) => {
    if (!Array.isArray(ids)) throw new ValidationError({ path: "ids", message: "must be an array" });
    if (ids.length === 0) return [];
    return many(cache, memo, ids.map(keyOf), ids, fn, (i) => (options.tags ? checkTags(options.tags(ids[i]!), "tags()") : undefined));
  }) as WrappedMany<K, T>;
  Object.defineProperties(wrapped, {
    key: { value: keyOf },
    invalidate: {
      value: (...ids: K[]) => {
        const keys = ids.map(keyOf);
        return cache.evicting(keys, () => cache.wire.unlink(keys));
      },
    },
  });
  return wrapped;
}
