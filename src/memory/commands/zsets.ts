/** Sorted-set commands: ZADD, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZCOUNT, ZLEXCOUNT, ZRANK, ZREVRANK, the ZRANGE family, ZRANGESTORE, ZREMRANGEBY*, ZSCAN. */
import { id, is } from "../bytes";
import type { Ctx } from "../command";
import { deriveEncoding, noteZsetMember } from "../encoding";
import { command, keyAt } from "../command";
import { fail, NOT_FLOAT, SYNTAX } from "../errors";
import { int, parseDouble } from "../numbers";
import { DoubleReply } from "../protocol";
import type { Reply } from "../protocol";
import { ZSet } from "../zset";
import type { Keyspace } from "../keyspace";
import { clampRange } from "./lists";
import { scanContainer } from "./scan-family";
import { countRange, parseLexRange, parseScoreRange, walkRange } from "./zset-ranges";
import type { LexRange, ScoreRange } from "./zset-ranges";
import { scoredReply } from "./zset-reply";
import type { Scored } from "./zset-reply";
import { notify, NOTIFY_GENERIC, NOTIFY_ZSET } from "../notify";

export function zset(ctx: Ctx, i = 1): ZSet | undefined {
  return ctx.db.get(keyAt(ctx, i), "zset");
}

/** Stores a computed sorted set at `dst` (deleting it when empty) and answers its size; `event` is the command's notification (`zunionstore`…). */
export function storeZSet(ctx: Ctx, dst: string, items: Iterable<Scored>, event: string): number {
  const z = new ZSet();
  for (const { member, score } of items) z.set(member, score);
  if (z.size === 0) {
    if (ctx.db.delete(dst)) notify(ctx, NOTIFY_GENERIC, "del", dst);
    return 0;
  }
  const value = { type: "zset", v: z } as const;
  deriveEncoding(value, ctx.engine.encodingLimits); // zsetConvertToListpackIfNeeded, ZRANGESTORE's pick by size
  ctx.db.set(dst, value);
  ctx.db.ready(dst);
  notify(ctx, NOTIFY_ZSET, event, dst);
  return z.size;
}

/** A sorted set left empty is deleted, with Redis's `del` event. */
export function zsetEmptied(db: Keyspace, key: string, z: ZSet): void {
  if (z.size > 0) return;
  db.deleteIfEmpty(key);
  notify({ db }, NOTIFY_GENERIC, "del", key);
}

const NX = 1, XX = 2, GT = 4, LT = 8, INCR = 16;

