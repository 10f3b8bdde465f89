/**
 * CLIENT TRACKING on the embedded engine, held to redis-server 7.0: the same scenarios run on
 * a private redis-server (FLUSHALL is part of them, so never the shared test servers), on
 * `narwhal serve` (the engine over RESP, ioredis clients) and on MemoryClients of one engine;
 * every reply and every invalidation message (as the RESP2 redirect target receives them on
 * `__redis__:invalidate`) must be identical.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../src/memory/create-engine";
import type { Engine } from "../../src/memory/engine";
import { MemoryClient } from "../../src/memory/facade";
import { startServer, type RunningServer } from "../../src/memory/resp";
import { hasRedisServer, startStandalone } from "../support/servers";

interface Conn {
  call(...args: Array<string | number>): Promise<unknown>;
  callBuffer?(...args: Array<string | number>): Promise<unknown>;
  subscribe(channel: string): Promise<unknown>;
  on(event: string, fn: (...args: unknown[]) => void): unknown;
  ping?(): Promise<unknown>;
  disconnect(): void;
}

/** Opens a fresh connection to one target: `pubsub` ones speak RESP2 (the redirect target). */
type Open = () => Conn;

interface Transcript {
  log: unknown[];
  /** Runs a command, logging its reply (or error text). */
  run(conn: Conn, ...args: Array<string | number>): Promise<unknown>;
  /** Waits until every invalidation sent so far arrived, logging them. */
  settle(): Promise<void>;
}

async function withTarget(open: Open, body: (t: Transcript, r: Conn, w: Conn, invId: number, inv: Conn) => Promise<void>): Promise<unknown[]> {
  const inv = open();
  const r = open();
  const w = open();
  const log: unknown[] = [];
  const messages: unknown[] = [];
  inv.on("messageBuffer", (channel: unknown, message: unknown) => {
    const keys = message === null ? null : (message as Buffer[]).map(String);
    messages.push({ channel: String(channel), keys });
  });
  const invId = Number(await inv.call("client", "id"));
  await inv.subscribe("__redis__:invalidate");
  // Client ids differ between servers: the transcript names them.
  const names = new Map<string, string>([[String(invId), "<inv>"], [String(await r.call("client", "id")), "<r>"], [String(await w.call("client", "id")), "<w>"]]);
  const id = (v: unknown): unknown => names.get(String(v)) ?? v;
  /** Ids appear after "redirect" (arguments, TRACKINGINFO) and as the reply of CLIENT ID / GETREDIR. */
  const afterRedirect = (list: unknown[]): unknown[] => list.map((v, i) => (i > 0 && String(list[i - 1]).toLowerCase() === "redirect" ? id(v) : v));
  const t: Transcript = {
    log,
    async run(conn, ...args) {
      let reply: unknown;
      try {
        reply = await conn.call(...args);
      } catch (error) {
        reply = `ERR: ${(error as Error).message}`;
      }
      const text = args.join(" ").toLowerCase();
      const shown = text === "client id" || text === "client getredir" ? id(reply) : Array.isArray(reply) ? afterRedirect(reply) : reply;
      log.push([afterRedirect(args).join(" "), shown]);
      return reply;
    },
    async settle() {
      // A round trip on the subscriber connection (ping is allowed there) comes after any message sent before it.
      await new Promise((resolve) => setTimeout(resolve, 5));
      await (inv.ping ? inv.ping() : inv.call("ping"));
      await new Promise((resolve) => setImmediate(resolve));
      if (messages.length > 0) log.push(["messages", messages.splice(0)]);
    },
  };
  try {
    await body(t, r, w, invId, inv);
    await t.settle();
  } finally {
    r.disconnect();
    w.disconnect();
    inv.disconnect();
  }
  return log;
}

type Scenario = (t: Transcript, r: Conn, w: Conn, invId: number, inv: Conn) => Promise<void>;

