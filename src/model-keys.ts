/**
 * The key layout of one model (see {@link ModelKeys}); {@link KeySpace.model} hands them out.
 * Split from keys.ts, which stays the only place that builds the hash tag they live under.
 */
import { randomBytes } from "node:crypto";
import type { KeySpace } from "./keys";
import { SEPARATOR } from "./keys";

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
