/**
 * Redis 7.0 Functions (FUNCTION LOAD/LIST/DELETE/FLUSH/DUMP/RESTORE/STATS/KILL, FCALL,
 * FCALL_RO) on the engine served over RESP and on a private redis-server 7.0, reply by reply:
 * the load-time sandbox, register_function's two forms and flags, the metadata line, the error
 * texts, runtime errors, FUNCTION DUMP payloads moving both ways, INFO's counters.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openPrivateSides, reply, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

const LIB1 = `#!lua name=lib1
redis.register_function('f1', function(keys, args) return redis.call('set', keys[1], args[1]) end)
redis.register_function{function_name='f2', callback=function(keys, args) return #keys end, flags={'no-writes'}, description='d2'}`;

const ERRORS_LIB = `#!lua name=errs
redis.register_function('e1', function(keys, args) error('boom') end)
redis.register_function('e2', function(keys, args) return redis.call('incr', keys[1]) end)
redis.register_function('e3', function(keys, args) return KEYS end)
redis.register_function('e4', function(keys, args) return {keys, args} end)
redis.register_function('e5', function(keys, args) return redis.register_function('x', function() end) end)
redis.register_function('e6', function(keys, args) x = 1 end)
redis.register_function{function_name='e7', callback=function(keys, args) return redis.call('set', 'a', 'b') end,
  flags={'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}}
redis.register_function{function_name='e8', callback=function(keys, args) return {pcall(redis.call, 'nosuch'), string.rep('a', 3), ARGV} end}
redis.register_function('E9', function(keys, args) return redis.pcall('get', keys[1]) end)`;

/** Libraries FUNCTION LOAD must refuse, each with Redis's text. */
const BAD_LIBRARIES = [
  "#!lua name=lib1\nredis.register_function('f3', function() return 1 end)",
  "#!lua name=other\nredis.register_function('f1', function() return 1 end)",
  "#!lua name=l3\nredis.call('ping')",
  "#!lua name=l3\nlocal x = math.random()",
  "#!lua name=l3\nerror('boom')",
  "#!lua name=l3\nreturn 1",
  "#!lua name=l3\nredis.register_function('a-b', function() end)",
  "#!lua name=l3\nredis.register_function('x', 5)",
  "#!lua name=l3\nredis.register_function({}, function() end)",
  "#!lua name=l3\nredis.register_function()",
  "#!lua name=l3\nredis.register_function('a', function() end, 3)",
  "#!lua name=l3\nredis.register_function('nofn')",
  "#!lua name=l3\nredis.register_function{function_name='x', callback=function() end, flags={'bad'}}",
  "#!lua name=l3\nredis.register_function{function_name='x', callback=function() end, flags='no-writes'}",
  "#!lua name=l3\nredis.register_function{function_name='x', callback=5}",
  "#!lua name=l3\nredis.register_function{function_name={}, callback=function() end}",
  "#!lua name=l3\nredis.register_function{callback=function() end}",
  "#!lua name=l3\nredis.register_function{function_name='x'}",
  "#!lua name=l3\nredis.register_function{function_name='x', callback=function() end, other=1}",
  "#!lua name=l3\nredis.register_function{function_name='x', callback=function() end, description=function() end}",
  "#!lua name=l3\nredis.register_function('f1', function() end)\nredis.register_function('f1', function() end)",
  "#!lua name=l3\nlocal x = 1 +",
  "#!lua name=l3\nKEYS[1] = 2",
  "#!lua name=l3\nx = 5",
  "#!lua name=l3\nredis.setresp(3)",
  "#!lua name=l3\nredis.log(redis.LOG_NOTICE, 'hi') return redis.nosuch",
  "#!lua name=l3 foo=bar\n",
  "#!lua name=a name=b\n",
  "#!lua\n",
  "#!js name=x\n",
  "return 1",
  "#!lua name=a-b\n",
  "#!lua name=x",
];

