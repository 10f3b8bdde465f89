/**
 * Issue 17, commands the engine lacked, each against a private redis-server 7.0 (SWAPDB and
 * CLIENT UNBLOCK act server-wide, so no other suite may share it), reply by reply through
 * ioredis on both sides: LCS (plain, LEN, IDX, MINMATCHLEN, WITHMATCHLEN; a property test on
 * random strings), SWAPDB (data, TTLs, WATCH, blocked clients served by the swap, errors),
 * CLIENT UNBLOCK (TIMEOUT, ERROR, not blocked, errors), OBJECT (ENCODING of every type across
 * Redis's thresholds and conversions, REFCOUNT of shared integers, IDLETIME, FREQ, HELP).
 */
import fc from "fast-check";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSides, reply, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer, startStandalone } from "../support/servers";

type Side = "redis" | "memory";
const SIDES: Side[] = ["redis", "memory"];

describe.skipIf(!hasRedisServer())("LCS, SWAPDB, CLIENT UNBLOCK vs a private redis-server (skipped without redis-server)", () => {
  let server: Awaited<ReturnType<typeof startStandalone>>;
  let sides: ExactSides;
  const extra: Redis[] = [];
  beforeAll(async () => {
    server = await startStandalone();
    sides = await openSides({}, { path: server.socket });
  });
  afterAll(async () => {
    for (const c of extra) c.disconnect();
    await sides?.close();
    await server?.stop();
  });

  /** A second connection on a side (its own client id), on `db`. */
  const another = async (side: Side, db = 13): Promise<Redis> => {
    const c = sides[side].duplicate();
    extra.push(c);
    await c.select(db);
    return c;
  };

  /** Runs the commands on both sides and expects the same replies, in order. */
  async function same(commands: Array<Array<string | number>>): Promise<unknown[]> {
    const out = {} as Record<Side, unknown[]>;
    for (const side of SIDES) {
      out[side] = [];
      for (const c of commands) out[side].push(await reply(sides[side], ...c));
    }
    expect(out.memory).toEqual(out.redis);
    return out.redis;
  }

  it("LCS: the string, LEN, IDX with MINMATCHLEN / WITHMATCHLEN, and the errors", async () => {
    const got = await same([
      ["set", "la", "ohmytext"],
      ["set", "lb", "mynewtext"],
      ["lcs", "la", "lb"],
      ["lcs", "la", "lb", "LEN"],
      ["lcs", "la", "lb", "IDX"],
      ["lcs", "la", "lb", "idx", "minmatchlen", "4", "withmatchlen"],
      ["lcs", "la", "lb", "IDX", "MINMATCHLEN", "-3", "WITHMATCHLEN"],
      ["lcs", "la", "lb", "IDX", "LEN"],
      ["lcs", "la", "nokey"],
      ["lcs", "nokey", "nokey2", "IDX"],
      ["lpush", "ll", "x"],
      ["lcs", "la", "ll"],
      ["lcs", "la", "lb", "FOO"],
      ["lcs", "la", "lb", "MINMATCHLEN"],
      ["lcs", "la", "lb", "MINMATCHLEN", "x"],
      ["set", "lx", "aaaa"],
      ["lcs", "lx", "lx", "IDX", "WITHMATCHLEN"],
      ["lcs", "la"],
    ]);
    expect(got[2]).toBe("mytext");
  });

  it("LCS on random strings: string, length and ranges as Redis's", async () => {
    const text = fc.string({ unit: fc.constantFrom("a", "b", "c", "d"), maxLength: 24 });
    await fc.assert(
      fc.asyncProperty(text, text, fc.integer({ min: 0, max: 4 }), async (x, y, min) => {
        const out = {} as Record<Side, unknown[]>;
        for (const side of SIDES) {
          const c = sides[side];
          await c.mset("rx", x, "ry", y);
          out[side] = [await reply(c, "lcs", "rx", "ry"), await reply(c, "lcs", "rx", "ry", "LEN"), await reply(c, "lcs", "rx", "ry", "IDX", "MINMATCHLEN", min, "WITHMATCHLEN")];
        }
        expect(out.memory).toEqual(out.redis);
      }),
      { numRuns: 150 },
    );
  });

  it("SWAPDB swaps keys and TTLs; errors as Redis's", async () => {
    await same([
      ["select", "14"],
      ["flushdb"],
      ["set", "s:a", "in14"],
      ["hset", "s:h", "f", "v"],
      ["select", "13"],
      ["set", "s:a", "in13"],
      ["set", "s:t", "x", "EX", "1000"],
      ["swapdb", "13", "14"],
      ["get", "s:a"],
      ["hgetall", "s:h"],
      ["exists", "s:t"],
      ["select", "14"],
      ["get", "s:a"],
      ["ttl", "s:t"],
      ["dbsize"],
      ["swapdb", "14", "13"],
      ["select", "13"],
      ["get", "s:a"],
      ["swapdb", "13", "13"],
      ["swapdb", "a", "1"],
      ["swapdb", "1", "b"],
      ["swapdb", "0", "16"],
      ["swapdb", "-1", "0"],
      ["swapdb", "0"],
    ]);
  });

  it("SWAPDB dirties WATCHers of keys in either database and serves clients blocked on the swapped-in keys", async () => {
    const seen = {} as Record<Side, unknown>;
    for (const side of SIDES) {
      const c = sides[side];
      await c.select(14);
      await c.flushdb();
      await c.rpush("w:list", "from14");
      await c.select(13);
      await c.del("w:list", "w:k");
      const watcher = await another(side);
      await watcher.watch("w:k");
      const untouched = await another(side);
      await untouched.watch("w:none");
      const blocked = await another(side);
      const popped = blocked.blpop("w:list", 5);
      await new Promise((r) => setTimeout(r, 100));
      await c.select(14);
      await c.set("w:k", "x"); // w:k exists only in 14: the watcher of 13's w:k is dirtied by the swap
      await c.select(13);
      await c.swapdb(13, 14);
      const exec = await watcher.multi().set("w:k", "y").exec();
      const clean = await untouched.multi().set("w:other", "1").exec();
      seen[side] = { exec, clean, popped: await popped };
    }
    expect(seen.memory).toEqual(seen.redis);
    expect((seen.redis as { popped: unknown }).popped).toEqual(["w:list", "from14"]);
  });

  it("CLIENT UNBLOCK: TIMEOUT answers the blocked client's timeout reply, ERROR an UNBLOCKED error; 0 for a client not blocked", async () => {
    const seen = {} as Record<Side, unknown>;
    for (const side of SIDES) {
      const blocked = await another(side);
      const id = Number(await blocked.client("ID"));
      const c = sides[side];
      const first = blocked.blpop("u:none", 10);
      await new Promise((r) => setTimeout(r, 100));
      const t = await reply(c, "client", "unblock", id, "timeout");
      const firstReply = await first;
      const second = blocked.bzpopmin("u:z", 10).catch((e: Error) => `!${e.message}`);
      await new Promise((r) => setTimeout(r, 100));
      const e = await reply(c, "client", "unblock", id, "ERROR");
      const secondReply = await second;
      const third = blocked.xread("BLOCK", 10000, "STREAMS", "u:s", "$");
      await new Promise((r) => setTimeout(r, 100));
      const d = await reply(c, "client", "unblock", id);
      const thirdReply = await third;
      const errors = [
        await reply(c, "client", "unblock", id),
        await reply(c, "client", "unblock", 999999),
        await reply(c, "client", "unblock", "abc"),
        await reply(c, "client", "unblock", id, "FOO"),
        await reply(c, "client", "unblock", id, "timeout", "x"),
        await reply(c, "client", "unblock"),
      ];
      seen[side] = { t, firstReply, e, secondReply, d, thirdReply, errors };
    }
    expect(seen.memory).toEqual(seen.redis);
    expect((seen.redis as { secondReply: unknown }).secondReply).toBe("!UNBLOCKED client unblocked via CLIENT UNBLOCK");
  });

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
});
