/**
 * Replies and errors of Valkey GLIDE's `customCommand` brought back to what ioredis gives over
 * RESP2, which the rest of narwhal reads.
 *
 * GLIDE (glide-core's `expected_type_for_cmd`, 2.x) converts replies by command name even for
 * `customCommand` and even on RESP2, and its Node layer then turns every map into a
 * `GlideRecord` (`[{ key, value }…]`). What is undone here, per command:
 *
 * | command (condition) | GLIDE gives | RESP2 / ioredis gives |
 * |---|---|---|
 * | HGETALL, CONFIG GET, HELLO, XINFO STREAM, PUBSUB NUMSUB, LCS IDX | record | flat `[k, v, …]` |
 * | XINFO GROUPS / CONSUMERS, FUNCTION LIST | array of records | array of flat arrays |
 * | XRANGE, XREVRANGE, XCLAIM (no JUSTID) | record id → `[[f, v]…]` | `[[id, [f, v, …]]…]` |
 * | XREAD, XREADGROUP | record stream → (record id → pairs) | `[[stream, entries]…]` |
 * | XAUTOCLAIM (no JUSTID) | `[cursor, record, deleted]` | `[cursor, entries, deleted]` |
 * | INCRBYFLOAT, HINCRBYFLOAT, ZINCRBY, ZSCORE, GEODIST, ZADD INCR | number | its text (`inf`, `-inf`) |
 * | ZMSCORE, GEOPOS | numbers | texts |
 * | ZRANGE / ZUNION / ZINTER / ZDIFF WITHSCORES, ZPOPMIN, ZPOPMAX | record member → score | flat `[m, s, …]` |
 * | ZRANDMEMBER WITHSCORES, HRANDFIELD WITHVALUES | `[[m, s]…]` | flat |
 * | ZRANK / ZREVRANK WITHSCORE, BZPOPMIN / BZPOPMAX | score a number | its text |
 * | ZMPOP, BZMPOP | `[key, record]` | `[key, [[m, s]…]]` |
 * | LMPOP, BLMPOP | record key → values | `[key, values]` |
 * | HEXISTS, HSETNX, EXPIRE…, SISMEMBER, SMOVE, PFADD, MSETNX, COPY…, SMISMEMBER, SCRIPT EXISTS | booleans | 1 / 0 |
 * | SMEMBERS, SINTER, SDIFF, SUNION, SPOP with a count | a `Set` | an array |
 *
 * On RESP3 (GLIDE's default) two more: the member/score pairs RESP3 nests and GLIDE leaves
 * nested (ZRANGEBYSCORE, ZREVRANGE, ZREVRANGEBYSCORE … WITHSCORES) are flattened with scores
 * as text, and a script's Lua `false` (a RESP3 boolean) becomes null, as RESP2 sends it. A
 * script's `{double=…}` reply stays a number (RESP2: its text).
 *
 * A reply of RESP2 never holds a boolean, a `Set` or a plain object, so those are undone
 * wherever they appear; only numbers need the command name (an integer reply stays a number).
 * With the Bytes decoder (`callBuffer`) GLIDE still gives simple strings (`OK`) as strings:
 * they become Buffers, as ioredis's `callBuffer` gives them.
 *
 * A double's text is JavaScript's shortest form (Redis 7.0 prints `%.17g`: `0.1` may come as
 * `0.10000000000000001` from Redis, as `0.1` here); both parse to the same number.
 */
import type { Arg } from "../command";

interface GlideRecordEntry {
  readonly key: unknown;
  readonly value: unknown;
}

function isRecordEntry(v: unknown): v is GlideRecordEntry {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && "key" in v && "value" in v;
}

/** True for a GLIDE map as the Node layer gives it (`[{ key, value }…]`); an empty array is never taken for one. */
function isRecord(v: unknown): v is GlideRecordEntry[] {
  return Array.isArray(v) && v.length > 0 && isRecordEntry(v[0]);
}

/** A double as Redis writes it in a bulk string. */
export function doubleText(n: number): string {
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (Number.isNaN(n)) return "nan";
  return String(n);
}

