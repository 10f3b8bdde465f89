/** List commands: L/RPUSH(X), L/RPOP, LLEN, LRANGE, LINDEX, LSET, LINSERT, LREM, LTRIM, LPOS, LMOVE, RPOPLPUSH (blocking and multi-key pops: lists-blocking.ts). */
import { is } from "../bytes";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { fail, MUST_BE_POSITIVE, NO_SUCH_KEY, NOT_INTEGER, OUT_OF_RANGE, SYNTAX, WRONG_ARITY } from "../errors";
import type { Keyspace } from "../keyspace";
import { int, parseBigInt } from "../numbers";
import { Deque } from "../deque";
import { StatusReply } from "../protocol";
import type { Reply } from "../protocol";
import { notify, NOTIFY_GENERIC, NOTIFY_LIST } from "../notify";

function list(ctx: Ctx, i = 1): Deque<Buffer> | undefined {
  return ctx.db.get(keyAt(ctx, i), "list");
}

function push(db: Keyspace, key: string, values: readonly Buffer[], left: boolean): number {
  const l = db.getOrCreate(key, "list", () => new Deque<Buffer>());
  if (left) for (const v of values) l.unshift(v);
  else for (const v of values) l.push(v);
  db.touch(key);
  db.ready(key);
  notify({ db }, NOTIFY_LIST, left ? "lpush" : "rpush", key);
  return l.length;
}

/** After elements were popped from `key`: Redis's `lpop`/`rpop` event, then the key goes (`del`) if empty. */
export function popped(db: Keyspace, key: string, l: Deque<Buffer>, left: boolean): void {
  notify({ db }, NOTIFY_LIST, left ? "lpop" : "rpop", key);
  emptied(db, key, l);
}

/** A list left empty is deleted, with Redis's `del` event. */
function emptied(db: Keyspace, key: string, l: Deque<Buffer>): void {
  if (l.length > 0) return;
  db.deleteIfEmpty(key);
  notify({ db }, NOTIFY_GENERIC, "del", key);
}

function pushCommand(left: boolean, onlyExisting: boolean) {
  return (ctx: Ctx): Reply => {
    const key = keyAt(ctx, 1);
    if (onlyExisting && list(ctx) === undefined) return 0;
    return push(ctx.db, key, ctx.argv.slice(2), left);
  };
}

/** Pops one element; deletes the key when it empties. */
export function popOne(db: Keyspace, key: string, left: boolean): Buffer | undefined {
  const l = db.get(key, "list");
  if (!l || l.length === 0) return undefined;
  const v = left ? l.shift()! : l.pop()!;
  db.touch(key);
  popped(db, key, l, left);
  return v;
}

function popCommand(left: boolean, name: string) {
  return (ctx: Ctx): Reply => {
    if (ctx.argv.length > 3) fail(WRONG_ARITY(name));
    const hasCount = ctx.argv.length === 3;
    let count = 1;
    if (hasCount) {
      count = int(ctx.argv[2], MUST_BE_POSITIVE);
      if (count < 0) fail(MUST_BE_POSITIVE);
    }
    const key = keyAt(ctx, 1);
    const l = list(ctx);
    if (!l) return null;
    if (!hasCount) return popOne(ctx.db, key, left) ?? null;
    if (count === 0) return [];
    const out: Buffer[] = [];
    while (out.length < count && l.length > 0) out.push(left ? l.shift()! : l.pop()!);
    ctx.db.touch(key);
    popped(ctx.db, key, l, left);
    return out;
  };
}

/** Clamps Redis's inclusive [start, end] for a length; undefined when empty. */
export function clampRange(start: number, end: number, len: number): [number, number] | undefined {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return undefined;
  if (end >= len) end = len - 1;
  return [start, end];
}

function lrange(ctx: Ctx): Reply {
  const start = int(ctx.argv[2]);
  const end = int(ctx.argv[3]);
  const l = list(ctx);
  if (!l) return [];
  const r = clampRange(start, end, l.length);
  return r ? l.slice(r[0], r[1] + 1) : [];
}

function lindex(ctx: Ctx): Reply {
  const l = list(ctx);
  if (!l) return null;
  const index = int(ctx.argv[2]);
  const i = index < 0 ? l.length + index : index;
  return l.at(i) ?? null;
}

function lset(ctx: Ctx): Reply {
  const l = list(ctx);
  if (!l) fail(NO_SUCH_KEY);
  const index = int(ctx.argv[2]);
  const i = index < 0 ? l.length + index : index;
  if (i < 0 || i >= l.length) fail(OUT_OF_RANGE);
  l.set(i, ctx.argv[3]!);
  ctx.db.touch(keyAt(ctx, 1));
  notify(ctx, NOTIFY_LIST, "lset", keyAt(ctx, 1));
  return new StatusReply("OK");
}

function linsert(ctx: Ctx): Reply {
  let after: boolean;
  if (is(ctx.argv[2], "after")) after = true;
  else if (is(ctx.argv[2], "before")) after = false;
  else fail(SYNTAX);
  const l = list(ctx);
  if (!l) return 0;
  const pivot = ctx.argv[3]!;
  const items = l.toArray();
  const i = items.findIndex((v) => v.equals(pivot));
  if (i < 0) return -1;
  items.splice(after ? i + 1 : i, 0, ctx.argv[4]!);
  l.replace(items);
  ctx.db.touch(keyAt(ctx, 1));
  notify(ctx, NOTIFY_LIST, "linsert", keyAt(ctx, 1));
  return l.length;
}