describe.skipIf(!hasRedisServer())("Redis 7.0 Functions vs a private redis-server (skipped without redis-server)", () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => sides?.close());
  beforeEach(async () => {
    await Promise.all([sides.redis.call("function", "flush"), sides.memory.call("function", "flush")]);
  });

  /** FUNCTION LIST's functions come in Redis's hash-table order (random per process): sorted here. */
  const sorted = (value: unknown): unknown => {
    if (!Array.isArray(value)) return value;
    const items = value.map(sorted);
    for (let i = 1; i < items.length; i++) {
      if (items[i - 1] === "functions" && Array.isArray(items[i])) items[i] = [...(items[i] as unknown[])].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    }
    return items;
  };

  async function same(commands: Array<Array<string | number>>): Promise<unknown[]> {
    const out: Record<"redis" | "memory", unknown[]> = { redis: [], memory: [] };
    for (const side of ["redis", "memory"] as const) {
      for (const c of commands) out[side].push(sorted(await reply(sides[side], ...c)));
    }
    expect(out.memory).toEqual(out.redis);
    return out.redis;
  }

  it("FUNCTION LOAD, FCALL and FCALL_RO: replies, flags and argument errors", async () => {
    const got = await same([
      ["function", "load", LIB1],
      ["fcall", "f1", "1", "fk", "v"],
      ["get", "fk"],
      ["fcall_ro", "f1", "1", "fk", "v"],
      ["fcall_ro", "f2", "2", "a", "b"],
      ["fcall", "F1", "0"],
      ["fcall", "nope", "0"],
      ["fcall", "f1", "x"],
      ["fcall", "f1", "-1"],
      ["fcall", "f1", "3", "a"],
      ["fcall", "f1"],
      ["function", "load", "replace", LIB1],
      ["function", "load", "REPLACE", "bogus", LIB1],
      ["function", "load", "bogus", LIB1],
      ["function", "load"],
      ["function", "load", "replace"],
      ["function", "list", "withcode", "libraryname", "LIB*"],
      ["function", "list", "libraryname"],
      ["function", "list", "foo"],
      ["function", "list", "withcode", "withcode"],
      ["function", "stats"],
      ["function", "kill"],
      ["function", "bogus"],
      ["function", "delete", "nope"],
      ["function", "delete", "lib1"],
      ["fcall", "f1", "0"],
      ["function", "list"],
      ["function", "flush", "bla"],
      ["function", "flush", "sync", "x"],
      ["function", "flush", "async"],
    ]);
    expect(got[0]).toBe("lib1");
    expect(got[2]).toBe("v");
  });

  it("FUNCTION LOAD refuses bad libraries with Redis's error texts, and leaves the old library on a failed REPLACE", async () => {
    await same([["function", "load", LIB1]]);
    const got = await same(BAD_LIBRARIES.map((code) => ["function", "load", code]));
    expect(got.every((r) => typeof r === "string" && r.startsWith("!"))).toBe(true);
    await same([
      ["function", "load", "replace", "#!lua name=lib1\nredis.register_function('f1', 5)"],
      ["function", "load", "replace", "#!lua name=lib1\nreturn 1"],
      ["fcall_ro", "f2", "0"],
    ]);
  });

  it("runtime errors, the sandbox (no KEYS/ARGV globals, read-only globals) and FCALL_RO refusals", async () => {
    await same([
      ["function", "load", ERRORS_LIB],
      ["set", "str", "abc"],
      ...["e1", "e3", "e5", "e6", "e8"].map((f) => ["fcall", f, "0"]),
      ["fcall", "e2", "1", "str"],
      ["fcall", "e4", "2", "a", "b", "c", "d"],
      ["fcall_ro", "e7", "0"],
      ["fcall", "e7", "0"],
      ["fcall", "E9", "1", "str"],
      ["fcall", "e9", "1", "str"],
      ["multi"],
      ["fcall", "E9", "1", "str"],
      ["fcall", "nope", "0"],
      ["exec"],
      ["eval", "return redis.call('fcall', 'E9', 0)", "0"],
    ]);
  });

  it("FUNCTION LIST shows descriptions and every flag in Redis's order", async () => {
    const lib = "#!lua name=flags\nredis.register_function{function_name='g', description='all of them', callback=function() return 1 end, flags={'allow-cross-slot-keys', 'NO-WRITES', 'no-cluster', 'allow-stale', 'allow-oom'}}";
    await same([
      ["function", "load", lib],
      ["function", "list"],
      ["function", "list", "libraryname", "fl?gs", "withcode"],
      ["function", "list", "libraryname", "nomatch"],
    ]);
  });

  it("FUNCTION DUMP / RESTORE: Redis's payload both ways, the policies and their errors", async () => {
    const other = "#!lua name=other\nredis.register_function('o1', function() return 'o' end)";
    await same([["function", "load", LIB1]]);
    const fromRedis = (await sides.redis.callBuffer("function", "dump")) as Buffer;
    const fromEngine = (await sides.memory.callBuffer("function", "dump")) as Buffer;
    // Redis compresses the code with LZF; the engine writes it plain: both restore on both.
    for (const payload of [fromRedis, fromEngine]) {
      const out: Record<"redis" | "memory", unknown[]> = { redis: [], memory: [] };
      for (const side of ["redis", "memory"] as const) {
        const c = sides[side];
        const run = async (...argv: Array<string | Buffer>) => {
          try {
            const r = await c.callBuffer(String(argv[0]), ...argv.slice(1));
            return Buffer.isBuffer(r) ? r.toString("latin1") : r;
          } catch (error) {
            return `!${(error as Error).message}`;
          }
        };
        await c.call("function", "flush");
        out[side].push(await run("function", "restore", payload));
        out[side].push(await run("fcall", "f2", "1", "x"));
        out[side].push(await run("function", "restore", payload));
        out[side].push(await run("function", "restore", payload, "append"));
        out[side].push(await run("function", "restore", payload, "replace"));
        out[side].push(await run("function", "load", other));
        out[side].push(await run("function", "restore", payload, "flush"));
        out[side].push(await run("fcall", "o1", "0"));
        out[side].push(await run("function", "restore", payload, "bogus"));
        out[side].push(await run("function", "restore", payload, "flush", "x"));
        out[side].push(await run("function", "restore", Buffer.from("garbage")));
        out[side].push(await run("function", "restore", Buffer.concat([payload.subarray(0, 4), Buffer.from("x"), payload.subarray(5)])));
        out[side].push(await run("restore", "fkey", "0", payload));
        out[side].push(await run("function", "delete", "lib1"));
        out[side].push(await run("function", "load", "#!lua name=clash\nredis.register_function('f1', function() return 1 end)"));
        out[side].push(await run("function", "restore", payload));
        out[side].push(await run("function", "restore", payload, "replace"));
      }
      expect(out.memory).toEqual(out.redis);
    }
    await same([["function", "flush"], ["function", "dump"]]);
  });

  it("INFO memory counts cached scripts, functions and libraries; FUNCTION STATS counts them too", async () => {
    const fields = async (side: "redis" | "memory") => {
      const text = String(await sides[side].info("memory"));
      return ["number_of_cached_scripts", "number_of_functions", "number_of_libraries"].map((f) => text.match(new RegExp(`${f}:(\\d+)`))?.[1]);
    };
    for (const side of ["redis", "memory"] as const) {
      await sides[side].call("script", "flush");
      await sides[side].call("function", "load", LIB1);
      await sides[side].call("function", "load", "#!lua name=two\nredis.register_function('t', function() return 2 end)");
      await sides[side].call("eval", "return 1", "0");
      await sides[side].call("script", "load", "return 2");
    }
    expect(await fields("memory")).toEqual(await fields("redis"));
    expect(await fields("redis")).toEqual(["2", "3", "2"]);
    await same([["function", "stats"]]);
  });
});