function text(n: unknown, binary: boolean): unknown {
  if (typeof n !== "number") return n;
  const t = doubleText(n);
  return binary ? Buffer.from(t) : t;
}

/** Booleans → 1/0, Sets → arrays, records → flat arrays, simple strings → Buffers when `binary`, at any depth. */
export function plain(v: unknown, binary: boolean): unknown {
  if (v === true) return 1;
  if (v === false) return 0;
  if (binary && typeof v === "string") return Buffer.from(v);
  if (v instanceof Set) return plain([...v], binary);
  if (isRecord(v)) {
    const out: unknown[] = [];
    for (const e of v) out.push(plain(e.key, binary), plain(e.value, binary));
    return out;
  }
  if (Array.isArray(v)) return v.map((x) => plain(x, binary));
  return v;
}

/** Stream entries: record id → `[[f, v]…]` (or null for a deleted entry) → `[[id, [f, v, …]]…]`. */
function entries(v: unknown, binary: boolean): unknown {
  if (!isRecord(v)) return plain(v, binary);
  return v.map((e) => [plain(e.key, binary), Array.isArray(e.value) ? plain(e.value.flat(1), binary) : plain(e.value, binary)]);
}

/** Member → score record (or `[[m, s]…]` pairs) → flat `[m, s, …]` with scores as text. */
function scored(v: unknown, binary: boolean): unknown {
  if (!Array.isArray(v)) return plain(v, binary);
  const out: unknown[] = [];
  for (const e of v) {
    if (isRecordEntry(e)) out.push(plain(e.key, binary), text(e.value, binary));
    else if (Array.isArray(e)) out.push(plain(e[0], binary), text(e[1], binary));
    else out.push(plain(e, binary));
  }
  return out;
}

/** A flat `[m, s, …]` as `[[m, s]…]` (ZMPOP's RESP2 shape). */
function pairs(flat: readonly unknown[]): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

function has(args: readonly Arg[], word: string): boolean {
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (typeof a === "string" && a.length === word.length && a.toUpperCase() === word) return true;
  }
  return false;
}

function upper(a: Arg | undefined): string {
  return a === undefined ? "" : typeof a === "string" ? a.toUpperCase() : Buffer.isBuffer(a) ? a.toString("latin1").toUpperCase() : String(a);
}

