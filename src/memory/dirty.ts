/**
 * Redis's server.dirty (INFO persistence `rdb_changes_since_last_save`) for the commands whose
 * count is not one per key they changed. The engine counts one per keyspace change (each
 * Keyspace.touch, Redis's signalModifiedKey), then a command named here replaces its count by
 * Redis's: SADD, SREM, HDEL, ZREM, ZREMRANGEBY*, XACK, XDEL, XGROUP DESTROY count what their
 * integer reply counts; HSET/HMSET the pairs given; LPUSH/RPUSH(X) the elements; LPOP/RPOP the
 * elements popped (LMPOP too); RENAME(NX), MOVE, LMOVE, RPOPLPUSH (and their blocking forms,
 * when served at once) and SWAPDB, XGROUP CREATE one. FLUSHDB/FLUSHALL count their keys
 * (commands/keys.ts), BITFIELD its changed fields, ZADD its members added or updated (zsets.ts). Commands that still count otherwise than
 * Redis are listed in the README (INFO persistence).
 */
import { ErrorReply } from "./protocol";
import type { Reply } from "./protocol";

/** Redis's count from the arguments and the reply; `touched`: the keyspace changes the engine counted. */
type Rule = (argv: readonly Buffer[], reply: Reply, touched: number) => number;

const counted: Rule = (_argv, reply) => (typeof reply === "number" ? reply : 0);
const one: Rule = (_argv, _reply, touched) => (touched > 0 ? 1 : 0);
const pushed: Rule = (argv, _reply, touched) => (touched > 0 ? argv.length - 2 : 0);

const RULES = new Map<string, Rule>([
  ...["sadd", "srem", "hdel", "zrem", "zremrangebyscore", "zremrangebyrank", "zremrangebylex", "xack", "xdel", "xgroup|destroy"].map((n) => [n, counted] as const),
  ["hset", (argv, _reply, touched) => (touched > 0 ? (argv.length - 2) / 2 : 0)],
  ["hmset", (argv, _reply, touched) => (touched > 0 ? (argv.length - 2) / 2 : 0)],
  ...["lpush", "rpush", "lpushx", "rpushx"].map((n) => [n, pushed] as const),
  ...["lpop", "rpop"].map((n) => [n, ((_argv, reply, touched) => (Array.isArray(reply) ? reply.length : touched > 0 ? 1 : 0)) as Rule] as const),
  ...["rename", "renamenx", "move", "lmove", "rpoplpush", "blmove", "brpoplpush"].map((n) => [n, one] as const),
  // LMPOP/BLMPOP: [key, elements] → the elements popped.
  ...["lmpop", "blmpop"].map((n) => [n, ((_argv, reply) => (Array.isArray(reply) && Array.isArray(reply[1]) ? (reply[1] as readonly Reply[]).length : 0)) as Rule] as const),
  // Redis counts these on success although they signal no key.
  ["swapdb", () => 1],
  ["xgroup|create", () => 1],
]);

let lastName = "";
let lastRule: Rule | undefined;

/** The dirty count of one command that ran: Redis's where a rule says so, else the engine's `touched`. */
export function redisDirty(name: string, argv: readonly Buffer[], reply: Reply, touched: number): number {
  // A pipelined burst repeats one command: its rule without a map lookup.
  if (name !== lastName) {
    lastName = name;
    lastRule = RULES.get(name);
  }
  const rule = lastRule;
  return rule === undefined || reply instanceof ErrorReply ? touched : rule(argv, reply, touched);
}
