/** Sorted-set commands over several keys or with randomness: Z(UNION|INTER|DIFF)(STORE), ZINTERCARD, ZPOPMIN/MAX, BZPOPMIN/MAX, ZRANDMEMBER. */
import { bytes, is } from "../bytes";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { fail, MUST_BE_POSITIVE, SYNTAX, WRONGTYPE } from "../errors";
import type { Keyspace } from "../keyspace";
import { int, parseDouble } from "../numbers";
import { DoubleReply } from "../protocol";
import type { Reply } from "../protocol";
import { averageLength, checkPairCount, checkRepeatedReply, pickDistinct, pickOne, pickWithRepeats, randomCount } from "../random";
import type { ZSet } from "../zset";
import { parseKeysThenTimeout, parseMpop, serveOrBlock } from "./blocking-args";
import { scoredReply } from "./zset-reply";
import type { Scored } from "./zset-reply";
import { storeZSet, zset, zsetEmptied } from "./zsets";
import { notify, NOTIFY_ZSET } from "../notify";

type Op = "union" | "inter" | "diff";

interface Source {
  readonly entries: Map<string, number> | undefined;
  weight: number;
}

function sourceAt(db: Keyspace, key: string): Map<string, number> | undefined {
  const v = db.lookup(key);
  if (!v) return undefined;
  if (v.type === "zset") return v.v.scores;
  if (v.type === "set") return new Map([...v.v].map((m) => [m, 1] as const));
  fail(WRONGTYPE);
}

/** Parses and computes Z(UNION|INTER|DIFF)[STORE]/ZINTERCARD; returns the result and flags. */
function combine(ctx: Ctx, numkeysIndex: number, op: Op, store: boolean, cardOnly: boolean, name: string): { items: Scored[]; withScores: boolean; limit: number } {
  const argv = ctx.argv;
  const setnum = int(argv[numkeysIndex]);
  if (setnum < 1) fail(`ERR at least 1 input key is needed for '${name}' command`);
  if (setnum > argv.length - (numkeysIndex + 1)) fail(SYNTAX);
  const sources: Source[] = [];
  let j = numkeysIndex + 1;
  for (let i = 0; i < setnum; i++, j++) sources.push({ entries: sourceAt(ctx.db, keyAt(ctx, j)), weight: 1 });
  let aggregate: "sum" | "min" | "max" = "sum";
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const a = argv[j]!;
    if (op !== "diff" && !cardOnly && remaining >= setnum + 1 && is(a, "weights")) {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = parseDouble(argv[j]!);
        if (w === undefined) fail("ERR weight value is not a float");
        sources[i]!.weight = w;
      }
    } else if (op !== "diff" && !cardOnly && remaining >= 2 && is(a, "aggregate")) {
      const agg = argv[j + 1]!;
      if (is(agg, "sum")) aggregate = "sum";
      else if (is(agg, "min")) aggregate = "min";
      else if (is(agg, "max")) aggregate = "max";
      else fail(SYNTAX);
      j += 2;
    } else if (!store && !cardOnly && is(a, "withscores")) {
      withScores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && is(a, "limit")) {
      limit = int(argv[j + 1], "ERR LIMIT can't be negative");
      if (limit < 0) fail("ERR LIMIT can't be negative");
      j += 2;
    } else fail(SYNTAX);
  }
  const agg = (acc: number, v: number): number => {
    if (aggregate === "sum") {
      const s = acc + v;
      return Number.isNaN(s) ? 0 : s;
    }
    return aggregate === "min" ? Math.min(acc, v) : Math.max(acc, v);
  };
  const weighted = (src: Source, score: number) => {
    const s = src.weight * score;
    return Number.isNaN(s) ? 0 : s;
  };
  const result = new Map<string, number>();
  if (op === "union") {
    const ordered = [...sources].sort((a, b) => (a.entries?.size ?? 0) - (b.entries?.size ?? 0));
    for (const src of ordered) {
      if (!src.entries) continue;
      for (const [m, s] of src.entries) {
        const v = weighted(src, s);
        const cur = result.get(m);
        result.set(m, cur === undefined ? v : agg(cur, v));
      }
    }
  } else if (op === "inter") {
    if (sources.every((s) => s.entries && s.entries.size > 0)) {
      const ordered = [...sources].sort((a, b) => a.entries!.size - b.entries!.size);
      const [first, ...rest] = ordered;
      for (const [m, s] of first!.entries!) {
        let score = weighted(first!, s);
        let all = true;
        for (const other of rest) {
          const os = other.entries!.get(m);
          if (os === undefined) {
            all = false;
            break;
          }
          score = agg(score, weighted(other, os));
        }
        if (all) {
          result.set(m, score);
          if (cardOnly && limit && result.size >= limit) break;
        }
      }
    }
  } else {
    const [first, ...rest] = sources;
    if (first!.entries) for (const [m, s] of first!.entries) if (!rest.some((r) => r.entries?.has(m))) result.set(m, s);
  }
  const items = [...result].map(([member, score]) => ({ member, score: score + 0 }));
  items.sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  return { items, withScores, limit };
}

function combineCommand(op: Op, store: boolean, name: string) {
  return (ctx: Ctx): Reply => {
    const { items, withScores } = combine(ctx, store ? 2 : 1, op, store, false, name);
    if (store) return storeZSet(ctx, keyAt(ctx, 1), items, name);
    return scoredReply(ctx, items, withScores);
  };
}

