/**
 * The resilience options of wrapped functions, on every backend: soft and hard factory
 * timeouts, grace with backoff, eager refresh, TTL jitter, the factory context (skip, ttl,
 * tags, negative caching), entry() for HTTP headers, getOrSet / getOrSetMany / wrapMany,
 * diagnostics_channel events, and no unhandled rejection from any background work.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterAll, beforeAll, expect, it } from "vitest";
import { cacheContext } from "../../src/cache/factory-context";
import { CacheTimeoutError } from "../../src/cache/errors";
import { CACHE_CHANNELS } from "../../src/cache/events";
import { describeBackends } from "../support/backends";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled);
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
});

describeBackends("Cache resilience", (ctx) => {
  it("softTimeoutMs: a slow refresh returns the stale value at once and finishes (and is stored) in the background", async () => {
    const { db } = ctx();
    const cache = db.cache({ namespace: "r1" });
    let calls = 0;
    const f = cache.wrap(
      async () => {
        calls++;
        if (calls > 1) await sleep(150);
        return `v${calls}`;
      },
      { name: "f", ttl: 0.1, grace: 60, softTimeoutMs: 30 },
    );
    expect(await f()).toBe("v1");
    await sleep(130); // past ttl, within grace
    const started = Date.now();
    expect(await f.entry()).toMatchObject({ value: "v1", status: "stale" });
    expect(Date.now() - started).toBeLessThan(120);
    for (let i = 0; i < 100 && (await f.peek())?.value !== "v2"; i++) await sleep(10);
    expect(await f()).toBe("v2");
    expect(calls).toBe(2);
  });

  it("hardTimeoutMs: without a stale value the call rejects with CacheTimeoutError; the factory's signal is aborted, its result still stored", async () => {
    const { db } = ctx();
    const cache = db.cache({ namespace: "r2" });
    let aborted = false;
    const f = cache.wrap(
      async () => {
        cacheContext().signal.addEventListener("abort", () => (aborted = true));
        await sleep(120);
        return "late";
      },
      { name: "f", ttl: 60, hardTimeoutMs: 40 },
    );
    const error = await f().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CacheTimeoutError);
    expect((error as CacheTimeoutError).code).toBe("CACHE_TIMEOUT");
    expect(aborted).toBe(true);
    for (let i = 0; i < 100 && (await f.peek()) === undefined; i++) await sleep(10);
    expect(await f()).toBe("late");
  });

  it("grace: a failing factory serves the last good value, reports, and is not retried before graceBackoff", async () => {
    const { db } = ctx();
    const errors: string[] = [];
    const cache = db.cache({ namespace: "r3", onError: (e, info) => errors.push(`${info.operation}:${e.message}`) });
    let calls = 0;
    let fail = false;
    const f = cache.wrap(
      async () => {
        calls++;
        if (fail) throw new Error("source down");
        return `v${calls}`;
      },
      { name: "f", ttl: 0.05, grace: 60, graceBackoff: 1 },
    );
    expect(await f()).toBe("v1");
    fail = true;
    await sleep(80);
    expect(await f.entry()).toMatchObject({ value: "v1", status: "stale" });
    expect(calls).toBe(2);
    expect(errors).toEqual(["factory:source down"]);
    for (let i = 0; i < 5; i++) expect(await f()).toBe("v1");
    expect(calls).toBe(2); // backing off
    await sleep(1050);
    fail = false;
    expect(await f()).toBe("v3");
    // Without grace, the failure propagates.
    const g = cache.wrap(async () => Promise.reject(new Error("boom")), { name: "g", ttl: 60 });
    await expect(g()).rejects.toThrow("boom");
  });

  it("eagerRefresh: a hit in the last part of the ttl refreshes in the background; ttlJitter shortens ttls", async () => {
    const { db, raw } = ctx();
    const cache = db.cache({ namespace: "r4" });
    let calls = 0;
    const f = cache.wrap(async () => ++calls, { name: "f", ttl: 2, eagerRefresh: 0.25 });
    expect(await f()).toBe(1);
    expect(await f()).toBe(1);
    await sleep(600); // past 25% of the ttl, far from its end
    expect(await f()).toBe(1); // served at once, refresh started
    for (let i = 0; i < 50 && calls < 2; i++) await sleep(5);
    expect(calls).toBe(2);
    expect(await f()).toBe(2);
    const j = cache.wrap(async (n: number) => n, { name: "j", ttl: 100, ttlJitter: 0.5 });
    const ttls: number[] = [];
    for (let n = 0; n < 20; n++) {
      await j(n);
      ttls.push(Number(await raw.call("pttl", j.key(n))));
    }
    expect(Math.max(...ttls)).toBeLessThanOrEqual(100_000);
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(49_000);
    expect(new Set(ttls.map((t) => Math.round(t / 1000))).size).toBeGreaterThan(3);
  });

  it("factory context: skip, ttl, tags and negative caching with its own ttl", async () => {
    const { db, raw } = ctx();
    const cache = db.cache({ namespace: "r5", ttl: 60 });
    let calls = 0;
    const f = cache.wrap(
      async (id: number) => {
        calls++;
        const c = cacheContext<string | null>();
        if (id === 0) c.skip();
        if (id === 1) c.ttl = 5;
        if (id === 2) c.tags.push("special");
        return id === 3 ? null : `u${id}`;
      },
      { name: "f", negativeTtl: 2 },
    );
    expect(await f(0)).toBe("u0");
    expect(await raw.call("exists", f.key(0))).toBe(0);
    await f(1);
    expect(Number(await raw.call("pttl", f.key(1)))).toBeLessThanOrEqual(5000);
    await f(2);
    expect(await cache.invalidateTags("special")).toBe(1);
    expect(await f(3)).toBeNull();
    const negative = Number(await raw.call("pttl", f.key(3)));
    expect(negative).toBeGreaterThan(0);
    expect(negative).toBeLessThanOrEqual(2000);
    expect(await f(3)).toBeNull();
    expect(calls).toBe(4);
    expect(() => cacheContext()).toThrow(/outside a memoized computation/);
  });

  it("entry(): status, age and expiresAt for HTTP headers", async () => {
    const { db } = ctx();
    const cache = db.cache({ namespace: "r6" });
    const f = cache.wrap(async () => "x", { name: "f", ttl: 10 });
    const miss = await f.entry();
    expect(miss).toMatchObject({ value: "x", status: "miss", age: 0 });
    await sleep(30);
    const hit = await f.entry();
    expect(hit.status).toBe("hit");
    expect(hit.age).toBeGreaterThanOrEqual(0.02);
    expect(hit.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 9000);
  });

  it("getOrSet, getOrSetMany and wrapMany: one factory call for the missing keys", async () => {
    const { db } = ctx();
    const cache = db.cache<string>({ namespace: "r7", ttl: 60 });
    expect(await cache.getOrSet("a", (c) => `computed:${c.key.endsWith("::a")}`)).toBe("computed:true");
    expect(await cache.getOrSet("a", () => "again")).toBe("computed:true");
    const batches: string[][] = [];
    const load = async (ids: string[]) => {
      batches.push(ids);
      return ids.map((id) => `v:${id}`);
    };
    expect(await cache.getOrSetMany(["x", "y"], load)).toEqual(["v:x", "v:y"]);
    expect(await cache.getOrSetMany(["x", "y", "z"], load)).toEqual(["v:x", "v:y", "v:z"]);
    expect(batches).toEqual([["x", "y"], ["z"]]);
    const users = cache.wrapMany(async (ids: number[]) => new Map(ids.map((id) => [id, `user${id}`])), { name: "users" });
    expect(await users([1, 2, 3])).toEqual(["user1", "user2", "user3"]);
    let second: number[] = [];
    const spy = cache.wrapMany(
      async (ids: number[]) => {
        second = ids;
        return ids.map((id) => `s${id}`);
      },
      { name: "spy" },
    );
    await spy([1, 2]);
    await spy([2, 3, 1]);
    expect(second).toEqual([3]);
    expect(await spy.invalidate(1)).toBe(1);
  });

  it("diagnostics_channel: hit, miss, refresh and factory-error events", async () => {
    const { db } = ctx();
    const cache = db.cache({ namespace: "r8" });
    const seen: string[] = [];
    const listeners = Object.entries({ hit: CACHE_CHANNELS.hit, miss: CACHE_CHANNELS.miss, stale: CACHE_CHANNELS.stale, refresh: CACHE_CHANNELS.refresh, error: CACHE_CHANNELS.factoryError }).map(
      ([name, channel]) => [channel, (m: unknown) => (m as { name?: string }).name === "f" && seen.push(name)] as const,
    );
    for (const [channel, fn] of listeners) subscribe(channel, fn);
    try {
      let fail = false;
      const f = cache.wrap(
        async () => {
          if (fail) throw new Error("x");
          return 1;
        },
        { name: "f", ttl: 0.4, staleTtl: 60 },
      );
      await f();
      await f();
      await sleep(450);
      fail = true;
      await f();
      await sleep(30);
      expect(seen).toEqual(["miss", "hit", "stale", "refresh", "error"]);
    } finally {
      for (const [channel, fn] of listeners) unsubscribe(channel, fn);
    }
  });

  it("no unhandled rejection from background work (refreshes, soft-timeout continuations, grace)", async () => {
    const { db } = ctx();
    const cache = db.cache({ namespace: "r9", onError: () => undefined });
    let fail = false;
    const factory = async () => {
      if (!fail) return "good";
      await sleep(20);
      throw new Error("background failure");
    };
    const swr = cache.wrap(factory, { name: "swr", ttl: 0.02, staleTtl: 10 });
    const soft = cache.wrap(factory, { name: "soft", ttl: 0.02, grace: 10, softTimeoutMs: 1 });
    const eager = cache.wrap(factory, { name: "eager", ttl: 0.05, eagerRefresh: 0.1, lock: true });
    await Promise.all([swr(), soft(), eager()]);
    fail = true;
    await sleep(30);
    expect(await swr()).toBe("good"); // stale, refresh fails in the background
    expect(await soft()).toBe("good"); // soft timeout, the factory fails after it
    await sleep(60);
    expect(await soft()).toBe("good"); // grace backoff
    await sleep(60);
    expect(unhandled).toEqual([]);
    expect(cache.stats().errors).toBeGreaterThan(0);
  });
});
