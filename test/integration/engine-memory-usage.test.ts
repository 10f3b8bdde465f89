/**
 * MEMORY USAGE on the engine vs a private redis-server: the same argument checks and errors,
 * nil for a missing key, and a positive byte estimate (the engine's own, not jemalloc's) for
 * every type, growing with the value.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryClient } from "../../src/memory/facade";
import { EXACT_DB, openPrivateSides, reply, type ExactSides } from "../support/engine-vs-redis";
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

  it("MEMORY USAGE and INFO used_memory are whole numbers, as Redis's (a sampled element average is fractional)", async () => {
    // 300 fields of 0–6-byte values: more than the sampled elements, an average that is no whole number.
    for (let i = 0; i < 300; i++) await sides.memory.hset("frac", `f${i}`, "x".repeat(i % 7));
    // The wire client reads integers as text (stringNumbers); the in-process client hands the engine's number over as it is.
    expect(await reply(sides.memory, "memory", "usage", "frac")).toMatch(/^\d+$/);
    const embedded = new MemoryClient({ engine: sides.engine, db: EXACT_DB });
    try {
      const usage = await embedded.call("memory", "usage", "frac");
      expect(Number.isInteger(usage), String(usage)).toBe(true);
    } finally {
      embedded.disconnect();
    }
    expect(/used_memory:(\S+)/.exec(String(await sides.memory.info("memory")))![1]).toMatch(/^\d+$/);
  });
});
