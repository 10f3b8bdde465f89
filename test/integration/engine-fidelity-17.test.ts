/**
 * Issue 17, smaller fidelity points, each checked against redis-server: SINTERCARD's
 * numkeys texts (and the other numkeys commands'), and SMOVE of a member the destination
 * already holds, which must not break a WATCH on the destination (EXEC succeeds, as in Redis);
 * the one glob matcher (KEYS here; SCAN MATCH, PSUBSCRIBE and PUBSUB call the same function)
 * on random patterns of `* ? [ ] ^ - \\`, key for key as Redis's stringmatchlen.
 */
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXACT_DB, openSides, redisUnavailable, reply, type ExactSides } from "../support/engine-vs-redis";

const why = redisUnavailable();

const NUMKEYS: string[][] = [
  ["sintercard", "0", "a"],
  ["sintercard", "-1", "a"],
  ["sintercard", "x", "a"],
  ["sintercard", "9223372036854775808", "a"],
  ["sintercard", "2", "a"],
  ["sintercard", "1", "a", "limit", "-1"],
  ["sintercard", "1", "a", "limit", "x"],
  ["sintercard", "1", "a", "foo"],
  ["sintercard", "1", "a", "limit", "1", "limit", "2"],
  ["sintercard", "2", "a", "b", "limit", "1"],
  ["zintercard", "0", "za"],
  ["zintercard", "x", "za"],
  ["zintercard", "2", "za"],
  ["zunion", "0", "za"],
  ["zunion", "x", "za"],
  ["zinterstore", "d", "0", "za"],
  ["zinterstore", "d", "-1", "za"],
  ["lmpop", "0", "l", "left"],
  ["lmpop", "x", "l", "left"],
  ["zmpop", "-1", "za", "min"],
];

describe.skipIf(why !== undefined)(`issue 17 fidelity vs redis-server${why ? `: not run, ${why}` : ""}`, () => {
  let sides: ExactSides;
  beforeAll(async () => {
    sides = await openSides();
    for (const c of [sides.redis, sides.memory]) {
      await c.call("sadd", "a", "1", "2", "3");
      await c.call("sadd", "b", "2", "3");
      await c.call("zadd", "za", "1", "m");
    }
  });
  afterAll(() => sides?.close());

  it("numkeys errors have Redis's texts", async () => {
    for (const argv of NUMKEYS) expect(await reply(sides.memory, ...argv), argv.join(" ")).toEqual(await reply(sides.redis, ...argv));
    expect(await reply(sides.memory, "sintercard", "x", "a")).toBe("!ERR numkeys should be greater than 0");
  });

  it("CLIENT KILL ID with a bad id answers Redis's one text (introspection.tcl)", async () => {
    for (const id of ["str", "-1", "0", "1.5", "99999999999999999999"]) {
      const argv = ["client", "kill", "id", id];
      expect(await reply(sides.memory, ...argv), argv.join(" ")).toEqual(await reply(sides.redis, ...argv));
    }
    expect(await reply(sides.memory, "client", "kill", "id", "str")).toBe("!ERR client-id should be greater than 0");
  });

  /** WATCH dst on one connection, SMOVE on another, then MULTI/EXEC on the first: the EXEC reply. */
  async function watchThenSmove(main: Redis, other: Redis, member: string): Promise<unknown> {
    await main.del("src", "dst");
    await main.sadd("src", "m", "n");
    await main.sadd("dst", "m");
    await main.watch("dst");
    expect(await other.smove("src", "dst", member)).toBe("1");
    return main.multi().set("x", "1").exec();
  }

  it("SMOVE of a member already in the destination does not break a WATCH on it; adding one does", async () => {
    const conn = (c: Redis) => new Redis({ ...c.options, db: EXACT_DB, stringNumbers: true });
    for (const main of [sides.redis, sides.memory]) {
      const other = conn(main);
      expect(await watchThenSmove(main, other, "m")).toEqual([[null, "OK"]]);
      expect(await watchThenSmove(main, other, "n")).toBeNull();
      expect((await main.smembers("dst")).sort()).toEqual(["m", "n"]);
      other.disconnect();
    }
  });

  it("KEYS matches exactly the keys Redis matches, for random patterns (property), and fast on pathological ones", async () => {
    const keys = fc.sample(fc.string({ unit: fc.constantFrom("a", "b", "-", "[", "]", "*", "\\", "^", "?"), maxLength: 6 }), { numRuns: 300, seed: 17 });
    const unique = [...new Set(keys)];
    for (const c of [sides.redis, sides.memory]) {
      await c.flushdb();
      if (unique.length > 0) await c.call("mset", ...unique.flatMap((k) => [k, "1"]));
    }
    const pattern = fc.string({ unit: fc.constantFrom("a", "b", "*", "?", "[", "]", "^", "-", "\\"), minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(pattern, async (p) => {
        const sorted = async (c: Redis) => ((await c.call("keys", p)) as string[]).sort();
        expect(await sorted(sides.memory), p).toEqual(await sorted(sides.redis));
      }),
      { numRuns: 400 },
    );
    await sides.memory.set("a".repeat(40), "1");
    const started = performance.now();
    expect(await sides.memory.call("keys", "*a*a*a*a*a*a*a*a*a*b")).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000); // Redis: ~4 ms; without the guard: minutes
  });
  it("inside a script, keys expire by the script's start time (a key it saw stays visible until it ends)", async () => {
    // Busy-waits 150 ms on TIME, then reads a key that had 50 ms to live when the script started.
    const script = `
      local before = redis.call("GET", KEYS[1])
      local t = redis.call("TIME")
      local start = tonumber(t[1]) * 1e6 + tonumber(t[2])
      repeat
        t = redis.call("TIME")
      until tonumber(t[1]) * 1e6 + tonumber(t[2]) - start > 150000
      return {before, redis.call("GET", KEYS[1]) or false, redis.call("EXISTS", KEYS[1])}`;
    for (const c of [sides.redis, sides.memory]) {
      await c.set("frozen", "v", "PX", 50);
      expect(await c.eval(script, 1, "frozen"), c === sides.redis ? "redis" : "engine").toEqual(["v", "v", "1"]);
      await new Promise((r) => setTimeout(r, 10));
      expect(await c.exists("frozen")).toBe("0");
    }
  });
});
