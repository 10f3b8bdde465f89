/** Hash commands: HSET, HMSET, HSETNX, HGET, HMGET, HDEL, HLEN, HSTRLEN, HEXISTS, HKEYS, HVALS, HGETALL, HINCRBY, HINCRBYFLOAT, HRANDFIELD, HSCAN. */
import { Buffer } from "node:buffer";
import { bytes, id, is } from "../bytes";
import type { Ctx } from "../command";
import { noteHashEntry } from "../encoding";
import { command, keyAt } from "../command";
import { fail, NAN_OR_INF, NOT_FLOAT, NOT_INTEGER, OVERFLOW, SYNTAX, WRONG_ARITY } from "../errors";
import { addFloatStrings, inInt64, int, integerReply, parseBigInt, parseDouble } from "../numbers";
import { MapReply, StatusReply } from "../protocol";
import type { Reply } from "../protocol";
import { averageLength, checkPairCount, checkRepeatedReply, pickDistinct, pickOne, pickWithRepeats, randomCount } from "../random";
import { scanContainer } from "./scan-family";
import { notify, NOTIFY_GENERIC, NOTIFY_HASH } from "../notify";

function hash(ctx: Ctx): Map<string, Buffer> | undefined {
  return ctx.db.get(keyAt(ctx, 1), "hash");
}

function writable(ctx: Ctx, key = keyAt(ctx, 1)): Map<string, Buffer> {
  return ctx.db.getOrCreate(key, "hash", newHash);
}

const newHash = () => new Map<string, Buffer>();

function hset(name: string) {
  return (ctx: Ctx): Reply => {
    if (ctx.argv.length % 2 === 1) fail(WRONG_ARITY(name));
    const key = keyAt(ctx, 1);
    const h = writable(ctx, key);
    let added = 0;
    for (let i = 2; i < ctx.argv.length; i += 2) {
      const f = id(ctx.argv[i]!);
      if (!h.has(f)) added++;
      h.set(f, ctx.argv[i + 1]!);
      noteHashEntry(h, f, ctx.argv[i + 1]!, ctx.engine.encodingLimits);
    }
    ctx.db.touch(key);
    notify(ctx, NOTIFY_HASH, "hset", key);
    return name === "hmset" ? new StatusReply("OK") : added;
  };
}

function hincrby(ctx: Ctx): Reply {
  const by = parseBigInt(ctx.argv[3]!);
  if (by === undefined) fail(NOT_INTEGER);
  const h = writable(ctx);
  const f = id(ctx.argv[2]!);
  const cur = h.get(f);
  let n = 0n;
  if (cur !== undefined) {
    const parsed = parseBigInt(cur);
    if (parsed === undefined) {
      ctx.db.deleteIfEmpty(keyAt(ctx, 1));
      fail("ERR hash value is not an integer");
    }
    n = parsed;
  }
  const result = n + by;
  if (!inInt64(result)) {
    ctx.db.deleteIfEmpty(keyAt(ctx, 1));
    fail(OVERFLOW);
  }
  const text = Buffer.from(result.toString());
  h.set(f, text);
  noteHashEntry(h, f, text, ctx.engine.encodingLimits);
  ctx.db.touch(keyAt(ctx, 1));
  notify(ctx, NOTIFY_HASH, "hincrby", keyAt(ctx, 1));
  return integerReply(result);
}

function hincrbyfloat(ctx: Ctx): Reply {
  const incrText = ctx.argv[3]!.toString("latin1");
  const b = parseDouble(incrText);
  if (b === undefined) fail(NOT_FLOAT);
  if (!Number.isFinite(b)) fail("ERR value is NaN or Infinity");
  const h = writable(ctx);
  const key = keyAt(ctx, 1);
  const f = id(ctx.argv[2]!);
  const cur = h.get(f);
  const curText = cur === undefined ? "0" : cur.toString("latin1");
  const a = parseDouble(curText);
  if (a === undefined) {
    ctx.db.deleteIfEmpty(key);
    fail("ERR hash value is not a float");
  }
  const out = addFloatStrings(curText, incrText, a, b);
  if (out === undefined) {
    ctx.db.deleteIfEmpty(key);
    fail(NAN_OR_INF);
  }
  const buf = Buffer.from(out);
  h.set(f, buf);
  noteHashEntry(h, f, buf, ctx.engine.encodingLimits);
  ctx.db.touch(key);
  notify(ctx, NOTIFY_HASH, "hincrbyfloat", key);
  return buf;
}

