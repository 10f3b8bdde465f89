/**
 * The only place narwhal builds Redis keys.
 *
 * Layout (DESIGN.md §2): containers live at `<prefix>:<name>`; everything one model or one
 * autocomplete index owns shares a hash tag (`{<prefix>:<Model>}` / `{<prefix>:ac:<name>}`)
 * so its scripts and multi-key commands stay in one Redis Cluster slot; cache entries live at
 * `<prefix>:<namespace>:<name>:<digest>`. User-supplied values only ever appear as the last
 * segment of a key.
 */
import { randomBytes } from "node:crypto";
import { ValidationError } from "./errors";

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
    this.prefix = prefix;
  }

  /** `<prefix>:<name>`, or `name` when there is no prefix. */
  private scoped(name: string): string {
    return this.prefix === "" ? name : `${this.prefix}${SEPARATOR}${name}`;
  }

  /** Key of a user-named container (`db.hash(name)`). A `{tag}` inside `name` keeps working as a hash tag. */
  container(name: string): string {
    if (typeof name !== "string" || name === "") {
      throw new ValidationError({ path: "key", message: "must be a non-empty string" });
    }
    return this.scoped(name);
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
    return `{${this.scoped(model)}}`;
  }

  /** The hash tag shared by every key of one autocomplete index: `{<prefix>:ac:<name>}`. */
  autocompleteTag(name: string): string {
    return `{${this.scoped(`ac${SEPARATOR}${name}`)}}`;
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

  /** Key of one cache entry: `<prefix>:<namespace>:<name>:<digest>`. */
  cache(namespace: string, name: string, digest: string): string {
    return this.scoped([namespace, name, digest].join(SEPARATOR));
  }

  /** Key of a value stored with the raw cache API (`cache.set(key, …)`): `<prefix>:<namespace>:<key>`. */
  cacheKey(namespace: string, key: string): string {
    return this.scoped([namespace, key].join(SEPARATOR));
  }

  /** Key of the set of entry keys recorded under a cache tag: `<prefix>:<namespace>:#tag:<tag>`. */
  cacheTag(namespace: string, tag: string): string {
    return this.scoped([namespace, "#tag", tag].join(SEPARATOR));
  }

  /** Key of the cross-process computation lock of one cache entry: `<prefix>:<namespace>:#lock:<name>:<digest>`. */
  cacheLock(namespace: string, name: string, digest: string): string {
    return this.scoped([namespace, "#lock", name, digest].join(SEPARATOR));
  }

  /** SCAN `MATCH` pattern for every key of a cache namespace (or of one function in it). */
  cachePattern(namespace: string, name?: string): string {
    const base = escapeGlob(this.scoped(namespace));
    return name === undefined ? `${base}${SEPARATOR}*` : `${base}${SEPARATOR}${escapeGlob(name)}${SEPARATOR}*`;
  }

}

/**
 * The keys of one model, all under its hash tag `{<prefix>:<Model>}` so every model script
 * runs in one cluster slot. User values (pks, field values, terms) are only ever the last
 * segment. The Lua scripts receive {@link ModelKeys.base} and append the same suffixes
 * (documented in src/models/lua/model-lib.lua); test/integration/models.test.ts pins both.
 *
 * ```
 * {p:M}:r:<pk>            hash   one record (field → encoded value)
 * {p:M}:all               set    every pk
 * {p:M}:o                 zset   every pk in pk order (score 0 → lex; auto-increment → numeric)
 * {p:M}:i:<field>:<value> set    equality index
 * {p:M}:z:<field>         zset   range index (score = value)
 * {p:M}:x:<field>         zset   lex index of text fields (member "value\0pk", score 0): startsWith, orderBy
 * {p:M}:u:<field>         hash   unique claims (value → pk)
 * {p:M}:f:<field>:<term>  zset   full-text postings (pk → term frequency)
 * {p:M}:t:<field>         hash   full-text tokens of each record (pk → "len term tf …")
 * {p:M}:s                 hash   full-text statistics (<field> → total token count)
 * {p:M}:e                 zset   record expiry (pk → unix ms)
 * {p:M}:seq               string auto-increment counter
 * {p:M}:c:<field>:<pk>    any    container field of one record
 * {p:M}:tmp:<random>      any    query scratch keys (deleted by the script that made them)
 * ```
 */
export class ModelKeys {
  /** `{p:M}:`: what every key of the model starts with. */
  readonly base: string;

  constructor(
    /** The model's hash tag `{<prefix>:<Model>}`. */
    readonly tag: string,
  ) {
    this.base = `${tag}${SEPARATOR}`;
  }

  /** The record hash of `pk`. */
  record(pk: string): string {
    return `${this.base}r${SEPARATOR}${pk}`;
  }

  /** The set of every pk. */
  get all(): string {
    return `${this.base}all`;
  }

  /** The pk-order zset. */
  get order(): string {
    return `${this.base}o`;
  }

  /** Equality index set of `field` = `value` (value as stored). */
  eq(field: string, value: string): string {
    return `${this.base}i${SEPARATOR}${field}${SEPARATOR}${value}`;
  }

  /** Range index zset of `field`. */
  range(field: string): string {
    return `${this.base}z${SEPARATOR}${field}`;
  }

  /** Lex index zset of a text `field`. */
  lex(field: string): string {
    return `${this.base}x${SEPARATOR}${field}`;
  }

  /** Unique claims hash of `field`. */
  unique(field: string): string {
    return `${this.base}u${SEPARATOR}${field}`;
  }

  /** Full-text postings of `term` in `field`. */
  postings(field: string, term: string): string {
    return `${this.base}f${SEPARATOR}${field}${SEPARATOR}${term}`;
  }

  /** Full-text tokens hash of `field`. */
  tokens(field: string): string {
    return `${this.base}t${SEPARATOR}${field}`;
  }

  /** Full-text statistics hash. */
  get stats(): string {
    return `${this.base}s`;
  }

  /** Record expiry zset. */
  get expiry(): string {
    return `${this.base}e`;
  }

  /** Auto-increment counter. */
  get sequence(): string {
    return `${this.base}seq`;
  }

  /** Key of container field `field` of record `pk`. */
  container(field: string, pk: string): string {
    return `${this.base}c${SEPARATOR}${field}${SEPARATOR}${pk}`;
  }

  /** Base name for a query's scratch keys (the script appends `:1`, `:2`, …). */
  temp(): string {
    return `${this.base}tmp${SEPARATOR}${randomBytes(8).toString("hex")}`;
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

  override container(name: string): string {
    return name;
  }
}
