/**
 * Issue 17, point 8: maxmemory. The engine estimates its own memory use (INFO memory
 * used_memory); over `maxmemory` with `noeviction`, writes answer Redis's OOM text while reads
 * and deletes still work; `allkeys-lru` evicts the least recently used keys, `volatile-ttl` the
 * keys nearest to expiry; CONFIG GET/SET speak Redis's names and texts (checked against it).
 */
import { spawn } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../src/memory/create-engine";
import type { Engine } from "../../src/memory/engine";
import { MemoryClient } from "../../src/memory/facade";
import { openSides, reply, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer, startStandalone } from "../support/servers";

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
// CONFIG SET maxmemory changes the whole server: these checks run on a redis-server of their own.
const why = hasRedisServer() ? undefined : "no redis-server on PATH";

function open(options: Parameters<typeof createEngine>[0]): { engine: Engine; client: MemoryClient; close(): void } {
  const engine = createEngine(options);
  const client = new MemoryClient({ engine });
  return { engine, client, close: () => (client.disconnect(), engine.close()) };
}

const usedMemory = async (client: MemoryClient) => Number(/used_memory:(\d+)/.exec(String(await client.call("info", "memory")))![1]);

describe("maxmemory on the embedded engine", () => {
  it("estimates its memory: used_memory grows with data and falls back when it is deleted", async () => {
    const { client, close } = open({});
    const empty = await usedMemory(client);
    for (let i = 0; i < 1000; i++) await client.call("set", `k${i}`, "x".repeat(100));
    const full = await usedMemory(client);
    expect(full - empty).toBeGreaterThan(1000 * 200); // ≈ 320 B per key of 100 bytes
    expect(full - empty).toBeLessThan(1000 * 500);
    await client.call("hset", "h", ...Array.from({ length: 2000 }, (_, i) => [`f${i}`, "v"]).flat());
    expect((await usedMemory(client)) - full).toBeGreaterThan(2000 * 60);
    await client.call("flushall");
    expect(await usedMemory(client)).toBe(empty);
    close();
  });

  it("noeviction: writes answer OOM once full, reads and deletes still work, the process survives", async () => {
    const { client, close } = open({ maxmemory: 2 * 1024 * 1024 });
    let refused: unknown;
    let stored = 0;
    for (let i = 0; i < 100_000 && !refused; i++) {
      try {
        await client.call("set", `k${i}`, "x".repeat(1000));
        stored++;
      } catch (error) {
        refused = error;
      }
    }
    expect((refused as Error).message).toBe(OOM);
    expect(stored).toBeGreaterThan(500);
    expect(stored).toBeLessThan(2000);
    expect(await client.call("get", "k0")).toBe("x".repeat(1000)); // reads work
    await expect(client.call("rpush", "l", "a")).rejects.toThrow(OOM);
    await expect(client.call("incr", "n")).rejects.toThrow(OOM);
    expect(await client.call("del", "k0", "k1", "k2")).toBe(3); // deletes work, and free room
    expect(await client.call("set", "again", "v")).toBe("OK");
    // MULTI: queuing is refused over the limit (EXECABORT), as Redis 7.0 does.
    for (let i = 0; i < 10; i++) await client.call("set", `fill${i}`, "x".repeat(1000)).catch(() => undefined);
    const tx = await client.multi().call("get", "again").call("set", "z", "1").exec().catch((e: Error) => e);
    expect(String(tx)).toMatch(/EXECABORT|OOM/);
    // A script that starts over the limit may not begin writing.
    await expect(client.call("eval", "return redis.call('set', 'viascript', 'v')", "0")).rejects.toThrow(OOM);
    expect(await client.call("eval", "return redis.call('get', 'again')", "0")).toBe("v");
    close();
  });

  it("allkeys-lru: evicts the least recently used keys and keeps the recently read one", async () => {
    const { client, engine, close } = open({ maxmemory: 1024 * 1024, maxmemoryPolicy: "allkeys-lru" });
    await client.call("set", "hot", "x".repeat(1000));
    for (let i = 0; i < 5000; i++) {
      await client.call("set", `k${i}`, "x".repeat(1000));
      if (i % 50 === 0) await client.call("get", "hot");
    }
    expect(await client.call("get", "hot")).not.toBeNull();
    expect(await client.call("exists", "k0", "k1", "k2")).toBe(0);
    expect(await client.call("exists", "k4999")).toBe(1);
    expect(engine.memory.used()).toBeLessThanOrEqual(1024 * 1024);
    expect(String(await client.call("info", "stats"))).toMatch(/evicted_keys:[1-9]\d*/);
    close();
  });

  it("volatile-ttl: evicts the keys nearest to expiry first, never a key without TTL; none left → OOM", async () => {
    const { client, close } = open({ maxmemory: 1024 * 1024, maxmemoryPolicy: "volatile-ttl" });
    await client.call("set", "forever", "x".repeat(1000));
    await client.call("set", "soon", "x".repeat(1000), "ex", "100");
    await client.call("set", "late", "x".repeat(1000), "ex", "100000");
    let refused: unknown;
    for (let i = 0; i < 5000 && !refused; i++) await client.call("set", `v${i}`, "x".repeat(1000), "ex", String(1000 + i)).catch((e: unknown) => (refused = e));
    expect(await client.call("exists", "soon")).toBe(0);
    expect(await client.call("exists", "late", "forever", "v4999")).toBe(3);
    expect(await client.call("exists", "v0")).toBe(0);
    for (let i = 0; i < 5000 && !refused; i++) await client.call("set", `p${i}`, "x".repeat(1000)).catch((e: unknown) => (refused = e));
    expect((refused as Error).message).toBe(OOM); // only keys without TTL remain
    expect(await client.call("exists", "forever")).toBe(1);
    close();
  });

  it("CONFIG SET maxmemory applies at once (evicting) and the reply limit follows it", async () => {
    const { client, engine, close } = open({ maxmemoryPolicy: "allkeys-lru" });
    for (let i = 0; i < 3000; i++) await client.call("set", `k${i}`, "x".repeat(1000));
    expect(await client.call("config", "set", "maxmemory", "1mb")).toBe("OK");
    expect(engine.memory.used()).toBeLessThanOrEqual(1024 * 1024);
    expect(await client.call("config", "get", "maxmemory")).toEqual(["maxmemory", "1048576"]);
    expect(engine.replyLimit()).toBe(1024 * 1024);
    await client.call("sadd", "s", "a");
    await expect(client.call("srandmember", "s", "-100000")).rejects.toThrow(/reply too large.*1048576 bytes/);
    // A tiny maxmemory still lets small random replies through (the reply bound never drops below 1 MiB).
    await client.call("config", "set", "maxmemory-policy", "noeviction");
    await client.call("config", "set", "maxmemory", "1");
    expect(engine.replyLimit()).toBe(1024 * 1024);
    expect(await client.call("srandmember", "s", "-5")).toEqual(["a", "a", "a", "a", "a"]);
    close();
  });
});

