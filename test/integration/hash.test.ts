import { describe, expect, it } from "vitest";
import { codecs } from "../../src/codec";
import { ValidationError, TransactionError, CodecError } from "../../src/errors";
import { describeBackends } from "../support/backends";

describeBackends("RHash", (ctx) => {
  it("set/get/has/size and the raw wire format", async () => {
    const { db, raw } = ctx();
    const h = db.hash("h:basic");
    expect(await h.set("a", "1")).toBe(true);
    expect(await h.set("a", "2")).toBe(false);
    expect(await h.get("a")).toBe("2");
    expect(await h.get("missing")).toBeUndefined();
    expect(await h.has("a")).toBe(true);
    expect(await h.has("b")).toBe(false);
    expect(await h.size()).toBe(1);
    expect(h.key).toBe(`${ctx().prefix}:h:basic`);
    expect(await raw.call("hget", h.key, "a")).toBe("2");
  });

  it("setIfAbsent only writes new fields (HSETNX)", async () => {
    const { db, raw } = ctx();
    const h = db.hash("h:nx");
    expect(await h.setIfAbsent("f", "x")).toBe(true);
    expect(await h.setIfAbsent("f", "y")).toBe(false);
    expect(await raw.call("hget", h.key, "f")).toBe("x");
  });

  it("delete removes fields and requires at least one", async () => {
    const { db, raw } = ctx();
    const h = db.hash("h:del");
    await h.update({ a: "1", b: "2", c: "3" });
    expect(await h.delete("a", "b", "zz")).toBe(2);
    expect(await raw.call("hkeys", h.key)).toEqual(["c"]);
    await expect(h.delete()).rejects.toBeInstanceOf(ValidationError);
  });

  it("getMany, update, keys, values, toObject, toMap", async () => {
    const { db, raw } = ctx();
    const h = db.hash<number>("h:many", { codec: codecs.number });
    expect(await h.update({ x: 1.5, y: -2 })).toBe(2);
    expect(await h.update(new Map([["z", 3]]))).toBe(1);
    expect(await raw.call("hget", h.key, "x")).toBe("1.5");
    expect(await h.getMany(["x", "nope", "z"])).toEqual([1.5, undefined, 3]);
    expect(await h.getMany([])).toEqual([]);
    expect((await h.keys()).sort()).toEqual(["x", "y", "z"]);
    expect((await h.values()).sort((a, b) => a - b)).toEqual([-2, 1.5, 3]);
    const obj = await h.toObject();
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype); // a normal object (issue 10, point 6)
    expect(obj).toStrictEqual({ x: 1.5, y: -2, z: 3 });
    expect(await h.toMap()).toEqual(new Map([["x", 1.5], ["y", -2], ["z", 3]]));
    await expect(h.update({})).rejects.toBeInstanceOf(ValidationError);
  });

  it("a __proto__ field is stored as data, not a prototype", async () => {
    const { db } = ctx();
    const h = db.hash("h:proto");
    await h.set("__proto__", "polluted?");
    const obj = await h.toObject();
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(obj, "__proto__")).toMatchObject({ value: "polluted?", enumerable: true });
    expect(obj["__proto__"]).toBe("polluted?");
    expect(Object.keys(obj)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("incr on a codecs.number hash is HINCRBYFLOAT for integers and fractions alike (see numeric-incr.test.ts)", async () => {
    const { db, raw } = ctx();
    const h = db.hash<number>("h:incr", { codec: codecs.number });
    expect(await h.incr("n")).toBe(1);
    expect(await h.incr("n", 41)).toBe(42);
    expect(await h.incr("n", 0.5)).toBe(42.5);
    expect(await raw.call("hget", h.key, "n")).toBe("42.5");
    await expect(h.incr("n", Number.NaN)).rejects.toBeInstanceOf(ValidationError);
  });

  it("iterates past one HSCAN page (1,500 fields) with for await and entries({ match })", async () => {
    const { db } = ctx();
    const h = db.hash("h:scan");
    const data: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) data[`f${i}`] = `v${i}`;
    await h.update(data);
    const seen = new Map<string, string>();
    for await (const [f, v] of h) seen.set(f, v);
    expect(seen.size).toBe(1500);
    expect(seen.get("f1499")).toBe("v1499");
    const matched: string[] = [];
    for await (const [f] of h.entries({ match: "f14??", count: 200 })) matched.push(f);
    expect(new Set(matched).size).toBe(100);
  });

  it("binary values round-trip through the buffer codec", async () => {
    const { db, raw } = ctx();
    const h = db.hash<Buffer>("h:bin", { codec: codecs.buffer });
    const bytes = Buffer.from([0, 255, 128, 10, 13, 0xc3]);
    await h.set("b", bytes);
    expect(await h.get("b")).toEqual(bytes);
    expect(await raw.callBuffer("hget", h.key, "b")).toEqual(bytes);
    expect(await h.toObject()).toEqual({ b: bytes });
  });

  it("typed codec values round-trip; garbage raises CodecError", async () => {
    const { db, raw } = ctx();
    const h = db.hash<unknown>("h:typed", { codec: codecs.typed() });
    const value = { d: new Date(1), m: new Map([[1, -0]]), s: new Set(["a"]), n: null, u: undefined, b: 10n };
    await h.set("v", value);
    expect(await h.get("v")).toEqual(value);
    await raw.call("hset", h.key, "bad", "not typed");
    await expect(h.get("bad")).rejects.toBeInstanceOf(CodecError);
  });

  it("key-level methods: exists, expire, ttl, persist, clear", async () => {
    const { db, raw } = ctx();
    const h = db.hash("h:key");
    expect(await h.exists()).toBe(false);
    expect(await h.ttl()).toBeUndefined();
    expect(await h.expire(10)).toBe(false);
    await h.set("a", "1");
    expect(await h.ttl()).toBeNull();
    expect(await h.expire(10)).toBe(true);
    const ttl = await h.ttl();
    expect(ttl).toBeGreaterThan(9);
    expect(ttl).toBeLessThanOrEqual(10);
    expect(Number(await raw.call("pttl", h.key))).toBeGreaterThan(9000);
    expect(await h.expire(null)).toBe(true);
    expect(await h.ttl()).toBeNull();
    await expect(h.expire(-1)).rejects.toBeInstanceOf(ValidationError);
    expect(await h.clear()).toBe(true);
    expect(await raw.call("exists", h.key)).toBe(0);
  });

  it("joins a transaction: all commands in one MULTI, results after EXEC", async () => {
    const { db, raw } = ctx();
    const [setNew, got, size] = await db.transaction((tx) => {
      const h = tx.hash("{tx}:h");
      return [h.set("a", "1"), h.get("a"), h.size()];
    });
    expect([setNew, got, size]).toEqual([true, "1", 1]);
    expect(await raw.call("hget", `${ctx().prefix}:{tx}:h`, "a")).toBe("1");
  });

  it("a failing transaction callback sends nothing", async () => {
    const { db, raw } = ctx();
    await expect(
      db.transaction((tx) => {
        void tx.hash("{tx}:discard").set("a", "1");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await raw.call("exists", `${ctx().prefix}:{tx}:discard`)).toBe(0);
  });

  it("bad input inside a transaction poisons it: nothing is sent", async () => {
    const { db, raw } = ctx();
    await expect(
      db.transaction((tx) => {
        void tx.hash("{tx}:poison").set("a", "1");
        void tx.hash("{tx}:poison", { codec: codecs.number }).incr("n", Number.NaN);
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await raw.call("exists", `${ctx().prefix}:{tx}:poison`)).toBe(0);
  });

  it("iteration inside a transaction is refused", async () => {
    const { db } = ctx();
    await expect(
      db.transaction(async (tx) => {
        for await (const _ of tx.hash("{tx}:h")) void _;
      }),
    ).rejects.toBeInstanceOf(TransactionError);
  });

  it("pipeline resolves an object of promises", async () => {
    const { db } = ctx();
    const out = await db.pipeline((p) => ({ a: p.hash("{p}:h").set("x", "1"), b: p.hash("{p}:h").get("x") }));
    expect(out).toEqual({ a: true, b: "1" });
  });
});

describe("RHash without a backend", () => {
  it("validates field names before sending", async () => {
    const { Database } = await import("../../src/database");
    const db = new Database("redis://127.0.0.1:1", { connectTimeout: 200 });
    await expect(db.hash("h").get(5 as unknown as string)).rejects.toBeInstanceOf(ValidationError);
    await db.close();
  });
});
