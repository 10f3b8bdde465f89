/**
 * Issue 17, introspection that clients and test harnesses rely on, against a private
 * redis-server 7.0 (its counters are server-wide, so no other suite may share it): INFO
 * clients `blocked_clients` and CLIENT LIST's `flags=` (b blocked, x MULTI, P pub/sub),
 * `multi=` and `cmd=` for clients in BLPOP, BZPOPMIN, BLMOVE, XREAD BLOCK, MULTI and
 * SUBSCRIBE; INFO stats `total_error_replies` and INFO errorstats after the same commands.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../src/memory/create-engine";
import type { Engine } from "../../src/memory/engine";
import { startServer, type RunningServer } from "../../src/memory/resp";
import { RawConnection, tokens, type RawTarget } from "../support/raw-resp";
import { hasRedisServer, startStandalone } from "../support/servers";

type Side = "redis" | "serve";
const SIDES: Side[] = ["redis", "serve"];

/** The fields of CLIENT LIST that must agree, one line per client, sorted (`redir=` to the observer written `redir=observer`). */
function clientFields(list: string, observer: string): string[] {
  return list
    .split("\n")
    .filter((l) => l.startsWith("id="))
    .map((l) =>
      ["flags", "db", "sub", "psub", "multi", "cmd", "redir"]
        .map((f) => new RegExp(`(?:^| )(${f}=[^ ]*)`).exec(l)?.[1])
        .join(" ")
        .replace(`redir=${observer}`, "redir=observer"),
    )
    .sort();
}

/** One field of an INFO text. */
const infoField = (info: string, field: string) => new RegExp(`^${field}:(.*)$`, "m").exec(info.replace(/\r/g, ""))?.[1];

describe.skipIf(!hasRedisServer())("INFO / CLIENT LIST introspection, serve vs a private redis-server (skipped without redis-server)", () => {
  let redis: Awaited<ReturnType<typeof startStandalone>>;
  let engine: Engine;
  let server: RunningServer;
  const targets = {} as Record<Side, RawTarget>;
  const open: RawConnection[] = [];
  beforeAll(async () => {
    redis = await startStandalone();
    engine = createEngine();
    server = await startServer({ port: 0, dispatcher: engine, createSession: () => engine.createSession(), closeSession: (s) => engine.closeSession(s), log: () => undefined });
    targets.redis = { port: redis.port }; // TCP, as serve (a unix-socket client has flag U)
    targets.serve = { port: server.port };
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await server?.close();
    engine?.close();
    await redis?.stop();
  });

  const connect = (side: Side): RawConnection => {
    const c = new RawConnection(targets[side]);
    open.push(c);
    return c;
  };
  /** The bulk payload of a single-bulk reply stream. */
  const bulk = async (c: RawConnection, command: string[]) => tokens(await c.exchange([command]))[1] ?? "";

  it("blocked_clients, tracking_clients and CLIENT LIST flags/multi/cmd/redir for blocked, MULTI, subscribed, tracking and dirty-WATCH clients", async () => {
    const seen = {} as Record<Side, unknown>;
    for (const side of SIDES) {
      const observer = connect(side);
      await observer.exchange([["FLUSHALL"]]);
      const observerId = tokens(await observer.exchange([["CLIENT", "ID"]]))[0]!.slice(1);
      const waiting = [
        ["BLPOP", "in:l", "5"],
        ["BZPOPMIN", "in:z", "5"],
        ["BLMOVE", "in:l2", "in:l3", "LEFT", "RIGHT", "5"],
        ["XREAD", "BLOCK", "5000", "STREAMS", "in:s", "$"],
        ["BRPOP", "in:gone", "0.1"],
      ].map((command) => {
        const c = connect(side);
        c.send([command]);
        return c;
      });
      const multi = connect(side);
      await multi.exchange([["MULTI"], ["SET", "in:k", "v"], ["CLIENT", "ID"]]);
      const subscriber = connect(side);
      await subscriber.exchange([["SUBSCRIBE", "in:c"], ["PSUBSCRIBE", "in:*"]]);
      await connect(side).exchange([["CLIENT", "TRACKING", "on", "BCAST"]]);
      await connect(side).exchange([["CLIENT", "TRACKING", "on", "REDIRECT", observerId]]);
      await connect(side).exchange([["WATCH", "in:w"]]);
      await observer.exchange([["SET", "in:w", "1"]]); // the watcher is now dirty (flag d)
      await new Promise((r) => setTimeout(r, 400)); // BRPOP's 0.1 s timeout has passed
      const clients = await bulk(observer, ["INFO", "clients"]);
      const blocked = infoField(clients, "blocked_clients");
      const tracking = infoField(clients, "tracking_clients");
      const list = clientFields(await bulk(observer, ["CLIENT", "LIST"]), observerId);
      // Serve them all: nobody is blocked any more.
      await observer.exchange([["LPUSH", "in:l", "a"], ["ZADD", "in:z", "1", "m"], ["LPUSH", "in:l2", "b"], ["XADD", "in:s", "1-1", "f", "v"]]);
      const replies = await Promise.all(waiting.map(async (c) => tokens(await c.read())));
      const after = infoField(await bulk(observer, ["INFO", "clients"]), "blocked_clients");
      seen[side] = { blocked, tracking, list, replies, after, afterList: clientFields(await bulk(observer, ["CLIENT", "LIST"]), observerId) };
    }
    expect(seen.serve).toEqual(seen.redis);
    expect((seen.serve as { blocked: string }).blocked).toBe("4");
  });

  it("INFO stats total_error_replies and INFO errorstats count the same error replies", async () => {
    const seen = {} as Record<Side, unknown>;
    for (const side of SIDES) {
      const c = connect(side);
      await c.exchange([["FLUSHALL"], ["CONFIG", "RESETSTAT"]]);
      const stream = await c.exchange([
        ["SET", "e:s", "1"],
        ["LPUSH", "e:s", "x"],
        ["NOSUCHCOMMAND"],
        ["GET"],
        ["MULTI"],
        ["INCR", "e:s"],
        ["LPUSH", "e:s", "x"],
        ["EXEC"],
        ["MULTI"],
        ["PUBLISH", "e:c"],
        ["EXEC"],
        ["EVAL", "return redis.call('lpush', KEYS[1], 'x')", "1", "e:s"],
        ["EVAL", "return {err='MYERR custom'}", "0"],
        ["EVALSHA", "0123456789012345678901234567890123456789", "0"],
        ["OBJECT", "NOSUCHSUB"],
        ["INCRBYFLOAT", "e:s", "x"],
        ["SUBSCRIBE", "e:c"],
        ["GET", "e:s"],
      ]);
      const errors = tokens(stream).filter((t) => t.startsWith("-")).length;
      const reader = connect(side);
      const stats = infoField(await bulk(reader, ["INFO", "stats"]), "total_error_replies");
      const errorstats = await bulk(reader, ["INFO", "errorstats"]);
      await reader.exchange([["CONFIG", "RESETSTAT"]]);
      const reset = await bulk(reader, ["INFO", "errorstats"]);
      seen[side] = { errors, stats, errorstats, reset };
    }
    expect(seen.serve).toEqual(seen.redis);
    expect((seen.serve as { stats: string }).stats).toBe("12");
  });
});
