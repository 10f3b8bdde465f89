import { expect, it } from "vitest";
import { codecs } from "../../src/codec";
import { CodecError, ValidationError } from "../../src/errors";
import { countRoundTrips } from "../../bench/support";
import { describeBackends } from "../support/backends";

describeBackends("Cache (raw API)", (ctx) => {
  it("set/get/has/delete and the raw wire format", async () => {
    const { db, raw, prefix } = ctx();
    const cache = db.cache({ namespace: "c1" });
    await cache.set("user:1", { name: "ann", born: new Date(0) });
    expect(await cache.get("user:1")).toEqual({ name: "ann", born: new Date(0) });
    expect(cache.redisKey("user:1")).toBe(`${prefix}:c1::user:1`); // raw keys: an empty name segment (cache-keyspace.test.ts)
    const bytes = (await raw.callBuffer("get", `${prefix}:c1::user:1`)) as Buffer;
    expect(bytes[0]).toBe(0xc1); // envelope, then the typed codec's "N1" magic
    expect(bytes.subarray(1, 3).toString("latin1")).toBe("N1");
    expect(await cache.has("user:1")).toBe(true);
    expect(await cache.get("nope")).toBeUndefined();
    expect(await cache.has("nope")).toBe(false);
    expect(await cache.delete("user:1")).toBe(true);
    expect(await cache.delete("user:1")).toBe(false);
    expect(await raw.call("exists", `${prefix}:c1::user:1`)).toBe(0);
  });

  it("the typed codec round-trips Date, Map, Set, bigint, Buffer, undefined, null and nesting", async () => {
    const { db } = ctx();
    const cache = db.cache({ namespace: "c2" });
    const values: Record<string, unknown> = {
      date: new Date("2024-02-29T12:00:00Z"),
      map: new Map<unknown, unknown>([[1, "a"], ["k", new Set([1n])]]),
      set: new Set(["x", 2]),
      big: 12345678901234567890n,
      buf: Buffer.from([0, 1, 254, 255]),
      undef: undefined,
      nul: null,
      nested: { a: [undefined, null, { d: new Date(1) }], n: -0 },
      int: 7,
      float: 1.25,
    };
    for (const [k, v] of Object.entries(values)) await cache.set(k, v);
    for (const [k, v] of Object.entries(values)) expect(await cache.get(k)).toEqual(v);
    expect(Object.is(((await cache.get("nested")) as { n: number }).n, -0)).toBe(true);
    expect(Buffer.isBuffer(await cache.get("buf"))).toBe(true);
  });

  it("a cached undefined or null is a hit, distinct from a miss", async () => {
    const { db, raw } = ctx();
    const cache = db.cache({ namespace: "c3" });
    await cache.set("u", undefined);
    await cache.set("n", null);
    expect(await cache.getEntry("u")).toEqual({ value: undefined });
    expect(await cache.getEntry("n")).toEqual({ value: null });
    expect(await cache.getEntry("missing")).toBeUndefined();
    expect(await cache.has("u")).toBe(true);
    expect(await raw.call("strlen", cache.redisKey("u"))).toBeGreaterThan(1);
  });

  it("ttl: default, per call, 0 = never; negative or non-finite is a ValidationError", async () => {
    const { db, raw } = ctx();
    const cache = db.cache({ namespace: "c4", ttl: 60 });
    await cache.set("a", 1);
    await cache.set("b", 1, { ttl: 1.5 });
    await cache.set("c", 1, { ttl: 0 });
    const a = await cache.ttl("a");
    expect(a).toBeGreaterThan(59);
    expect(a).toBeLessThanOrEqual(60);
    const pb = Number(await raw.call("pttl", cache.redisKey("b")));
    expect(pb).toBeGreaterThan(1000);
    expect(pb).toBeLessThanOrEqual(1500);
    expect(await cache.ttl("c")).toBeNull();
    expect(await cache.ttl("zz")).toBeUndefined();
    for (const ttl of [-1, NaN, Infinity]) await expect(cache.set("x", 1, { ttl })).rejects.toBeInstanceOf(ValidationError);
    expect(() => db.cache({ ttl: -5 })).toThrow(ValidationError);
    expect(await cache.has("x")).toBe(false);
  });

  it("getMany / setMany with per-key TTLs / deleteMany across slots", async () => {
    const { db, raw } = ctx();
    const cache = db.cache({ namespace: "c5", ttl: 100 });
    const written = await cache.setMany([
      ["k1", "one"],
      ["k2", { two: 2 }, { ttl: 5 }],
      ["k3", undefined, { ttl: 0 }],
      ...Array.from({ length: 20 }, (_, i) => [`many:${i}`, i] as [string, number]),
    ]);
    expect(written).toBe(23);
    expect(await cache.getMany(["k1", "k2", "k3", "nope", "many:3"])).toEqual(["one", { two: 2 }, undefined, undefined, 3]);
    expect(Number(await raw.call("pttl", cache.redisKey("k1")))).toBeGreaterThan(99_000);
    const p2 = Number(await raw.call("pttl", cache.redisKey("k2")));
    expect(p2).toBeGreaterThan(4000);
    expect(p2).toBeLessThanOrEqual(5000);
    expect(Number(await raw.call("pttl", cache.redisKey("k3")))).toBe(-1);
    expect(await cache.setMany({ r1: 1, r2: 2 })).toBe(2);
    expect(await cache.setMany(new Map([["m1", 1]]))).toBe(1);
    expect(await cache.getMany([])).toEqual([]);
    expect(await cache.deleteMany(["k1", "k2", "nope", ...Array.from({ length: 20 }, (_, i) => `many:${i}`)])).toBe(22);
    expect(await cache.getMany(["k1", "many:0", "k3"])).toEqual([undefined, undefined, undefined]);
    await expect(cache.setMany([["ok", 1], ["bad", 1, { ttl: -1 }]])).rejects.toBeInstanceOf(ValidationError);
    expect(await cache.has("ok")).toBe(false);
  });

  it("incr keeps a Redis number (INCRBYFLOAT; integer steps stay integer text) with a TTL only when new, and get reads it as a number", async () => {
    const { db, raw } = ctx();
    const cache = db.cache({ namespace: "c6" });
    expect(await cache.incr("hits")).toBe(1);
    expect(await cache.incr("hits", 41)).toBe(42);
    expect(await raw.call("get", cache.redisKey("hits"))).toBe("42");
    expect(await cache.get("hits")).toBe(42);
    expect(await cache.incr("f", 0.5)).toBe(0.5);
    expect(await cache.incr("win", 1, { ttl: 30 })).toBe(1);
    expect(await cache.incr("win", 1, { ttl: 5 })).toBe(2);
    expect(Number(await raw.call("pttl", cache.redisKey("win")))).toBeGreaterThan(25_000);
    await cache.set("n", 10);
    expect(await cache.incr("n")).toBe(11);
    await expect(cache.incr("n", NaN)).rejects.toBeInstanceOf(ValidationError);
  });

  it("keys() iterates the namespace's raw keys with SCAN; clear() removes the whole namespace with SCAN + UNLINK, other namespaces untouched", async () => {
    const { db, raw } = ctx();
    const cache = db.cache({ namespace: "c7" });
    const other = db.cache({ namespace: "c7x" });
    await cache.setMany(Array.from({ length: 2500 }, (_, i) => [`k${i}`, i] as [string, number]));
    await other.set("keep", 1);
    const getUser = cache.wrap(async (id: number) => ({ id }), { name: "getUser", tags: (id) => [`user:${id}`] });
    await getUser(1);
    const seen = new Set<string>();
    for await (const key of cache.keys()) seen.add(key);
    expect(seen.size).toBe(2500); // raw keys only: memoized entries are not raw keys
    expect(seen.has("k0") && seen.has("k2499")).toBe(true);
    const tail = getUser.key(1).slice(`${ctx().prefix}:c7:`.length);
    expect(tail).toMatch(/^getUser:[A-Za-z0-9_-]{22}$/);
    expect(await cache.get(tail)).toBeUndefined(); // a raw key never reads a memoized entry
    expect(await cache.clear()).toBe(2502); // raw entries + the memoized entry + its tag set
    expect(await cache.has("k1")).toBe(false);
    expect(await other.get("keep")).toBe(1);
    expect(await raw.call("exists", other.redisKey("keep"))).toBe(1);
  });

  it("stats() counts hits, misses, writes and errors in this process", async () => {
    const { db, raw } = ctx();
    const cache = db.cache({ namespace: "c8" });
    await cache.set("a", 1);
    await cache.get("a");
    await cache.get("b");
    await cache.getMany(["a", "b", "c"]);
    await raw.call("set", cache.redisKey("junk"), "not an entry");
    await expect(cache.get("junk")).rejects.toBeInstanceOf(CodecError);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 3, writes: 1, errors: 1 });
    cache.resetStats();
    expect(cache.stats().hits).toBe(0);
  });

  it("failOpen on the raw API turns errors into misses and reports them", async () => {
    const { db, raw } = ctx();
    const seen: string[] = [];
    const cache = db.cache({ namespace: "c9", failOpen: true, onError: (e, info) => seen.push(`${info.operation}:${e.name}`) });
    await raw.call("set", cache.redisKey("junk"), "garbage");
    expect(await cache.get("junk")).toBeUndefined();
    expect(seen).toEqual(["get:CodecError"]);
  });

  it("custom codecs and bad keys", async () => {
    const { db, raw } = ctx();
    const cache = db.cache<{ a: number }>({ namespace: "c10", codec: codecs.json() });
    await cache.set("j", { a: 1 });
    expect(await cache.get("j")).toEqual({ a: 1 });
    expect(((await raw.callBuffer("get", cache.redisKey("j"))) as Buffer).subarray(1).toString()).toBe('{"a":1}');
    expect(() => cache.redisKey("")).toThrow(ValidationError);
    expect(cache.redisKey("#tag:x")).not.toBe(`${ctx().prefix}:c10:#tag:x`); // raw keys cannot reach a tag set
    expect(() => db.cache({ namespace: "a:b" })).toThrow(ValidationError);
  });

  it("round trips: setMany, getMany, a wrap() hit and concurrent hits each take one (standalone)", async () => {
    const { db, backend } = ctx();
    if (backend.name !== "standalone") return; // on Cluster, one per slot (sent concurrently)
    const cache = db.cache({ namespace: "c11" });
    await cache.get("warm-up"); // connect
    expect(await countRoundTrips(db.client, () => cache.setMany(Array.from({ length: 50 }, (_, i) => [`k${i}`, i, { ttl: i + 1 }] as const)))).toBe(1);
    expect(await countRoundTrips(db.client, () => cache.getMany(Array.from({ length: 50 }, (_, i) => `k${i}`)))).toBe(1);
    const f = cache.wrap(async (i: number) => i * 2, { name: "f" });
    await Promise.all(Array.from({ length: 20 }, (_, i) => f(i)));
    expect(await countRoundTrips(db.client, () => f(3))).toBe(1);
    // 20 concurrent hits on different keys: the first GET goes at once, the other 19 as one MGET.
    expect(await countRoundTrips(db.client, () => Promise.all(Array.from({ length: 20 }, (_, i) => f(i))))).toBeLessThanOrEqual(2);
  });
});
