/**
 * The local tier on every backend: hits answered from process memory, and evicted by any change
 * Redis sees (another client's SET/DEL, expiry, this process's writes, tags), bypassed while
 * the invalidation connection is down and back once it is up again.
 */
import { expect, it, describe } from "vitest";
import { Database } from "../../src/database";
import type { Cache } from "../../src/cache/cache";
import type { ClientLike } from "../../src/client";
import { createEngine } from "../../src/memory/create-engine";
import { MemoryClient } from "../../src/memory/facade";
import { startServer } from "../../src/memory/resp";
import { ErrorReply } from "../../src/memory/protocol";
import { describeBackends } from "../support/backends";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `cache`'s local tier is up (its invalidation connections live). */
export async function localUp(cache: Cache<unknown>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (cache.localState !== "up") {
    if (Date.now() > deadline) throw new Error(`local tier still ${cache.localState}`);
    await sleep(2);
  }
}

/** Waits until `check()` holds (an invalidation crosses a socket: give it a moment). */
async function eventually(check: () => Promise<boolean>, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await sleep(1);
  }
}

/** CLIENT KILL ID of every invalidation connection of `cache`, on the node that holds it. */
async function killTracking(cache: Cache<unknown>, raw: ClientLike): Promise<number> {
  let killed = 0;
  const nodes = (raw as unknown as { nodes?: (r: string) => Array<ClientLike & { options: { host: string; port: number } }> }).nodes?.("master");
  for (const { server, id } of cache.coherence.connectionInfo()) {
    if (id === undefined) continue;
    const node = nodes ? nodes.find((n) => `${n.options.host}:${n.options.port}` === server) : raw;
    killed += Number(await node!.call("client", "kill", "id", id));
  }
  return killed;
}

describeBackends("Cache local tier", (ctx) => {
  it("a local hit sends nothing; a write from another client evicts it at once", async () => {
    const { db, raw } = ctx();
    const cache = db.cache<unknown>({ namespace: "l1", local: { maxEntries: 100 } });
    await localUp(cache);
    await cache.set("a", { v: 1 });
    expect(await cache.get("a")).toEqual({ v: 1 }); // miss: GET + PTTL, kept locally
    await eventually(async () => (await cache.get("a"), cache.stats().localHits > 0));
    const before = cache.stats().localHits;
    for (let i = 0; i < 100; i++) expect(await cache.get("a")).toEqual({ v: 1 });
    expect(cache.stats().localHits).toBe(before + 100);
    await raw.call("set", cache.redisKey("a"), "42"); // a foreign write (a counter-like number)
    await eventually(async () => (await cache.get("a")) === 42);
    await raw.call("del", cache.redisKey("a"));
    await eventually(async () => (await cache.get("a")) === undefined);
    cache.close();
  });

  it("db.close() closes the invalidation connections of its local tiers, even on a client passed in", async () => {
    const { backend, prefix } = ctx();
    const client = backend.client();
    const db2 = new Database(client, { prefix }); // not owned: close() leaves the client open
    try {
      const cache = db2.cache({ namespace: "closing", local: { maxEntries: 10 } });
      const index = db2.autocomplete("closing", { local: { maxEntries: 10 } });
      await localUp(cache as Cache<unknown>);
      while (index.localState !== "up") await sleep(2);
      await db2.close();
      expect([cache.localState, index.localState]).toEqual(["closed", "closed"]);
      expect(await client.call("ping")).toBe("PONG");
    } finally {
      client.disconnect();
    }
  });

  it("closed local tiers leave no listener on a shared client (12 tiers opened and closed)", async () => {
    const { db } = ctx();
    const client = db.client as unknown as { listenerCount(event: string): number };
    const events = ["ready", "refresh", "+node", "-node"];
    const before = events.map((e) => client.listenerCount(e));
    for (let i = 0; i < 12; i++) {
      const cache = db.cache<unknown>({ namespace: `listeners${i}`, local: { maxEntries: 10 } });
      await localUp(cache);
      cache.close();
    }
    // Not more than before (ioredis's own once-listeners may have fired meanwhile).
    events.forEach((e, i) => expect(client.listenerCount(e), e).toBeLessThanOrEqual(before[i]!));
  });

  it("expiry: a local copy never outlives its Redis TTL (PTTL read with the value)", async () => {
    const { db } = ctx();
    const cache = db.cache<string>({ namespace: "l2", local: { maxEntries: 100, ttl: 60 } });
    await localUp(cache);
    await cache.set("short", "x", { ttl: 0.3 });
    // Our own SET's invalidation may evict the first copy: read until one is served locally.
    await eventually(async () => (await cache.get("short")) === "x" && cache.stats().localHits > 0);
    await sleep(350);
    expect(await cache.get("short")).toBeUndefined();
    cache.close();
  });

  it("this process's writes, deletes, tags and invalidate() evict its copies at once (read your writes)", async () => {
    const { db } = ctx();
    const cache = db.cache<unknown>({ namespace: "l3", ttl: 60, local: { maxEntries: 100 } });
    await localUp(cache);
    let version = 0;
    const f = cache.wrap(async (id: number) => `${id}@${++version}`, { name: "f", tags: (id) => [`t${id}`] });
    for (let round = 0; round < 3; round++) {
      await cache.set("k", round);
      expect(await cache.get("k")).toBe(round); // never the previous round's copy
      expect(await cache.get("k")).toBe(round);
    }
    expect(await f(1)).toBe("1@1");
    await eventually(async () => (await f(1), cache.stats().localHits > 3));
    await cache.invalidateTags("t1");
    expect(await f(1)).toBe("1@2");
    await f(1);
    await f.invalidate(1);
    expect(await f(1)).toBe("1@3");
    await cache.delete("k");
    expect(await cache.get("k")).toBeUndefined();
    await cache.setMany([["m1", 1], ["m2", 2]]);
    expect(await cache.getMany(["m1", "m2", "m3"])).toEqual([1, 2, undefined]);
    expect(await cache.getMany(["m1", "m2"])).toEqual([1, 2]);
    await cache.incr("m1");
    expect(await cache.getMany(["m1", "m2"])).toEqual([2, 2]);
    cache.close();
  });

  it("a killed invalidation connection: the tier is emptied and bypassed, then comes back", async () => {
    const { db, raw } = ctx();
    const states: string[] = [];
    const cache = db.cache<number>({ namespace: "l4", local: { maxEntries: 100 } });
    await localUp(cache);
    await cache.set("n", 1);
    await cache.get("n");
    await eventually(async () => (await cache.get("n"), cache.stats().localHits > 0));
    expect(await killTracking(cache as Cache<unknown>, raw)).toBeGreaterThan(0);
    // Writes made while no invalidation connection exists are never served stale.
    await raw.call("set", cache.redisKey("n"), "2");
    await eventually(async () => {
      states.push(cache.localState);
      return (await cache.get("n")) === 2;
    });
    await localUp(cache);
    const hits = cache.stats().localHits;
    await cache.get("n");
    await eventually(async () => (await cache.get("n"), cache.stats().localHits > hits));
    await raw.call("set", cache.redisKey("n"), "3");
    await eventually(async () => (await cache.get("n")) === 3);
    cache.close();
  });

  it("lock waiters are woken by the holder's write, not by polling", async () => {
    const { db, backend, prefix } = ctx();
    const db2 = new Database(backend.client(), { prefix });
    try {
      let calls = 0;
      const fn = async () => {
        calls++;
        await sleep(300);
        return calls;
      };
      const holderCache = db.cache({ namespace: "l5" });
      const waiterCache = db2.cache({ namespace: "l5" });
      const a = holderCache.wrap(fn, { name: "slow", ttl: 60, lock: { ttl: 5, wait: 5 } });
      const b = waiterCache.wrap(fn, { name: "slow", ttl: 60, lock: { ttl: 5, wait: 5 } });
      await a.invalidate();
      await localUp(waiterCache as Cache<unknown>); // `lock` opened the invalidation connection
      let reads = 0;
      const read = waiterCache.read.bind(waiterCache);
      waiterCache.read = (...args: Parameters<typeof read>) => (reads++, read(...args));
      let aAt = 0;
      let bAt = 0;
      const [ra, rb] = await Promise.all([a().then((v) => ((aAt = performance.now()), v)), sleep(20).then(() => b().then((v) => ((bAt = performance.now()), v)))]);
      expect([ra, rb, calls]).toEqual([1, 1, 1]);
      // Woken by the entry's invalidation: one check after registering, one after the wake-up.
      // Polling (5 ms × 1.5ⁿ, capped at 100 ms) would read ~10 times in 300 ms.
      console.log(`[lock wake-up ${backend.name}] waiter read the entry ${reads} times, resolved ${(bAt - aAt).toFixed(2)} ms after the holder`);
      expect(reads).toBeLessThanOrEqual(3);
    } finally {
      await db2.close();
      db2.client.disconnect();
    }
  });
}, { requires: ["tracking"] });

