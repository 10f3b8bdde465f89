/** Set commands: SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP, SRANDMEMBER, SMOVE, SINTER/SUNION/SDIFF(+STORE), SINTERCARD, SSCAN. */
import { bytes, id, is } from "../bytes";
import type { Ctx } from "../command";
import { deriveEncoding, noteSetMember } from "../encoding";
import { command, keyAt } from "../command";
import { fail, MUST_BE_POSITIVE, SYNTAX } from "../errors";
import { int } from "../numbers";
import { SetReply } from "../protocol";
import type { Reply } from "../protocol";
import { averageLength, checkRepeatedReply, pickDistinct, pickOne, pickWithRepeats, randomCount } from "../random";
import { scanContainer } from "./scan-family";
import { notify, NOTIFY_GENERIC, NOTIFY_SET } from "../notify";

function set(ctx: Ctx, i = 1): Set<string> | undefined {
  return ctx.db.get(keyAt(ctx, i), "set");
}

function setReply(members: Iterable<string>): Reply {
  return new SetReply([...members].map(bytes));
}

function sadd(ctx: Ctx): Reply {
  const key = keyAt(ctx, 1);
  const s = ctx.db.getOrCreate(key, "set", () => new Set());
  let added = 0;
  for (const m of ctx.argv.slice(2)) {
    const k = id(m);
    if (!s.has(k)) {
      s.add(k);
      noteSetMember(s, k, ctx.engine.encodingLimits);
      added++;
    }
  }
  if (added > 0) {
    ctx.db.touch(key);
    notify(ctx, NOTIFY_SET, "sadd", key);
  }
  return added;
}

function srem(ctx: Ctx): Reply {
  const s = set(ctx);
  if (!s) return 0;
  let removed = 0;
  for (const m of ctx.argv.slice(2)) if (s.delete(id(m))) removed++;
  const key = keyAt(ctx, 1);
  if (removed > 0) {
    ctx.db.touch(key);
    notify(ctx, NOTIFY_SET, "srem", key);
    emptied(ctx, s, key);
  }
  return removed;
}

const SPOP_MOVE_STRATEGY_MUL = 5; // t_set.c

function spop(ctx: Ctx): Reply {
  if (ctx.argv.length > 3) fail(SYNTAX);
  const key = keyAt(ctx, 1);
  if (ctx.argv.length === 2) {
    const s = set(ctx);
    if (!s) return null;
    const m = pickOne(s, s.size);
    s.delete(m);
    ctx.db.touch(key);
    notify(ctx, NOTIFY_SET, "spop", key);
    emptied(ctx, s, key);
    return bytes(m);
  }
  const count = int(ctx.argv[2], MUST_BE_POSITIVE);
  if (count < 0) fail(MUST_BE_POSITIVE);
  const s = set(ctx);
  if (!s || count === 0) return new SetReply([]);
  const picked = pickDistinct([...s], count);
  for (const m of picked) s.delete(m);
  // Redis's case 3 (few elements remain): it builds a new set of the remaining ones, its encoding derived anew.
  if (s.size > 0 && s.size * SPOP_MOVE_STRATEGY_MUL <= count) deriveEncoding({ type: "set", v: s }, ctx.engine.encodingLimits);
  ctx.db.touch(key);
  notify(ctx, NOTIFY_SET, "spop", key);
  emptied(ctx, s, key);
  return setReply(picked);
}

function srandmember(ctx: Ctx): Reply {
  if (ctx.argv.length > 3) fail(SYNTAX);
  if (ctx.argv.length === 2) {
    const s = set(ctx);
    return s ? bytes(pickOne(s, s.size)) : null;
  }
  const count = Number(randomCount(ctx.argv[2]));
  const s = set(ctx);
  if (!s || count === 0) return [];
  if (count > 0) return pickDistinct([...s], count).map(bytes);
  checkRepeatedReply(-count, averageLength(s), ctx.engine.replyLimit());
  return pickWithRepeats([...s].map(bytes), -count);
}

function smove(ctx: Ctx): Reply {
  const srcKey = keyAt(ctx, 1);
  const dstKey = keyAt(ctx, 2);
  const srcExists = ctx.db.has(srcKey);
  ctx.db.has(dstKey); // Redis looks both keys up first: an expired destination goes now (its `expired` event) even when the source is missing
  if (!srcExists) return 0;
  const src = set(ctx, 1)!;
  const dst = set(ctx, 2);
  const m = id(ctx.argv[3]!);
  if (src === dst) return src.has(m) ? 1 : 0;
  if (!src.delete(m)) return 0;
  ctx.db.touch(srcKey);
  notify(ctx, NOTIFY_SET, "srem", srcKey);
  emptied(ctx, src, srcKey);
  const d = dst ?? ctx.db.getOrCreate(dstKey, "set", () => new Set());
  // As Redis: the destination counts as modified (WATCH, tracking) only when the member was added.
  if (!d.has(m)) {
    d.add(m);
    noteSetMember(d, m, ctx.engine.encodingLimits);
    ctx.db.touch(dstKey);
    notify(ctx, NOTIFY_SET, "sadd", dstKey);
  }
  return 1;
}

