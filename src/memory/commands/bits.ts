/** Bitmap commands on strings: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP (bitops.c, Redis 7.0). BITFIELD: bitfield.ts. */
import { Buffer } from "node:buffer";
import { is } from "../bytes";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { fail, SYNTAX } from "../errors";
import { parseBigInt } from "../numbers";
import type { Reply } from "../protocol";
import { int64 } from "./stream-args";
import { notify, NOTIFY_GENERIC, NOTIFY_STRING } from "../notify";

const OFFSET_ERROR = "ERR bit offset is not an integer or out of range";
/** proto-max-bulk-len: the largest string, in bytes. */
const MAX_BYTES = 512n * 1024n * 1024n;

/** getBitOffsetFromArgument: a bit offset, or `#n` × `bits` when `hash` (BITFIELD). */
export function bitOffset(arg: Buffer, hash: boolean, bits: number): number {
  const useHash = hash && bits > 0 && arg[0] === 0x23;
  let n: bigint | undefined;
  if (!useHash && arg.length > 0 && arg.length <= 15 && (arg[0] !== 0x30 || arg.length === 1) && arg.every((c) => c >= 0x30 && c <= 0x39)) {
    n = BigInt(Number(arg.toString("latin1"))); // plain decimal digits: exact below 2^53
  } else {
    n = parseBigInt(useHash ? arg.subarray(1) : arg);
    if (n === undefined) fail(OFFSET_ERROR);
    if (useHash) n = BigInt.asIntN(64, n * BigInt(bits));
  }
  if (n < 0n || n >> 3n >= MAX_BYTES) fail(OFFSET_ERROR);
  return Number(n);
}

/** Bit `offset` of `buf` (0 beyond its end); bit 0 is the most significant bit of byte 0. */
export function bitAt(buf: Buffer, offset: number): number {
  const byte = Math.floor(offset / 8);
  return byte < buf.length ? (buf[byte]! >> (7 - (offset % 8))) & 1 : 0;
}

/** A copy of `buf` zero-padded to at least `bytes` bytes (strings are copied on write: replies may share them). */
export function grown(buf: Buffer | undefined, bytes: number): Buffer {
  const out = Buffer.alloc(Math.max(buf?.length ?? 0, bytes));
  buf?.copy(out);
  return out;
}

function setbit(ctx: Ctx): Reply {
  const offset = bitOffset(ctx.argv[2]!, false, 0);
  const on = int64(ctx.argv[3], "ERR bit is not an integer or out of range");
  if (on !== 0n && on !== 1n) fail("ERR bit is not an integer or out of range");
  const key = keyAt(ctx, 1);
  const cur = ctx.db.get(key, "string");
  const byte = Math.floor(offset / 8);
  const old = cur ? bitAt(cur, offset) : 0;
  if (!cur || cur.length < byte + 1 || old !== Number(on)) {
    const out = grown(cur, byte + 1);
    const mask = 1 << (7 - (offset % 8));
    out[byte] = on ? out[byte]! | mask : out[byte]! & ~mask;
    ctx.db.set(key, { type: "string", v: out, enc: "raw" }, true);
    notify(ctx, NOTIFY_STRING, "setbit", key); // created, grown or changed: as Redis's `dirty || bit changed`
  }
  return old;
}

function getbit(ctx: Ctx): Reply {
  const offset = bitOffset(ctx.argv[2]!, false, 0);
  const cur = ctx.db.get(keyAt(ctx, 1), "string");
  return cur ? bitAt(cur, offset) : 0;
}

function popcount(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i <= to; i++) {
    let b = buf[i]!;
    while (b) {
      b &= b - 1;
      n++;
    }
  }
  return n;
}

/** Start/end (bytes, or bits with `isBit`) clamped as bitcount/bitpos do; masks for partial edge bytes. */
function clampRange(start: bigint, end: bigint, len: number, isBit: boolean): { start: number; end: number; firstMask: number; lastMask: number } {
  const total = BigInt(isBit ? len * 8 : len);
  if (start < 0n) start = total + start;
  if (end < 0n) end = total + end;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= total) end = total - 1n;
  let firstMask = 0;
  let lastMask = 0;
  if (isBit && start <= end) {
    firstMask = ~((1 << (8 - Number(start & 7n))) - 1) & 0xff;
    lastMask = (1 << (7 - Number(end & 7n))) - 1;
    start >>= 3n;
    end >>= 3n;
  }
  return { start: Number(start), end: Number(end), firstMask, lastMask };
}

function unit(arg: Buffer | undefined): boolean {
  if (is(arg, "bit")) return true;
  if (is(arg, "byte")) return false;
  fail(SYNTAX);
}

