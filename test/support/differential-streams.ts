/**
 * Differential-test generators for streams (X* commands) and consumer groups, and the
 * harness's help with clock-dependent replies. Keys `s1`, `s2` hold streams; `a` collides
 * with the other families (WRONGTYPE paths). IDs are small so explicit IDs, `<ms>-*`, `*`, and
 * trimming (exact and `~`, whose whole-node rule needs >100 entries: `STREAM_BULK` adds them
 * in one EVAL) all meet. Times: `*` IDs are aligned by the harness (the engine's clock is set to
 * the millisecond Redis used), idle times and delivery times are compared within a tolerance
 * (`alignClock`), and idle thresholds are 0 or an hour so that filters never race.
 */
import fc from "fast-check";

type Argv = string[];

const some = <T>(arb: fc.Arbitrary<T>, min = 1, max = 3) => fc.array(arb, { minLength: min, maxLength: max });
const opt = <T>(arb: fc.Arbitrary<T[]>) => fc.oneof(fc.constant([] as T[]), arb);
const c = (...parts: Array<fc.Arbitrary<string | string[]> | string>): fc.Arbitrary<Argv> =>
  fc.tuple(...parts.map((p) => (typeof p === "string" ? fc.constant(p) : p))).map((xs) => xs.flatMap((x) => (Array.isArray(x) ? x : [x])));

/** Every key these generators use (the harness reclaims expired ones before DBSIZE). */
export const STREAM_KEYS = ["s1", "s2"];

const skey = fc.constantFrom("s1", "s1", "s1", "s1", "s2", "s2", "a");
const group = fc.constantFrom("g1", "g1", "g1", "g1", "g2");
const consumer = fc.constantFrom("c1", "c2", "c3");
/** IDs as given to XADD. */
const addId = fc.constantFrom("*", "*", "*", "1-1", "1-2", "2-0", "3", "5-0", "5-*", "7-*", "10-5", "20-*", "0-0", "0-*", "x", "1-", "-1", "99999999999999-0", " 6", "+8");
/** IDs naming entries (XDEL, XACK, XCLAIM, XSETID…). */
const id = fc.constantFrom("1-1", "1-2", "2-0", "3-0", "5-0", "5-1", "7-0", "10-5", "20-0", "20-3", "20-50", "20-150", "0-0", "x", "-", "+", "99999999999999-0");
const start = fc.constantFrom("-", "0", "1-1", "(1-1", "2", "(5-0", "20-100", "+", "x", "(", "(-");
const end = fc.constantFrom("+", "5", "10-5", "(10-5", "20-120", "-", "(0-0", "x", "20");
const count = fc.constantFrom("0", "1", "2", "5", "-1", "x", "200");
const fieldName = fc.constantFrom("f", "f", "g", "1", "h");
const value = fc.constantFrom("v", "1", "-1", "100", "12345678901", "x".repeat(70), "y".repeat(1500), "");
const fields = some(fc.tuple(fieldName, value), 1, 3).map((ps) => ps.flat());
const trim = fc.tuple(fc.constantFrom("MAXLEN", "MINID", "maxlen"), opt(fc.constantFrom(["~"], ["="])), fc.constantFrom("0", "1", "3", "50", "120", "-1", "x", "5-0", "20-60"), opt(c("LIMIT", fc.constantFrom("0", "1", "100", "-1"))))
  .map(([s, a, n, l]) => [s, ...a, n, ...l]);
const idle = fc.constantFrom("0", "0", "3600000", "-5", "x");

const streamCore: Array<fc.Arbitrary<Argv>> = [
  c("xadd", skey, opt(trim), opt(c("NOMKSTREAM")), addId, fields),
  c("xadd", fc.constantFrom("s1", "s1", "s2"), fc.constantFrom("*", "*", "*", "1-1", "2-0", "5-*", "20-*"), fields),
  c("xadd", skey, opt(trim), addId),
  c("xlen", skey),
  c("xrange", skey, start, end, opt(c("COUNT", count))),
  c("xrevrange", skey, end, start, opt(c("COUNT", count))),
  c("xdel", skey, some(id)),
  c("xtrim", skey, trim),
  c("xtrim", skey, fc.constantFrom(["LIMIT", "1"], ["MAXLEN"], ["bogus", "1"])),
  c("xsetid", skey, id, opt(c("ENTRIESADDED", fc.constantFrom("0", "5", "200", "-1"))), opt(c("MAXDELETEDID", id))),
  c("xinfo", "STREAM", skey, opt(fc.constantFrom(["FULL"], ["FULL", "COUNT", "0"], ["FULL", "COUNT", "2"], ["FULL", "COUNT", "-1"], ["FULL", "x"], ["bogus"]))),
  c("xinfo", fc.constantFrom("GROUPS", "HELP", "nosuch"), opt(c(skey))),
  c("xread", opt(c("COUNT", count)), opt(c("BLOCK", fc.constantFrom("1", "-1", "x"))), "STREAMS", some(fc.tuple(skey, fc.constantFrom("0", "$", "1-1", "5", "20-100", ">", "x")), 1, 2).map((ps) => [...ps.map((p) => p[0]), ...ps.map((p) => p[1])])),
  c("xread", fc.constantFrom(["STREAMS", "s1"], ["COUNT", "1"], ["STREAMS"], ["GROUP", "g1", "c1", "STREAMS", "s1", "0"], ["NOACK", "STREAMS", "s1", "0"])),
  // Keyspace commands on streams: TYPE, SCAN TYPE, COPY (deep, groups included), RENAME, DEL.
  c("type", skey),
  c("scan", "0", "TYPE", fc.constantFrom("stream", "STREAM")),
  c("copy", skey, skey, opt(c("REPLACE"))),
  c(fc.constantFrom("rename", "renamenx"), skey, skey),
  c(fc.constantFrom("del", "exists"), skey),
];

