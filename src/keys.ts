/**
 * The only place narwhal builds Redis keys.
 *
 * Layout (DESIGN.md §2): containers live at `<prefix>:<name>`; everything one model or one
 * autocomplete index owns shares a hash tag (`{<prefix>:<Model>}` / `{<prefix>:ac:<name>}`)
 * so its scripts and multi-key commands stay in one Redis Cluster slot; cache entries live at
 * `<prefix>:<namespace>:<name>:<digest>` and raw cache keys at `<prefix>:<namespace>::<key>`
 * (an empty name segment: function names are never empty, so the two key spaces are
 * disjoint). User-supplied values only ever appear as the last segment of a key, and every
 * user-supplied segment must be well-formed UTF-16 (see `requireWellFormed`): a lone
 * surrogate would reach Redis as U+FFFD and two distinct names would share one key.
 *
 * The keys of one model, under its hash tag, are built by {@link ModelKeys} (model-keys.ts).
 */
import { randomBytes } from "node:crypto";
import { ValidationError } from "./errors";
import { requireWellFormed } from "./validate";
import { ModelKeys } from "./model-keys";

/** Separator between key segments. */
export const SEPARATOR = ":";

/** Escapes glob metacharacters so a literal string can be used in a SCAN `MATCH` pattern. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\^-]/g, (c) => `\\${c}`);
}

/** Builds every key of one Database from its prefix. Immutable. */
export class KeySpace {
  /** The namespace every key starts with; `""` for none. */
  readonly prefix: string;

  constructor(prefix = "") {
    if (typeof prefix !== "string") throw new ValidationError({ path: "prefix", message: "must be a string" });
    // Braces in the prefix would move the hash tag of every model and autocomplete key.
    if (/[{}]/.test(prefix)) {
      throw new ValidationError({ path: "prefix", message: `must not contain "{" or "}" (got ${JSON.stringify(prefix)})` });
    }
    this.prefix = requireWellFormed("prefix", prefix);
  }

  /** `<prefix>:<name>`, or `name` when there is no prefix. */
  private scoped(name: string): string {
    return this.prefix === "" ? name : `${this.prefix}${SEPARATOR}${name}`;
  }

  /**
   * Key of a user-named container (`db.hash(name)`). A `{tag}` inside `name` keeps working as a
   * hash tag. `path` names the argument in the {@link ValidationError} for a bad name.
   */
  container(name: string, path = "key"): string {
    if (typeof name !== "string" || name === "") {
      throw new ValidationError({ path, message: "must be a non-empty string" });
    }
    return this.scoped(requireWellFormed(path, name));
  }

  /**
   * The hash tag shared by every key of one model: `{<prefix>:<Model>}`. The model name must be
   * non-empty and brace-free: without a prefix, `""` or `"}…"` would make an empty tag, which
   * Redis ignores (the keys would scatter over slots).
   */
  modelTag(model: string): string {
    if (typeof model !== "string" || model === "" || /[{}]/.test(model)) {
      throw new ValidationError({ path: "model", message: `must be a non-empty name without "{" or "}" (got ${JSON.stringify(model)})` });
    }
    return `{${this.scoped(requireWellFormed("model", model))}}`;
  }

  /** The hash tag shared by every key of one autocomplete index: `{<prefix>:ac:<name>}`. */
  autocompleteTag(name: string): string {
    return `{${this.scoped(`ac${SEPARATOR}${requireWellFormed("name", name)}`)}}`;
  }

  /** A key under a hash tag: `<tag>:<segments…>`. */
  tagged(tag: string, ...segments: string[]): string {
    return [tag, ...segments].join(SEPARATOR);
  }

  /** A unique temporary key under `tag`, for scripts that need scratch space in the same slot. */
  temp(tag: string): string {
    return this.tagged(tag, "tmp", randomBytes(8).toString("hex"));
  }

  /** Every key layout of one model (see {@link ModelKeys}). */
  model(model: string): ModelKeys {
    return new ModelKeys(this.modelTag(model));
  }

