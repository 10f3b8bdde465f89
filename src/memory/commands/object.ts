/**
 * OBJECT ENCODING | REFCOUNT | IDLETIME | FREQ | HELP, as redis-server 7.0 answers them (see
 * encoding.ts for ENCODING and REFCOUNT). IDLETIME is the seconds since a command last read or
 * wrote the key (OBJECT itself does not count, as Redis's LOOKUP_NOTOUCH), on a clock refreshed
 * every 100 ms. FREQ needs an LFU policy, which the engine does not have: Redis's error.
 */
import { Buffer } from "node:buffer";
import type { Ctx } from "../command";
import { command, keyAt } from "../command";
import { encodingOf, refcountOf } from "../encoding";
import { fail } from "../errors";
import { StatusReply } from "../protocol";
import type { Reply } from "../protocol";
import type { Value } from "../values";

const HELP = [
  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
  "HELP",
  "    Prints this help.",
];

function withValue(answer: (value: Value, ctx: Ctx) => Reply) {
  return (ctx: Ctx): Reply => {
    const value = ctx.db.peek(keyAt(ctx, 2));
    return value === undefined ? null : answer(value, ctx);
  };
}

const lruPolicy = (ctx: Ctx) => ctx.engine.memory.policy.endsWith("-lru");

export const objectCommand = command("object", -2, () => null, {
  subcommands: [
    command("object|encoding", 3, withValue((v) => Buffer.from(encodingOf(v)))),
    command("object|refcount", 3, withValue((v, ctx) => refcountOf(v, ctx.engine.memory.limit > 0 && lruPolicy(ctx)))),
    command(
      "object|idletime",
      3,
      withValue((v, ctx) => Math.max(0, Math.floor((ctx.db.accessClock - (v.at ?? ctx.db.accessClock)) / 1000))),
    ),
    command(
      "object|freq",
      3,
      withValue(() =>
        fail(
          "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
        ),
      ),
    ),
    command("object|help", 2, () => HELP.map((line) => new StatusReply(line))),
  ],
});
