/**
 * MEMORY USAGE on the engine vs a private redis-server: the same argument checks and errors,
 * nil for a missing key, and a positive byte estimate (the engine's own, not jemalloc's) for
 * every type, growing with the value.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrivateSides, reply, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

describe.skipIf(!hasRedisServer())("MEMORY USAGE vs a private redis-server (skipped without redis-server)", () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => sides?.close());

  it("errors and nil as Redis; a positive estimate that grows with the value", async () => {
    const commands = [
      ["set", "s", "v"],
      ["memory", "usage", "nokey"],
      ["memory", "usage", "s", "samples", "x"],
      ["memory", "usage", "s", "samples", "-1"],
      ["memory", "usage", "s", "foo"],
      ["memory", "usage", "s", "samples"],
      ["memory", "usage"],
      ["memory", "foo"],
      ["memory"],
    ];
    const out: Record<"redis" | "memory", unknown[]> = { redis: [], memory: [] };
    for (const side of ["redis", "memory"] as const) for (const c of commands) out[side].push(await reply(sides[side], ...c));
    expect(out.memory).toEqual(out.redis);
    const m = sides.memory;
    await m.hset("h", "a", "1");
    await m.rpush("l", "x");
    await m.sadd("st", "m");
    await m.zadd("z", 1, "m");
    for (const key of ["s", "h", "l", "st", "z"]) expect(Number(await m.call("memory", "usage", key, "samples", "0"))).toBeGreaterThan(0);
    const small = Number(await m.call("memory", "usage", "s"));
    await m.set("s", "x".repeat(10_000));
    expect(Number(await m.call("memory", "usage", "s"))).toBeGreaterThan(small + 9_000);
  });
});
