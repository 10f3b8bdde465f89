/**
 * The memory facade answers like ioredis 6 does against a real server: the same calls are
 * made on an ioredis client (private server, DB 10) and on a MemoryClient, and the
 * JavaScript values (strings, numbers, null, objects, errors, pipeline/multi tuples) must
 * be equal. Also: blocking pops across duplicated clients, events, quit.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MemoryClient } from "../../src/memory/facade";
import { createEngine } from "../../src/memory/create-engine";

const DB = 10;
const standalone = inject("standalone");
const canFlush = standalone && (!standalone.external || process.env.NARWHAL_TEST_ALLOW_FLUSH === "1");

type Client = { call(...args: unknown[]): Promise<unknown>; callBuffer(...args: unknown[]): Promise<unknown> };

async function settle(p: Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await p };
  } catch (error) {
    const e = error as Error;
    return { error: e.message, name: e.name };
  }
}

const SCRIPT: Array<[string, ...unknown[]]> = [
  ["set", "s", "v"], ["get", "s"], ["get", "nope"], ["incr", "n"], ["incrbyfloat", "f", "0.1"], ["set", "s", "w", "GET"],
  ["hset", "h", "a", "1", "b", "2"], ["hgetall", "h"], ["hgetall", "nope"], ["hmget", "h", "a", "x"], ["hincrbyfloat", "h", "a", "0.5"], ["hrandfield", "h", -1, "WITHVALUES"],
  ["rpush", "l", "x", "y", "z"], ["lrange", "l", 0, -1], ["lpop", "l", 2], ["lpop", "nope", 2], ["lpos", "l", "z"],
  ["sadd", "st", "1", "2", "3"], ["smembers", "st"], ["sismember", "st", "1"], ["smismember", "st", "1", "9"],
  ["zadd", "z", "1", "a", "2.5", "b", "0.1", "c"], ["zrange", "z", 0, -1, "WITHSCORES"], ["zrange", "z", "(0", "+inf", "BYSCORE", "LIMIT", 0, 2, "WITHSCORES"],
  ["zscore", "z", "c"], ["zmscore", "z", "a", "q"], ["zincrby", "z", "1", "a"], ["zpopmin", "z"], ["zpopmax", "z", 5], ["zadd", "z", "1", "a", "2", "b"],
  ["zunion", 1, "z", "WITHSCORES"], ["zrandmember", "z", -1, "WITHSCORES"], ["zrangebyscore", "z", "-inf", "+inf", "WITHSCORES"], ["zrevrangebyscore", "z", "+inf", "-inf", "WITHSCORES"],
  ["zscan", "z", 0], ["hscan", "h", 0], ["type", "z"], ["ttl", "z"], ["expire", "z", 100], ["ttl", "z"], ["exists", "z", "z", "nope"],
  ["pfadd", "p", "a", "b"], ["pfcount", "p"], ["get", "h"], ["get"], ["nosuch", "x"], ["ping"], ["ping", "hi"], ["echo", "e"], ["dbsize"],
  ["blpop", "emptylist", "0.01"], ["bzpopmin", "z", 1], ["blmove", "l", "l2", "LEFT", "RIGHT", 1],
];

(canFlush ? describe : describe.skip)("MemoryClient answers like ioredis 6 on redis-server", () => {
  let redis: Redis;
  let memory: MemoryClient;

  beforeAll(async () => {
    const options = { db: DB, maxRetriesPerRequest: 1 };
    redis = standalone!.url ? new Redis(standalone!.url, options) : new Redis({ path: standalone!.path, ...options });
    memory = new MemoryClient({ db: DB });
    await redis.flushdb();
  });

  afterAll(async () => {
    await redis?.flushdb();
    redis?.disconnect();
    memory?.disconnect();
  });

  it("call and callBuffer give the same values", async () => {
    for (const method of ["call", "callBuffer"] as const) {
      await redis.flushdb();
      await memory.call("flushdb");
      for (const [name, ...args] of SCRIPT) {
        const random = name === "hrandfield" || name === "zrandmember";
        const expected = await settle((redis as unknown as Client)[method](name, ...args));
        const actual = await settle((memory as unknown as Client)[method](name, ...args));
        const size = (r: unknown) => ((r as { ok?: unknown[] }).ok ?? []).length;
        if (random) expect(size(actual), `${method} ${name}`).toBe(size(expected));
        else expect(actual, `${method} ${name} ${JSON.stringify(args)}`).toEqual(expected);
      }
    }
  });

  it("errors are ReplyErrors with Redis's message", async () => {
    await redis.call("set", "str", "x");
    await memory.call("set", "str", "x");
    const e1 = (await redis.call("lpush", "str", "a").catch((e: unknown) => e)) as Error;
    const e2 = (await memory.call("lpush", "str", "a").catch((e: unknown) => e)) as Error;
    expect(e2).toBeInstanceOf(Error);
    expect([e2.name, e2.message]).toEqual([e1.name, e1.message]);
  });

  it("pipeline and multi resolve the same tuples; EXECABORT rejects; WATCH conflicts resolve null", async () => {
    for (const c of [redis, memory] as unknown as Array<Redis>) await c.call("del", "k", "h2");
    const shape = (r: Array<[Error | null, unknown]> | null) => r?.map(([e, v]) => (e ? `!${e.message}` : v));
    const build = (c: Redis, multi: boolean) => (multi ? c.multi() : c.pipeline()).call("set", "k", "1").call("incr", "k").call("hset", "k", "a", "1").call("hset", "h2", "a", "1").call("hgetall", "h2").callBuffer("get", "k");
    for (const multi of [false, true]) {
      const expected = shape(await build(redis, multi).exec());
      const actual = shape(await build(memory as unknown as Redis, multi).exec());
      expect(actual).toEqual(expected);
    }
    const abort = async (c: Redis) => {
      const e = (await c.multi().call("set", "k", "1").call("get").exec().catch((x: unknown) => x)) as Error & { previousErrors?: Error[] };
      return [e.message, e.previousErrors?.map((p) => p.message)];
    };
    expect(await abort(memory as unknown as Redis)).toEqual(await abort(redis));
    const watched = async (c: Redis) => {
      const other = c.duplicate();
      await c.call("watch", "k");
      await other.call("set", "k", "changed");
      const r = await c.multi().call("get", "k").exec();
      other.disconnect();
      return r;
    };
    expect(await watched(memory as unknown as Redis)).toBeNull();
    expect(await watched(redis)).toBeNull();
  });

  it("a blocking pop on one client is woken by a push from a duplicate", async () => {
    const other = memory.duplicate();
    const waiting = memory.call("blpop", "q", 0);
    const waitingMove = other.call("blmove", "q2", "q3", "LEFT", "RIGHT", 5);
    await new Promise((r) => setTimeout(r, 20));
    await other.call("rpush", "q", "hello");
    await memory.call("rpush", "q2", "moved");
    expect(await waiting).toEqual(["q", "hello"]);
    expect(await waitingMove).toBe("moved");
    expect(await memory.call("lrange", "q3", 0, -1)).toEqual(["moved"]);
    const started = Date.now();
    expect(await other.call("brpop", "never", 0.05)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    other.disconnect();
  });

  it("emits ready, rejects after quit, keeps data for other clients", async () => {
    const c = new MemoryClient({ engine: memory.engine, db: DB });
    await new Promise<void>((resolve) => c.once("ready", () => resolve()));
    await c.call("set", "kept", "1");
    expect(await c.quit()).toBe("OK");
    expect(c.status).toBe("end");
    await expect(c.call("get", "kept")).rejects.toThrow("Connection is closed.");
    expect(await memory.call("get", "kept")).toBe("1");
  });

  it("defineCommand scripts inside pipelines and MULTI are loaded first, as ioredis does (after SCRIPT FLUSH too)", async () => {
    const scripted = new MemoryClient({ engine: createEngine() });
    try {
      if (!scripted.engine.scripting) return;
      const lua = "redis.call('incrby', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])";
      const results = [];
      for (const c of [redis, scripted] as unknown as Redis[]) {
        c.defineCommand("bump", { lua, numberOfKeys: 1 });
        await c.call("del", "bumped");
        await c.call("script", "flush");
        const bump = (b: unknown) => (b as { bump(k: string, by: number): unknown }).bump("bumped", 2);
        const p = c.pipeline();
        bump(p);
        bump(p);
        const m = c.multi();
        bump(m);
        results.push([await p.exec(), await m.exec()]);
      }
      expect(results[1]).toEqual(results[0]);
      expect(results[0]).toEqual([[[null, "2"], [null, "4"]], [[null, "6"]]]);
    } finally {
      scripted.disconnect();
    }
  });

  it("scripting commands answer an error naming the missing Lua host", async () => {
    const engine = memory.engine;
    if (engine.scripting) return;
    await expect(memory.call("eval", "return 1", 0)).rejects.toThrow(/scripting is not available/);
  });
});
