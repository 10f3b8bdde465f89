/**
 * Issue 17, point 11: SRANDMEMBER / HRANDFIELD / ZRANDMEMBER counts. Out-of-range counts get
 * redis-server 7.0's exact error texts (checked against it); a huge *valid* negative count,
 * which makes Redis 7.0 itself exhaust memory (never sent to it here), gets an error reply
 * bounded by the engine's reply limit instead of aborting the Node process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../src/memory/create-engine";
import { MemoryClient } from "../../src/memory/facade";
import { openSides, redisUnavailable, reply, type ExactSides } from "../support/engine-vs-redis";

const LONG_MIN = "-9223372036854775808";
const why = redisUnavailable();

/** Commands whose replies must be identical on both sides (none of them builds a huge reply on Redis). */
const SAME: string[][] = [
  ["srandmember", "s", LONG_MIN],
  ["srandmember", "s", "-9223372036854775807x"],
  ["srandmember", "s", "9223372036854775808"],
  ["srandmember", "nokey", LONG_MIN],
  ["srandmember", "s", "9223372036854775807"],
  ["srandmember", "s", "0"],
  ["hrandfield", "h", LONG_MIN],
  ["hrandfield", "h", LONG_MIN, "withvalues"],
  ["hrandfield", "h", "-4611686018427387904", "withvalues"],
  ["hrandfield", "h", "4611686018427387904", "withvalues"],
  ["hrandfield", "h", "-4611686018427387904", "withvaluesx"],
  ["hrandfield", "h", LONG_MIN, "withvaluesx"],
  ["hrandfield", "h", "x", "withvaluesx"],
  ["hrandfield", "h", "1", "withvalues", "x"],
  ["hrandfield", "nokey", LONG_MIN],
  ["hrandfield", "nokey", "-4611686018427387904", "withvalues"],
  ["hrandfield", "nokey", "x"],
  ["hrandfield", "h", "0", "withvalues"],
  ["hrandfield", "h", "4611686018427387903", "withvalues"],
  ["hrandfield", "str", LONG_MIN],
  ["hrandfield", "str", "1", "withvalues"],
  ["hrandfield", "str", "-4611686018427387904", "withvalues"],
  ["zrandmember", "z", LONG_MIN],
  ["zrandmember", "z", "-9223372036854770000", "withscores"],
  ["zrandmember", "z", "-4611686018427387904", "withscores"],
  ["zrandmember", "z", "4611686018427387904", "withscores"],
  ["zrandmember", "z", "9223372036854775807"],
  ["zrandmember", "nokey", "-9223372036854770000", "withscores"],
  ["zrandmember", "nokey", "x"],
  ["spop", "s", "-1"],
  ["spop", "s", LONG_MIN],
];

describe.skipIf(why !== undefined)(`random counts vs redis-server${why ? `: not run, ${why}` : ""}`, () => {
  let sides: ExactSides;
  beforeAll(async () => {
    sides = await openSides();
    for (const c of [sides.redis, sides.memory]) {
      await c.call("sadd", "s", "a", "b", "c");
      await c.call("hset", "h", "f", "v", "g", "w");
      await c.call("zadd", "z", "1", "a", "2", "b");
      await c.call("set", "str", "x");
    }
  });
  afterAll(() => sides?.close());

  it("answers out-of-range and malformed counts with Redis's texts", async () => {
    for (const argv of SAME) {
      const expected = await reply(sides.redis, ...argv);
      const actual = await reply(sides.memory, ...argv);
      const sorted = (r: unknown) => (Array.isArray(r) ? [...(r as string[])].sort() : r);
      expect(sorted(actual), argv.join(" ")).toEqual(sorted(expected));
    }
    expect(await reply(sides.memory, "srandmember", "s", LONG_MIN)).toBe("!ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    expect(await reply(sides.memory, "zrandmember", "z", "-9223372036854770000", "withscores")).toBe("!ERR value is out of range");
  });

  it("answers a huge valid negative count with an error and keeps serving (Redis 7.0 would exhaust memory)", async () => {
    const huge: string[][] = [
      ["srandmember", "s", "-9223372036854775807"],
      ["hrandfield", "h", "-9223372036854775807"],
      ["hrandfield", "h", "-4611686018427387903", "withvalues"],
      ["zrandmember", "z", "-4611686018427387903", "withscores"],
      ["zrandmember", "z", "-4611686018427387903"],
      ["srandmember", "s", "-100000000"],
    ];
    for (const argv of huge) {
      const started = performance.now();
      expect(String(await reply(sides.memory, ...argv)), argv.join(" ")).toMatch(/^!ERR reply too large: \d+ random elements would exceed the engine's reply limit of 536870912 bytes/);
      expect(performance.now() - started).toBeLessThan(2000); // refused before building anything
    }
    expect(await sides.memory.call("scard", "s")).toBe("3");
    expect(await reply(sides.memory, "srandmember", "s", "-5")).toHaveLength(5);
  });
});

describe("random counts: the reply limit (engine option maxReplyBytes)", () => {
  const engine = createEngine({ maxReplyBytes: 1024 * 1024 });
  const client = new MemoryClient({ engine });
  afterAll(() => {
    client.disconnect();
    engine.close();
  });

  it("builds a repeated reply up to the limit and refuses one past it, in both protocols", async () => {
    await client.call("sadd", "s", "a", "b", "c");
    await client.call("hset", "h", "f", "v", "g", "w");
    await client.call("zadd", "z", "1", "a", "2", "b");
    const picks = (await client.call("srandmember", "s", "-20000")) as string[];
    expect(picks).toHaveLength(20000);
    expect(new Set(picks)).toEqual(new Set(["a", "b", "c"]));
    const pairs = (await client.call("hrandfield", "h", "-1000", "withvalues")) as string[];
    expect(pairs).toHaveLength(2000);
    for (let i = 0; i < pairs.length; i += 2) expect(`${pairs[i]}=${pairs[i + 1]}`).toMatch(/^(f=v|g=w)$/);
    const scored = (await client.call("zrandmember", "z", "-1000", "withscores")) as string[];
    expect(scored).toHaveLength(2000);
    for (let i = 0; i < scored.length; i += 2) expect(`${scored[i]}=${scored[i + 1]}`).toMatch(/^(a=1|b=2)$/);
    await expect(client.call("srandmember", "s", "-70000")).rejects.toThrow(/reply too large: 70000 random elements would exceed the engine's reply limit of 1048576 bytes/);
    await expect(client.call("hrandfield", "h", "-40000", "withvalues")).rejects.toThrow(/reply too large/);
    await expect(client.call("zrandmember", "z", "-30000", "withscores")).rejects.toThrow(/reply too large/);
    // Positive counts are bounded by the collection's size: never refused.
    expect(await client.call("srandmember", "s", "9223372036854775807")).toHaveLength(3);
  });

  it("RESP3 pairs of a negative count are nested, one pair per pick", () => {
    const session = engine.createSession(3);
    const r = engine.dispatch(session, ["hrandfield", "h", "-5", "withvalues"].map((a) => Buffer.from(a))) as Buffer[][];
    expect(r).toHaveLength(5);
    for (const pair of r) expect(pair).toHaveLength(2);
    engine.closeSession(session);
  });
});
