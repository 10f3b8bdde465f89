/** Connection and server commands: PING, ECHO, TIME, INFO, HELLO-less basics, QUIT, CLIENT (client.ts). */
import { Buffer } from "node:buffer";
import type { Ctx } from "../command";
import { command } from "../command";
import { fail, WRONG_ARITY } from "../errors";
import { StatusReply } from "../protocol";
import type { Reply } from "../protocol";
import { clientCommand } from "./client";

function info(ctx: Ctx): Reply {
  const wanted = ctx.argv.slice(1).map((a) => a.toString("latin1").toLowerCase());
  const want = (s: string) => wanted.length === 0 || wanted.some((w) => w === s || w === "all" || w === "default" || w === "everything");
  const sections: string[][] = [];
  if (want("server")) sections.push(["# Server", "redis_version:7.0.15", "redis_mode:standalone", "narwhal_engine:memory"]);
  if (want("memory")) sections.push(memorySection(ctx));
  // No RDB or AOF: nothing loads or saves, so every change since the start is unsaved.
  if (want("persistence")) sections.push(["# Persistence", "loading:0", "async_loading:0", `rdb_changes_since_last_save:${ctx.engine.dirty}`, "rdb_bgsave_in_progress:0", "aof_enabled:0", "aof_rewrite_in_progress:0"]);
  if (want("stats")) {
    const t = ctx.engine.tracking.counts();
    sections.push(["# Stats", `evicted_keys:${ctx.engine.memory.evictedKeys}`, `tracking_total_keys:${t.keys}`, `tracking_total_items:${t.items}`, `tracking_total_prefixes:${t.prefixes}`]);
  }
  if (want("keyspace")) {
    const lines = ["# Keyspace"];
    for (const db of ctx.engine.dbs) {
      if (db.size() > 0) lines.push(`db${db.index}:keys=${db.size()},expires=${db.expires.size},avg_ttl=0`);
    }
    sections.push(lines);
  }
  // Not in INFO's default sections, as in Redis: only when asked for (or `all`/`everything`).
  if (wanted.some((w) => w === "commandstats" || w === "all" || w === "everything")) sections.push([ctx.engine.commandStats.section()]);
  return Buffer.from(sections.map((lines) => `${lines.join("\r\n")}\r\n`).join("\r\n"));
}

/** INFO memory: the engine's estimate of its data (memory-size.ts), the limit and the policy. */
function memorySection(ctx: Ctx): string[] {
  const memory = ctx.engine.memory;
  const used = memory.used();
  const human = (n: number) => `${(n / 1048576).toFixed(2)}M`;
  const libraries = ctx.engine.scripting?.functions?.libraries() ?? [];
  return [
    "# Memory",
    `used_memory:${used}`,
    `used_memory_human:${human(used)}`,
    `used_memory_rss:${process.memoryUsage.rss()}`,
    `maxmemory:${memory.limit}`,
    // What Redis leaves out of the eviction count (replica output buffers, the AOF buffer): the engine has neither.
    "mem_not_counted_for_evict:0",
    `maxmemory_human:${human(memory.limit)}`,
    `maxmemory_policy:${memory.policy}`,
    "mem_allocator:v8",
    `number_of_cached_scripts:${ctx.engine.scripting?.cachedScripts?.() ?? 0}`,
    `number_of_functions:${libraries.reduce((n, lib) => n + lib.functions.length, 0)}`,
    `number_of_libraries:${libraries.length}`,
    // UNLINK and FLUSHDB/FLUSHALL ASYNC free at once (no background thread): nothing is ever pending.
    "lazyfree_pending_objects:0",
  ];
}

export const serverCommands = [
  command("ping", -1, (ctx) => {
    if (ctx.argv.length > 2) fail(WRONG_ARITY("ping"));
    return ctx.argv.length === 2 ? ctx.argv[1]! : new StatusReply("PONG");
  }),
  command("echo", 2, (ctx) => ctx.argv[1]!),
  command("time", 1, (ctx) => {
    // Seconds and microseconds from ONE reading of the engine's clock (two clocks made the
    // pair jump ±1 s around each second boundary).
    const us = Math.floor(ctx.engine.now() * 1000);
    return [Buffer.from(String(Math.floor(us / 1_000_000))), Buffer.from(String(us % 1_000_000))];
  }),
  command("info", -1, info),
  command("quit", -1, () => new StatusReply("OK")),
  clientCommand,
];