  /*
   * The cache's key spaces, all under `<prefix>:<namespace>:` and disjoint by their third segment
   * (the cache checks that namespaces and function names are non-empty, without ":", not
   * starting with "#"):
   *
   *   <prefix>:<namespace>:<name>:<digest>        memoized call of function <name>   (cache)
   *   <prefix>:<namespace>::<key>                  raw API entry (empty name segment) (cacheKey)
   *   <prefix>:<namespace>:#tag:<tag>              tag set                            (cacheTag)
   *   <prefix>:<namespace>:#lock:<name>:<digest>   computation lock                   (cacheLock)
   *
   * So no raw key (whatever its characters) is ever a memoized entry, a tag set or a lock, and
   * `cachePattern(namespace, name)` (invalidateAll) matches memoized entries of <name> only.
   */

  /** Key of one memoized call: `<prefix>:<namespace>:<name>:<digest>`. */
  cache(namespace: string, name: string, digest: string): string {
    return this.scoped([requireWellFormed("namespace", namespace), requireWellFormed("name", name), digest].join(SEPARATOR));
  }

  /** Key of a value stored with the raw cache API (`cache.set(key, …)`): `<prefix>:<namespace>::<key>`. */
  cacheKey(namespace: string, key: string, path = "key"): string {
    return this.scoped([requireWellFormed("namespace", namespace), "", requireWellFormed(path, key)].join(SEPARATOR));
  }

  /** Key of the set of entry keys recorded under a cache tag: `<prefix>:<namespace>:#tag:<tag>`. */
  cacheTag(namespace: string, tag: string, path = "tag"): string {
    return this.scoped([requireWellFormed("namespace", namespace), "#tag", requireWellFormed(path, tag)].join(SEPARATOR));
  }

  /** Key of the cross-process computation lock of one cache entry: `<prefix>:<namespace>:#lock:<name>:<digest>`. */
  cacheLock(namespace: string, name: string, digest: string): string {
    return this.scoped([requireWellFormed("namespace", namespace), "#lock", requireWellFormed("name", name), digest].join(SEPARATOR));
  }

  /**
   * The literal start of every key of a cache namespace, `<prefix>:<namespace>:` (the prefix the
   * local tier asks Redis to broadcast changes of: CLIENT TRACKING BCAST PREFIX).
   */
  cacheNamespacePrefix(namespace: string): string {
    return this.scoped(`${requireWellFormed("namespace", namespace)}${SEPARATOR}`);
  }

  /** SCAN `MATCH` pattern for every key of a cache namespace (or of the memoized calls of one function in it). */
  cachePattern(namespace: string, name?: string): string {
    const base = escapeGlob(this.scoped(requireWellFormed("namespace", namespace)));
    return name === undefined ? `${base}${SEPARATOR}*` : `${base}${SEPARATOR}${escapeGlob(requireWellFormed("name", name))}${SEPARATOR}*`;
  }

  /** SCAN `MATCH` pattern for every raw-API key of a cache namespace (`<prefix>:<namespace>::*`). */
  cacheKeyPattern(namespace: string): string {
    return `${escapeGlob(this.scoped(requireWellFormed("namespace", namespace)))}${SEPARATOR}${SEPARATOR}*`;
  }

  /*
   * Coordination primitives (src/coordination/). Every key of one lock, semaphore or rate-limited
   * key shares one hash tag, so each of their scripts runs in one cluster slot. User names and
   * keys sit inside the tag, percent-encoded (`%`, `{`, `}`, and `:` where another segment
   * follows) so they can neither end the tag nor run into another segment:
   *
   *   {<prefix>:lock:<name>}:o        string  lock owner (token, expires after the ttl)
   *   {<prefix>:lock:<name>}:f        string  fencing counter (INCR per acquisition, never expires)
   *   {<prefix>:sem:<name>}:h         zset    semaphore holders (token → expiry, server µs)
   *   {<prefix>:sem:<name>}:t         hash    fencing token of each holder
   *   {<prefix>:sem:<name>}:f         string  fencing counter (never expires)
   *   {<prefix>:rl:<name>:<key>}:sw   zset    sliding-window log   (:tb hash token bucket, :gcra string)
   *
   * `…}:w` is the pub/sub channel on which a release wakes the waiters (a channel, not a key).
   * A counter is a plain integer string at `<prefix>:<name>` (see `container`).
   */

