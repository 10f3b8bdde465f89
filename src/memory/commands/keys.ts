/** Keyspace commands: DEL, UNLINK, EXISTS, TOUCH, TYPE, RENAME(NX), (P)EXPIRE(AT), (P)TTL, (P)EXPIRETIME, PERSIST, KEYS, SCAN, RANDOMKEY, DBSIZE, FLUSHDB, FLUSHALL, SELECT. */
import { Buffer } from "node:buffer";
import { bytes, is } from "../bytes";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { fail, INVALID_EXPIRE, NO_SUCH_KEY, SYNTAX } from "../errors";
import { globMatch } from "../glob";
import { parseBigInt, int } from "../numbers";
import { Deque } from "../deque";
import { copyEncoding } from "../encoding";
import { StatusReply } from "../protocol";
import type { Reply } from "../protocol";
import { matches, parseCursor, parseScanOptions } from "../scan";
import type { Value } from "../values";
import { ZSet } from "../zset";
import { notify, NOTIFY_GENERIC } from "../notify";

const OK = new StatusReply("OK");

/** A value of a type blocked clients wait on (lists, sorted sets, streams): its new key must wake them. */
function blocksOn(value: Value): boolean {
  return value.type === "list" || value.type === "zset" || value.type === "stream";
}

function del(ctx: Ctx): Reply {
  let n = 0;
  for (let i = 1; i < ctx.argv.length; i++) {
    const key = keyAt(ctx, i);
    if (!ctx.db.delete(key)) continue;
    n++;
    notify(ctx, NOTIFY_GENERIC, "del", key);
  }
  return n;
}

/** EXISTS reads with Redis's LOOKUP_NOTOUCH (OBJECT IDLETIME and the LRU order stay); TOUCH is the same count, touching. */
function exists(ctx: Ctx): Reply {
  let n = 0;
  for (let i = 1; i < ctx.argv.length; i++) if (ctx.db.lookupNoTouch(keyAt(ctx, i)) !== undefined) n++;
  return n;
}

function touch(ctx: Ctx): Reply {
  let n = 0;
  for (let i = 1; i < ctx.argv.length; i++) if (ctx.db.has(keyAt(ctx, i))) n++;
  return n;
}

function rename(nx: boolean) {
  return (ctx: Ctx): Reply => {
    const src = keyAt(ctx, 1);
    const dst = keyAt(ctx, 2);
    const value = ctx.db.lookup(src);
    if (value === undefined) fail(NO_SUCH_KEY);
    if (src === dst) return nx ? 0 : OK;
    if (nx && ctx.db.has(dst)) return 0;
    const expire = ctx.db.expires.get(src);
    ctx.db.delete(dst);
    ctx.db.delete(src);
    ctx.db.set(dst, value);
    if (expire !== undefined) ctx.db.expires.set(dst, expire);
    if (blocksOn(value)) ctx.db.ready(dst);
    notify(ctx, NOTIFY_GENERIC, "rename_from", src);
    notify(ctx, NOTIFY_GENERIC, "rename_to", dst);
    return nx ? 1 : OK;
  };
}

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

function expireCommand(name: string, unitMs: number, absolute: boolean) {
  return (ctx: Ctx): Reply => {
    let flags = 0;
    for (let i = 3; i < ctx.argv.length; i++) {
      const a = ctx.argv[i]!;
      if (is(a, "nx")) flags |= NX;
      else if (is(a, "xx")) flags |= XX;
      else if (is(a, "gt")) flags |= GT;
      else if (is(a, "lt")) flags |= LT;
      else fail(`ERR Unsupported option ${a.toString("latin1")}`);
    }
    if (flags & NX && flags & (XX | GT | LT)) fail("ERR NX and XX, GT or LT options at the same time are not compatible");
    if (flags & GT && flags & LT) fail("ERR GT and LT options at the same time are not compatible");
    const raw = parseBigInt(ctx.argv[2]!);
    if (raw === undefined) int(undefined);
    let when = raw! * BigInt(unitMs);
    if (unitMs === 1000 && (raw! > 9223372036854775807n / 1000n || raw! < -9223372036854775808n / 1000n)) fail(INVALID_EXPIRE(name));
    const now = BigInt(ctx.engine.now());
    if (!absolute) {
      if (when > 9223372036854775807n - now) fail(INVALID_EXPIRE(name));
      when += now;
    }
    const key = keyAt(ctx, 1);
    if (!ctx.db.has(key)) return 0;
    const current = ctx.db.expires.get(key);
    const at = Number(when);
    if (flags & NX && current !== undefined) return 0;
    if (flags & XX && current === undefined) return 0;
    if (flags & GT && (current === undefined || at <= current)) return 0;
    if (flags & LT && current !== undefined && at >= current) return 0;
    if (when <= now) {
      ctx.db.delete(key);
      notify(ctx, NOTIFY_GENERIC, "del", key);
      return 1;
    }
    ctx.db.expires.set(key, at);
    ctx.db.touch(key);
    notify(ctx, NOTIFY_GENERIC, "expire", key);
    return 1;
  };
}

