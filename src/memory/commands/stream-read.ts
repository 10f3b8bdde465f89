/**
 * XREAD and XREADGROUP (t_stream.c xreadCommand + blocked.c, Redis 7.0): synchronous reads,
 * consumer-group delivery (PEL bookkeeping), history reads, and BLOCK — woken by an XADD from
 * another client; XREADGROUP waiters are also woken with an error when their group is destroyed
 * or their key deleted or overwritten. Inside MULTI a BLOCK answers nil at once; in a script it
 * is an error.
 */
import { bytes, is } from "../bytes";
import type { Ctx } from "../command";
import { keyAt, command } from "../command";
import { fail, SYNTAX } from "../errors";
import { ErrorReply, MapReply } from "../protocol";
import type { Reply } from "../protocol";
import type { Stream } from "../stream";
import { consumerFor, lookupGroup, recordDelivery } from "../stream-groups";
import type { Consumer, Group } from "../stream-groups";
import { idBytes, MAX_ID, strictId } from "../stream-id";
import type { StreamId } from "../stream-id";
import { entryReply, int64 } from "./stream-args";

interface GroupArgs {
  readonly name: string;
  readonly consumer: string;
  readonly noack: boolean;
}

/** Entries after `gt` (up to `count`, 0 = all), delivered to `consumer` of `group` when given. */
function deliver(s: Stream, gt: StreamId, count: bigint, group: Group | undefined, consumer: Consumer | undefined, noack: boolean, now: number): Reply[] {
  const out: Reply[] = [];
  if (gt === MAX_ID) return out;
  for (const e of s.range(gt + 1n, MAX_ID)) {
    if (group && consumer) recordDelivery(s, group, consumer, e, noack, now);
    out.push(entryReply(e));
    if (BigInt(out.length) === count) break;
  }
  return out;
}

/** A consumer's own pending entries after `gt` (deleted ones as `[id, nil]`), each counted as a new delivery. */
function history(s: Stream, gt: StreamId, count: bigint, consumer: Consumer, now: number): Reply[] {
  const out: Reply[] = [];
  if (gt === MAX_ID) return out;
  for (const [id, nack] of consumer.pel.from(gt + 1n)) {
    if (count !== 0n && BigInt(out.length) >= count) break;
    const e = s.get(id);
    if (!e) {
      out.push([idBytes(id), null]);
      continue;
    }
    out.push(entryReply(e));
    nack.deliveryTime = now;
    nack.deliveryCount++;
  }
  return out;
}

function reply(ctx: Ctx, pairs: Array<[Buffer, Reply]>): Reply {
  return ctx.session.protocol === 3 ? new MapReply(pairs) : pairs;
}

function xread(ctx: Ctx): Reply | Promise<Reply> {
  const argv = ctx.argv;
  const isGroup = argv[0]!.length === 10;
  let timeout = -1n;
  let count = 0n;
  let streamsArg = 0;
  let group: GroupArgs | undefined;
  let noack = false;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const o = argv[i]!;
    if (is(o, "block") && more) {
      if (ctx.inScript) fail(`ERR ${argv[0]!.toString("latin1")} command is not allowed with BLOCK option from scripts`);
      timeout = int64(argv[++i], "ERR timeout is not an integer or out of range");
      if (timeout < 0n) fail("ERR timeout is negative");
    } else if (is(o, "count") && more) {
      count = int64(argv[++i]);
      if (count < 0n) count = 0n;
    } else if (is(o, "streams") && more) {
      streamsArg = i + 1;
      if ((argv.length - streamsArg) % 2 !== 0) fail("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
      break;
    } else if (is(o, "group") && more >= 2) {
      if (!isGroup) fail("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
      group = { name: keyAt(ctx, i + 1), consumer: keyAt(ctx, i + 2), noack: false };
      i += 2;
    } else if (is(o, "noack")) {
      if (!isGroup) fail("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
      noack = true;
    } else fail(SYNTAX);
  }
  if (streamsArg === 0) fail(SYNTAX);
  if (isGroup && !group) fail("ERR Missing GROUP option for XREADGROUP");
  if (group) group = { ...group, noack };
  const n = (argv.length - streamsArg) / 2;
  const keys: string[] = [];
  const ids: StreamId[] = [];
  for (let i = 0; i < n; i++) {
    const key = keyAt(ctx, streamsArg + i);
    const s = ctx.db.get(key, "stream");
    if (group && (!s || !lookupGroup(s, group.name))) {
      fail(`NOGROUP No such key '${key}' or consumer group '${group.name}' in XREADGROUP with GROUP option`.replace(/[\r\n]/g, " "));
    }
    const arg = argv[streamsArg + n + i]!;
    keys.push(key);
    if (arg.length === 1 && arg[0] === 0x24) {
      if (isGroup) fail("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.");
      ids.push(s ? s.lastId : 0n);
    } else if (arg.length === 1 && arg[0] === 0x3e) {
      if (!isGroup) fail("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.");
      ids.push(MAX_ID);
    } else ids.push(strictId(arg));
  }
  const now = ctx.engine.now();
  const served: Array<[Buffer, Reply]> = [];
  for (let i = 0; i < n; i++) {
    const s = ctx.db.get(keys[i]!, "stream");
    if (!s) continue;
    let gt = ids[i]!;
    const g = group ? lookupGroup(s, group.name)! : undefined;
    let history_ = false;
    let serve = false;
    if (g) {
      if (gt !== MAX_ID) serve = history_ = true;
      else if (s.length && s.edge(false)! > g.lastId) {
        serve = true;
        gt = g.lastId;
      }
    } else if (s.length && s.edge(false)! > gt) serve = true;
    if (!serve) continue;
    const consumer = g && consumerFor(g, group!.consumer, now, { db: ctx.db, key: keys[i]! });
    const entries = history_ ? history(s, gt, count, consumer!, now) : deliver(s, gt, count, g, consumer, noack, now);
    served.push([bytes(keys[i]!), entries]);
  }
  if (served.length > 0) return reply(ctx, served);
  if (timeout === -1n) return null;
  if (ctx.nested) return null;
  return block(ctx, keys, ids, count === 0n ? 1000n : count, group, timeout > 2147483647n ? 0 : Number(timeout));
}

function block(ctx: Ctx, keys: readonly string[], ids: readonly StreamId[], count: bigint, group: GroupArgs | undefined, timeoutMs: number): Promise<Reply> {
  const db = ctx.db;
  const firstId = new Map<string, StreamId>();
  keys.forEach((k, i) => firstId.has(k) || firstId.set(k, ids[i]!));
  const serve = (key: string): Reply | undefined => {
    const v = db.lookup(key);
    let gt = firstId.get(key)!;
    let g: Group | undefined;
    if (group) {
      if (!v || v.type !== "stream") return new ErrorReply("UNBLOCKED the stream key no longer exists");
      g = lookupGroup(v.v, group.name);
      if (!g) return new ErrorReply("NOGROUP the consumer group this client was blocked on no longer exists");
      gt = g.lastId;
    } else if (!v || v.type !== "stream") return undefined;
    const s = v.v;
    if (s.lastId <= gt) return undefined;
    const now = ctx.engine.now();
    const consumer = g && consumerFor(g, group!.consumer, now, { db, key });
    return reply(ctx, [[bytes(key), deliver(s, gt, count, g, consumer, group?.noack ?? false, now)]]);
  };
  return ctx.engine.blocking.block(ctx.session, db, keys, timeoutMs, serve, null);
}

export const streamReadCommands = [command("xread", -4, xread), command("xreadgroup", -7, xread)];
