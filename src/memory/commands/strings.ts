/** String commands: GET, SET (EX/PX/EXAT/PXAT/NX/XX/GET/KEEPTTL), SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX, MGET, MSET(NX), INCR/DECR(BY), INCRBYFLOAT, APPEND, STRLEN, GETRANGE/SUBSTR, SETRANGE. */
import { Buffer } from "node:buffer";
import { is } from "../bytes";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { fail, INVALID_EXPIRE, NAN_OR_INF, NOT_FLOAT, NOT_INTEGER, OVERFLOW, SYNTAX, WRONG_ARITY } from "../errors";
import { addFloatStrings, inInt64, int, integerReply, parseBigInt, parseDouble, parseSmallInt, smallIntBytes } from "../numbers";
import { StatusReply } from "../protocol";
import type { Reply } from "../protocol";
import { notify, NOTIFY_GENERIC, NOTIFY_KEY_MISS, NOTIFY_STRING } from "../notify";

const OK = new StatusReply("OK");
const NX = 1, XX = 2, GET = 4, KEEPTTL = 8, PERSIST = 16, EX = 32, PX = 64, EXAT = 128, PXAT = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

interface Parsed {
  flags: number;
  expire: Buffer | undefined;
}

const NO_OPTIONS: Parsed = { flags: 0, expire: undefined };

function parseOptions(argv: readonly Buffer[], from: number, forSet: boolean): Parsed {
  if (from >= argv.length) return NO_OPTIONS;
  let flags = 0;
  let expire: Buffer | undefined;
  for (let j = from; j < argv.length; j++) {
    const opt = argv[j]!;
    const next = j === argv.length - 1 ? undefined : argv[j + 1];
    if (forSet && is(opt, "nx") && !(flags & XX)) flags |= NX;
    else if (forSet && is(opt, "xx") && !(flags & NX)) flags |= XX;
    else if (forSet && is(opt, "get")) flags |= GET;
    else if (forSet && is(opt, "keepttl") && !(flags & (PERSIST | ANY_EXPIRE))) flags |= KEEPTTL;
    else if (!forSet && is(opt, "persist") && !(flags & (KEEPTTL | ANY_EXPIRE))) flags |= PERSIST;
    else if (is(opt, "ex") && !(flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) && next) (flags |= EX), (expire = next), j++;
    else if (is(opt, "px") && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) && next) (flags |= PX), (expire = next), j++;
    else if (is(opt, "exat") && !(flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) && next) (flags |= EXAT), (expire = next), j++;
    else if (is(opt, "pxat") && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) && next) (flags |= PXAT), (expire = next), j++;
    else fail(SYNTAX);
  }
  return { flags, expire };
}

/** The absolute expiry in ms for EX/PX/EXAT/PXAT, with Redis's checks. */
function expireAt(ctx: Ctx, name: string, arg: Buffer, flags: number): number {
  const raw = parseBigInt(arg);
  if (raw === undefined) fail(NOT_INTEGER);
  const seconds = (flags & (EX | EXAT)) !== 0;
  if (raw <= 0n || (seconds && raw > 9223372036854775807n / 1000n)) fail(INVALID_EXPIRE(name));
  let ms = seconds ? raw * 1000n : raw;
  if (flags & (EX | PX)) ms += BigInt(ctx.engine.now());
  if (!inInt64(ms) || ms <= 0n) fail(INVALID_EXPIRE(name));
  return Number(ms);
}

function getString(ctx: Ctx, key: string): Buffer | undefined {
  return ctx.db.get(key, "string");
}

/** `enc`: OBJECT ENCODING's answer when Redis does not derive it from the content (values.ts). */
function setValue(ctx: Ctx, key: string, value: Buffer, keepTtl = false, enc?: "raw" | "embstr"): void {
  // `at` and `mem` (set by db.set) in the literal: one object shape, no property added afterwards.
  ctx.db.set(key, { type: "string", v: value, enc, at: 0, mem: 0 }, keepTtl);
}