function zadd(ctx: Ctx, forceIncr = false): Reply {
  let flags = forceIncr ? INCR : 0;
  let ch = false;
  let i = 2;
  if (!forceIncr) {
    for (; i < ctx.argv.length; i++) {
      const a = ctx.argv[i]!;
      if (is(a, "nx")) flags |= NX;
      else if (is(a, "xx")) flags |= XX;
      else if (is(a, "ch")) ch = true;
      else if (is(a, "incr")) flags |= INCR;
      else if (is(a, "gt")) flags |= GT;
      else if (is(a, "lt")) flags |= LT;
      else break;
    }
  }
  const elements = ctx.argv.length - i;
  if (elements % 2 !== 0 || elements === 0) fail(SYNTAX);
  if (flags & XX && flags & NX) fail("ERR XX and NX options at the same time are not compatible");
  if ((flags & GT && flags & NX) || (flags & LT && flags & NX) || (flags & GT && flags & LT)) fail("ERR GT, LT, and/or NX options at the same time are not compatible");
  if (flags & INCR && elements > 2) fail("ERR INCR option supports a single increment-element pair");
  const pairs: Array<[number, string]> = [];
  for (let j = i; j < ctx.argv.length; j += 2) {
    const score = parseDouble(ctx.argv[j]!);
    if (score === undefined) fail(NOT_FLOAT);
    pairs.push([score, id(ctx.argv[j + 1]!)]);
  }
  const key = keyAt(ctx, 1);
  let z = zset(ctx);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let last = 0;
  if (!z && !(flags & XX)) z = ctx.db.getOrCreate(key, "zset", () => new ZSet());
  try {
    if (z) {
      for (const [input, member] of pairs) {
        let score = input;
        const cur = z.scores.get(member);
        if (cur !== undefined) {
          if (flags & NX) continue;
          if (flags & INCR) {
            score += cur;
            if (Number.isNaN(score)) fail("ERR resulting score is not a number (NaN)");
          }
          if ((flags & LT && score >= cur) || (flags & GT && score <= cur)) continue;
          last = score;
          processed++;
          if (score !== cur) {
            z.set(member, score);
            updated++;
          }
        } else if (!(flags & XX)) {
          z.set(member, score);
          noteZsetMember(z, member, ctx.engine.encodingLimits);
          last = score;
          added++;
          processed++;
        }
      }
    }
  } finally {
    if (added || updated) {
      ctx.db.touch(key);
      ctx.engine.dirty += added + updated - 1; // Redis's server.dirty += added + updated; touch() counted one
      ctx.db.ready(key);
      notify(ctx, NOTIFY_ZSET, flags & INCR ? "zincr" : "zadd", key);
    }
    ctx.db.deleteIfEmpty(key);
  }
  if (flags & INCR) return processed ? new DoubleReply(last) : null;
  return ch ? added + updated : added;
}

type RangeType = "auto" | "rank" | "score" | "lex";

/** ZRANGE and its legacy forms; `argStart` is the index of the source key, `store` for ZRANGESTORE. */
function zrange(ctx: Ctx, argStart: number, store: boolean, initialType: RangeType, initialReverse: boolean | undefined): Reply {
  const argv = ctx.argv;
  let type = initialType;
  let reverse = initialReverse;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const a = argv[j]!;
    if (!store && is(a, "withscores")) withScores = true;
    else if (is(a, "limit") && left >= 2) {
      offset = int(argv[j + 1]);
      limit = int(argv[j + 2]);
      j += 2;
    } else if (reverse === undefined && is(a, "rev")) reverse = true;
    else if (type === "auto" && is(a, "bylex")) type = "lex";
    else if (type === "auto" && is(a, "byscore")) type = "score";
    else fail(SYNTAX);
  }
  const rev = reverse ?? false;
  const kind = type === "auto" ? "rank" : type;
  if (limit !== -1 && kind === "rank") fail("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  if (withScores && kind === "lex") fail("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  let minArg = argv[argStart + 1]!;
  let maxArg = argv[argStart + 2]!;
  if (rev && kind !== "rank") [minArg, maxArg] = [maxArg, minArg];
  let start = 0;
  let end = 0;
  let score: ScoreRange | undefined;
  let lex: LexRange | undefined;
  if (kind === "rank") {
    start = int(minArg);
    end = int(maxArg);
  } else if (kind === "score") score = parseScoreRange(minArg, maxArg);
  else lex = parseLexRange(minArg, maxArg);
  const z = zset(ctx, argStart);
  let items: Scored[] = [];
  if (z) {
    if (kind === "rank") {
      const r = clampRange(start, end, z.size);
      if (r) items = rev ? [...z.rangeDesc(z.size - 1 - r[0], z.size - 1 - r[1])] : [...z.range(r[0], r[1])];
    } else {
      items = walkRange(z, { score, lex }, rev, offset, limit);
    }
  }
  if (store) return storeZSet(ctx, keyAt(ctx, 1), items, "zrangestore");
  return scoredReply(ctx, items, withScores);
}

