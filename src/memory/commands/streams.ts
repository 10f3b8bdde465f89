/** Stream commands without consumer groups: XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM, XSETID (t_stream.c, Redis 7.0). */
import { Buffer } from "node:buffer";
import { is } from "../bytes";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { fail, SYNTAX, WRONG_ARITY } from "../errors";
import { StatusReply } from "../protocol";
import type { Reply } from "../protocol";
import { Stream } from "../stream";
import { formatId, makeId, MAX_ID, msOf, rangeBound, seqOf, strictId } from "../stream-id";
import type { StreamId } from "../stream-id";
import { entryReply, int64, parseAddOrTrim, streamAt } from "./stream-args";
import { notify, NOTIFY_STREAM } from "../notify";

const U64 = (1n << 64n) - 1n;

function xadd(ctx: Ctx): Reply {
  const args = parseAddOrTrim(ctx, true);
  const fieldPos = args.idPos + 1;
  const n = ctx.argv.length - fieldPos;
  if (n < 2 || n % 2 === 1) fail(WRONG_ARITY("xadd"));
  if (args.id !== undefined && args.seqGiven && args.id === 0n) fail("ERR The ID specified in XADD must be greater than 0-0");
  const key = keyAt(ctx, 1);
  let s = ctx.db.get(key, "stream");
  if (!s) {
    if (args.noMkStream) return null;
    s = ctx.db.getOrCreate(key, "stream", () => new Stream());
  }
  if (s.lastId === MAX_ID) fail("ERR The stream has exhausted the last possible ID, unable to add more items");
  let id: StreamId;
  if (args.id === undefined) {
    const now = BigInt(ctx.engine.now());
    id = now > msOf(s.lastId) ? makeId(now, 0n) : s.lastId + 1n;
  } else if (args.seqGiven) {
    id = args.id;
  } else if (msOf(s.lastId) === msOf(args.id)) {
    // Redis answers this one with a stale errno: the "too large" text.
    if (seqOf(s.lastId) === U64) fail("ERR Elements are too large to be stored");
    id = s.lastId + 1n;
  } else id = args.id;
  if (id <= s.lastId) fail("ERR The ID specified in XADD is equal or smaller than the target stream top item");
  const limits = ctx.engine.encodingLimits;
  if (!s.append(id, ctx.argv.slice(fieldPos), limits.streamNodeBytes, limits.streamNodeEntries)) fail("ERR Elements are too large to be stored");
  ctx.db.touch(key);
  notify(ctx, NOTIFY_STREAM, "xadd", key);
  if (args.strategy && s.trim(args.strategy, args.approx, args.limit)) {
    ctx.db.account(key); // the trimmed size (touch() above was the one modification Redis signals)
    notify(ctx, NOTIFY_STREAM, "xtrim", key);
  }
  ctx.db.ready(key);
  return Buffer.from(formatId(id));
}

function xrange(rev: boolean) {
  return (ctx: Ctx): Reply => {
    const start = rangeBound(ctx.argv[rev ? 3 : 2]!, true);
    const end = rangeBound(ctx.argv[rev ? 2 : 3]!, false);
    let count = -1n;
    for (let j = 4; j < ctx.argv.length; j++) {
      if (is(ctx.argv[j], "count") && j + 1 < ctx.argv.length) {
        count = int64(ctx.argv[++j]);
        if (count < 0n) count = 0n;
      } else fail(SYNTAX);
    }
    const s = streamAt(ctx);
    if (!s) return [];
    if (count === 0n) return null;
    const out: Reply[] = [];
    for (const e of s.range(start, end, rev)) {
      out.push(entryReply(e));
      if (BigInt(out.length) === count) break;
    }
    return out;
  };
}

function xdel(ctx: Ctx): Reply {
  const s = streamAt(ctx);
  if (!s) return 0;
  const ids: StreamId[] = [];
  for (let j = 2; j < ctx.argv.length; j++) ids.push(strictId(ctx.argv[j]));
  let deleted = 0;
  let firstEntry = false;
  for (const id of ids) {
    if (!s.delete(id)) continue;
    if (id === s.firstId) firstEntry = true;
    if (id > s.maxDeletedId) s.maxDeletedId = id;
    deleted++;
  }
  if (deleted) {
    if (s.length === 0) s.firstId = 0n;
    else if (firstEntry) s.refreshFirstId();
    ctx.db.touch(keyAt(ctx, 1));
    notify(ctx, NOTIFY_STREAM, "xdel", keyAt(ctx, 1));
  }
  return deleted;
}

function xtrim(ctx: Ctx): Reply {
  const args = parseAddOrTrim(ctx, false);
  const s = streamAt(ctx);
  if (!s) return 0;
  const deleted = s.trim(args.strategy!, args.approx, args.limit);
  if (deleted) {
    ctx.db.touch(keyAt(ctx, 1));
    notify(ctx, NOTIFY_STREAM, "xtrim", keyAt(ctx, 1));
  }
  return deleted;
}

function xsetid(ctx: Ctx): Reply {
  const id = strictId(ctx.argv[2]);
  let entriesAdded = -1n;
  let maxDeleted = 0n;
  for (let i = 3; i < ctx.argv.length; i += 2) {
    const more = ctx.argv.length - 1 - i;
    if (is(ctx.argv[i], "entriesadded") && more) {
      entriesAdded = int64(ctx.argv[i + 1]);
      if (entriesAdded < 0n) fail("ERR entries_added must be positive");
    } else if (is(ctx.argv[i], "maxdeletedid") && more) {
      maxDeleted = strictId(ctx.argv[i + 1]);
      if (id < maxDeleted) fail("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
    } else fail(SYNTAX);
  }
  const s = streamAt(ctx);
  if (!s) fail("ERR no such key");
  if (s.length > 0) {
    if (id < s.edge(false)!) fail("ERR The ID specified in XSETID is smaller than the target stream top item");
    if (entriesAdded !== -1n && BigInt(s.length) > entriesAdded) fail("ERR The entries_added specified in XSETID is smaller than the target stream length");
  }
  s.lastId = id;
  if (entriesAdded !== -1n) s.entriesAdded = entriesAdded;
  if (maxDeleted !== 0n) s.maxDeletedId = maxDeleted;
  notify(ctx, NOTIFY_STREAM, "xsetid", keyAt(ctx, 1));
  return new StatusReply("OK");
}

export const streamCommands = [
  command("xadd", -5, xadd),
  command("xrange", -4, xrange(false)),
  command("xrevrange", -4, xrange(true)),
  command("xlen", 2, (ctx) => streamAt(ctx)?.length ?? 0),
  command("xdel", -3, xdel),
  command("xtrim", -4, xtrim),
  command("xsetid", -3, xsetid),
];
