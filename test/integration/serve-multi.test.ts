/**
 * Issue 17 point 9: the commands `narwhal serve` answers itself (PUBLISH, CLIENT, INFO,
 * HELLO, AUTH, COMMAND, (P)SUBSCRIBE, (P)UNSUBSCRIBE, PUBSUB, PING) inside MULTI are queued
 * and run at EXEC, or refused at queue time (EXECABORT), and RESET / QUIT / WATCH act at once,
 * exactly as redis-server 7.0: the same commands are sent on a raw socket to both servers and
 * the full reply streams compared token by token (only client ids, INFO text and CLIENT
 * LIST/INFO lines are normalized: they differ between any two servers).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXACT_DB, openPrivateSides, type ExactSides } from "../support/engine-vs-redis";
import { RawConnection, tokens, type RawTarget } from "../support/raw-resp";
import { hasRedisServer } from "../support/servers";

const why = hasRedisServer() ? undefined : "no redis-server on PATH (the suite starts its own)";
const DB = String(EXACT_DB);

/** What differs between two servers whatever they run: ids, INFO text, CLIENT LIST/INFO lines. */
function normalize(stream: string): string[] {
  const t = tokens(stream);
  return t.map((tok, i) => {
    if (t[i - 1] === "id" && /^:\d+$/.test(tok)) return ":<id>";
    if (tok.startsWith("# ")) return "<info>";
    if (tok.startsWith("id=")) return "<client line>";
    if (/^\$\d+$/.test(tok) && (t[i + 1]?.startsWith("# ") || t[i + 1]?.startsWith("id="))) return "$<n>";
    return tok;
  });
}

