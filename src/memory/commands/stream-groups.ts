/** Consumer-group commands: XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER|HELP, XACK, XPENDING (t_stream.c, Redis 7.0). */
import { Buffer } from "node:buffer";
import { bytes, is, lower } from "../bytes";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { fail, SYNTAX } from "../errors";
import { StatusReply } from "../protocol";
import type { Reply } from "../protocol";
import { Stream } from "../stream";
import { createConsumer, createGroup, deleteConsumer, dropNack, INVALID_READ, lookupConsumer, lookupGroup, sortedConsumers } from "../stream-groups";
import type { Group } from "../stream-groups";
import { idBytes, looseId, rangeBound, strictId } from "../stream-id";
import type { StreamId } from "../stream-id";
import { int64, streamAt } from "./stream-args";
import { notify, NOTIFY_STREAM } from "../notify";

const OK = new StatusReply("OK");

/** addReplySubcommandSyntaxError. */
export function subcommandSyntax(ctx: Ctx): never {
  const sub = ctx.argv[1]!.toString("latin1").slice(0, 128);
  fail(`ERR unknown subcommand or wrong number of arguments for '${sub}'. Try ${ctx.argv[0]!.toString("latin1").toUpperCase()} HELP.`);
}

/** An error text with a name in it, newlines flattened as Redis does. */
export function named(message: string): string {
  return message.replace(/[\r\n]/g, " ");
}

