/**
 * Core of the model-based test of the public API (test/integration/api-model-based.test.ts):
 * the plain in-process oracle, the "world" of real handles, and the shape of one operation.
 *
 * An {@link Op} is issued on the real API through a scope (the Database, or the handle of
 * `db.pipeline`/`db.transaction`) and, in lockstep, on the {@link Oracle}, in two phases that
 * mirror what narwhal does: `plan` is the queue phase (argument validation, mutations of record
 * instances made before anything is sent), and the {@link Plan} it returns is the execution
 * phase: it applies the operation to the oracle and compares the real outcome with the
 * prediction (once the reply is known, so random results such as SPOP can update the oracle).
 */
import { inspect, isDeepStrictEqual } from "node:util";
import type { Autocomplete, Cache, ClientLike, Database, Scope, Wrapped } from "../../../src/index";
import type { PbtItem } from "./model-ops";

/** How a real call ended. */
export type Settled = { readonly ok: unknown } | { readonly err: Error };

/** Execution phase of one operation on the oracle: applies it and returns a mismatch message, or undefined. */
export type Plan = (actual: Settled) => string | undefined;

/** Result of the queue phase: the execution phase, and the error that aborts the whole batch (bad input). */
export interface Queued {
  /** Name of the error class of invalid input: the call rejects with it, and a batch holding it sends nothing. */
  readonly poison?: string;
  readonly exec: Plan;
}

/** Where an operation may run: containers and models join batches; the cache and autocomplete never do. */
export type Domain = "container" | "model" | "direct";

export interface Op {
  /** Printed in counterexamples: a call that can be pasted into a test. */
  readonly label: string;
  readonly domain: Domain;
  /** Observable state to compare with the oracle after the step (see `checkState` in commands.ts). */
  readonly touches: readonly string[];
  /** The record-instance slot the operation needs (save/incr/delete of a loaded record). */
  readonly needs?: string;
  /** Sends nothing (e.g. `getMany([])`): it settles on its own even in a batch that is discarded. */
  readonly local?: boolean;
  plan(o: Oracle): Queued;
  /** Issues the call through `scope`; resolves a normalized value (plain data). */
  issue(w: World, scope: Scope): Promise<unknown>;
}

/** A stored model record (null = the field is absent from the record hash). */
export interface Rec {
  id: string;
  name: string | null;
  code: string | null;
  n: number | null;
}

/** The field values of a record instance: like {@link Rec}, but an absent field may read back as `undefined`. */
export interface Fields {
  id: string;
  name: string | null | undefined;
  code: string | null | undefined;
  n: number | null | undefined;
}

/** A record instance held by the test: its current field values and the snapshot its last read/write left. */
export interface Handle {
  values: Fields;
  snapshot: Fields;
}

export interface AcItem {
  readonly title: string;
  readonly score: number;
  readonly data: { c: number } | undefined;
}

/** The plain in-process model of everything the API can observe. */
export class Oracle {
  readonly lists = new Map<string, string[]>();
  readonly hashes = new Map<string, Map<string, string>>();
  /** The hash opened both with codecs.integer and codecs.number: field → stored text. */
  readonly counters = new Map<string, string>();
  readonly sets = new Map<string, Set<string>>();
  readonly zsets = new Map<string, Map<string, number>>();
  readonly records = new Map<string, Rec>();
  readonly handles = new Map<string, Handle>();
  readonly cache = new Map<string, unknown>();
  /** Memoized results of the wrapped function, by argument label. */
  readonly memo = new Map<string, unknown>();
  memoCalls = 0;
  readonly ac = new Map<string, AcItem>();

  list(name: string): string[] {
    let l = this.lists.get(name);
    if (!l) this.lists.set(name, (l = []));
    return l;
  }

  hash(name: string): Map<string, string> {
    let h = this.hashes.get(name);
    if (!h) this.hashes.set(name, (h = new Map()));
    return h;
  }

