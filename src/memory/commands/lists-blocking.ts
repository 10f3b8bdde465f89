/** Multi-key and blocking list pops: LMPOP, BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP (non-blocking inside MULTI and scripts, as in Redis). */
import { bytes } from "../bytes";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { WRONGTYPE } from "../errors";
import { ErrorReply } from "../protocol";
import type { Reply } from "../protocol";
import { parseKeysThenTimeout, parseMpop, serveOrBlock, timeoutMs } from "./blocking-args";
import { move, popOne, popped, whereArg } from "./lists";

function bpop(left: boolean) {
  return (ctx: Ctx): Reply | Promise<Reply> => {
    const { keys, timeout } = parseKeysThenTimeout(ctx);
    const db = ctx.db;
    const serve = (key: string): Reply | undefined => {
      const v = db.lookup(key);
      if (!v || v.type !== "list" || v.v.length === 0) return undefined;
      return [bytes(key), popOne(db, key, left)!];
    };
    return serveOrBlock(ctx, keys, "list", true, timeout, serve);
  };
}

function blmove(ctx: Ctx, fromLeft: boolean, toLeft: boolean, timeoutArg: Buffer): Reply | Promise<Reply> {
  const timeout = timeoutMs(timeoutArg);
  const src = keyAt(ctx, 1);
  const dst = keyAt(ctx, 2);
  const db = ctx.db;
  const now = move(db, src, dst, fromLeft, toLeft);
  if (now !== undefined) return now;
  if (ctx.nested) return null;
  const serve = (key: string): Reply | undefined => {
    const v = db.lookup(key);
    if (!v || v.type !== "list" || v.v.length === 0) return undefined;
    const d = db.lookup(dst);
    if (d && d.type !== "list") return new ErrorReply(WRONGTYPE);
    return move(db, src, dst, fromLeft, toLeft);
  };
  return ctx.engine.blocking.block(ctx.session, db, [src], timeout, serve, null);
}

/** LMPOP/BLMPOP: `numkeysIndex` points at numkeys; the timeout (BLMPOP) is argv[1]. */
function lmpop(numkeysIndex: number, blocking: boolean) {
  return (ctx: Ctx): Reply | Promise<Reply> => {
    const { keys, where: left, count, timeout } = parseMpop(ctx, numkeysIndex, blocking, whereArg);
    const db = ctx.db;
    const serve = (key: string): Reply | undefined => {
      const v = db.lookup(key);
      if (!v || v.type !== "list" || v.v.length === 0) return undefined;
      const out: Buffer[] = [];
      while (out.length < count && v.v.length > 0) out.push(left ? v.v.shift()! : v.v.pop()!);
      db.touch(key);
      popped(db, key, v.v, left);
      return [bytes(key), out];
    };
    return serveOrBlock(ctx, keys, "list", blocking, timeout, serve);
  };
}

export const blockingListCommands = [
  command("lmpop", -4, lmpop(1, false)),
  command("blmpop", -5, lmpop(2, true)),
  command("blpop", -3, bpop(true)),
  command("brpop", -3, bpop(false)),
  command("blmove", 6, (ctx) => blmove(ctx, whereArg(ctx.argv[3]), whereArg(ctx.argv[4]), ctx.argv[5]!)),
  command("brpoplpush", 4, (ctx) => blmove(ctx, false, true, ctx.argv[3]!)),
];