describe.skipIf(why !== undefined)(`maxmemory CONFIG and OOM texts vs redis-server${why ? `: not run, ${why}` : ""}`, () => {
  let sides: ExactSides;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const server = await startStandalone();
    stop = () => server.stop();
    sides = await openSides({}, { path: server.socket });
  });
  afterAll(async () => {
    await sides?.close();
    await stop?.();
  });

  it("CONFIG GET/SET maxmemory and maxmemory-policy answer as Redis", async () => {
    const cases = [
      ["config", "set", "maxmemory", "abc"],
      ["config", "set", "maxmemory", "-1"],
      ["config", "set", "maxmemory-policy", "foo"],
      ["config", "set", "maxmemory", "1GB"],
      ["config", "get", "maxmemory"],
      ["config", "set", "maxmemory", "0"],
      ["config", "set", "maxmemory-policy", "ALLKEYS-LRU"],
      ["config", "get", "maxmemory-policy"],
      ["config", "set", "maxmemory-policy", "volatile-ttl"],
      ["config", "get", "maxmemory-policy"],
      ["config", "set", "maxmemory-policy", "noeviction"],
    ];
    for (const argv of cases) expect(await reply(sides.memory, ...argv), argv.join(" ")).toEqual(await reply(sides.redis, ...argv));
  });

  it("an empty keyspace is already over maxmemory 1 (the baseline counts, as Redis's): writes get OOM", async () => {
    for (const c of [sides.redis, sides.memory]) {
      await c.flushall();
      await c.call("config", "set", "maxmemory", "1");
    }
    const cases = [["dbsize"], ["set", "a", "1"], ["rpush", "l", "x"], ["get", "a"], ["del", "a"], ["dbsize"]];
    for (const argv of cases) expect(await reply(sides.memory, ...argv), argv.join(" ")).toEqual(await reply(sides.redis, ...argv));
    expect(await reply(sides.memory, "set", "a", "1")).toMatch(/^!OOM /);
    for (const c of [sides.redis, sides.memory]) await c.call("config", "set", "maxmemory", "0");
  });

  it("over the limit with noeviction, the same commands answer the same (OOM on writes, reads and DEL work)", async () => {
    for (const c of [sides.redis, sides.memory]) {
      await c.call("set", "k", "v");
      await c.call("config", "set", "maxmemory", "1"); // below any usage: every denyoom command is refused
    }
    const cases = [["set", "a", "1"], ["get", "k"], ["incr", "n"], ["rpush", "l", "x"], ["sadd", "s", "m"], ["exists", "k"], ["del", "k"], ["multi"], ["get", "k"], ["exec"], ["hset", "h", "f", "v"]];
    for (const argv of cases) expect(await reply(sides.memory, ...argv), argv.join(" ")).toEqual(await reply(sides.redis, ...argv));
    for (const c of [sides.redis, sides.memory]) await c.call("config", "set", "maxmemory", "0");
  });
});

describe("narwhal serve --maxmemory (the real executable)", () => {
  it("serves an engine with the limit and policy given on the command line", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/bin.ts", "serve", "--port", "0", "--maxmemory", "1mb", "--maxmemory-policy", "allkeys-lru"], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /on 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.once("exit", (code) => reject(new Error(`narwhal serve exited (${code}): ${out}`)));
      });
      const client = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
      expect(await client.config("GET", "maxmemory*")).toEqual(["maxmemory", "1048576", "maxmemory-policy", "allkeys-lru"]);
      const info = String(await client.info("memory"));
      expect(info).toMatch(/maxmemory:1048576/);
      expect(info).toMatch(/maxmemory_policy:allkeys-lru/);
      client.disconnect();
    } finally {
      child.kill("SIGTERM");
    }
  }, 30_000);
});