const scenarios: Record<string, Scenario> = {
  "default mode: a read is invalidated once, per key": async (t, r, w, id) => {
    await t.run(r, "client", "tracking", "on", "redirect", id);
    await t.run(r, "get", "d:a");
    await t.run(w, "set", "d:a", "1");
    await t.settle();
    await t.run(w, "set", "d:a", "2"); // no longer tracked: no message
    await t.settle();
    await t.run(r, "mget", "d:b", "d:c");
    await t.run(w, "mset", "d:c", "1", "d:b", "2");
    await t.settle();
    await t.run(r, "hget", "d:h", "f");
    await t.run(r, "exists", "d:x", "d:y");
    await t.run(w, "hset", "d:h", "f", "v");
    await t.run(w, "del", "d:x", "d:y", "d:h");
    await t.settle();
    await t.run(r, "get", "d:r");
    await t.run(w, "set", "d:r", "v");
    await t.settle();
    await t.run(r, "get", "d:r");
    await t.run(w, "rename", "d:r", "d:r2");
    await t.run(r, "get", "d:e");
    await t.run(w, "set", "d:e", "v");
    await t.settle();
    await t.run(r, "get", "d:e");
    await t.run(w, "expire", "d:e", "100");
    await t.settle();
    await t.run(r, "eval", "return redis.call('GET', KEYS[1])", 1, "d:s");
    await t.run(w, "set", "d:s", "1");
    await t.settle();
    await t.run(r, "client", "getredir");
    await t.run(r, "client", "trackinginfo");
  },
  "scripts remember their declared keys after a read (tracking.tcl); every read-only command tracks": async (t, r, w, id) => {
    await t.run(r, "client", "tracking", "on", "redirect", id);
    await t.run(r, "eval", "redis.call('set', 's:3', 'bar')", 2, "s:1", "s:2"); // no read: nothing remembered
    await t.run(w, "mset", "s:2", "2", "s:1", "2");
    await t.settle();
    await t.run(r, "eval", "redis.call('get', 's:3')", 2, "s:1", "s:2"); // a read: the declared keys, not s:3
    await t.run(w, "mset", "s:3", "3", "s:2", "2", "s:1", "2");
    await t.settle();
    await t.run(r, "eval_ro", "redis.call('ping')", 2, "s:1", "s:2"); // PING is not read-only
    await t.run(w, "mset", "s:2", "2", "s:1", "2");
    await t.settle();
    await t.run(r, "eval_ro", "redis.call('dbsize')", 1, "s:1"); // a key-less read-only command
    await t.run(r, "eval_ro", "redis.call('get', KEYS[1])", 0);
    await t.run(w, "mset", "s:1", "3", "s:0", "0");
    await t.settle();
    await t.run(w, "rpush", "s:l", "a");
    await t.run(w, "xadd", "s:x", "1-1", "f", "v");
    await t.run(w, "setbit", "s:b", "3", "1");
    for (const read of [
      ["getbit", "s:b", "3"], ["bitcount", "s:b"], ["bitpos", "s:b", "1"], ["bitfield_ro", "s:b", "get", "u4", "0"],
      ["xlen", "s:x"], ["xrange", "s:x", "-", "+"], ["xrevrange", "s:x", "+", "-"], ["xread", "streams", "s:x", "0"],
      ["object", "encoding", "s:l"], ["lcs", "s:b", "s:l2"], ["object", "refcount", "s:o"], ["xinfo", "stream", "s:y"],
    ]) await t.run(r, ...read);
    await t.run(w, "del", "s:b", "s:x", "s:l", "s:l2");
    await t.settle();
    await t.run(w, "set", "s:o", "1");
    await t.run(w, "xadd", "s:y", "1-1", "f", "v");
    await t.settle();
  },
  "tracking off keeps the keys read (no cleanup, as Redis); a flush with nobody tracking forgets them": async (t, r, w, id) => {
    await t.run(r, "client", "tracking", "on", "redirect", id);
    await t.run(r, "get", "f:1");
    await t.run(r, "client", "tracking", "off");
    await t.run(r, "client", "tracking", "on", "redirect", id);
    await t.run(w, "set", "f:1", "x");
    await t.settle();
    await t.run(r, "get", "f:2");
    await t.run(r, "client", "tracking", "off");
    await t.run(w, "flushall");
    await t.run(r, "client", "tracking", "on", "redirect", id);
    await t.run(w, "set", "f:2", "x");
    await t.settle();
    await t.run(w, "ping");
  },
  "bcast with prefixes: every change under them, batched, sorted": async (t, r, w, id) => {
    await t.run(r, "client", "tracking", "on", "redirect", id, "bcast", "prefix", "b:", "prefix", "c:");
    await t.run(w, "set", "b:1", "x");
    await t.settle();
    await t.run(w, "set", "other", "x");
    await t.run(w, "mset", "b:3", "x", "b:2", "y", "c:1", "z");
    await t.settle();
    await t.run(w, "multi");
    await t.run(w, "set", "b:5", "1");
    await t.run(w, "incr", "b:4");
    await t.run(w, "del", "b:5");
    await t.run(w, "exec");
    await t.settle();
    await t.run(w, "eval", "redis.call('SET', KEYS[1], '1'); redis.call('SET', KEYS[2], '2'); return 1", 2, "b:z", "b:y");
    await t.settle();
    await t.run(r, "client", "trackinginfo");
    await t.run(r, "client", "tracking", "on", "redirect", id, "bcast", "prefix", "b:x");
    await t.run(r, "client", "tracking", "on", "redirect", id, "prefix", "q:");
    await t.run(r, "client", "tracking", "on", "redirect", id);
    await t.run(r, "client", "tracking", "off");
    await t.run(w, "set", "b:1", "again");
    await t.settle();
  },
  "expiry and flushes: a key's expiry invalidates it, a flush sends null": async (t, r, w, id) => {
    await t.run(r, "client", "tracking", "on", "redirect", id);
    await t.run(w, "set", "e:1", "v", "PX", "20");
    await t.run(r, "get", "e:1");
    await new Promise((resolve) => setTimeout(resolve, 60));
    await t.run(w, "get", "e:1"); // lazy expiry on access, if active expiry has not run yet
    await t.settle();
    await t.run(r, "get", "e:2");
    await t.run(w, "flushdb");
    await t.settle();
    await t.run(w, "flushall");
    await t.settle();
  },
  "noloop, optin, optout": async (t, r, w, id) => {
    await t.run(r, "client", "tracking", "on", "redirect", id, "noloop");
    await t.run(r, "get", "n:1");
    await t.run(r, "set", "n:1", "mine"); // its own change: not reported
    await t.run(w, "set", "n:1", "theirs"); // forgotten by the change above: nothing
    await t.settle();
    await t.run(r, "get", "n:1");
    await t.run(w, "set", "n:1", "again");
    await t.settle();
    await t.run(r, "client", "tracking", "off");
    await t.run(r, "client", "tracking", "on", "redirect", id, "optin");
    await t.run(r, "get", "o:1");
    await t.run(r, "client", "caching", "yes");
    await t.run(r, "get", "o:2");
    await t.run(r, "get", "o:3"); // CACHING applies to one command only
    await t.run(w, "mset", "o:1", "1", "o:2", "2", "o:3", "3");
    await t.settle();
    await t.run(r, "client", "caching", "no");
    await t.run(r, "client", "trackinginfo");
    await t.run(r, "client", "tracking", "on", "redirect", id, "optout");
    await t.run(r, "client", "tracking", "off");
    await t.run(r, "client", "tracking", "on", "redirect", id, "optout");
    await t.run(r, "client", "caching", "no");
    await t.run(r, "get", "o:4");
    await t.run(r, "get", "o:5");
    await t.run(w, "mset", "o:4", "4", "o:5", "5");
    await t.settle();
  },
  "option errors": async (t, r) => {
    await t.run(r, "client", "tracking", "on", "prefix", "x");
    await t.run(r, "client", "tracking", "on", "bcast", "optin");
    await t.run(r, "client", "tracking", "on", "optin", "optout");
    await t.run(r, "client", "tracking", "on", "redirect", 987654);
    await t.run(r, "client", "tracking", "on", "redirect", "x");
    await t.run(r, "client", "tracking", "maybe");
    await t.run(r, "client", "tracking", "on", "bogus");
    await t.run(r, "client", "tracking", "on", "bcast", "prefix", "ab", "prefix", "a");
    await t.run(r, "client", "caching", "yes");
    await t.run(r, "client", "getredir");
    await t.run(r, "client", "trackinginfo");
  },
  "a redirect target that went away breaks the stream silently": async (t, r, w) => {
    const other = await t.run(w, "client", "id");
    await t.run(r, "client", "tracking", "on", "redirect", Number(other));
    await t.run(r, "get", "g:1");
    w.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await t.run(r, "set", "g:1", "x");
    await t.run(r, "client", "trackinginfo");
  },
};

