/**
 * Issue 17: OBJECT against a private redis-server 7.0 (the suite flushes), reply by reply through
 * ioredis on both sides: ENCODING of every type across Redis's built-in thresholds and its
 * one-way conversions, the commands that fix a string's encoding, REFCOUNT of shared integers,
 * IDLETIME (whole seconds, not touched by OBJECT itself), FREQ, HELP and the errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrivateSides, reply, sameReplies, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

type Side = "redis" | "memory";
const SIDES: Side[] = ["redis", "memory"];

describe.skipIf(!hasRedisServer())("OBJECT vs a private redis-server (skipped without redis-server)", () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => sides?.close());

  /** Runs the commands on both sides and expects the same replies, in order. */
  const same = (commands: Array<Array<string | number>>): Promise<unknown[]> => sameReplies(sides, commands);

  it("OBJECT ENCODING across types, thresholds and the commands that fix a string's encoding", async () => {
    const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const enc = (key: string) => ["object", "encoding", key];
    await same([
      ["flushdb"],
      ...[["123"], ["0123"], ["-0"], ["-42"], ["12345678901234567890"], ["9223372036854775807"], ["-9223372036854775808"], ["9223372036854775808"], [" 1"], ["x".repeat(44)], ["x".repeat(45)], [""]].flatMap(
        ([v], i) => [["set", `o:s${i}`, v!], enc(`o:s${i}`)],
      ),
      ["append", "o:ap", "12"],
      enc("o:ap"),
      ["append", "o:ap", "3"],
      enc("o:ap"),
      ["setrange", "o:sr", "0", "ab"],
      enc("o:sr"),
      ["setbit", "o:sb", "1", "1"],
      enc("o:sb"),
      ["pfadd", "o:hll", "a"],
      enc("o:hll"),
      ["incrbyfloat", "o:f", "1.5"],
      ["incrbyfloat", "o:f", "1.5"],
      enc("o:f"),
      ["incr", "o:f2"],
      enc("o:f2"),
      ["mset", "o:m1", "5", "o:m2", "abc"],
      enc("o:m1"),
      ["getset", "o:m2", "77"],
      enc("o:m2"),
      ["rpush", "o:l", "a"],
      enc("o:l"),
      ["xadd", "o:x", "1-1", "f", "v"],
      enc("o:x"),
      ["hset", "o:h", "f", "v"],
      enc("o:h"),
      ["hset", "o:h2", "f", "v".repeat(65)],
      enc("o:h2"),
      ["hset", "o:h3", ...many("f", 513).flatMap((f) => [f, "v"])],
      enc("o:h3"),
      ["hdel", "o:h3", ...many("f", 500)],
      enc("o:h3"),
      ["hset", "o:h4", ...many("f", 512).flatMap((f) => [f, "v"])],
      enc("o:h4"),
      ["sadd", "o:i", "1", "2", "-3"],
      enc("o:i"),
      ["sadd", "o:i2", "01"],
      enc("o:i2"),
      ["sadd", "o:i3", ...many("", 513)],
      enc("o:i3"),
      ["srem", "o:i3", ...many("", 500)],
      enc("o:i3"),
      ["sadd", "o:i4", ...many("", 512)],
      enc("o:i4"),
      ["sadd", "o:t", "a"],
      enc("o:t"),
      ["zadd", "o:z", "1", "a"],
      enc("o:z"),
      ["zadd", "o:z2", "1", "m".repeat(65)],
      enc("o:z2"),
      ["zadd", "o:z3", ...many("m", 129).flatMap((m, i) => [String(i), m])],
      enc("o:z3"),
      ["zremrangebyrank", "o:z3", "0", "100"],
      enc("o:z3"),
      ["zunionstore", "o:z4", "1", "o:z3"],
      enc("o:z4"),
      ["sunionstore", "o:i5", "o:i", "o:i2"],
      enc("o:i5"),
      // Converted by one element, then that element removed: Redis stays converted.
      ["hset", "o:hc", "f", "v", "long", "v".repeat(65)],
      ["hdel", "o:hc", "long"],
      enc("o:hc"),
      ["hsetnx", "o:hc2", "f".repeat(65), "v"],
      ["hdel", "o:hc2", "f".repeat(65)],
      ["hset", "o:hc2", "g", "v"],
      enc("o:hc2"),
      ["sadd", "o:sc", "1", "a"],
      ["srem", "o:sc", "a"],
      enc("o:sc"),
      ["sadd", "o:sc2", "1"],
      ["sadd", "o:sc3", "x", "2"],
      ["smove", "o:sc3", "o:sc2", "x"],
      ["srem", "o:sc2", "x"],
      enc("o:sc2"),
      ["zadd", "o:zc", "1", "a", "2", "m".repeat(65)],
      ["zrem", "o:zc", "m".repeat(65)],
      enc("o:zc"),
      ["copy", "o:s0", "o:copy"],
      enc("o:copy"),
      enc("o:none"),
    ]);
  });

  it("OBJECT REFCOUNT, IDLETIME, FREQ, HELP and errors", async () => {
    await same([
      ["flushdb"],
      ["set", "r:a", "100"],
      ["object", "refcount", "r:a"],
      ["set", "r:b", "10000"],
      ["object", "refcount", "r:b"],
      ["set", "r:c", "-1"],
      ["object", "refcount", "r:c"],
      ["set", "r:d", "abc"],
      ["object", "refcount", "r:d"],
      ["rpush", "r:l", "1"],
      ["object", "refcount", "r:l"],
      ["incr", "r:a"],
      ["object", "refcount", "r:a"],
      ["object", "idletime", "r:d"],
      ["object", "freq", "r:a"],
      ["object", "freq", "r:none"],
      ["object", "refcount", "r:none"],
      ["object", "idletime", "r:none"],
      ["object", "help"],
      ["object", "idletime"],
      ["object", "foo", "r:a"],
      ["object"],
    ]);
  });

  it("OBJECT IDLETIME counts whole seconds since the last read or write, not OBJECT itself", async () => {
    const idle = {} as Record<Side, unknown[]>;
    for (const side of SIDES) await sides[side].set("i:k", "v");
    await new Promise((r) => setTimeout(r, 2300));
    for (const side of SIDES) {
      const c = sides[side];
      const before = Number(await c.object("IDLETIME", "i:k"));
      const again = Number(await c.object("IDLETIME", "i:k"));
      await c.get("i:k");
      idle[side] = [before >= 2 && before <= 3, again >= 2 && again <= 3, Number(await c.object("IDLETIME", "i:k"))];
    }
    expect(idle.memory).toEqual(idle.redis);
    expect(idle.redis).toEqual([true, true, 0]);
  });

  it("TTL, PTTL, EXPIRETIME, TYPE, EXISTS and SCAN keep a key's access time; TOUCH and GET set it (introspection-2.tcl)", async () => {
    const idle = {} as Record<Side, unknown[]>;
    for (const side of SIDES) {
      await sides[side].flushdb();
      await sides[side].set("i:n", "v");
      await sides[side].set("i:t", "v", "EX", 100);
    }
    await new Promise((r) => setTimeout(r, 2300));
    for (const side of SIDES) {
      const c = sides[side];
      for (const k of ["i:n", "i:t"]) {
        await c.ttl(k);
        await c.pttl(k);
        await c.call("expiretime", k);
        await c.call("pexpiretime", k);
        await c.type(k);
        await c.exists(k);
        await c.scan(0, "TYPE", "string");
        await c.scan(0);
      }
      const kept = [Number(await c.object("IDLETIME", "i:n")) >= 2, Number(await c.object("IDLETIME", "i:t")) >= 2];
      await c.touch("i:n");
      await c.get("i:t");
      idle[side] = [...kept, Number(await c.object("IDLETIME", "i:n")), Number(await c.object("IDLETIME", "i:t"))];
    }
    expect(idle.memory).toEqual(idle.redis);
    expect(idle.redis).toEqual([true, true, 0, 0]);
  });
});
