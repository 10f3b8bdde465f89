/** PFADD, PFCOUNT, PFMERGE over Redis-compatible HYLL strings (hll.ts, hll-sparse.ts). */
import { Buffer } from "node:buffer";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { fail } from "../errors";
import { denseSet, estimate, isHll, patLen, registers, toDense } from "../hll";
import { createSparse, sparseSet } from "../hll-sparse";
import { StatusReply } from "../protocol";
import type { Reply } from "../protocol";
import { notify, NOTIFY_STRING } from "../notify";

const INVALID = "WRONGTYPE Key is not a valid HyperLogLog string value.";
const CORRUPT = "INVALIDOBJ Corrupted HLL object detected";

/** The HYLL string at argv[i] (a private copy, safe to change), or undefined. */
function hllAt(ctx: Ctx, i: number): Buffer | undefined {
  const v = ctx.db.get(keyAt(ctx, i), "string");
  if (v === undefined) return undefined;
  if (!isHll(v)) fail(INVALID);
  return Buffer.from(v);
}

function regsOf(v: Buffer): Uint8Array {
  const regs = registers(v);
  if (!regs) fail(CORRUPT);
  return regs;
}

/** Sets one register the way Redis does for the string's encoding; returns the (possibly new) string and whether it changed. */
function setRegister(v: Buffer, index: number, count: number): [Buffer, boolean] {
  if (v[4] === 0) return [v, denseSet(v, index, count)];
  const r = sparseSet(v, index, count);
  if (r === null) return [v, false];
  if (r !== "promote") return [r, true];
  const dense = toDense(v, regsOf(v));
  denseSet(dense, index, count);
  return [dense, true];
}

function invalidateCache(v: Buffer): void {
  v[15] = v[15]! | 0x80;
}

function pfadd(ctx: Ctx): Reply {
  const key = keyAt(ctx, 1);
  let v = hllAt(ctx, 1);
  let updated = v === undefined;
  v ??= createSparse();
  for (const el of ctx.argv.slice(2)) {
    const [index, count] = patLen(el);
    const [next, changed] = setRegister(v, index, count);
    v = next;
    if (changed) updated = true;
  }
  if (!updated) return 0;
  invalidateCache(v);
  ctx.db.set(key, { type: "string", v, enc: "raw" }, true);
  notify(ctx, NOTIFY_STRING, "pfadd", key);
  return 1;
}

function merged(ctx: Ctx, from: number): { regs: Uint8Array; dense: boolean } {
  const regs = new Uint8Array(1 << 14);
  let dense = false;
  for (let i = from; i < ctx.argv.length; i++) {
    const v = hllAt(ctx, i);
    if (!v) continue;
    if (v[4] === 0) dense = true;
    const r = regsOf(v);
    for (let j = 0; j < regs.length; j++) if (r[j]! > regs[j]!) regs[j] = r[j]!;
  }
  return { regs, dense };
}

function pfcount(ctx: Ctx): Reply {
  if (ctx.argv.length > 2) return estimate(merged(ctx, 1).regs);
  const key = keyAt(ctx, 1);
  const v = hllAt(ctx, 1);
  if (v === undefined) return 0;
  if ((v[15]! & 0x80) === 0) return Number(v.readBigUInt64LE(8));
  const n = estimate(regsOf(v));
  v.writeBigUInt64LE(BigInt(n), 8);
  ctx.db.set(key, { type: "string", v, enc: "raw" }, true);
  return n;
}

function pfmerge(ctx: Ctx): Reply {
  const { regs, dense } = merged(ctx, 1);
  ctx.db.missReads = false; // Redis reads every key (lookupKeyRead), then the destination with a write lookup: no second `keymiss`
  const key = keyAt(ctx, 1);
  let v = hllAt(ctx, 1) ?? createSparse();
  if (dense && v[4] !== 0) v = toDense(v, regsOf(v));
  for (let j = 0; j < regs.length; j++) if (regs[j]! > 0) v = setRegister(v, j, regs[j]!)[0];
  invalidateCache(v);
  ctx.db.set(key, { type: "string", v, enc: "raw" }, true);
  notify(ctx, NOTIFY_STRING, "pfadd", key); // PFMERGE's event is Redis's `pfadd` too
  return new StatusReply("OK");
}

export const hllCommands = [command("pfadd", -2, pfadd), command("pfcount", -2, pfcount), command("pfmerge", -2, pfmerge)];