  /** Percent-encodes `%`, `{`, `}` (and `:` when `colon`) of a user value placed inside a hash tag. */
  private static tagSegment(path: string, value: string, colon: boolean): string {
    if (typeof value !== "string" || value === "") throw new ValidationError({ path, message: "must be a non-empty string" });
    return requireWellFormed(path, value).replace(colon ? /[%{}:]/g : /[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  }

  /** Keys and wake-up channel of the lock `name` (`db.lock(name)`): all under `{<prefix>:lock:<name>}`. */
  lock(name: string): { readonly owner: string; readonly fence: string; readonly channel: string } {
    const tag = `{${this.scoped(`lock${SEPARATOR}${KeySpace.tagSegment("name", name, false)}`)}}`;
    return { owner: this.tagged(tag, "o"), fence: this.tagged(tag, "f"), channel: this.tagged(tag, "w") };
  }

  /** Keys and wake-up channel of the semaphore `name` (`db.semaphore(name)`): all under `{<prefix>:sem:<name>}`. */
  semaphore(name: string): { readonly holders: string; readonly fences: string; readonly fence: string; readonly channel: string } {
    const tag = `{${this.scoped(`sem${SEPARATOR}${KeySpace.tagSegment("name", name, false)}`)}}`;
    return { holders: this.tagged(tag, "h"), fences: this.tagged(tag, "t"), fence: this.tagged(tag, "f"), channel: this.tagged(tag, "w") };
  }

  /** The state of one rate-limited `key` of limiter `name` under `algorithm`: `{<prefix>:rl:<name>:<key>}:<sw|tb|gcra>`. */
  rateLimit(name: string, key: string, algorithm: "sw" | "tb" | "gcra"): string {
    const tag = `{${this.scoped(`rl${SEPARATOR}${KeySpace.tagSegment("name", name, true)}${SEPARATOR}${KeySpace.tagSegment("key", key, false)}`)}}`;
    return this.tagged(tag, algorithm);
  }

  /*
   * Synced namespaces (src/sync/, `db.synced(name)`): every key of one namespace shares the
   * hash tag `{<prefix>:sync:<name>}` (name percent-encoded as in coordination tags), so each
   * write is one script in one cluster slot; every namespace starts with `{<prefix>:sync:`, the
   * one prefix the mirrors ask Redis to broadcast changes of (CLIENT TRACKING BCAST PREFIX).
   *
   *   {<prefix>:sync:<name>}:d   hash  field → encoded value
   *   {<prefix>:sync:<name>}:v   zset  field → version of its last write (deleted fields stay: tombstones)
   *   {<prefix>:sync:<name>}:m   hash  n → last version assigned, e → epoch (id of the namespace's first write)
   *   {<prefix>:sync:<name>}:o   hash  operation id → its outcome (recent operations: replays are idempotent)
   *   {<prefix>:sync:<name>}:t   zset  operation id → server ms it was applied (pruning of :o)
   */

  /** The literal start of every synced namespace's keys: `{<prefix>:sync:` (the mirrors' BCAST prefix). */
  syncedPrefix(): string {
    return `{${this.scoped(`sync${SEPARATOR}`)}`;
  }

  /** The keys of synced namespace `name`: all under `{<prefix>:sync:<name>}`. */
  synced(name: string): { readonly tag: string; readonly data: string; readonly versions: string; readonly meta: string; readonly ops: string; readonly opTimes: string } {
    const tag = `${this.syncedPrefix()}${KeySpace.tagSegment("name", name, false)}}`;
    return { tag, data: this.tagged(tag, "d"), versions: this.tagged(tag, "v"), meta: this.tagged(tag, "m"), ops: this.tagged(tag, "o"), opTimes: this.tagged(tag, "t") };
  }
}

/**
 * A key space whose container names are already full keys: containers bound to a model
 * record are opened with {@link ModelKeys.container} keys, which must not be prefixed again.
 */
export class BoundKeySpace extends KeySpace {
  constructor(prefix: string) {
    super(prefix);
  }

  override container(name: string, _path?: string): string {
    return name;
  }
}