/** addReplyHelp: the header line, `lines`, and HELP. */
export function help(name: string, lines: readonly string[]): Reply {
  return [`${name} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...lines, "HELP", "    Prints this help."].map((l) => new StatusReply(l));
}

const XGROUP_HELP = [
  "CREATE <key> <groupname> <id|$> [option]",
  "    Create a new consumer group. Options are:",
  "    * MKSTREAM",
  "      Create the empty stream if it does not exist.",
  "    * ENTRIESREAD entries_read",
  "      Set the group's entries_read counter (internal use).",
  "CREATECONSUMER <key> <groupname> <consumer>",
  "    Create a new consumer in the specified group.",
  "DELCONSUMER <key> <groupname> <consumer>",
  "    Remove the specified consumer.",
  "DESTROY <key> <groupname>",
  "    Remove the specified group.",
  "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
  "    Set the current group ID and entries_read counter.",
];

function xgroup(ctx: Ctx): Reply {
  const argv = ctx.argv;
  const opt = lower(argv[1]!);
  const key = argv.length >= 3 ? keyAt(ctx, 2) : "";
  let mkstream = false;
  let entriesRead = INVALID_READ;
  let s: Stream | undefined;
  let group: Group | undefined;
  let name = "";
  if (argv.length >= 4) {
    for (let i = 5; i < argv.length; ) {
      if (opt === "create" && is(argv[i], "mkstream")) {
        mkstream = true;
        i++;
      } else if ((opt === "create" || opt === "setid") && is(argv[i], "entriesread") && i + 1 < argv.length) {
        entriesRead = int64(argv[i + 1]);
        if (entriesRead < 0n && entriesRead !== INVALID_READ) fail("ERR value for ENTRIESREAD must be positive or -1");
        i += 2;
      } else subcommandSyntax(ctx);
    }
    s = ctx.db.get(key, "stream");
    name = keyAt(ctx, 3);
  }
  if (argv.length >= 4 && !mkstream) {
    if (!s) fail("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.");
    group = lookupGroup(s, name);
    if (!group && (opt === "setid" || opt === "createconsumer" || opt === "delconsumer")) {
      fail(named(`NOGROUP No such consumer group '${name}' for key name '${key}'`));
    }
  }
  const now = ctx.engine.now();
  if (opt === "help" && argv.length === 2) return help("XGROUP", XGROUP_HELP);
  if (opt === "create" && argv.length >= 5 && argv.length <= 8) {
    const id = argv[4]!.equals(Buffer.from("$")) ? (s?.lastId ?? 0n) : strictId(argv[4]);
    if (!s) {
      s = ctx.db.getOrCreate(key, "stream", () => new Stream());
      ctx.db.touch(key);
    }
    if (!createGroup(s, name, id, entriesRead)) fail("BUSYGROUP Consumer Group name already exists");
    notify(ctx, NOTIFY_STREAM, "xgroup-create", key);
    return OK;
  }
  if (opt === "setid" && (argv.length === 5 || argv.length === 7)) {
    group!.lastId = argv[4]!.equals(Buffer.from("$")) ? s!.lastId : looseId(argv[4]);
    group!.entriesRead = entriesRead;
    notify(ctx, NOTIFY_STREAM, "xgroup-setid", key);
    return OK;
  }
  if (opt === "destroy" && argv.length === 4) {
    if (!group) return 0;
    s!.groups!.delete(name);
    notify(ctx, NOTIFY_STREAM, "xgroup-destroy", key);
    ctx.db.ready(key);
    return 1;
  }
  if (opt === "createconsumer" && argv.length === 5) return createConsumer(group!, keyAt(ctx, 4), now, { db: ctx.db, key }) ? 1 : 0;
  if (opt === "delconsumer" && argv.length === 5) {
    const consumer = lookupConsumer(group!, keyAt(ctx, 4), now, false);
    if (!consumer) return 0;
    const pending = consumer.pel.size;
    deleteConsumer(group!, consumer);
    notify(ctx, NOTIFY_STREAM, "xgroup-delconsumer", key);
    return pending;
  }
  subcommandSyntax(ctx);
}

function xack(ctx: Ctx): Reply {
  const s = streamAt(ctx);
  const group = s && lookupGroup(s, keyAt(ctx, 2));
  if (!group) return 0;
  const ids: StreamId[] = [];
  for (let j = 3; j < ctx.argv.length; j++) ids.push(strictId(ctx.argv[j]));
  let acked = 0;
  for (const id of ids) {
    const nack = group.pel.get(id);
    if (!nack) continue;
    dropNack(group, id, nack);
    acked++;
  }
  return acked;
}

function xpending(ctx: Ctx): Reply {
  const argv = ctx.argv;
  const argc = argv.length;
  if (argc !== 3 && (argc < 6 || argc > 9)) fail(SYNTAX);
  let minIdle = 0n;
  let count = 0n;
  let start = 0n;
  let end = 0n;
  let consumerName: string | undefined;
  if (argc >= 6) {
    let startIdx = 3;
    if (is(argv[3], "idle")) {
      minIdle = int64(argv[4]);
      if (argc < 8) fail(SYNTAX);
      startIdx += 2;
    }
    count = int64(argv[startIdx + 2]);
    if (count < 0n) count = 0n;
    start = rangeBound(argv[startIdx]!, true);
    end = rangeBound(argv[startIdx + 1]!, false);
    if (startIdx + 3 < argc) consumerName = keyAt(ctx, startIdx + 3);
  }
  const s = streamAt(ctx);
  const group = s && lookupGroup(s, keyAt(ctx, 2));
  if (!group) fail(named(`NOGROUP No such key '${keyAt(ctx, 1)}' or consumer group '${keyAt(ctx, 2)}'`));
  if (argc === 3) {
    if (group.pel.size === 0) return [0, null, null, null];
    const consumers = sortedConsumers(group)
      .filter((c) => c.pel.size > 0)
      .map((c) => [bytes(c.name), Buffer.from(String(c.pel.size))]);
    return [group.pel.size, idBytes(group.pel.first()!), idBytes(group.pel.last()!), consumers];
  }
  let pel = group.pel;
  if (consumerName !== undefined) {
    const consumer = lookupConsumer(group, consumerName, 0, false);
    if (!consumer) return [];
    pel = consumer.pel;
  }
  const now = ctx.engine.now();
  const out: Reply[] = [];
  for (const [id, nack] of pel.from(start)) {
    if (count === 0n || id > end) break;
    const idle = now - nack.deliveryTime;
    if (minIdle !== 0n && BigInt(idle) < minIdle) continue;
    count--;
    out.push([idBytes(id), bytes(nack.consumer!.name), Math.max(0, idle), Number(nack.deliveryCount)]);
  }
  return out;
}

const groupSub = (name: string, arity: number) => command(`xgroup|${name}`, arity, xgroup);

export const streamGroupCommands = [
  command("xgroup", -2, () => null, {
    subcommands: [groupSub("create", -5), groupSub("setid", -5), groupSub("destroy", 4), groupSub("createconsumer", 5), groupSub("delconsumer", 5), groupSub("help", 2)],
  }),
  command("xack", -4, xack),
  command("xpending", -3, xpending),
];