function ioredisOpen(connection: { port?: number; path?: string }): Open {
  // RESP2 everywhere: with RESP3 ioredis 6 would drop the invalidation pushes; the redirect target gets pub/sub messages.
  return () => {
    const c = new Redis({ ...connection, host: "127.0.0.1", protocol: 2, maxRetriesPerRequest: 0, retryStrategy: () => null } as never);
    c.on("error", () => undefined);
    return c as unknown as Conn;
  };
}

describe.skipIf(!hasRedisServer())("CLIENT TRACKING: embedded engine vs redis-server 7.0", () => {
  let redis: Awaited<ReturnType<typeof startStandalone>>;
  let served: RunningServer;
  let engine: Engine;
  let memEngine: Engine;
  beforeAll(async () => {
    redis = await startStandalone();
    engine = createEngine();
    served = await startServer({ port: 0, dispatcher: engine, createSession: () => engine.createSession(), closeSession: (s) => engine.closeSession(s) });
    memEngine = createEngine();
  });
  afterAll(async () => {
    await served?.close();
    engine?.close();
    memEngine?.close();
    await redis?.stop();
  });

  for (const [title, scenario] of Object.entries(scenarios)) {
    it(title, async () => {
      const expected = await withTarget(ioredisOpen({ port: redis.port }), scenario);
      const overResp = await withTarget(ioredisOpen({ port: served.port }), scenario);
      const inMemory = await withTarget(() => new MemoryClient({ engine: memEngine }) as unknown as Conn, scenario);
      expect(overResp).toEqual(expected);
      expect(inMemory).toEqual(expected);
      expect(expected.some((entry) => Array.isArray(entry) && entry[0] === "messages") || title === "option errors" || title.startsWith("a redirect")).toBe(true);
    });
  }
});
