/**
 * Issue 17: the `volatile-random` and `allkeys-random` maxmemory policies, and CLIENT TRACKING's
 * invalidation of a key evicted before a command runs, held to a private redis-server 7.0
 * (CONFIG SET maxmemory is server-wide, so no other suite shares it) over raw sockets. The
 * memory estimates differ (narwhal's is its own, memory-size.ts), so each side's limit is set
 * from its own INFO memory, as Redis's TCL suite does (tracking.tcl).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RawConnection } from "../support/raw-resp";
import { bulkOf, parseReplies, ServePair, SIDES, type Side } from "../support/serve-vs-redis";
import { hasRedisServer } from "../support/servers";

const field = (info: string, name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1]);

/** Sets maxmemory to the side's used memory (what eviction counts) plus `extra` bytes, under `policy`. */
async function limitAbove(c: RawConnection, extra: number, policy: string): Promise<void> {
  const info = await bulkOf(c, ["info", "memory"]);
  const used = field(info, "used_memory") - field(info, "mem_not_counted_for_evict");
  await c.exchange([["config", "set", "maxmemory", String(used + extra)], ["config", "set", "maxmemory-policy", policy]]);
}

async function unlimit(c: RawConnection): Promise<void> {
  await c.exchange([["config", "set", "maxmemory", "0"], ["config", "set", "maxmemory-policy", "noeviction"], ["flushall"]]);
}

describe.skipIf(!hasRedisServer())("random maxmemory policies, serve vs a private redis-server (skipped without redis-server)", () => {
  const pair = new ServePair();
  beforeAll(() => pair.start());
  afterAll(() => pair.stop());

  async function onBoth<T>(body: (c: RawConnection, side: Side) => Promise<T>): Promise<Record<Side, T>> {
    const out = {} as Record<Side, T>;
    for (const side of SIDES) {
      const c = pair.connect(side);
      out[side] = await body(c, side);
      await unlimit(c);
      c.close();
    }
    return out;
  }

  it("INFO memory has mem_not_counted_for_evict; CONFIG SET/GET of the random policies answer as Redis", async () => {
    const got = await onBoth(async (c) => {
      const info = await bulkOf(c, ["info", "memory"]);
      const replies = await c.exchange([
        ["config", "set", "maxmemory-policy", "volatile-random"],
        ["config", "get", "maxmemory-policy"],
        ["config", "set", "maxmemory-policy", "ALLKEYS-RANDOM"],
        ["config", "get", "maxmemory-policy"],
      ]);
      return { evictable: /^mem_not_counted_for_evict:\d+\r?$/m.test(info), replies: parseReplies(replies) };
    });
    expect(got.serve).toEqual(got.redis);
    expect(got.redis.evictable).toBe(true);
  });

  it("volatile-random: a key evicted before GETBIT runs is invalidated ahead of its reply (tracking.tcl)", async () => {
    const got = await onBoth(async (c) => {
      await c.exchange([["hello", "3"], ["client", "tracking", "on"]]);
      await limitAbove(c, 100 * 1024, "volatile-random");
      const setup = await c.exchange([["setex", "volatile-key", "10000", "x"], ["get", "volatile-key"], ["setbit", "big-key", "1600000", "0"]]);
      const evicting = await c.exchange([["getbit", "big-key", "0"]]);
      const after = await c.exchange([["exists", "volatile-key", "big-key"]]);
      return [parseReplies(setup), parseReplies(evicting), parseReplies(after)];
    });
    expect(got.serve).toEqual(got.redis);
    expect(got.redis[1]).toEqual([["invalidate", ["volatile-key"]], ":0"]);
  });

  it("volatile-random evicts only keys with a TTL: once none is left, writes answer OOM and the others stay", async () => {
    const got = await onBoth(async (c) => {
      await c.exchange([["set", "forever", "x".repeat(1000)]]);
      await limitAbove(c, 1024 * 1024, "volatile-random");
      await c.exchange(Array.from({ length: 100 }, (_, i) => ["set", `v${i}`, "x".repeat(1000), "ex", "10000"]));
      const volatile = await c.exchange([["dbsize"]]);
      // SETBIT grows a key without a large request (Redis counts a big SET argument in its query buffer, tracking.tcl).
      const refused = await c.exchange([["setbit", "big", String(1200 * 1024 * 8), "1"], ["set", "more", "x"]]);
      const info = await bulkOf(c, ["info", "stats"]);
      const left = await c.exchange([["exists", "forever", "big"], ["dbsize"]]);
      return { evictedSome: field(info, "evicted_keys") > 0, fewer: Number(volatile.slice(1)) <= 101, refused: parseReplies(refused), left: parseReplies(left) };
    });
    expect(got.serve).toEqual(got.redis);
    expect(got.redis.refused[1]).toMatch(/^-OOM /);
    expect(got.redis.left).toEqual([":2", ":2"]);
  });

  it("allkeys-random evicts any key until under the limit", async () => {
    const got = await onBoth(async (c) => {
      await limitAbove(c, 100 * 1024, "allkeys-random");
      const replies = parseReplies(await c.exchange(Array.from({ length: 400 }, (_, i) => ["set", `k${i}`, "x".repeat(1000)])));
      const info = await bulkOf(c, ["info", "memory"]);
      const stats = await bulkOf(c, ["info", "stats"]);
      const size = Number((await c.exchange([["dbsize"]])).slice(1));
      return { allOk: replies.length === 400 && replies.every((r) => r === "+OK"), under: field(info, "used_memory") <= field(info, "maxmemory") + 2048, evicted: field(stats, "evicted_keys") > 0, someLeft: size > 10 && size < 400 };
    });
    expect(got.serve).toEqual(got.redis);
    expect(got.redis).toEqual({ allOk: true, under: true, evicted: true, someLeft: true });
  });
});