function ttlCommand(ms: boolean, absolute: boolean) {
  return (ctx: Ctx): Reply => {
    const key = keyAt(ctx, 1);
    if (ctx.db.lookupNoTouch(key) === undefined) return -2;
    const at = ctx.db.expires.get(key);
    if (at === undefined) return -1;
    const t = absolute ? at : Math.max(0, at - ctx.engine.now());
    return ms ? t : Math.floor((t + 500) / 1000);
  };
}

function scan(ctx: Ctx): Reply {
  const cursor = parseCursor(ctx.argv[1]!);
  const options = parseScanOptions(ctx.argv, 2, true);
  const db = ctx.db;
  const page = ctx.engine.cursors.page(() => db.data.keys(), cursor, options.count);
  const type = options.type?.toString("latin1").toLowerCase();
  const out: Buffer[] = [];
  for (const key of page.items) {
    const value = db.peek(key); // expires the key if due, keeps its access time (Redis's LOOKUP_NOTOUCH)
    if (value === undefined) continue;
    if (type !== undefined && value.type !== type) continue;
    if (matches(options, key)) out.push(bytes(key));
  }
  return [Buffer.from(String(page.next)), out];
}

function flushArgs(ctx: Ctx): void {
  if (ctx.argv.length > 2) fail(SYNTAX);
  if (ctx.argv.length === 2 && !is(ctx.argv[1], "sync") && !is(ctx.argv[1], "async")) fail(SYNTAX);
}

/** A deep copy of a value (COPY). */
function cloneValue(v: Value): Value {
  switch (v.type) {
    case "string":
      return { type: "string", v: Buffer.from(v.v), enc: v.enc };
    case "hash":
      return { type: "hash", v: new Map(v.v) };
    case "list":
      return { type: "list", v: new Deque(v.v.toArray()) };
    case "set":
      return { type: "set", v: new Set(v.v) };
    case "zset": {
      const z = new ZSet();
      for (const n of v.v.entries()) z.set(n.member, n.score);
      return { type: "zset", v: z };
    }
    case "stream":
      return { type: "stream", v: v.v.clone() };
  }
}

function dbIndex(ctx: Ctx, arg: Buffer | undefined): number {
  const index = int(arg);
  if (index < 0 || index >= ctx.engine.dbs.length) fail("ERR DB index is out of range");
  return index;
}

function copy(ctx: Ctx): Reply {
  let target = ctx.db;
  let replace = false;
  for (let i = 3; i < ctx.argv.length; i++) {
    if (is(ctx.argv[i], "replace")) replace = true;
    else if (is(ctx.argv[i], "db") && i + 1 < ctx.argv.length) target = ctx.engine.dbs[dbIndex(ctx, ctx.argv[++i])]!;
    else fail(SYNTAX);
  }
  const src = keyAt(ctx, 1);
  const dst = keyAt(ctx, 2);
  if (target === ctx.db && src === dst) fail("ERR source and destination objects are the same");
  const value = ctx.db.lookup(src);
  ctx.db.missReads = false; // the source is a read lookup (`keymiss`), the destination a write one
  if (!value) return 0;
  if (target.has(dst)) {
    if (!replace) return 0;
    target.delete(dst);
  }
  const expire = ctx.db.expires.get(src);
  const copied = cloneValue(value);
  copyEncoding(value, copied); // before set(): a copy is not derived anew, Redis's dup keeps the encoding
  target.set(dst, copied);
  if (expire !== undefined) target.expires.set(dst, expire);
  if (blocksOn(value)) target.ready(dst);
  notify({ db: target }, NOTIFY_GENERIC, "copy_to", dst);
  return 1;
}

