/**
 * Issue 17: 64-bit integers are exact everywhere. Random sequences of INCR / INCRBY / DECR /
 * DECRBY / HINCRBY / BITFIELD i64 on values near ±2^63 (and anywhere in between) run on
 * redis-server and on the engine served over RESP; every reply, read as exact decimal text
 * (ioredis `stringNumbers`), and every stored value must be identical, overflow errors included.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../src/memory/create-engine";
import { MemoryClient } from "../../src/memory/facade";
import { openSides, redisUnavailable, reply, type ExactSides } from "../support/engine-vs-redis";

const MAX = 9223372036854775807n;
const MIN = -9223372036854775808n;
const why = redisUnavailable();

/** 64-bit values biased to the edges, where doubles are coarsest. */
const int64 = fc.oneof(
  fc.bigInt({ min: MIN, max: MAX }),
  fc.bigInt({ min: MAX - 1000n, max: MAX }),
  fc.bigInt({ min: MIN, max: MIN + 1000n }),
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.constantFrom(MAX, MIN, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 0n),
);

const op = fc.oneof(
  int64.map((v) => ["set", "k", String(v)]),
  int64.map((v) => ["incrby", "k", String(v)]),
  int64.map((v) => ["decrby", "k", String(v)]),
  fc.constant(["incr", "k"]),
  fc.constant(["decr", "k"]),
  fc.constant(["get", "k"]),
  int64.map((v) => ["hset", "h", "f", String(v)]),
  int64.map((v) => ["hincrby", "h", "f", String(v)]),
  fc.constant(["hget", "h", "f"]),
  int64.map((v) => ["bitfield", "b", "set", "i64", "0", String(v), "get", "i64", "0"]),
  int64.map((v) => ["bitfield", "b", "overflow", "fail", "incrby", "i64", "0", String(v)]),
  int64.map((v) => ["bitfield", "b", "overflow", "sat", "incrby", "i64", "0", String(v), "get", "u63", "1"]),
  int64.map((v) => ["bitfield", "b", "overflow", "wrap", "incrby", "i64", "0", String(v)]),
);

describe.skipIf(why !== undefined)(`64-bit integers vs redis-server${why ? `: not run, ${why}` : ""}`, () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openSides()));
  afterAll(() => sides?.close());

  it("the issue's case: HINCRBY near -2^63 answers the exact value", async () => {
    for (const c of [sides.redis, sides.memory]) await c.call("hset", "h0", "n", "-9223372036854775484");
    expect(await reply(sides.memory, "hincrby", "h0", "n", "-1")).toBe("-9223372036854775485");
    expect(await reply(sides.redis, "hincrby", "h0", "n", "-1")).toBe("-9223372036854775485");
    await sides.memory.call("set", "i0", "9223372036854775806");
    expect(await reply(sides.memory, "incr", "i0")).toBe("9223372036854775807");
    expect(await reply(sides.memory, "incr", "i0")).toBe("!ERR increment or decrement would overflow");
    expect(await reply(sides.memory, "decrby", "i0", "-9223372036854775808")).toBe("!ERR decrement would overflow");
  });

  it("INCR/DECR/INCRBY around the engine's small-counter fast path (15 digits, 10^15 steps) and malformed values", async () => {
    const values = ["0", "-0", "01", " 1", "1 ", "-", "", "+1", "1e3", "12a", "-1", "1023", "1024", "999999999999999", "-999999999999999", "9999999999999999", "9223372036854775807"];
    const steps = [["incr"], ["decr"], ["incrby", "999999999999999"], ["incrby", "1000000000000000"], ["decrby", "-999999999999999"], ["incrby", "-9223372036854775808"]];
    for (const value of values) {
      for (const [cmd, ...by] of steps) {
        for (const c of [sides.redis, sides.memory]) await c.call("set", "k", value);
        const argv = [cmd!, "k", ...by];
        expect(await reply(sides.memory, ...argv), `${JSON.stringify(value)} ${argv.join(" ")}`).toEqual(await reply(sides.redis, ...argv));
        expect(await reply(sides.memory, "get", "k")).toEqual(await reply(sides.redis, "get", "k"));
      }
    }
  });

  it("random sequences give identical replies and stored values (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (seq) => {
        await Promise.all([sides.redis.del("k", "h", "b"), sides.memory.del("k", "h", "b")]);
        for (const argv of seq) {
          const expected = await reply(sides.redis, ...argv);
          expect(await reply(sides.memory, ...argv), argv.join(" ")).toEqual(expected);
        }
        for (const argv of [["get", "k"], ["hget", "h", "f"], ["get", "b"]]) expect(await reply(sides.memory, ...argv)).toEqual(await reply(sides.redis, ...argv));
      }),
      { numRuns: 150 },
    );
  });
});

describe("64-bit integers through Database.memory()'s facade and Lua", () => {
  const engine = createEngine();
  const client = new MemoryClient({ engine });
  afterAll(() => {
    client.disconnect();
    engine.close();
  });

  it("the facade answers a number as ioredis does; Lua sees a double, as in Redis", async () => {
    await client.call("set", "n", "9223372036854775806");
    expect(await client.call("incr", "n")).toBe(9223372036854775807);
    expect(await client.call("eval", "return tostring(redis.call('decr', KEYS[1]))", "1", "n")).toBe("9.2233720368548e+18");
    expect(await client.call("get", "n")).toBe("9223372036854775806");
  });
});