/** Commands whose reply GLIDE turns into a number from a bulk string (a double). */
const DOUBLE = new Set(["INCRBYFLOAT", "HINCRBYFLOAT", "ZINCRBY", "ZSCORE", "GEODIST"]);
const WITHSCORES = new Set(["ZRANGE", "ZUNION", "ZINTER", "ZDIFF"]);
/** Commands whose RESP3 reply nests member/score pairs GLIDE leaves as they are (RESP2 sends them flat). */
const RESP3_PAIRED = new Set(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZREVRANGE", "ZRANGEBYLEX"]);
/** Script calls: on RESP3 a Lua `false` comes as a boolean, which RESP2 sends as nil. */
const SCRIPTS = new Set(["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"]);

/** `reply` of GLIDE to command `args` (name first) in the shape ioredis gives over RESP2; `binary`: bulk strings are Buffers. */
export function toResp2(args: readonly Arg[], reply: unknown, binary: boolean): unknown {
  if (reply === null || reply === undefined) return null;
  const name = upper(args[0]);
  if (reply === false && SCRIPTS.has(name)) return null;
  if (typeof reply === "number") {
    return DOUBLE.has(name) || (name === "ZADD" && has(args, "INCR")) ? text(reply, binary) : reply;
  }
  switch (name) {
    case "ZMSCORE":
      return Array.isArray(reply) ? reply.map((x) => (x === null ? null : text(x, binary))) : reply;
    case "GEOPOS":
      return Array.isArray(reply) ? reply.map((p) => (Array.isArray(p) ? p.map((x) => text(x, binary)) : p)) : reply;
    case "ZPOPMIN":
    case "ZPOPMAX":
      return scored(reply, binary);
    case "ZRANDMEMBER":
      return has(args, "WITHSCORES") ? scored(reply, binary) : plain(reply, binary);
    case "HRANDFIELD":
      return Array.isArray(reply) && Array.isArray(reply[0]) ? plain(reply.flat(1), binary) : plain(reply, binary);
    case "ZRANK":
    case "ZREVRANK":
    case "BZPOPMIN":
    case "BZPOPMAX":
      return Array.isArray(reply) ? reply.map((x, i) => (i === reply.length - 1 ? text(x, binary) : plain(x, binary))) : reply;
    case "ZMPOP":
    case "BZMPOP":
      return Array.isArray(reply) ? [plain(reply[0], binary), pairs(scored(reply[1], binary) as unknown[])] : reply;
    case "LMPOP":
    case "BLMPOP":
      return isRecord(reply) ? [plain(reply[0]!.key, binary), plain(reply[0]!.value, binary)] : plain(reply, binary);
    case "XRANGE":
    case "XREVRANGE":
    case "XCLAIM":
      return entries(reply, binary);
    case "XREAD":
    case "XREADGROUP":
      return isRecord(reply) ? reply.map((e) => [plain(e.key, binary), entries(e.value, binary)]) : plain(reply, binary);
    case "XAUTOCLAIM":
      return Array.isArray(reply) && !has(args, "JUSTID") ? reply.map((x, i) => (i === 1 ? entries(x, binary) : plain(x, binary))) : plain(reply, binary);
    default:
      if (WITHSCORES.has(name) && has(args, "WITHSCORES")) return scored(reply, binary);
      if (RESP3_PAIRED.has(name) && Array.isArray(reply) && Array.isArray(reply[0])) return scored(reply, binary);
      return plain(reply, binary);
  }
}

/** redis-rs error kinds (as GLIDE names them: "An error was signalled by the server: - Kind: detail") → Redis's error code. */
const KIND_CODES: Record<string, string> = {
  ResponseError: "ERR",
  ExecAbortError: "EXECABORT",
  BusyLoadingError: "LOADING",
  NoScriptError: "NOSCRIPT",
  Moved: "MOVED",
  Ask: "ASK",
  TryAgain: "TRYAGAIN",
  ClusterDown: "CLUSTERDOWN",
  CrossSlot: "CROSSSLOT",
  MasterDown: "MASTERDOWN",
  ReadOnly: "READONLY",
  NotBusy: "NOTBUSY",
};

const SIGNALLED = /^An error was signalled by the server: - (\w+): ([\s\S]*)$/;
const EXTENSION = /^(\S+): ([\s\S]*)$/;

/** GLIDE's error classes that are not a server's error reply (the connection, a timeout, the client closed). */
const NOT_REPLIES = new Set(["ConnectionError", "TimeoutError", "ClosingError", "ConfigurationError", "CircuitBreakerError"]);

/** Redis's own text of an error reply, from a GLIDE `RequestError` message; undefined when `message` is not one. */
export function replyText(message: string): string | undefined {
  const signalled = SIGNALLED.exec(message);
  if (signalled) return `${KIND_CODES[signalled[1]!] ?? signalled[1]!} ${signalled[2]!}`;
  const extension = EXTENSION.exec(message);
  return extension ? `${extension[1]!} ${extension[2]!}` : undefined;
}

/**
 * `error` as ioredis rejects with it: a server's error reply (a GLIDE `RequestError`, not one
 * of its connection/timeout/closing subclasses) becomes an Error named "ReplyError" carrying
 * Redis's exact text (`WRONGTYPE Operation…`, `ERR unknown command…`, `NOSCRIPT …`), which
 * client-errors.ts maps to narwhal's typed errors. Anything else is returned as it is.
 */
export function glideError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const kind = error.constructor.name;
  if (kind !== "RequestError" && kind !== "ExecAbortError") return error;
  if (NOT_REPLIES.has(kind)) return error;
  const text = replyText(error.message);
  if (text === undefined) return error;
  const reply = new Error(text, { cause: error });
  reply.name = "ReplyError";
  return reply;
}

/** Rejection handler: rethrows with {@link glideError}. */
export function rethrowGlide(error: unknown): never {
  throw glideError(error);
}