  set(name: string): Set<string> {
    let s = this.sets.get(name);
    if (!s) this.sets.set(name, (s = new Set()));
    return s;
  }

  zset(name: string): Map<string, number> {
    let z = this.zsets.get(name);
    if (!z) this.zsets.set(name, (z = new Map()));
    return z;
  }
}

/** The real side of one run. */
export interface World {
  readonly backend: string;
  readonly db: Database;
  readonly raw: ClientLike;
  readonly prefix: string;
  /** Record instances by slot (`<id>/<0|1>`). */
  readonly handles: Map<string, PbtItem>;
  readonly cache: Cache<unknown>;
  readonly memo: Wrapped<unknown, [unknown], unknown>;
  /** How many times the wrapped function really ran. */
  readonly memoCalls: { n: number };
  readonly ac: Autocomplete<{ c: number }>;
  /** Resolves a symbolic raw cache key (`$memo:<arg>` = the tail of a memoized entry's key). */
  cacheKey(key: string): string;
  /** SCRIPT FLUSH on the server (every master of a cluster). */
  flushScripts(): Promise<void>;
}

/** Container names share the hash tag {pbt}, so multi-key commands and batches work on Cluster. */
export const tagged = (name: string): string => `{pbt}:${name}`;

export function show(value: unknown): string {
  return inspect(value, { depth: 6, breakLength: Infinity, maxArrayLength: 50, maxStringLength: 80 });
}

function describeSettled(s: Settled): string {
  return "ok" in s ? `resolved ${show(s.ok)}` : `rejected ${s.err.name}: ${s.err.message}`;
}

/** Expects the call to resolve `expected` (deep strict equality: -0, NaN and undefined told apart). */
export function expectValue(actual: Settled, expected: unknown): string | undefined {
  if ("ok" in actual && isDeepStrictEqual(actual.ok, expected)) return undefined;
  return `expected resolved ${show(expected)}, got ${describeSettled(actual)}`;
}

/** Expects the call to reject with the error class `name`. */
export function expectError(actual: Settled, name: string): string | undefined {
  if ("err" in actual && actual.err.name === name) return undefined;
  return `expected rejected ${name}, got ${describeSettled(actual)}`;
}

/** Expects a resolved value accepted by `test` (which returns a problem or undefined). */
export function expectWith(actual: Settled, test: (value: unknown) => string | undefined): string | undefined {
  if (!("ok" in actual)) return `expected a result, got ${describeSettled(actual)}`;
  const problem = test(actual.ok);
  return problem === undefined ? undefined : `${problem}; got ${show(actual.ok)}`;
}

/** A queued operation that must resolve `value` once `apply` ran on the oracle. */
export function resolves(apply: () => unknown): Queued {
  return { exec: (actual) => expectValue(actual, apply()) };
}

/** Invalid input: rejected with `name` before anything is sent (a batch holding it sends nothing). */
export function poisoned(name: string): Queued {
  return { poison: name, exec: (actual) => expectError(actual, name) };
}

/** Byte order of UTF-8 strings (Redis compares members and lex ranges this way). */
export function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Turns a rejection into a value and a synchronous throw into a rejection. */
export async function settle(run: () => Promise<unknown>): Promise<Settled> {
  try {
    return { ok: await run() };
  } catch (error) {
    return { err: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** Builds an operation. */
export function op(label: string, domain: Domain, touches: readonly string[], plan: (o: Oracle) => Queued, issue: (w: World, scope: Scope) => Promise<unknown>, needs?: string): Op {
  return { label, domain, touches, plan, issue, ...(needs === undefined ? {} : { needs }) };
}

/** `JSON.stringify` that keeps -0, NaN, ±Infinity and undefined readable in labels. */
export function lit(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(lit).join(", ")}]`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof Map) return `new Map(${lit([...value])})`;
  if (value instanceof Set) return `new Set(${lit([...value])})`;
  if (value !== null && typeof value === "object") return `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${lit(v)}`).join(", ")} }`;
  return String(value);
}
