/**
 * Redis 7.0 Functions that run long, on the engine served over RESP and on a private
 * redis-server (both with `lua-time-limit` 100 ms): other clients get the FUNCTION flavour of
 * BUSY, SCRIPT KILL is refused, FUNCTION STATS names the running function, FUNCTION KILL ends
 * it, a function that wrote is UNKILLABLE; FUNCTION LOAD stops a library's code after 500 ms.
 * Then Functions through `Database.memory()`'s client.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Database } from "../../src/database";
import type { MemoryClient } from "../../src/memory/facade";
import { openPrivateSides, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

const BUSY_LIB = `#!lua name=busy
redis.register_function{function_name='spin', callback=function() local i = 0 while true do i = i + 1 end end, flags={'no-writes'}}
redis.register_function('spinw', function(keys) redis.call('set', keys[1], 1) local t = redis.call('time') while true do end end)`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const settled = (p: Promise<unknown>) => p.then((value) => ({ value }), (e: Error) => ({ error: e.message }));

async function waitBusy(client: Redis): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const r = await settled(client.ping());
    if ("error" in r) return r.error;
    await sleep(20);
  }
  throw new Error("never BUSY");
}

/** What the clients of one side see; durations are blanked (they differ run to run). */
async function scenario(main: Redis) {
  const [a, b] = [main.duplicate(), main.duplicate()];
  try {
    await b.config("SET", "lua-time-limit", "100");
    await b.call("function", "load", "replace", BUSY_LIB);
    const running = settled(a.call("fcall", "spin", "0"));
    const busy = await waitBusy(b);
    const scriptKill = await settled(b.call("script", "kill"));
    const stats = (await b.call("function", "stats")) as unknown[];
    const running_script = stats[1] as unknown[];
    running_script[5] = "duration";
    const kill = await b.call("function", "kill");
    const killed = await running;
    const after = await b.ping();
    const again = await settled(b.call("function", "kill"));
    const readOnly = settled(a.call("fcall_ro", "spin", "0"));
    await waitBusy(b);
    const kill2 = await b.call("function", "kill");
    const killed2 = await readOnly;
    const timeout = await settled(b.call("function", "load", "#!lua name=slow\nlocal i = 0 while true do i = i + 1 end"));
    return { busy, scriptKill, stats, kill, killed, after, again, kill2, killed2, timeout };
  } finally {
    a.disconnect();
    b.disconnect();
  }
}

async function unkillable(main: Redis) {
  const [a, b] = [main.duplicate(), main.duplicate()];
  a.on("error", () => undefined);
  b.on("error", () => undefined);
  await b.config("SET", "lua-time-limit", "100");
  await b.call("function", "load", "replace", BUSY_LIB);
  void settled(a.call("fcall", "spinw", "1", "busy:k"));
  const busy = await waitBusy(b);
  const kill = await settled(b.call("function", "kill"));
  a.disconnect();
  b.disconnect();
  return { busy, kill };
}

describe.skipIf(!hasRedisServer())("long-running functions vs a private redis-server (skipped without redis-server)", () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => sides?.close());

  it("BUSY for others, SCRIPT KILL refused, FUNCTION STATS, FUNCTION KILL, the 500 ms load limit", async () => {
    const expected = await scenario(sides.redis);
    const actual = await scenario(sides.memory);
    expect(expected.busy).toBe("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
    expect(expected.timeout).toEqual({ error: "ERR Error registering functions: ERR FUNCTION LOAD timeout" });
    expect(actual).toEqual(expected);
  }, 30_000);

  // Last: the function never ends, so the engine stays busy (Redis would need SHUTDOWN NOSAVE).
  it("a function that wrote is UNKILLABLE", async () => {
    const expected = await unkillable(sides.redis);
    expect(expected.kill).toEqual({ error: expect.stringMatching(/^UNKILLABLE Sorry the script already executed write commands/) });
    expect(await unkillable(sides.memory)).toEqual(expected);
  }, 30_000);
});

describe("Functions through Database.memory()", () => {
  it("FUNCTION LOAD, FCALL, FCALL_RO, FUNCTION LIST in call, pipeline and MULTI", async () => {
    const db = Database.memory();
    const client = db.client as MemoryClient;
    try {
      const lib = "#!lua name=mylib\nredis.register_function('hset2', function(keys, args) return redis.call('hset', keys[1], args[1], args[2]) end)\nredis.register_function{function_name='hget2', callback=function(keys, args) return redis.call('hget', keys[1], args[1]) end, flags={'no-writes'}}";
      expect(await client.call("function", "load", lib)).toBe("mylib");
      expect(await client.call("fcall", "hset2", "1", "h", "f", "v")).toBe(1);
      expect(await client.call("fcall_ro", "hget2", "1", "h", "f")).toBe("v");
      await expect(client.call("fcall_ro", "hset2", "1", "h", "f", "w")).rejects.toThrow("ERR Can not execute a script with write flag using *_ro command.");
      expect(await client.pipeline().call("fcall", "hset2", "1", "h", "g", "w").call("fcall_ro", "hget2", "1", "h", "g").exec()).toEqual([
        [null, 1],
        [null, "w"],
      ]);
      expect(await client.multi().call("fcall", "hset2", "1", "h", "f", "x").call("fcall_ro", "hget2", "1", "h", "f").exec()).toEqual([
        [null, 0],
        [null, "x"],
      ]);
      const list = (await client.call("function", "list")) as unknown[][];
      expect(list[0]!.slice(0, 4)).toEqual(["library_name", "mylib", "engine", "LUA"]);
      expect(await client.call("function", "delete", "mylib")).toBe("OK");
      await expect(client.call("fcall", "hset2", "0")).rejects.toThrow("ERR Function not found");
    } finally {
      await db.close();
    }
  });
});