function zremrange(kind: "rank" | "score" | "lex") {
  return (ctx: Ctx): Reply => {
    let start = 0;
    let end = 0;
    let score: ScoreRange | undefined;
    let lex: LexRange | undefined;
    if (kind === "rank") {
      start = int(ctx.argv[2]);
      end = int(ctx.argv[3]);
    } else if (kind === "score") score = parseScoreRange(ctx.argv[2]!, ctx.argv[3]!);
    else lex = parseLexRange(ctx.argv[2]!, ctx.argv[3]!);
    const z = zset(ctx);
    if (!z) return 0;
    let victims: Scored[];
    if (kind === "rank") {
      const r = clampRange(start, end, z.size);
      victims = r ? [...z.range(r[0], r[1])] : [];
    } else victims = walkRange(z, { score, lex }, false, 0, -1);
    for (const v of victims.map((n) => n.member)) z.delete(v);
    const key = keyAt(ctx, 1);
    if (victims.length > 0) {
      ctx.db.touch(key);
      notify(ctx, NOTIFY_ZSET, `zremrangeby${kind}`, key);
      zsetEmptied(ctx.db, key, z);
    }
    return victims.length;
  };
}

export const zsetCommands = [
  command("zadd", -4, (ctx) => zadd(ctx)),
  command("zincrby", 4, (ctx) => zadd(ctx, true)),
  command("zrem", -3, (ctx) => {
    const z = zset(ctx);
    if (!z) return 0;
    let n = 0;
    for (const m of ctx.argv.slice(2)) if (z.delete(id(m))) n++;
    const key = keyAt(ctx, 1);
    if (n > 0) {
      ctx.db.touch(key);
      notify(ctx, NOTIFY_ZSET, "zrem", key);
      zsetEmptied(ctx.db, key, z);
    }
    return n;
  }),
  command("zscore", 3, (ctx) => {
    const s = zset(ctx)?.scores.get(id(ctx.argv[2]!));
    return s === undefined ? null : new DoubleReply(s);
  }),
  command("zmscore", -3, (ctx) => {
    const z = zset(ctx);
    return ctx.argv.slice(2).map((m) => {
      const s = z?.scores.get(id(m));
      return s === undefined ? null : new DoubleReply(s);
    });
  }),
  command("zcard", 2, (ctx) => zset(ctx)?.size ?? 0),
  command("zcount", 4, (ctx) => {
    const score = parseScoreRange(ctx.argv[2]!, ctx.argv[3]!);
    const z = zset(ctx);
    return z ? countRange(z, { score }) : 0;
  }),
  command("zlexcount", 4, (ctx) => {
    const lex = parseLexRange(ctx.argv[2]!, ctx.argv[3]!);
    const z = zset(ctx);
    return z ? countRange(z, { lex }) : 0;
  }),
  command("zrank", 3, (ctx) => zset(ctx)?.rank(id(ctx.argv[2]!)) ?? null),
  command("zrevrank", 3, (ctx) => {
    const z = zset(ctx);
    const r = z?.rank(id(ctx.argv[2]!));
    return r === undefined ? null : z!.size - 1 - r;
  }),
  command("zrange", -4, (ctx) => zrange(ctx, 1, false, "auto", undefined)),
  command("zrangestore", -5, (ctx) => zrange(ctx, 2, true, "auto", undefined)),
  command("zrevrange", -4, (ctx) => zrange(ctx, 1, false, "rank", true)),
  command("zrangebyscore", -4, (ctx) => zrange(ctx, 1, false, "score", false)),
  command("zrevrangebyscore", -4, (ctx) => zrange(ctx, 1, false, "score", true)),
  command("zrangebylex", -4, (ctx) => zrange(ctx, 1, false, "lex", false)),
  command("zrevrangebylex", -4, (ctx) => zrange(ctx, 1, false, "lex", true)),
  command("zremrangebyrank", 4, zremrange("rank")),
  command("zremrangebyscore", 4, zremrange("score")),
  command("zremrangebylex", 4, zremrange("lex")),
  command("zscan", -3, (ctx) => scanContainer(ctx, "zset")),
];
