/** BITFIELD and BITFIELD_RO (bitops.c, Redis 7.0): GET/SET/INCRBY of i1–i64 and u1–u63 at any bit offset, OVERFLOW WRAP|SAT|FAIL. */
import { is } from "../bytes";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { fail, SYNTAX } from "../errors";
import { integerReply, parseBigInt } from "../numbers";
import type { Reply } from "../protocol";
import type { Value } from "../values";
import { bitAt, bitOffset, grown } from "./bits";
import { int64 } from "./stream-args";
import { notify, NOTIFY_KEY_MISS, NOTIFY_NEW, NOTIFY_STRING } from "../notify";

type Overflow = "wrap" | "sat" | "fail";

interface Op {
  readonly kind: "get" | "set" | "incrby";
  readonly offset: number;
  readonly value: bigint;
  readonly overflow: Overflow;
  readonly bits: number;
  readonly signed: boolean;
}

const TYPE_ERROR = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

function fieldType(arg: Buffer): { signed: boolean; bits: number } {
  const signed = arg[0] === 0x69;
  if (!signed && arg[0] !== 0x75) fail(TYPE_ERROR);
  const rest = arg.subarray(1);
  const nul = rest.indexOf(0);
  const bits = parseBigInt(nul >= 0 ? rest.subarray(0, nul) : rest);
  if (bits === undefined || bits < 1n || bits > (signed ? 64n : 63n)) fail(TYPE_ERROR);
  return { signed, bits: Number(bits) };
}

function read(buf: Buffer, offset: number, bits: number, signed: boolean): bigint {
  let v: bigint;
  if (bits <= 32) {
    let n = 0;
    for (let j = 0; j < bits; j++) n = n * 2 + bitAt(buf, offset + j);
    v = BigInt(n);
  } else {
    v = 0n;
    for (let j = 0; j < bits; j++) v = (v << 1n) | BigInt(bitAt(buf, offset + j));
  }
  return signed ? BigInt.asIntN(bits, v) : v;
}

function setBit(buf: Buffer, at: number, bit: number): void {
  const mask = 1 << (7 - (at % 8));
  const byte = Math.floor(at / 8);
  buf[byte] = bit ? buf[byte]! | mask : buf[byte]! & ~mask;
}

function write(buf: Buffer, offset: number, bits: number, value: bigint): void {
  const u = BigInt.asUintN(bits, value);
  if (bits <= 32) {
    const n = Number(u);
    for (let j = 0; j < bits; j++) setBit(buf, offset + j, Math.floor(n / 2 ** (bits - 1 - j)) % 2);
    return;
  }
  for (let j = 0; j < bits; j++) setBit(buf, offset + j, Number((u >> BigInt(bits - 1 - j)) & 1n));
}

/** The stored value of `value + incr` under the overflow rule, or undefined on FAIL overflow (check*BitfieldOverflow). */
function apply(value: bigint, incr: bigint, bits: number, signed: boolean, overflow: Overflow): bigint | undefined {
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = signed ? -max - 1n : 0n;
  const sum = value + incr;
  if (sum >= min && sum <= max) return sum;
  if (overflow === "fail") return undefined;
  if (overflow === "sat") return sum > max ? max : min;
  return signed ? BigInt.asIntN(bits, sum) : BigInt.asUintN(bits, sum);
}

function bitfield(readonlyCommand: boolean) {
  return (ctx: Ctx): Reply => {
    const argv = ctx.argv;
    const ops: Op[] = [];
    let overflow: Overflow = "wrap";
    let writes = false;
    let highest = 0;
    for (let j = 2; j < argv.length; j++) {
      const more = argv.length - j - 1;
      const sub = argv[j]!;
      let kind: Op["kind"];
      if (is(sub, "get") && more >= 2) kind = "get";
      else if (is(sub, "set") && more >= 3) kind = "set";
      else if (is(sub, "incrby") && more >= 3) kind = "incrby";
      else if (is(sub, "overflow") && more >= 1) {
        const name = argv[++j];
        if (is(name, "wrap")) overflow = "wrap";
        else if (is(name, "sat")) overflow = "sat";
        else if (is(name, "fail")) overflow = "fail";
        else fail("ERR Invalid OVERFLOW type specified");
        continue;
      } else fail(SYNTAX);
      const { signed, bits } = fieldType(argv[j + 1]!);
      const offset = bitOffset(argv[j + 2]!, true, bits);
      let value = 0n;
      if (kind !== "get") {
        writes = true;
        highest = Math.max(highest, offset + bits - 1);
        value = int64(argv[j + 3]);
      }
      ops.push({ kind, offset, value, overflow, bits, signed });
      j += kind === "get" ? 2 : 3;
    }
    const key = keyAt(ctx, 1);
    let buf: Buffer | undefined;
    /** Redis's `dirty` from lookupStringForBitCommand: the key was created or grown (every write then counts as a change). */
    let created = false;
    let existed = true;
    if (!writes) {
      // Only GETs: Redis reads the key with a read lookup (its miss is a `keymiss` event).
      ctx.db.missReads = (ctx.engine.notifier.flags & NOTIFY_KEY_MISS) !== 0;
      buf = ctx.db.get(key, "string");
    }
    else {
      if (readonlyCommand) fail("ERR BITFIELD_RO only supports the GET subcommand");
      const cur = ctx.db.get(key, "string");
      const bytes = Math.floor(highest / 8) + 1;
      existed = cur !== undefined;
      created = cur === undefined || cur.length < bytes;
      buf = grown(cur, bytes);
    }
    let changes = 0;
    const out: Reply[] = [];
    for (const op of ops) {
      if (op.kind === "get") {
        out.push(buf ? integerReply(read(buf, op.offset, op.bits, op.signed)) : 0);
        continue;
      }
      const old = read(buf!, op.offset, op.bits, op.signed);
      // SET stores its value as the field's 64-bit pattern: an unsigned field sees a negative value as huge.
      const stored = op.kind === "incrby" ? apply(old, op.value, op.bits, op.signed, op.overflow) : apply(op.signed ? op.value : BigInt.asUintN(64, op.value), 0n, op.bits, op.signed, op.overflow);
      if (stored === undefined) {
        out.push(null);
        continue;
      }
      out.push(integerReply(op.kind === "incrby" ? stored : old));
      write(buf!, op.offset, op.bits, stored);
      if (created || old !== stored) changes++;
    }
    if (writes && changes > 0) {
      ctx.db.set(key, { type: "string", v: buf!, enc: "raw" }, true);
      notify(ctx, NOTIFY_STRING, "setbit", key);
      ctx.engine.dirty += changes - 1; // Redis's server.dirty += changes; set() counted one
    } else if (writes && created) {
      // Grown (or created), yet no change reported: Redis signals nothing, but its dbAdd announces a key it created.
      const value = existed ? ctx.db.data.get(key) : undefined;
      if (value?.type === "string") {
        value.v = buf!; // in place, as Redis's sdsgrowzero: the key's estimate is refreshed from the same value
        value.enc = "raw";
        ctx.db.account(key, value);
      } else {
        const fresh: Value = { type: "string", v: buf!, enc: "raw", at: ctx.db.accessClock };
        ctx.db.data.set(key, fresh);
        ctx.db.account(key, fresh);
        notify(ctx, NOTIFY_NEW, "new", key);
      }
    }
    return out;
  };
}

export const bitfieldCommands = [command("bitfield", -2, bitfield(false)), command("bitfield_ro", -2, bitfield(true))];
