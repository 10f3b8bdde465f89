/**
 * Types and argument/reply helpers shared by {@link RStream} and {@link RStreamGroup}: stream
 * IDs are strings (`"<ms>-<seq>"`), entry fields are a record of field name → value (values
 * through the container's codec), and every ID argument is checked client-side so bad input is
 * a {@link ValidationError} naming the argument, not a server error.
 */
import type { Raw } from "../codec";
import { ValidationError } from "../errors";
import { toArray, toInteger } from "../reply";
import { requireInteger, requireIntegerAtLeast, requireString } from "../validate";

/** One stream entry: its ID and its fields (values decoded by the codec). */
export interface StreamEntry<V> {
  readonly id: string;
  readonly fields: Record<string, V>;
}

/** Fields of a new entry: a record, a Map, or `[field, value]` pairs (which may repeat a field). */
export type StreamFields<V> = Record<string, V> | Map<string, V> | Iterable<readonly [string, V]>;

/** Trimming: keep at most `maxLen` entries, or drop entries with IDs below `minId`. */
export interface StreamTrimOptions {
  readonly maxLen?: number;
  readonly minId?: string;
  /**
   * Trim only whole macro nodes (`~`): cheaper, and the stream may keep somewhat more than asked
   * (up to a node, 100 entries by default). Default false (exact).
   */
  readonly approximate?: boolean;
  /** With `approximate`, remove at most this many entries per call (LIMIT). */
  readonly limit?: number;
}

/** Options of {@link RStream.add}. */
export interface StreamAddOptions extends StreamTrimOptions {
  /** Explicit ID (`"<ms>-<seq>"`, or `"<ms>-*"` for the next sequence); default: generated from the server clock. */
  readonly id?: string;
  /** Do not create the stream when it does not exist: `add` then resolves `undefined` (NOMKSTREAM). */
  readonly noMkStream?: boolean;
}

/** Options of {@link RStream.range} and {@link RStream.revRange}. */
export interface StreamRangeOptions {
  /** At most this many entries. */
  readonly count?: number;
  /** Leave out the entry whose ID equals `start`. */
  readonly startExclusive?: boolean;
  /** Leave out the entry whose ID equals `end`. */
  readonly endExclusive?: boolean;
}

/** Options of {@link RStream.read}. */
export interface StreamReadOptions {
  /** Entries with IDs greater than this (default `"0-0"`: from the start); `"$"` = only entries added from now on (with `block`). */
  readonly after?: string;
  /** At most this many entries. */
  readonly count?: number;
  /** Wait up to this many milliseconds for entries when there are none (0 = forever), on a dedicated connection. */
  readonly block?: number;
}

/** Options of {@link RStream.tail}. */
export interface StreamTailOptions {
  /** Start after this ID; default `"$"`: only entries added after the iteration starts. `"0-0"` replays the whole stream first. */
  readonly from?: string;
  /** Entries fetched per round trip (default 100). */
  readonly count?: number;
  /** Milliseconds each XREAD waits before checking `signal` again (default 5000). */
  readonly block?: number;
  /** Stops the iteration (checked between round trips). */
  readonly signal?: AbortSignal;
}

/** XINFO STREAM. */
export interface StreamInfo<V> {
  readonly length: number;
  readonly radixTreeKeys: number;
  readonly radixTreeNodes: number;
  readonly lastGeneratedId: string;
  readonly maxDeletedEntryId: string;
  readonly entriesAdded: number;
  readonly recordedFirstEntryId: string;
  readonly groups: number;
  readonly firstEntry: StreamEntry<V> | undefined;
  readonly lastEntry: StreamEntry<V> | undefined;
}

const ID = /^\d{1,20}(?:-\d{1,20})?$/;

/** A concrete stream ID (`<ms>` or `<ms>-<seq>`), or one of `extra` (`"-"`, `"+"`, `"$"`, `"*"`, `"<ms>-*"`…). */
export function requireStreamId(path: string, id: unknown, extra: readonly string[] = []): string {
  const s = requireString(path, id);
  if (ID.test(s) || extra.includes(s) || (extra.includes("<ms>-*") && /^\d{1,20}-\*$/.test(s))) return s;
  const allowed = ["<ms>-<seq>", ...extra].map((x) => JSON.stringify(x)).join(", ");
  throw new ValidationError({ path, message: `must be a stream ID (${allowed}), got ${JSON.stringify(s.slice(0, 40))}` });
}

/** MAXLEN/MINID [~] n [LIMIT n] arguments (empty when no trimming is asked). */
export function trimArgs(options: StreamTrimOptions, required: boolean): Array<string | number> {
  const { maxLen, minId, approximate, limit } = options;
  if (maxLen !== undefined && minId !== undefined) throw new ValidationError({ path: "maxLen", message: "maxLen and minId cannot be combined" });
  if (maxLen === undefined && minId === undefined) {
    if (required) throw new ValidationError({ path: "maxLen", message: "trim needs maxLen or minId" });
    if (limit !== undefined || approximate) throw new ValidationError({ path: "limit", message: "limit and approximate need maxLen or minId" });
    return [];
  }
  const args: Array<string | number> = maxLen !== undefined ? ["MAXLEN"] : ["MINID"];
  args.push(approximate ? "~" : "=");
  args.push(maxLen !== undefined ? requireIntegerAtLeast("maxLen", maxLen, 0) : requireStreamId("minId", minId));
  if (limit !== undefined) {
    if (!approximate) throw new ValidationError({ path: "limit", message: "limit needs approximate: true (Redis applies LIMIT to ~ trimming only)" });
    args.push("LIMIT", requireIntegerAtLeast("limit", limit, 0));
  }
  return args;
}

/** A positive COUNT. */
export function countArg(path: string, count: number | undefined): number | undefined {
  return count === undefined ? undefined : requireIntegerAtLeast(path, count, 1);
}

/** A BLOCK in ms (0 = forever). */
export function blockArg(path: string, ms: number | undefined): number | undefined {
  if (ms === undefined) return undefined;
  return requireIntegerAtLeast(path, requireInteger(path, ms), 0);
}

/** Text of a reply item that is an ID, a name or a field. */
export function text(raw: unknown): string {
  return Buffer.isBuffer(raw) ? raw.toString("utf8") : String(raw);
}

/** Decodes `[id, [field, value, …]]`; `undefined` for an entry deleted from the stream (`[id, nil]`). */
export function parseEntry<V>(raw: unknown, decode: (raw: Raw) => V): StreamEntry<V> | undefined {
  const [id, flat] = toArray(raw);
  if (flat === null || flat === undefined || flat === false) return undefined;
  const items = toArray(flat);
  const fields: Record<string, V> = {};
  for (let i = 0; i + 1 < items.length; i += 2) fields[text(items[i])] = decode(items[i + 1] as Raw);
  return { id: text(id), fields };
}

/** A flat `[key, value, …]` reply (a RESP2 map, or a RESP3 map as ioredis hands it over) as an object. */
export function flatMap(raw: unknown): Record<string, unknown> {
  const items = toArray(raw);
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < items.length; i += 2) out[text(items[i])] = items[i + 1];
  return out;
}

/** An integer field of an info map (null stays null). */
export function intOrNull(raw: unknown): number | null {
  return raw === null || raw === undefined ? null : toInteger(raw);
}
