/** XCLAIM and XAUTOCLAIM (t_stream.c, Redis 7.0): ownership changes in a group's PEL, dropping entries deleted from the stream. */
import { is } from "../bytes";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { fail, SYNTAX } from "../errors";
import { parseBigInt } from "../numbers";
import type { Reply } from "../protocol";
import type { Stream } from "../stream";
import { consumerFor, dropNack, lookupGroup } from "../stream-groups";
import type { Consumer, Group, Nack } from "../stream-groups";
import { idBytes, rangeBound, strictId, tryParseId } from "../stream-id";
import type { StreamId } from "../stream-id";
import { entryReply, int64, streamAt } from "./stream-args";
import { named } from "./stream-groups";

function groupOrFail(ctx: Ctx): { s: Stream; group: Group } {
  const s = streamAt(ctx);
  const group = s && lookupGroup(s, keyAt(ctx, 2));
  if (!s || !group) fail(named(`NOGROUP No such key '${keyAt(ctx, 1)}' or consumer group '${keyAt(ctx, 2)}'`));
  return { s, group };
}

/** Moves a NACK to `consumer` (the common tail of XCLAIM and XAUTOCLAIM). */
function transfer(nack: Nack, id: StreamId, consumer: Consumer): void {
  if (nack.consumer !== consumer) {
    nack.consumer?.pel.delete(id);
    consumer.pel.set(id, nack);
    nack.consumer = consumer;
  }
}

function xclaim(ctx: Ctx): Reply {
  const argv = ctx.argv;
  const { s, group } = groupOrFail(ctx);
  let minIdle = int64(argv[4], "ERR Invalid min-idle-time argument for XCLAIM");
  if (minIdle < 0n) minIdle = 0n;
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const parsed = tryParseId(argv[j]!, 0n, true);
    if (!parsed) break;
    ids.push(parsed.id);
  }
  const now = ctx.engine.now();
  let force = false;
  let justId = false;
  let retryCount = -1n;
  let deliveryTime: bigint | undefined;
  let lastId = 0n;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    if (is(opt, "force")) force = true;
    else if (is(opt, "justid")) justId = true;
    else if (is(opt, "idle") && more) deliveryTime = BigInt(now) - int64(argv[++j], "ERR Invalid IDLE option argument for XCLAIM");
    else if (is(opt, "time") && more) deliveryTime = int64(argv[++j], "ERR Invalid TIME option argument for XCLAIM");
    else if (is(opt, "retrycount") && more) retryCount = int64(argv[++j], "ERR Invalid RETRYCOUNT option argument for XCLAIM");
    else if (is(opt, "lastid") && more) lastId = strictId(argv[++j]);
    else fail(named(`ERR Unrecognized XCLAIM option '${opt.toString("latin1")}'`));
  }
  if (lastId > group.lastId) group.lastId = lastId;
  const time = deliveryTime === undefined || deliveryTime < 0n || deliveryTime > BigInt(now) ? now : Number(deliveryTime);
  const name = keyAt(ctx, 3);
  let consumer: Consumer | undefined;
  const out: Reply[] = [];
  for (const id of ids) {
    let nack = group.pel.get(id);
    const entry = s.get(id);
    if (!entry) {
      if (nack) dropNack(group, id, nack);
      continue;
    }
    if (force && !nack) {
      nack = { deliveryTime: now, deliveryCount: 1n, consumer: undefined };
      group.pel.tryInsert(id, nack);
    }
    if (!nack) continue;
    if (nack.consumer && minIdle !== 0n && BigInt(now - nack.deliveryTime) < minIdle) continue;
    consumer ??= consumerFor(group, name, now, { db: ctx.db, key: keyAt(ctx, 1) });
    if (nack.consumer !== consumer) nack.consumer?.pel.delete(id);
    nack.deliveryTime = time;
    if (retryCount >= 0n) nack.deliveryCount = retryCount;
    else if (!justId) nack.deliveryCount++;
    transfer(nack, id, consumer);
    out.push(justId ? idBytes(id) : entryReply(entry));
  }
  return out;
}

const MAX_COUNT = 9223372036854775807n / 16n;

function xautoclaim(ctx: Ctx): Reply {
  const argv = ctx.argv;
  // Redis looks the key up before parsing the arguments (its lazy expiry and `keymiss` happen even when they are bad).
  ctx.db.lookup(keyAt(ctx, 1));
  ctx.db.missReads = false;
  let minIdle = int64(argv[4], "ERR Invalid min-idle-time argument for XAUTOCLAIM");
  if (minIdle < 0n) minIdle = 0n;
  const start = rangeBound(argv[5]!, true);
  let count = 100;
  let justId = false;
  for (let j = 6; j < argv.length; j++) {
    if (is(argv[j], "count") && j + 1 < argv.length) {
      const n = parseBigInt(argv[++j]!);
      if (n === undefined || n < 1n || n > MAX_COUNT) fail("ERR COUNT must be > 0");
      count = n > 100_000_000n ? 100_000_000 : Number(n);
    } else if (is(argv[j], "justid")) justId = true;
    else fail(SYNTAX);
  }
  const { s, group } = groupOrFail(ctx);
  const now = ctx.engine.now();
  const name = keyAt(ctx, 3);
  let attempts = count * 10;
  let consumer: Consumer | undefined;
  const claimed: Reply[] = [];
  const deleted: Reply[] = [];
  const pending = [...group.pel.from(start)];
  let i = 0;
  while (attempts-- > 0 && count > 0 && i < pending.length) {
    const [id, nack] = pending[i++]!;
    const entry = s.get(id);
    if (!entry) {
      dropNack(group, id, nack);
      deleted.push(idBytes(id));
      count--;
      continue;
    }
    if (minIdle !== 0n && BigInt(now - nack.deliveryTime) < minIdle) continue;
    consumer ??= consumerFor(group, name, now, { db: ctx.db, key: keyAt(ctx, 1) });
    nack.deliveryTime = now;
    if (!justId) nack.deliveryCount++;
    transfer(nack, id, consumer);
    claimed.push(justId ? idBytes(id) : entryReply(entry));
    count--;
  }
  const next = i < pending.length ? pending[i]![0] : 0n;
  return [idBytes(next), claimed, deleted];
}

export const streamClaimCommands = [command("xclaim", -6, xclaim), command("xautoclaim", -6, xautoclaim)];
