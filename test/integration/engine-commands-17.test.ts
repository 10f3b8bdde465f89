/**
 * Issue 17, commands the engine lacked, each against a private redis-server 7.0 (SWAPDB and
 * CLIENT UNBLOCK act server-wide, so no other suite may share it), reply by reply through
 * ioredis on both sides: LCS (plain, LEN, IDX, MINMATCHLEN, WITHMATCHLEN; a property test on
 * random strings), SWAPDB (data, TTLs, WATCH, blocked clients served by the swap, errors),
 * CLIENT UNBLOCK (TIMEOUT, ERROR, not blocked, errors). OBJECT is in engine-object.test.ts.
 */
import fc from "fast-check";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSides, reply, sameReplies, type ExactSides } from "../support/engine-vs-redis";
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
  const same = (commands: Array<Array<string | number>>): Promise<unknown[]> => sameReplies(sides, commands);

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
});