/** The sets at argv[from..to) (missing → undefined), WRONGTYPE checked for all first. */
function sources(ctx: Ctx, from: number, to: number): Array<Set<string> | undefined> {
  const out: Array<Set<string> | undefined> = [];
  for (let i = from; i < to; i++) out.push(set(ctx, i));
  return out;
}

function inter(sets: Array<Set<string> | undefined>, limit = 0): Set<string> {
  if (sets.some((s) => s === undefined || s.size === 0)) return new Set();
  const sorted = (sets as Array<Set<string>>).slice().sort((a, b) => a.size - b.size);
  const out = new Set<string>();
  for (const m of sorted[0]!) {
    if (sorted.every((s) => s.has(m))) {
      out.add(m);
      if (limit && out.size >= limit) break;
    }
  }
  return out;
}

function union(sets: Array<Set<string> | undefined>): Set<string> {
  const out = new Set<string>();
  for (const s of sets) if (s) for (const m of s) out.add(m);
  return out;
}

function diff(sets: Array<Set<string> | undefined>): Set<string> {
  const [first, ...rest] = sets;
  const out = new Set<string>();
  if (!first) return out;
  for (const m of first) if (!rest.some((s) => s?.has(m))) out.add(m);
  return out;
}

/** A set left empty is deleted, with Redis's `del` event. */
function emptied(ctx: Ctx, s: Set<string>, key: string): void {
  if (s.size > 0) return;
  ctx.db.deleteIfEmpty(key);
  notify(ctx, NOTIFY_GENERIC, "del", key);
}

/** SINTERSTORE / SUNIONSTORE / SDIFFSTORE: `event` names the command, as Redis's notification does. */
function store(ctx: Ctx, result: Set<string>, event: string): Reply {
  const dst = keyAt(ctx, 1);
  if (result.size === 0) {
    if (ctx.db.delete(dst)) notify(ctx, NOTIFY_GENERIC, "del", dst);
    return 0;
  }
  const value = { type: "set", v: result } as const;
  deriveEncoding(value, ctx.engine.encodingLimits); // Redis builds the result member by member: intset while it can be
  ctx.db.set(dst, value);
  notify(ctx, NOTIFY_SET, event, dst);
  return result.size;
}

function sintercard(ctx: Ctx): Reply {
  // Redis answers the same text for a non-integer numkeys as for zero or a negative one.
  const numkeys = int(ctx.argv[1], "ERR numkeys should be greater than 0");
  if (numkeys < 1) fail("ERR numkeys should be greater than 0");
  if (numkeys > ctx.argv.length - 2) fail("ERR Number of keys can't be greater than number of args");
  let limit = 0;
  for (let i = 2 + numkeys; i < ctx.argv.length; i++) {
    if (is(ctx.argv[i], "limit") && i + 1 < ctx.argv.length) {
      limit = int(ctx.argv[++i], "ERR LIMIT can't be negative");
      if (limit < 0) fail("ERR LIMIT can't be negative");
    } else fail(SYNTAX);
  }
  return inter(sources(ctx, 2, 2 + numkeys), limit).size;
}

export const setCommands = [
  command("sadd", -3, sadd),
  command("srem", -3, srem),
  command("smembers", 2, (ctx) => setReply(set(ctx) ?? [])),
  command("sismember", 3, (ctx) => (set(ctx)?.has(id(ctx.argv[2]!)) ? 1 : 0)),
  command("smismember", -3, (ctx) => {
    const s = set(ctx);
    return ctx.argv.slice(2).map((m) => (s?.has(id(m)) ? 1 : 0));
  }),
  command("scard", 2, (ctx) => set(ctx)?.size ?? 0),
  command("spop", -2, spop),
  command("srandmember", -2, srandmember),
  command("smove", 4, smove),
  command("sinter", -2, (ctx) => setReply(inter(sources(ctx, 1, ctx.argv.length)))),
  command("sunion", -2, (ctx) => setReply(union(sources(ctx, 1, ctx.argv.length)))),
  command("sdiff", -2, (ctx) => setReply(diff(sources(ctx, 1, ctx.argv.length)))),
  command("sinterstore", -3, (ctx) => store(ctx, inter(sources(ctx, 2, ctx.argv.length)), "sinterstore")),
  command("sunionstore", -3, (ctx) => store(ctx, union(sources(ctx, 2, ctx.argv.length)), "sunionstore")),
  command("sdiffstore", -3, (ctx) => store(ctx, diff(sources(ctx, 2, ctx.argv.length)), "sdiffstore")),
  command("sintercard", -3, sintercard),
  command("sscan", -3, (ctx) => scanContainer(ctx, "set")),
];