function set(ctx: Ctx): Reply {
  const { flags, expire } = parseOptions(ctx.argv, 3, true);
  const key = keyAt(ctx, 1);
  const at = expire ? expireAt(ctx, "set", expire, flags) : undefined;
  let old: Buffer | null = null;
  if (flags & GET) {
    ctx.db.missReads = (ctx.db.notifier.flags & NOTIFY_KEY_MISS) !== 0; // GET's lookup is Redis's read lookup (`keymiss`)
    old = getString(ctx, key) ?? null;
    ctx.db.missReads = false;
  }
  // Only NX/XX need to know whether the key exists (db.set below removes an expired one itself).
  if (flags & (NX | XX)) {
    const found = ctx.db.has(key);
    if ((flags & NX && found) || (flags & XX && !found)) return flags & GET ? old : null;
  }
  setValue(ctx, key, ctx.argv[2]!, (flags & KEEPTTL) !== 0);
  notify(ctx, NOTIFY_STRING, "set", key);
  if (at !== undefined) {
    ctx.db.expires.set(key, at);
    notify(ctx, NOTIFY_GENERIC, "expire", key);
  }
  return flags & GET ? old : OK;
}

function setex(name: string, unit: number) {
  return (ctx: Ctx): Reply => {
    const at = expireAt(ctx, name, ctx.argv[2]!, unit === 1000 ? EX : PX);
    const key = keyAt(ctx, 1);
    setValue(ctx, key, ctx.argv[3]!);
    notify(ctx, NOTIFY_STRING, "set", key);
    ctx.db.expires.set(key, at);
    notify(ctx, NOTIFY_GENERIC, "expire", key);
    return OK;
  };
}

function getex(ctx: Ctx): Reply {
  const { flags, expire } = parseOptions(ctx.argv, 2, false);
  const key = keyAt(ctx, 1);
  const value = getString(ctx, key);
  if (value === undefined) return null;
  if (expire) {
    const at = expireAt(ctx, "getex", expire, flags);
    if (flags & (EXAT | PXAT) && at <= ctx.engine.now()) {
      ctx.db.delete(key);
      notify(ctx, NOTIFY_GENERIC, "del", key);
    } else {
      ctx.db.expires.set(key, at);
      ctx.db.touch(key);
      notify(ctx, NOTIFY_GENERIC, "expire", key);
    }
  } else if (flags & PERSIST && ctx.db.expires.delete(key)) {
    ctx.db.touch(key);
    notify(ctx, NOTIFY_GENERIC, "persist", key);
  }
  return value;
}

/** |n| below this: `current + by` stays far inside a double's exact integers. */
const SMALL_STEP = 1e15;
const SMALL_STEP_BIG = BigInt(SMALL_STEP);

function incrBy(ctx: Ctx, key: string, by: bigint): Reply {
  const current = getString(ctx, key);
  // Fast path (INCR on a counter): numbers, no bigint or string made for the arithmetic.
  const small = current === undefined ? 0 : parseSmallInt(current);
  if (small !== undefined && by < SMALL_STEP_BIG && by > -SMALL_STEP_BIG) {
    const result = small + Number(by);
    setValue(ctx, key, smallIntBytes(result), true);
    notify(ctx, NOTIFY_STRING, "incrby", key);
    return result;
  }
  let n = 0n;
  if (current !== undefined) {
    const parsed = parseBigInt(current);
    if (parsed === undefined) fail(NOT_INTEGER);
    n = parsed;
  }
  const result = n + by;
  if (!inInt64(result)) fail(OVERFLOW);
  setValue(ctx, key, Buffer.from(result.toString()), true);
  notify(ctx, NOTIFY_STRING, "incrby", key);
  return integerReply(result);
}

function incrArg(ctx: Ctx, negate: boolean): bigint {
  const by = parseBigInt(ctx.argv[2]!);
  if (by === undefined) fail(NOT_INTEGER);
  if (negate && by === -9223372036854775808n) fail("ERR decrement would overflow");
  return negate ? -by : by;
}

function incrByFloat(ctx: Ctx): Reply {
  const key = keyAt(ctx, 1);
  const current = getString(ctx, key);
  const currentText = current === undefined ? "0" : current.toString("latin1");
  const a = parseDouble(currentText);
  if (a === undefined) fail(NOT_FLOAT);
  const incrText = ctx.argv[2]!.toString("latin1");
  const b = parseDouble(incrText);
  if (b === undefined) fail(NOT_FLOAT);
  const out = addFloatStrings(currentText, incrText, a, b);
  if (out === undefined) fail(NAN_OR_INF);
  const buf = Buffer.from(out);
  setValue(ctx, key, buf, true, "embstr");
  notify(ctx, NOTIFY_STRING, "incrbyfloat", key);
  return buf;
}