function hrandfield(ctx: Ctx): Reply {
  if (ctx.argv.length === 2) {
    const h = hash(ctx);
    return h ? bytes(pickOne(h.keys(), h.size)) : null;
  }
  const exact = randomCount(ctx.argv[2]);
  let withValues = false;
  if (ctx.argv.length === 4 && is(ctx.argv[3], "withvalues")) withValues = true;
  else if (ctx.argv.length >= 4) fail(SYNTAX);
  if (withValues) checkPairCount(exact);
  const count = Number(exact);
  const h = hash(ctx);
  if (!h || count === 0) return [];
  if (count > 0) {
    const picked = pickDistinct([...h.keys()], count);
    if (!withValues) return picked.map(bytes);
    if (ctx.session.protocol === 3) return picked.map((f) => [bytes(f), h.get(f)!]);
    return picked.flatMap((f) => [bytes(f), h.get(f)!]);
  }
  // Negative: repetitions allowed. Bounded before anything is built; picks share one reply per field.
  const itemBytes = averageLength(h.keys()) + (withValues ? averageLength(h.values()) + 16 : 0);
  checkRepeatedReply(-count, itemBytes, ctx.engine.replyLimit());
  if (!withValues) return pickWithRepeats([...h.keys()].map(bytes), -count);
  const pairs: Array<[Buffer, Buffer]> = [...h].map(([f, v]) => [bytes(f), v]);
  const picked = pickWithRepeats(pairs, -count);
  return ctx.session.protocol === 3 ? picked : picked.flat();
}

export const hashCommands = [
  command("hset", -4, hset("hset")),
  command("hmset", -4, hset("hmset")),
  command("hsetnx", 4, (ctx) => {
    const h = writable(ctx);
    const f = id(ctx.argv[2]!);
    if (h.has(f)) return 0;
    h.set(f, ctx.argv[3]!);
    noteHashEntry(h, f, ctx.argv[3]!, ctx.engine.encodingLimits);
    ctx.db.touch(keyAt(ctx, 1));
    notify(ctx, NOTIFY_HASH, "hset", keyAt(ctx, 1));
    return 1;
  }),
  command("hget", 3, (ctx) => hash(ctx)?.get(id(ctx.argv[2]!)) ?? null),
  command("hmget", -3, (ctx) => {
    const h = hash(ctx);
    return ctx.argv.slice(2).map((f) => h?.get(id(f)) ?? null);
  }),
  command("hdel", -3, (ctx) => {
    const h = hash(ctx);
    if (!h) return 0;
    let n = 0;
    for (const f of ctx.argv.slice(2)) if (h.delete(id(f))) n++;
    const key = keyAt(ctx, 1);
    if (n > 0) {
      ctx.db.touch(key);
      notify(ctx, NOTIFY_HASH, "hdel", key);
      if (h.size === 0) {
        ctx.db.deleteIfEmpty(key);
        notify(ctx, NOTIFY_GENERIC, "del", key);
      }
    }
    return n;
  }),
  command("hlen", 2, (ctx) => hash(ctx)?.size ?? 0),
  command("hstrlen", 3, (ctx) => hash(ctx)?.get(id(ctx.argv[2]!))?.length ?? 0),
  command("hexists", 3, (ctx) => (hash(ctx)?.has(id(ctx.argv[2]!)) ? 1 : 0)),
  command("hkeys", 2, (ctx) => [...(hash(ctx)?.keys() ?? [])].map(bytes)),
  command("hvals", 2, (ctx) => [...(hash(ctx)?.values() ?? [])]),
  command("hgetall", 2, (ctx) => new MapReply([...(hash(ctx) ?? [])].map(([f, v]) => [bytes(f), v] as const))),
  command("hincrby", 4, hincrby),
  command("hincrbyfloat", 4, hincrbyfloat),
  command("hrandfield", -2, hrandfield),
  command("hscan", -3, (ctx) => scanContainer(ctx, "hash")),
];