const streamGroups: Array<fc.Arbitrary<Argv>> = [
  c("xgroup", "CREATE", fc.constantFrom("s1", "s2"), group, fc.constantFrom("0", "0", "$", "3-0"), "MKSTREAM"),
  c("xreadgroup", "GROUP", group, consumer, opt(c("COUNT", fc.constantFrom("1", "2", "3"))), "STREAMS", fc.constantFrom("s1", "s2"), ">"),
  c("xclaim", fc.constantFrom("s1", "s2"), group, consumer, fc.constantFrom("0", "3600000"), some(fc.constantFrom("1-1", "2-0", "3-0", "5-0", "20-0", "20-1", "20-2")), opt(c("JUSTID"))),
  c("xautoclaim", fc.constantFrom("s1", "s2"), group, consumer, fc.constantFrom("0", "3600000"), fc.constantFrom("0", "0-0", "2-0", "(20-1"), opt(c("COUNT", fc.constantFrom("1", "2", "3"))), opt(c("JUSTID"))),
  c("xpending", fc.constantFrom("s1", "s2"), group, opt(c("-", "+", fc.constantFrom("1", "5", "100"), opt(c(consumer))))),
  c("xgroup", "CREATE", skey, group, fc.constantFrom("$", "0", "5-0", "x", "-"), opt(c("MKSTREAM")), opt(c("ENTRIESREAD", fc.constantFrom("0", "3", "-1", "-2")))),
  c("xgroup", "SETID", skey, group, fc.constantFrom("$", "0", "2-0", "-", "+", "x"), opt(c("ENTRIESREAD", fc.constantFrom("1", "-1", "x")))),
  c("xgroup", fc.constantFrom("DESTROY", "CREATECONSUMER", "DELCONSUMER", "HELP", "bogus"), opt(c(skey, group, opt(c(consumer))))),
  c("xreadgroup", "GROUP", group, consumer, opt(c("COUNT", count)), opt(c("NOACK")), opt(c("BLOCK", fc.constantFrom("1", "x"))), "STREAMS", some(fc.tuple(skey, fc.constantFrom(">", ">", "0", "2-0", "$")), 1, 2).map((ps) => [...ps.map((p) => p[0]), ...ps.map((p) => p[1])])),
  c("xreadgroup", "GROUP", group, consumer, "STREAMS", skey, ">"),
  c("xack", skey, group, some(id)),
  c("xpending", skey, group),
  c("xpending", skey, group, opt(c("IDLE", idle)), start, end, count, opt(c(consumer))),
  c("xclaim", skey, group, consumer, idle, some(id), fc.subarray(["FORCE", "JUSTID"]), opt(fc.constantFrom(["IDLE", "0"], ["IDLE", "3600000"], ["IDLE", "-5"], ["TIME", "1"], ["TIME", "99999999999999"], ["IDLE", "x"], ["RETRYCOUNT", "7"], ["RETRYCOUNT", "x"], ["LASTID", "20-0"], ["bogus"]))),
  c("xautoclaim", skey, group, consumer, idle, start, opt(c("COUNT", fc.constantFrom("1", "2", "100", "0", "x"))), opt(c("JUSTID"))),
  c("xinfo", "CONSUMERS", skey, group),
];

/** One bulk load of a stream in one EVAL (node boundaries, `~` trimming): n × XADD <ms>-* field value…i. */
export const STREAM_BULK = [
  "local n = 0",
  "for i = 1, tonumber(ARGV[1]) do",
  "  local r = redis.pcall('XADD', KEYS[1], ARGV[2] .. '-*', ARGV[3], string.rep('v', tonumber(ARGV[4])) .. i)",
  "  if type(r) ~= 'table' then n = n + 1 end",
  "end",
  "return n",
].join("\n");

/** A bulk load (joins the EVAL family: only generated when the engine has a Lua host). */
export const streamBulk = c("eval", STREAM_BULK, "1", fc.constantFrom("s1", "s2"), fc.constantFrom("50", "150", "260"), fc.constantFrom("20", "30", "40"), fieldName, fc.constantFrom("0", "0", "30", "200"));

