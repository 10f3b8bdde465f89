/** Connection and server commands: PING, ECHO, TIME, INFO, HELLO-less basics, QUIT, CLIENT (client.ts). */
import type { Ctx } from "../command";
import { command } from "../command";
import { fail, WRONG_ARITY } from "../errors";
import { StatusReply } from "../protocol";
import type { Reply } from "../protocol";
import { clientCommand } from "./client";

function info(ctx: Ctx): Reply {
  const lines = ["# Server", "redis_version:7.0.15", "redis_mode:standalone", "narwhal_engine:memory", "", "# Keyspace"];
  for (const db of ctx.engine.dbs) {
    if (db.size() > 0) lines.push(`db${db.index}:keys=${db.size()},expires=${db.expires.size},avg_ttl=0`);
  }
  return Buffer.from(`${lines.join("\r\n")}\r\n`);
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