function lrem(ctx: Ctx): Reply {
  const count = int(ctx.argv[2]);
  const l = list(ctx);
  if (!l) return 0;
  const el = ctx.argv[3]!;
  const items = l.toArray();
  let removed = 0;
  const limit = count === 0 ? Infinity : Math.abs(count);
  if (count >= 0) {
    for (let i = 0; i < items.length && removed < limit; ) {
      if (items[i]!.equals(el)) {
        items.splice(i, 1);
        removed++;
      } else i++;
    }
  } else {
    for (let i = items.length - 1; i >= 0 && removed < limit; i--) {
      if (items[i]!.equals(el)) {
        items.splice(i, 1);
        removed++;
      }
    }
  }
  const key = keyAt(ctx, 1);
  if (removed > 0) {
    l.replace(items);
    ctx.db.touch(key);
    notify(ctx, NOTIFY_LIST, "lrem", key);
    emptied(ctx.db, key, l);
  }
  return removed;
}

function ltrim(ctx: Ctx): Reply {
  const start = int(ctx.argv[2]);
  const end = int(ctx.argv[3]);
  const key = keyAt(ctx, 1);
  const l = list(ctx);
  if (!l) return new StatusReply("OK");
  const r = clampRange(start, end, l.length);
  const kept = r ? l.slice(r[0], r[1] + 1) : [];
  l.replace(kept);
  ctx.db.touch(key);
  notify(ctx, NOTIFY_LIST, "ltrim", key);
  emptied(ctx.db, key, l);
  return new StatusReply("OK");
}

function lpos(ctx: Ctx): Reply {
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let i = 3; i < ctx.argv.length; i++) {
    const opt = ctx.argv[i]!;
    const hasNext = i + 1 < ctx.argv.length;
    if (is(opt, "rank") && hasNext) {
      const r = parseBigInt(ctx.argv[++i]!);
      if (r === undefined) fail(NOT_INTEGER);
      if (r === -9223372036854775808n) fail("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
      rank = Number(r);
      if (rank === 0) fail("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
    } else if (is(opt, "count") && hasNext) {
      count = int(ctx.argv[++i]);
      if (count < 0) fail("ERR COUNT can't be negative");
    } else if (is(opt, "maxlen") && hasNext) {
      maxlen = int(ctx.argv[++i]);
      if (maxlen < 0) fail("ERR MAXLEN can't be negative");
    } else fail(SYNTAX);
  }
  const l = list(ctx);
  if (!l) return count >= 0 ? [] : null;
  const el = ctx.argv[2]!;
  const out: number[] = [];
  let matches = 0;
  const want = count === 0 ? Infinity : count < 0 ? 1 : count;
  const skip = Math.abs(rank) - 1;
  const step = rank > 0 ? 1 : -1;
  let checked = 0;
  for (let i = rank > 0 ? 0 : l.length - 1; i >= 0 && i < l.length && out.length < want; i += step) {
    if (maxlen && checked++ >= maxlen) break;
    if (l.at(i)!.equals(el)) {
      if (matches >= skip) out.push(i);
      matches++;
    }
  }
  if (count >= 0) return out;
  return out[0] ?? null;
}

export function whereArg(arg: Buffer | undefined): boolean {
  if (is(arg, "left")) return true;
  if (is(arg, "right")) return false;
  fail(SYNTAX);
}

/** LMOVE core: undefined when the source is empty. Checks the destination type first. */
export function move(db: Keyspace, src: string, dst: string, fromLeft: boolean, toLeft: boolean): Buffer | undefined {
  const s = db.get(src, "list");
  if (!s || s.length === 0) return undefined;
  db.get(dst, "list");
  // As Redis's lmoveGenericCommand: pop, push (events of the destination first), then the
  // source's pop event and its deletion once empty (a one-element rotation keeps its key).
  const v = fromLeft ? s.shift()! : s.pop()!;
  db.touch(src);
  push(db, dst, [v], toLeft);
  popped(db, src, s, fromLeft);
  return v;
}

function lmove(ctx: Ctx, fromLeft: boolean, toLeft: boolean): Reply {
  return move(ctx.db, keyAt(ctx, 1), keyAt(ctx, 2), fromLeft, toLeft) ?? null;
}

export const listCommands = [
  command("lpush", -3, pushCommand(true, false)),
  command("rpush", -3, pushCommand(false, false)),
  command("lpushx", -3, pushCommand(true, true)),
  command("rpushx", -3, pushCommand(false, true)),
  command("lpop", -2, popCommand(true, "lpop")),
  command("rpop", -2, popCommand(false, "rpop")),
  command("llen", 2, (ctx) => list(ctx)?.length ?? 0),
  command("lrange", 4, lrange),
  command("lindex", 3, lindex),
  command("lset", 4, lset),
  command("linsert", 5, linsert),
  command("lrem", 4, lrem),
  command("ltrim", 4, ltrim),
  command("lpos", -3, lpos),
  command("lmove", 5, (ctx) => lmove(ctx, whereArg(ctx.argv[3]), whereArg(ctx.argv[4]))),
  command("rpoplpush", 3, (ctx) => lmove(ctx, false, true)),
];