describe("Cache local tier: flushes and refusals", () => {
  it("FLUSHALL (a null invalidation) empties the local tier", async () => {
    const engine = createEngine();
    const db = Database.memory({ engine });
    const other = new MemoryClient({ engine });
    const cache = db.cache<number>({ namespace: "f", local: { maxEntries: 10 } });
    await localUp(cache as Cache<unknown>);
    await cache.set("a", 1);
    await cache.get("a");
    await cache.get("a");
    expect(cache.stats().localHits).toBe(1);
    await other.call("flushall");
    await sleep(1);
    expect(await cache.get("a")).toBeUndefined();
    await db.close();
    other.disconnect();
    engine.close();
  });

  it("a server that refuses CLIENT TRACKING: onError once, and the cache works without the tier", async () => {
    const engine = createEngine();
    const refusing = {
      dispatch: (session: Parameters<typeof engine.dispatch>[0], argv: readonly Buffer[]) =>
        argv[0]?.toString().toLowerCase() === "client" && argv[1]?.toString().toLowerCase() === "tracking"
          ? new ErrorReply("ERR unknown subcommand 'TRACKING'. Try CLIENT HELP.")
          : engine.dispatch(session, argv),
    };
    const server = await startServer({ port: 0, dispatcher: refusing, createSession: () => engine.createSession(), closeSession: (s) => engine.closeSession(s) });
    const db = new Database(`redis://127.0.0.1:${server.port}`);
    const errors: string[] = [];
    const cache = db.cache<number>({ namespace: "r", local: { maxEntries: 10 }, onError: (e, info) => errors.push(`${info.operation}: ${e.message}`) });
    for (let i = 0; i < 50 && cache.localState !== "unavailable"; i++) await sleep(10);
    expect(cache.localState).toBe("unavailable");
    await cache.set("a", 1);
    expect(await cache.get("a")).toBe(1);
    expect(await cache.get("a")).toBe(1);
    expect(cache.stats().localHits).toBe(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^tracking: .*refused client-side caching/);
    await db.close();
    await server.close();
    engine.close();
  });
});