function move(ctx: Ctx): Reply {
  const target = ctx.engine.dbs[dbIndex(ctx, ctx.argv[2])]!;
  if (target === ctx.db) fail("ERR source and destination objects are the same");
  const key = keyAt(ctx, 1);
  const value = ctx.db.lookup(key);
  if (!value || target.has(key)) return 0;
  const expire = ctx.db.expires.get(key);
  ctx.db.delete(key);
  target.set(key, value);
  if (expire !== undefined) target.expires.set(key, expire);
  if (blocksOn(value)) target.ready(key);
  notify(ctx, NOTIFY_GENERIC, "move_from", key);
  notify({ db: target }, NOTIFY_GENERIC, "move_to", key);
  return 1;
}

export const keyCommands = [
  command("copy", -3, copy),
  command("move", 3, move),
  command("del", -2, del),
  command("unlink", -2, del),
  command("exists", -2, exists),
  command("touch", -2, touch),
  command("type", 2, (ctx) => new StatusReply(ctx.db.lookupNoTouch(keyAt(ctx, 1))?.type ?? "none")),
  command("rename", 3, rename(false)),
  command("renamenx", 3, rename(true)),
  command("expire", -3, expireCommand("expire", 1000, false)),
  command("pexpire", -3, expireCommand("pexpire", 1, false)),
  command("expireat", -3, expireCommand("expireat", 1000, true)),
  command("pexpireat", -3, expireCommand("pexpireat", 1, true)),
  command("ttl", 2, ttlCommand(false, false)),
  command("pttl", 2, ttlCommand(true, false)),
  command("expiretime", 2, ttlCommand(false, true)),
  command("pexpiretime", 2, ttlCommand(true, true)),
  command("persist", 2, (ctx) => {
    const key = keyAt(ctx, 1);
    if (!ctx.db.has(key) || !ctx.db.expires.delete(key)) return 0;
    ctx.db.touch(key);
    notify(ctx, NOTIFY_GENERIC, "persist", key);
    return 1;
  }),
  command("keys", 2, (ctx) => {
    const pattern = ctx.argv[1]!;
    const all = pattern.length === 1 && pattern[0] === 42;
    const out: Buffer[] = [];
    for (const key of [...ctx.db.data.keys()]) {
      if (!ctx.db.has(key)) continue;
      const b = bytes(key);
      if (all || globMatch(pattern, b)) out.push(b);
    }
    return out;
  }),
  command("scan", -2, scan),
  command("randomkey", 1, (ctx) => {
    const keys = [...ctx.db.data.keys()].filter((k) => ctx.db.has(k));
    return keys.length === 0 ? null : bytes(keys[Math.floor(Math.random() * keys.length)]!);
  }),
  // Like Redis, counts keys that are logically expired but not yet reclaimed by active expiry.
  command("dbsize", 1, (ctx) => ctx.db.size()),
  command("flushdb", -1, (ctx) => {
    flushArgs(ctx);
    ctx.engine.dirty += ctx.db.size(); // Redis's server.dirty += emptyData(): the keys removed
    ctx.db.flush();
    return OK;
  }),
  command("flushall", -1, (ctx) => {
    flushArgs(ctx);
    // Redis's flushAllDataAndResetRDB: server.dirty += the keys removed.
    for (const db of ctx.engine.dbs) ctx.engine.dirty += db.size();
    for (const db of ctx.engine.dbs) db.flush();
    return OK;
  }),
  command("swapdb", 3, (ctx) => {
    const index = (arg: Buffer, which: string) => {
      const text = arg.toString("latin1");
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) fail(`ERR invalid ${which} DB index`);
      return Number(text);
    };
    const a = index(ctx.argv[1]!, "first");
    const b = index(ctx.argv[2]!, "second");
    const dbs = ctx.engine.dbs;
    if (a < 0 || a >= dbs.length || b < 0 || b >= dbs.length) fail("ERR DB index is out of range");
    if (a !== b) dbs[a]!.swapContents(dbs[b]!);
    return OK;
  }),
  command("select", 2, (ctx) => {
    const index = int(ctx.argv[1]);
    if (index < 0 || index >= ctx.engine.dbs.length) fail("ERR DB index is out of range");
    ctx.session.db = index;
    return OK;
  }),
];