/** Pops up to `count` from one end; deletes the key when it empties. */
function popFrom(db: Keyspace, key: string, z: ZSet, max: boolean, count: number): Scored[] {
  const out: Scored[] = [];
  while (out.length < count && z.size > 0) {
    const n = max ? z.list.last()! : z.list.first()!;
    out.push({ member: n.member, score: n.score });
    z.delete(n.member);
  }
  if (out.length > 0) {
    db.touch(key);
    notify({ db }, NOTIFY_ZSET, max ? "zpopmax" : "zpopmin", key);
    zsetEmptied(db, key, z);
  }
  return out;
}

function zpop(max: boolean) {
  return (ctx: Ctx): Reply => {
    if (ctx.argv.length > 3) fail(SYNTAX);
    const hasCount = ctx.argv.length === 3;
    let count = 1;
    if (hasCount) {
      count = int(ctx.argv[2], MUST_BE_POSITIVE);
      if (count < 0) fail(MUST_BE_POSITIVE);
    }
    const z = zset(ctx);
    if (!z || count === 0) return [];
    const items = popFrom(ctx.db, keyAt(ctx, 1), z, max, count);
    if (hasCount && ctx.session.protocol === 3) return items.map((n) => [bytes(n.member), new DoubleReply(n.score)]);
    return items.flatMap((n) => [bytes(n.member), new DoubleReply(n.score)]);
  };
}

function bzpop(max: boolean) {
  return (ctx: Ctx): Reply | Promise<Reply> => {
    const { keys, timeout } = parseKeysThenTimeout(ctx);
    const db = ctx.db;
    const serve = (key: string): Reply | undefined => {
      const v = db.lookup(key);
      if (!v || v.type !== "zset" || v.v.size === 0) return undefined;
      const [n] = popFrom(db, key, v.v, max, 1);
      return [bytes(key), bytes(n!.member), new DoubleReply(n!.score)];
    };
    return serveOrBlock(ctx, keys, "zset", true, timeout, serve);
  };
}

function zrandmember(ctx: Ctx): Reply {
  if (ctx.argv.length === 2) {
    const z = zset(ctx);
    return z ? bytes(pickOne(z.scores.keys(), z.scores.size)) : null;
  }
  const exact = randomCount(ctx.argv[2]);
  let withScores = false;
  if (ctx.argv.length === 4 && is(ctx.argv[3], "withscores")) withScores = true;
  else if (ctx.argv.length >= 4) fail(SYNTAX);
  if (withScores) checkPairCount(exact);
  const count = Number(exact);
  const z = zset(ctx);
  if (!z || count === 0) return [];
  const ordered = [...z.entries()].map((n) => ({ member: n.member, score: n.score }));
  if (count > 0) return scoredReply(ctx, pickDistinct(ordered, count), withScores);
  // Negative: repetitions allowed. Bounded before anything is built (a score is at most 24 chars
  // of %.17g plus framing); picks share one reply per member.
  checkRepeatedReply(-count, averageLength(z.scores.keys()) + (withScores ? 40 : 0), ctx.engine.replyLimit());
  if (!withScores) return pickWithRepeats(ordered.map((n) => bytes(n.member)), -count);
  const pairs: Array<[Buffer, DoubleReply]> = ordered.map((n) => [bytes(n.member), new DoubleReply(n.score)]);
  const picked = pickWithRepeats(pairs, -count);
  return ctx.session.protocol === 3 ? picked : picked.flat();
}

function minMax(arg: Buffer | undefined): boolean {
  if (is(arg, "min")) return false;
  if (is(arg, "max")) return true;
  fail(SYNTAX);
}

/** ZMPOP/BZMPOP: `numkeysIndex` points at numkeys; the timeout (BZMPOP) is argv[1]. Pairs are nested in RESP2 too. */
function zmpop(numkeysIndex: number, blocking: boolean) {
  return (ctx: Ctx): Reply | Promise<Reply> => {
    const { keys, where: max, count, timeout } = parseMpop(ctx, numkeysIndex, blocking, minMax);
    const db = ctx.db;
    const serve = (key: string): Reply | undefined => {
      const v = db.lookup(key);
      if (!v || v.type !== "zset" || v.v.size === 0) return undefined;
      const items = popFrom(db, key, v.v, max, count);
      return [bytes(key), items.map((n) => [bytes(n.member), new DoubleReply(n.score)])];
    };
    return serveOrBlock(ctx, keys, "zset", blocking, timeout, serve);
  };
}

export const zsetOpCommands = [
  command("zmpop", -4, zmpop(1, false)),
  command("bzmpop", -5, zmpop(2, true)),
  command("zunionstore", -4, combineCommand("union", true, "zunionstore")),
  command("zinterstore", -4, combineCommand("inter", true, "zinterstore")),
  command("zdiffstore", -4, combineCommand("diff", true, "zdiffstore")),
  command("zunion", -3, combineCommand("union", false, "zunion")),
  command("zinter", -3, combineCommand("inter", false, "zinter")),
  command("zdiff", -3, combineCommand("diff", false, "zdiff")),
  command("zintercard", -3, (ctx) => {
    const { items, limit } = combine(ctx, 1, "inter", false, true, "zintercard");
    return limit ? Math.min(limit, items.length) : items.length;
  }),
  command("zpopmin", -2, zpop(false)),
  command("zpopmax", -2, zpop(true)),
  command("bzpopmin", -3, bzpop(false)),
  command("bzpopmax", -3, bzpop(true)),
  command("zrandmember", -2, zrandmember),
];
