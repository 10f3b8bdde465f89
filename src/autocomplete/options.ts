/**
 * Public types, limits and argument checks of the autocomplete engine (see autocomplete.ts).
 */
import type { ClientLike } from "../client";
import type { LocalOptions } from "../cache/local-store";
import type { Codec } from "../codec";
import type { Executor } from "../command";
import { ValidationError } from "../errors";
import type { KeySpace } from "../keys";
import { requireWellFormed } from "../validate";
import { MAX_TITLE_LENGTH } from "./text";

/**
 * A prefix or pair list keeps the best 32 items (a compact listpack zset), and a prefix gets a
 * list once more than this many indexed words start with it.
 */
export const PREFIX_LIST_CAPACITY = 32;
/** A prefix is "pair-common" (pair lists pair it) once more than capacity × 8 indexed words start with it. */
export const PAIR_THRESHOLD_FACTOR = 8;
/** Largest `limit` of one search. */
export const MAX_SEARCH_LIMIT = 1000;
/** Largest `offset + limit` of one search. */
export const MAX_SEARCH_WINDOW = 10_000;
/** Longest `type`, in UTF-16 code units. */
export const MAX_TYPE_LENGTH = 128;

/** What `add` stores. */
export interface AutocompleteItem<Data> {
  /** Any non-empty string (any characters but a lone UTF-16 surrogate). Unique per type. */
  readonly id: string;
  /** The text that is searched and shown; at most {@link MAX_TITLE_LENGTH} characters, no NUL, no lone UTF-16 surrogate. */
  readonly title: string;
  /** Ranking score (e.g. popularity); default 0. Any finite number. */
  readonly score?: number;
  /** Extra payload returned with results, encoded by the index's codec (default JSON). */
  readonly data?: Data;
  /** Namespace of the id (e.g. "city", "airport"); default "". Results can be filtered and boosted by type. */
  readonly type?: string;
}

/** A stored item, as returned by `get`, `search` and iteration. */
export interface AutocompleteEntry<Data> {
  readonly id: string;
  readonly title: string;
  readonly score: number;
  readonly data: Data | undefined;
  readonly type: string;
}

/** Options of `db.autocomplete()`. */
export interface AutocompleteOptions<Data> {
  /** Codec of `data` (text codecs only); default `codecs.json<Data>()`. */
  readonly codec?: Codec<Data>;
  /** Words never indexed, nor searched except as the last (growing) query word. Default: none. */
  readonly stopwords?: Iterable<string>;
  /**
   * @internal Capacity of the prefix and pair lists this instance writes (2..1000, default
   * {@link PREFIX_LIST_CAPACITY}); it also sets when prefixes get lists (more entries than the
   * capacity) and pair lists (× {@link PAIR_THRESHOLD_FACTOR}). Tests set it small so lists are
   * created, overflow, evict and rebuild with few items. Searches stay exact whatever capacity
   * wrote a list (a list only promises to hold every item ranking before its boundary).
   */
  readonly listCapacity?: number;
  /**
   * @internal Lexical count past which a prefix is pair-common (default capacity ×
   * {@link PAIR_THRESHOLD_FACTOR}; at least the capacity). Tests lower it so pair lists appear
   * with few items. Like the capacity, a property of the index: every writer must use the same.
   */
  readonly pairThreshold?: number;
  /**
   * A local answer tier: the answers of up to `maxEntries` recent searches kept in this process
   * (each at most `ttl` seconds, default 60), so a repeated search costs no round trip. Every
   * change of the index moves its generation key, which Redis reports through CLIENT TRACKING
   * (an invalidation connection of its own): the tier is dropped then, and bypassed while that
   * connection is down. Off by default. Searches inside a transaction or pipeline bypass it.
   */
  readonly local?: LocalOptions | false;
  /** Told once when the server refuses CLIENT TRACKING (the local tier is then off). */
  readonly onError?: (error: Error) => void;
}