/** Streams without consumer groups (XADD weighs more: the other commands need entries). */
export const streamCoreFamily: fc.Arbitrary<Argv> = fc.oneof({ weight: 4, arbitrary: streamCore[1]! }, { weight: 10, arbitrary: fc.oneof(...streamCore) });
/** Consumer groups (group creation weighs more: the other commands need a group). */
export const streamGroupFamily: fc.Arbitrary<Argv> = fc.oneof({ weight: 3, arbitrary: streamGroups[0]! }, { weight: 10, arbitrary: fc.oneof(...streamGroups) });

/** Replies carrying the server's clock (idle and delivery times): never generated inside MULTI. */
export function clockDependent(argv: Argv): boolean {
  const name = argv[0]!.toLowerCase();
  const sub = argv[1]?.toLowerCase();
  if (name === "xadd") return argv.includes("*");
  if (name === "xpending") return argv.length > 3;
  if (name === "xinfo") return sub === "consumers" || (sub === "stream" && argv.length > 3);
  return false;
}

const TOLERANCE_MS = 1000;

function close(a: unknown, b: unknown): boolean {
  return typeof a === "number" && typeof b === "number" && Math.abs(a - b) <= TOLERANCE_MS;
}

/** Flat map (RESP3 map as ioredis flattens it) walker: copies Redis's time fields into the engine's reply when within tolerance. */
function alignMap(expected: unknown[], actual: unknown[]): void {
  for (let i = 0; i + 1 < expected.length && i + 1 < actual.length; i += 2) {
    const k = expected[i];
    const [e, a] = [expected[i + 1], actual[i + 1]];
    if ((k === "idle" || k === "seen-time") && close(e, a)) actual[i + 1] = e;
    else if (k === "pending" && Array.isArray(e) && Array.isArray(a)) alignRows(e, a);
    else if ((k === "groups" || k === "consumers") && Array.isArray(e) && Array.isArray(a)) {
      e.forEach((m, j) => Array.isArray(m) && Array.isArray(a[j]) && alignMap(m, a[j] as unknown[]));
    }
  }
}

/** PEL rows: `[id, consumer, time, count]` (time at 2) or `[id, time, count]` (time at 1). */
function alignRows(expected: unknown[], actual: unknown[]): void {
  expected.forEach((row, j) => {
    const other = actual[j];
    if (!Array.isArray(row) || !Array.isArray(other) || row.length !== other.length) return;
    const at = row.length === 4 ? 2 : row.length === 3 ? 1 : -1;
    if (at >= 0 && close(row[at], other[at])) other[at] = row[at];
  });
}

/** The engine's reply with its clock-derived fields replaced by Redis's where they agree within a second. */
export function alignClock(argv: Argv, expected: unknown, actual: unknown): unknown {
  if (!clockDependent(argv) || !Array.isArray(expected) || !Array.isArray(actual)) return actual;
  const copy = structuredClone(actual) as unknown[];
  const name = argv[0]!.toLowerCase();
  if (name === "xpending") alignRows(expected, copy);
  else if (argv[1]?.toLowerCase() === "consumers") expected.forEach((m, j) => Array.isArray(m) && Array.isArray(copy[j]) && alignMap(m, copy[j] as unknown[]));
  else alignMap(expected, copy);
  return copy;
}

/** For `XADD … *`: the millisecond part of the ID Redis generated, when it came from its clock (else undefined). */
export function starMillis(argv: Argv, expected: unknown): number | undefined {
  if (argv[0]?.toLowerCase() !== "xadd" || !argv.includes("*") || typeof expected !== "string") return undefined;
  const m = /^(\d+)-\d+$/.exec(expected);
  if (!m) return undefined;
  const ms = Number(m[1]);
  return Math.abs(ms - Date.now()) < 10_000 ? ms : undefined;
}

const PRE_IDS = ["1-1", "2-0", "3-0", "5-0", "10-5"];
const PRE_FIELDS = [["f", "v"], ["f", "w"], ["f", "1", "g", "2"], ["h", "x"], ["f", "y"]];

/** A stream with entries, a group and deliveries, so that group commands meet state (prefixed to half the sequences). */
export const streamPreamble: fc.Arbitrary<Argv[]> = fc
  .tuple(fc.constantFrom("s1", "s2"), fc.integer({ min: 1, max: 5 }), fc.constantFrom("0", "0", "2-0"), fc.integer({ min: 0, max: 3 }), fc.boolean())
  .map(([key, n, from, read, second]) => {
    const out: Argv[] = PRE_IDS.slice(0, n).map((id, i) => ["xadd", key, id, ...PRE_FIELDS[i]!]);
    out.push(["xgroup", "CREATE", key, "g1", from]);
    if (read > 0) out.push(["xreadgroup", "GROUP", "g1", "c1", "COUNT", String(read), "STREAMS", key, ">"]);
    if (second) out.push(["xreadgroup", "GROUP", "g1", "c2", "COUNT", "1", "STREAMS", key, ">"]);
    return out;
  });