function bitcount(ctx: Ctx): Reply {
  const p = ctx.db.get(keyAt(ctx, 1), "string");
  if (!p) return 0;
  const argc = ctx.argv.length;
  let r = { start: 0, end: p.length - 1, firstMask: 0, lastMask: 0 };
  if (argc === 4 || argc === 5) {
    const start = int64(ctx.argv[2]);
    const end = int64(ctx.argv[3]);
    if (start < 0n && end < 0n && start > end) return 0;
    const isBit = argc === 5 ? unit(ctx.argv[4]) : false;
    r = clampRange(start, end, p.length, isBit);
  } else if (argc !== 2) fail(SYNTAX);
  if (r.start > r.end) return 0;
  let count = popcount(p, r.start, r.end);
  if (r.firstMask) count -= popcount(Buffer.from([p[r.start]! & r.firstMask]), 0, 0);
  if (r.lastMask) count -= popcount(Buffer.from([p[r.end]! & r.lastMask]), 0, 0);
  return count;
}

/** redisBitpos over `bytes`: the first `bit`, -1 for a missing 1, bytes × 8 for a missing 0. */
function firstBit(bytes: Buffer, bit: number): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === (bit ? 0 : 0xff)) continue;
    for (let j = 0; j < 8; j++) if (((b >> (7 - j)) & 1) === bit) return i * 8 + j;
  }
  return bit ? -1 : bytes.length * 8;
}

function bitpos(ctx: Ctx): Reply {
  const bit = int64(ctx.argv[2]);
  if (bit !== 0n && bit !== 1n) fail("ERR The bit argument must be 1 or 0.");
  const b = Number(bit);
  const p = ctx.db.get(keyAt(ctx, 1), "string");
  if (!p) return b ? -1 : 0;
  const argc = ctx.argv.length;
  let r = { start: 0, end: p.length - 1, firstMask: 0, lastMask: 0 };
  let endGiven = false;
  if (argc >= 4 && argc <= 6) {
    const start = int64(ctx.argv[3]);
    const isBit = argc === 6 ? unit(ctx.argv[5]) : false;
    let end = BigInt(p.length - 1);
    if (argc >= 5) {
      end = int64(ctx.argv[4]);
      endGiven = true;
    }
    r = clampRange(start, end, p.length, isBit);
  } else if (argc !== 3) fail(SYNTAX);
  if (r.start > r.end) return -1;
  // The range's bytes with the bits outside it forced to "not what we look for".
  const bytes = Buffer.from(p.subarray(r.start, r.end + 1));
  if (r.firstMask) bytes[0] = b ? bytes[0]! & ~r.firstMask : bytes[0]! | r.firstMask;
  if (r.lastMask) bytes[bytes.length - 1] = b ? bytes[bytes.length - 1]! & ~r.lastMask : bytes[bytes.length - 1]! | r.lastMask;
  const pos = firstBit(bytes, b);
  if (endGiven && b === 0 && pos === bytes.length * 8) return -1;
  return pos === -1 ? -1 : pos + r.start * 8;
}

function bitop(ctx: Ctx): Reply {
  const op = ["and", "or", "xor", "not"].find((name) => is(ctx.argv[1], name));
  if (!op) fail(SYNTAX);
  if (op === "not" && ctx.argv.length !== 4) fail("ERR BITOP NOT must be called with a single source key.");
  const sources: Buffer[] = [];
  for (let i = 3; i < ctx.argv.length; i++) sources.push(ctx.db.get(keyAt(ctx, i), "string") ?? Buffer.alloc(0));
  const maxLen = Math.max(...sources.map((s) => s.length));
  const dest = keyAt(ctx, 2);
  if (maxLen === 0) {
    if (ctx.db.delete(dest)) notify(ctx, NOTIFY_GENERIC, "del", dest);
    return 0;
  }
  const out = Buffer.alloc(maxLen);
  for (let j = 0; j < maxLen; j++) {
    let v = sources[0]![j] ?? 0;
    if (op === "not") v = ~v & 0xff;
    for (let i = 1; i < sources.length; i++) {
      const byte = sources[i]![j] ?? 0;
      if (op === "and") v &= byte;
      else if (op === "or") v |= byte;
      else v ^= byte;
    }
    out[j] = v;
  }
  ctx.db.set(dest, { type: "string", v: out, enc: "raw" });
  notify(ctx, NOTIFY_STRING, "set", dest);
  return maxLen;
}

export const bitCommands = [
  command("setbit", 4, setbit),
  command("getbit", 3, getbit),
  command("bitcount", -2, bitcount),
  command("bitpos", -3, bitpos),
  command("bitop", -4, bitop),
];
