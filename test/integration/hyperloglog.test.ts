import { describe, expect, it } from "vitest";
import { codecs } from "../../src/codec";
import { CodecError, CrossSlotError, ValidationError } from "../../src/errors";
import { RHyperLogLog } from "../../src/containers/hyperloglog";
import { describeBackends } from "../support/backends";
import { rejectsNaming } from "../support/validation";

describeBackends("RHyperLogLog", (ctx) => {
  it("add reports whether the estimate changed; count estimates distinct values (PFADD, PFCOUNT)", async () => {
    const { db, raw, prefix } = ctx();
    const h = db.hyperLogLog("hll:basic");
    expect(h).toBeInstanceOf(RHyperLogLog);
    expect(h.key).toBe(`${prefix}:hll:basic`);
    expect(await h.count()).toBe(0);
    expect(await h.add("a", "b", "c")).toBe(true);
    expect(await h.add("a")).toBe(false);
    expect(await h.count()).toBe(3);
    // The raw value is a Redis HyperLogLog (an "HYLL" string) that PFCOUNT reads.
    expect(await raw.call("type", h.key)).toBe("string");
    expect(((await raw.callBuffer("get", h.key)) as Buffer).subarray(0, 4).toString("latin1")).toBe("HYLL");
    expect(await raw.call("pfcount", h.key)).toBe(3);
    await rejectsNaming(h.add(), "values");
  });

  it("counts many values within HyperLogLog's error bound", async () => {
    const { db, raw } = ctx();
    const h = db.hyperLogLog<number>("hll:many", { codec: codecs.integer });
    const values = Array.from({ length: 10_000 }, (_, i) => i);
    for (let i = 0; i < values.length; i += 2000) await h.add(...values.slice(i, i + 2000));
    const estimate = await h.count();
    expect(Math.abs(estimate - 10_000) / 10_000).toBeLessThan(0.05);
    expect(await raw.call("pfcount", h.key)).toBe(estimate);
    // Values are counted by their encoded bytes: 5 and "5" are the same element.
    expect(await raw.call("pfadd", h.key, "5")).toBe(0);
  });

  it("merge folds other HyperLogLogs into this one (PFMERGE)", async () => {
    const { db, raw, prefix } = ctx();
    const a = db.hyperLogLog("{hll}:a");
    const b = db.hyperLogLog("{hll}:b");
    await a.add("1", "2", "3");
    await b.add("3", "4");
    await raw.call("pfadd", `${prefix}:{hll}:c`, "5");
    const total = db.hyperLogLog("{hll}:total");
    expect(await total.merge(a, b, "{hll}:c")).toBeUndefined();
    expect(await total.count()).toBe(5);
    expect(await raw.call("pfcount", total.key)).toBe(5);
    // Sources are untouched.
    expect(await raw.call("pfcount", b.key)).toBe(2);
    await rejectsNaming(total.merge(), "sources");
    await rejectsNaming(total.merge(a, 3 as unknown as string), "sources[1]");
  });

  it("countUnion estimates the union without storing it (PFCOUNT over several keys)", async () => {
    const { db, raw } = ctx();
    const a = db.hyperLogLog("{hllu}:a");
    const b = db.hyperLogLog("{hllu}:b");
    await a.add("x", "y");
    await b.add("y", "z");
    expect(await a.countUnion(b)).toBe(3);
    expect(await a.countUnion("{hllu}:b", "{hllu}:missing")).toBe(3);
    expect(await raw.call("pfcount", a.key)).toBe(2);
    await rejectsNaming(a.countUnion(), "others");
  });

  it("multi-key methods across slots: CrossSlotError on Cluster, plain success on standalone", async () => {
    const { db, backend } = ctx();
    const a = db.hyperLogLog("hslot:a");
    await a.add("1");
    await db.hyperLogLog("hslot:b").add("2");
    if (backend.name === "cluster") {
      await expect(a.merge("hslot:b")).rejects.toBeInstanceOf(CrossSlotError);
      await expect(a.countUnion("hslot:b")).rejects.toBeInstanceOf(CrossSlotError);
    } else {
      expect(await a.countUnion("hslot:b")).toBe(2);
      await a.merge("hslot:b");
      expect(await a.count()).toBe(2);
    }
  });

  it("a value the codec rejects is a CodecError and nothing is sent", async () => {
    const { db, raw } = ctx();
    const h = db.hyperLogLog<Date>("hll:codec", { codec: codecs.date });
    await expect(h.add(new Date(1), new Date(Number.NaN))).rejects.toBeInstanceOf(CodecError);
    expect(await raw.call("exists", h.key)).toBe(0);
    expect(await h.add(new Date(1), new Date(1))).toBe(true);
    expect(await h.count()).toBe(1);
  });

  it("key-level methods: exists, expire, ttl, clear", async () => {
    const { db, raw } = ctx();
    const h = db.hyperLogLog("hll:key");
    expect(await h.exists()).toBe(false);
    await h.add("a");
    expect(await h.expire(20)).toBe(true);
    expect(Number(await raw.call("pttl", h.key))).toBeGreaterThan(19000);
    expect(await h.ttl()).toBeGreaterThan(19);
    expect(await h.clear()).toBe(true);
    expect(await raw.call("exists", h.key)).toBe(0);
  });

  it("joins a transaction", async () => {
    const { db, raw, prefix } = ctx();
    const out = await db.transaction((tx) => {
      const a = tx.hyperLogLog("{htx}:a");
      const b = tx.hyperLogLog("{htx}:b");
      return [a.add("1", "2"), b.add("2", "3"), a.countUnion(b), a.merge(b), a.count()];
    });
    expect(out).toEqual([true, true, 3, undefined, 3]);
    expect(await raw.call("pfcount", `${prefix}:{htx}:a`)).toBe(3);
  });

  it("bad input inside a transaction poisons it: nothing is sent", async () => {
    const { db, raw, prefix } = ctx();
    await expect(
      db.transaction((tx) => {
        void tx.hyperLogLog("{htx}:poison").add("a");
        void tx.hyperLogLog("{htx}:poison").merge();
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await raw.call("exists", `${prefix}:{htx}:poison`)).toBe(0);
  });
});

describe("RHyperLogLog without a backend", () => {
  it("validates before sending", async () => {
    const { Database } = await import("../../src/database");
    const db = new Database("redis://127.0.0.1:1", { connectTimeout: 200 });
    const h = db.hyperLogLog("h");
    await rejectsNaming(h.add(), "values");
    await rejectsNaming(h.countUnion(), "others");
    await expect(h.add(1 as unknown as string)).rejects.toBeInstanceOf(CodecError);
    await db.close();
  });
});
