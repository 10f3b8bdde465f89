/** XINFO STREAM [FULL [COUNT n]] | GROUPS | CONSUMERS | HELP (t_stream.c, Redis 7.0): maps in RESP3, flat arrays in RESP2. */
import { Buffer } from "node:buffer";
import { bytes, is, lower } from "../bytes";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { fail } from "../errors";
import { MapReply } from "../protocol";
import type { Reply } from "../protocol";
import type { Stream } from "../stream";
import { groupLag, INVALID_READ, lookupGroup, sortedConsumers } from "../stream-groups";
import type { Group } from "../stream-groups";
import { idBytes, MAX_ID } from "../stream-id";
import { entryReply, int64 } from "./stream-args";
import { help, named, subcommandSyntax } from "./stream-groups";

const XINFO_HELP = [
  "CONSUMERS <key> <groupname>",
  "    Show consumers of <groupname>.",
  "GROUPS <key>",
  "    Show the stream consumer groups.",
  "STREAM <key> [FULL [COUNT <count>]",
  "    Show information about the stream.",
];

function map(pairs: Array<[string, Reply]>): MapReply {
  return new MapReply(pairs.map(([k, v]) => [Buffer.from(k), v]));
}

function big(n: bigint): number {
  return Number(n);
}

function lagReply(s: Stream, g: Group): Reply {
  const lag = groupLag(s, g);
  return lag === null ? null : big(lag);
}

function header(s: Stream): Array<[string, Reply]> {
  return [
    ["length", s.length],
    ["radix-tree-keys", s.nodeCount],
    ["radix-tree-nodes", s.raxNodes()],
    ["last-generated-id", idBytes(s.lastId)],
    ["max-deleted-entry-id", idBytes(s.maxDeletedId)],
    ["entries-added", big(s.entriesAdded)],
    ["recorded-first-entry-id", idBytes(s.firstId)],
  ];
}

function streamInfo(ctx: Ctx, s: Stream): Reply {
  const opts = ctx.argv.slice(3);
  if (opts.length === 0) {
    const first = s.range(0n, MAX_ID).next();
    const last = s.range(0n, MAX_ID, true).next();
    return map([
      ...header(s),
      ["groups", s.groups?.size ?? 0],
      ["first-entry", first.done ? null : entryReply(first.value)],
      ["last-entry", last.done ? null : entryReply(last.value)],
    ]);
  }
  if ((opts.length !== 1 && opts.length !== 3) || !is(opts[0], "full")) subcommandSyntax(ctx);
  let count = 10n;
  if (opts.length === 3) {
    if (!is(opts[1], "count")) subcommandSyntax(ctx);
    count = int64(opts[2]);
    if (count < 0n) count = 10n;
  }
  const limit = (n: number) => count === 0n || BigInt(n) < count;
  const entries: Reply[] = [];
  for (const e of s.range(0n, MAX_ID)) {
    if (!limit(entries.length)) break;
    entries.push(entryReply(e));
  }
  const groups = s.sortedGroups().map((g) => {
    const pending: Reply[] = [];
    for (const [id, nack] of g.pel.entries()) {
      if (!limit(pending.length)) break;
      pending.push([idBytes(id), bytes(nack.consumer!.name), nack.deliveryTime, big(nack.deliveryCount)]);
    }
    const consumers = sortedConsumers(g).map((c) => {
      const own: Reply[] = [];
      for (const [id, nack] of c.pel.entries()) {
        if (!limit(own.length)) break;
        own.push([idBytes(id), nack.deliveryTime, big(nack.deliveryCount)]);
      }
      return map([["name", bytes(c.name)], ["seen-time", c.seenTime], ["pel-count", c.pel.size], ["pending", own]]);
    });
    return map([
      ["name", bytes(g.name)],
      ["last-delivered-id", idBytes(g.lastId)],
      ["entries-read", g.entriesRead === INVALID_READ ? null : big(g.entriesRead)],
      ["lag", lagReply(s, g)],
      ["pel-count", g.pel.size],
      ["pending", pending],
      ["consumers", consumers],
    ]);
  });
  return map([...header(s), ["entries", entries], ["groups", groups]]);
}

function xinfo(ctx: Ctx): Reply {
  const sub = lower(ctx.argv[1]!);
  if (sub === "help") return help("XINFO", XINFO_HELP);
  const key = keyAt(ctx, 2);
  const s = ctx.db.get(key, "stream");
  if (!s) fail("ERR no such key");
  if (sub === "consumers") {
    const g = lookupGroup(s, keyAt(ctx, 3));
    if (!g) fail(named(`NOGROUP No such consumer group '${keyAt(ctx, 3)}' for key name '${key}'`));
    const now = ctx.engine.now();
    return sortedConsumers(g).map((c) => map([["name", bytes(c.name)], ["pending", c.pel.size], ["idle", Math.max(0, now - c.seenTime)]]));
  }
  if (sub === "groups") {
    return s.sortedGroups().map((g) =>
      map([
        ["name", bytes(g.name)],
        ["consumers", g.consumers.size],
        ["pending", g.pel.size],
        ["last-delivered-id", idBytes(g.lastId)],
        ["entries-read", g.entriesRead === INVALID_READ ? null : big(g.entriesRead)],
        ["lag", lagReply(s, g)],
      ]),
    );
  }
  return streamInfo(ctx, s);
}

export const streamInfoCommands = [
  command("xinfo", -2, () => null, {
    subcommands: [command("xinfo|stream", -3, xinfo), command("xinfo|groups", 3, xinfo), command("xinfo|consumers", 4, xinfo), command("xinfo|help", 2, xinfo)],
  }),
];