function getrange(ctx: Ctx): Reply {
  let start = int(ctx.argv[2]);
  let end = int(ctx.argv[3]);
  const value = getString(ctx, keyAt(ctx, 1));
  if (value === undefined) return Buffer.alloc(0);
  const len = value.length;
  if (start < 0 && end < 0 && start > end) return Buffer.alloc(0);
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return Buffer.alloc(0);
  return Buffer.from(value.subarray(start, end + 1));
}

function setrange(ctx: Ctx): Reply {
  const key = keyAt(ctx, 1);
  const offset = int(ctx.argv[2]);
  const value = ctx.argv[3]!;
  if (offset < 0) fail("ERR offset is out of range");
  const current = getString(ctx, key);
  if (current === undefined && value.length === 0) return 0;
  if (current !== undefined && value.length === 0) return current.length;
  if (offset + value.length > 512 * 1024 * 1024) fail("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  const base = current ?? Buffer.alloc(0);
  const out = Buffer.alloc(Math.max(base.length, offset + value.length));
  base.copy(out);
  value.copy(out, offset);
  setValue(ctx, key, out, true, "raw");
  notify(ctx, NOTIFY_STRING, "setrange", key);
  return out.length;
}

function mset(nx: boolean) {
  return (ctx: Ctx): Reply => {
    if (ctx.argv.length % 2 === 0) fail(WRONG_ARITY(nx ? "msetnx" : "mset"));
    if (nx) for (let i = 1; i < ctx.argv.length; i += 2) if (ctx.db.has(keyAt(ctx, i))) return 0;
    for (let i = 1; i < ctx.argv.length; i += 2) {
      // One decode of the key per pair (keyAt makes a string each call).
      const key = keyAt(ctx, i);
      setValue(ctx, key, ctx.argv[i + 1]!);
      notify(ctx, NOTIFY_STRING, "set", key);
    }
    return nx ? 1 : OK;
  };
}

export const stringCommands = [
  command("get", 2, (ctx) => getString(ctx, keyAt(ctx, 1)) ?? null),
  command("set", -3, set),
  command("setnx", 3, (ctx) => {
    const key = keyAt(ctx, 1);
    if (ctx.db.has(key)) return 0;
    setValue(ctx, key, ctx.argv[2]!);
    notify(ctx, NOTIFY_STRING, "set", key);
    return 1;
  }),
  command("setex", 4, setex("setex", 1000)),
  command("psetex", 4, setex("psetex", 1)),
  command("getset", 3, (ctx) => {
    const key = keyAt(ctx, 1);
    const old = getString(ctx, key) ?? null;
    setValue(ctx, key, ctx.argv[2]!);
    notify(ctx, NOTIFY_STRING, "set", key);
    return old;
  }),
  command("getdel", 2, (ctx) => {
    const key = keyAt(ctx, 1);
    const old = getString(ctx, key);
    if (old === undefined) return null;
    ctx.db.delete(key);
    notify(ctx, NOTIFY_GENERIC, "del", key);
    return old;
  }),
  command("getex", -2, getex),
  command("mget", -2, (ctx) => {
    const out: Reply[] = [];
    for (let i = 1; i < ctx.argv.length; i++) {
      const v = ctx.db.lookup(keyAt(ctx, i));
      out.push(v?.type === "string" ? v.v : null);
    }
    return out;
  }),
  command("mset", -3, mset(false)),
  command("msetnx", -3, mset(true)),
  command("incr", 2, (ctx) => incrBy(ctx, keyAt(ctx, 1), 1n)),
  command("decr", 2, (ctx) => incrBy(ctx, keyAt(ctx, 1), -1n)),
  command("incrby", 3, (ctx) => incrBy(ctx, keyAt(ctx, 1), incrArg(ctx, false))),
  command("decrby", 3, (ctx) => incrBy(ctx, keyAt(ctx, 1), incrArg(ctx, true))),
  command("incrbyfloat", 3, incrByFloat),
  command("append", 3, (ctx) => {
    const key = keyAt(ctx, 1);
    const current = getString(ctx, key);
    const out = current === undefined ? Buffer.from(ctx.argv[2]!) : Buffer.concat([current, ctx.argv[2]!]);
    setValue(ctx, key, out, true, current === undefined ? undefined : "raw");
    notify(ctx, NOTIFY_STRING, "append", key);
    return out.length;
  }),
  command("strlen", 2, (ctx) => getString(ctx, keyAt(ctx, 1))?.length ?? 0),
  command("getrange", 4, getrange),
  command("substr", 4, getrange),
  command("setrange", 4, setrange),
];