describe.skipIf(why !== undefined)(`MULTI with connection commands, serve vs redis-server${why ? `: not run, ${why}` : ""}`, () => {
  let sides: ExactSides & { readonly socket: string };
  let targets: Record<"redis" | "serve", RawTarget>;
  const open: RawConnection[] = [];
  beforeAll(async () => {
    // A private server: the suite must not share DB 13 (flushed by openSides) with the suites beside it.
    sides = await openPrivateSides();
    targets = { redis: { path: sides.socket }, serve: { port: sides.server.port } };
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await sides?.close();
  });

  const connection = (side: "redis" | "serve"): RawConnection => {
    const c = new RawConnection(targets[side]);
    open.push(c);
    return c;
  };

  /** Runs `commands` on a fresh connection (DB 13) of each server; returns both normalized reply streams. */
  async function both(commands: string[][], prelude: string[][] = []): Promise<Record<"redis" | "serve", string[]>> {
    const out = {} as Record<"redis" | "serve", string[]>;
    for (const side of ["redis", "serve"] as const) {
      const c = connection(side);
      await c.exchange([["SELECT", DB], ...prelude]);
      out[side] = normalize(await c.exchange(commands));
      c.close();
    }
    return out;
  }

  const cases: Array<[string, string[][], string[][]?]> = [
    ["PUBLISH, CLIENT, PUBSUB, INFO queued between data commands", [["MULTI"], ["SET", "sm:k", "1"], ["PUBLISH", "sm:none", "m"], ["CLIENT", "SETNAME", "sm-x"], ["CLIENT", "GETNAME"], ["PUBSUB", "NUMSUB", "sm:none"], ["INFO", "server"], ["INCR", "sm:k"], ["CLIENT", "INFO"], ["EXEC"], ["CLIENT", "GETNAME"]]],
    ["SUBSCRIBE of two channels: two frames for one item, then subscribed mode", [["MULTI"], ["SUBSCRIBE", "sm:a", "sm:b"], ["SET", "sm:k", "v"], ["EXEC"], ["PING"], ["UNSUBSCRIBE", "sm:a", "sm:b"]]], // named: without arguments Redis goes in hash-table order
    ["PSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE", [["MULTI"], ["PSUBSCRIBE", "sm:*"], ["UNSUBSCRIBE", "sm:x"], ["PUNSUBSCRIBE"], ["EXEC"], ["PING"]]],
    ["(P)UNSUBSCRIBE without subscriptions", [["MULTI"], ["UNSUBSCRIBE"], ["PUNSUBSCRIBE"], ["EXEC"]]],
    ["HELLO 3 switches the protocol of the items after it", [["MULTI"], ["HELLO", "3"], ["HSET", "sm:h", "f", "v"], ["HGETALL", "sm:h"], ["SET", "sm:d", "1.5"], ["INCRBYFLOAT", "sm:d", "1"], ["ZADD", "sm:z", "1.5", "m"], ["ZSCORE", "sm:z", "m"], ["GET", "sm:none"], ["EXEC"]]],
    ["HELLO 2 inside MULTI of a subscribed RESP3 client", [["MULTI"], ["SUBSCRIBE", "sm:a"], ["HELLO", "2"], ["PING"], ["EXEC"], ["PING"]], [["HELLO", "3"]]],
    ["HELLO errors and PING arity are EXEC-time errors", [["MULTI"], ["HELLO", "4"], ["HELLO", "3", "SETNAME", "x y"], ["PING", "a", "b"], ["PING"], ["EXEC"]]],
    // COMMAND COUNT is not compared: serve counts the commands it has, fewer than Redis.
    ["AUTH and COMMAND GETKEYS queued", [["MULTI"], ["AUTH", "x"], ["COMMAND", "GETKEYS", "GET", "k"], ["ECHO", "e"], ["SELECT", DB], ["EXEC"]]],
    ["RESET runs at once", [["MULTI"], ["SET", "sm:k", "v"], ["RESET"], ["EXEC"], ["GET", "sm:k"]]],
    ["WATCH inside MULTI is refused without aborting", [["MULTI"], ["WATCH", "sm:k"], ["SET", "sm:k", "w"], ["EXEC"]]],
    ["QUIT runs at once", [["MULTI"], ["QUIT"], ["EXEC"]]],
    ["PUBLISH arity: EXECABORT", [["MULTI"], ["PUBLISH", "sm:c"], ["SET", "sm:k", "v"], ["EXEC"], ["EXISTS", "sm:k"]]],
    ["PUBSUB unknown subcommand and arities: EXECABORT", [["MULTI"], ["PUBSUB", "FOO"], ["PUBSUB"], ["PUBSUB", "NUMPAT", "x"], ["EXEC"]]],
    ["CLIENT unknown subcommand and arities: EXECABORT", [["MULTI"], ["CLIENT", "FOO"], ["CLIENT"], ["CLIENT", "SETNAME"], ["EXEC"]]],
    ["SUBSCRIBE without channels: EXECABORT", [["MULTI"], ["SUBSCRIBE"], ["PSUBSCRIBE"], ["EXEC"]]],
    ["DISCARD drops queued connection commands", [["MULTI"], ["SUBSCRIBE", "sm:a"], ["CLIENT", "SETNAME", "sm-d"], ["DISCARD"], ["CLIENT", "GETNAME"], ["PING"]]],
  ];

  for (const [title, commands, prelude] of cases) {
    it(title, async () => {
      const { redis, serve } = await both(commands, prelude);
      expect(serve).toEqual(redis);
    });
  }

  it("a queued PUBLISH reaches subscribers at EXEC, with its receiver count in EXEC's array", async () => {
    const seen: Record<string, { publisher: string[]; subscriber: string[] }> = {};
    for (const side of ["redis", "serve"] as const) {
      const sub = connection(side);
      await sub.exchange([["SUBSCRIBE", "sm:chan"]]);
      const pub = connection(side);
      await pub.exchange([["SELECT", DB]]);
      const publisher = normalize(await pub.exchange([["MULTI"], ["PUBLISH", "sm:chan", "one"], ["PUBSUB", "NUMSUB", "sm:chan"], ["PUBLISH", "sm:chan", "two"], ["EXEC"]]));
      seen[side] = { publisher, subscriber: tokens(await sub.read()) };
    }
    expect(seen.serve).toEqual(seen.redis);
    expect(seen.serve!.subscriber).toContain("two");
  });

  it("a client blocked in BLPOP is served after EXEC, not by a push before a queued INFO", async () => {
    const seen: Record<string, string[]> = {};
    for (const side of ["redis", "serve"] as const) {
      const blocked = connection(side);
      await blocked.exchange([["SELECT", DB], ["DEL", "sm:list"]]);
      blocked.send([["BLPOP", "sm:list", "5"]]);
      await new Promise((r) => setTimeout(r, 100));
      const writer = connection(side);
      await writer.exchange([["SELECT", DB]]);
      const exec = normalize(await writer.exchange([["MULTI"], ["LPUSH", "sm:list", "a"], ["INFO", "keyspace"], ["LPUSH", "sm:list", "b"], ["EXEC"]]));
      seen[side] = [...exec, ...tokens(await blocked.read())];
    }
    expect(seen.serve).toEqual(seen.redis);
    expect(seen.serve).toContain("b");
  });
});