/** Boost factors given with one search (multiplied with stored boosts; nothing is written). */
export interface SearchBoosts {
  /** Factor per item id (any type). */
  readonly ids?: Readonly<Record<string, number>>;
  /** Factor per type. */
  readonly types?: Readonly<Record<string, number>>;
}

/** Options of `search`. */
export interface SearchOptions {
  /** How many results (1..1000); default 10. */
  readonly limit?: number;
  /** How many of the best results to skip; default 0 (offset + limit ≤ 10,000). */
  readonly offset?: number;
  /** Only items of these types. */
  readonly types?: readonly string[];
  /** Per-query boosts. */
  readonly boosts?: SearchBoosts;
  /** Tolerate one typo (edit distance 1) in the last word (≥ 3 characters); such hits rank after all exact-prefix hits. */
  readonly fuzzy?: boolean;
}

/** Options of `addMany`. */
export interface AddManyOptions {
  /**
   * Items per script call (1..2000, default 1000); up to 4 calls are in flight (pipelined).
   * Each call blocks Redis while it runs (tens of µs per item), so lower it to bound the pause
   * other clients see during a bulk load.
   */
  readonly batchSize?: number;
  /** Called after each batch with the number of items written so far. */
  readonly onProgress?: (written: number) => void;
}

/** What `boost` targets: an id (string shorthand), `{ id }` or `{ type }`. */
export type BoostTarget = string | { readonly id: string } | { readonly type: string };

/** @internal What the engine needs from its Database. */
export interface AutocompleteContext {
  readonly executor: Executor;
  readonly keys: KeySpace;
  /** For the local answer tier's invalidation connection. */
  readonly client: ClientLike;
  readonly isCluster: boolean;
}

export function invalid(path: string, message: string): never {
  throw new ValidationError({ path, message });
}

/** Ids, types, titles and boost names must be well-formed UTF-16 (`requireWellFormed`): a lone surrogate would be stored as U+FFFD. */
export function checkId(id: unknown): string {
  if (typeof id !== "string" || id === "") invalid("id", "must be a non-empty string");
  return requireWellFormed("id", id);
}

export function checkType(type: unknown, path = "type"): string {
  if (type === undefined) return "";
  if (typeof type !== "string") invalid(path, "must be a string");
  if (type.includes("\0")) invalid(path, "must not contain NUL");
  if (type.length > MAX_TYPE_LENGTH) invalid(path, `must be at most ${MAX_TYPE_LENGTH} characters`);
  return requireWellFormed(path, type);
}

/** @internal The prefix-list capacity option, checked (default {@link PREFIX_LIST_CAPACITY}). */
export function checkCapacity(capacity: unknown): number {
  if (capacity === undefined) return PREFIX_LIST_CAPACITY;
  if (typeof capacity !== "number" || !Number.isInteger(capacity) || capacity < 2 || capacity > 1000) invalid("listCapacity", `must be an integer in 2..1000, got ${String(capacity)}`);
  return capacity;
}

/** @internal The pair threshold option, checked (default capacity × {@link PAIR_THRESHOLD_FACTOR}). */
export function checkPairThreshold(threshold: unknown, capacity: number): number {
  if (threshold === undefined) return capacity * PAIR_THRESHOLD_FACTOR;
  if (typeof threshold !== "number" || !Number.isInteger(threshold) || threshold < capacity || threshold > 1_000_000) invalid("pairThreshold", `must be an integer in ${capacity}..1000000, got ${String(threshold)}`);
  return threshold;
}

export function checkFactor(path: string, factor: unknown): number {
  if (typeof factor !== "number" || !Number.isFinite(factor) || factor <= 0) invalid(path, `must be a finite number > 0, got ${String(factor)}`);
  return factor;
}

export function splitKey(key: string): { type: string; id: string } {
  const sep = key.indexOf("\0");
  return { type: key.slice(0, sep), id: key.slice(sep + 1) };
}

