import { describe, expect, it } from "vitest";
import { codecs } from "../../src/codec";
import { bloomSizing } from "../../src/containers/bloom";
import { ValidationError } from "../../src/errors";
import { describeBackends } from "../support/backends";
import { Database } from "../../src/database";
import { createEngine } from "../../src/memory/create-engine";

describe("bloomSizing", () => {
  it("derives bits and hashes from the formulas", () => {
    expect(bloomSizing(100_000, 0.01)).toEqual({ bits: 958_506, hashes: 7 });
    expect(bloomSizing(1000, 0.001)).toEqual({ bits: 14_378, hashes: 10 });
    expect(bloomSizing(1, 0.5)).toEqual({ bits: 2, hashes: 1 });
    expect(() => bloomSizing(0, 0.01)).toThrow(ValidationError);
    expect(() => bloomSizing(10, 1)).toThrow(ValidationError);
    expect(() => bloomSizing(1e12, 0.01)).toThrow(/more than a Redis string holds/);
  });
});

describe("bloom.lua's native port (the embedded engine) against the Lua in fengari", () => {
  it("answers the same and leaves byte-identical keys", async () => {
    const native = Database.memory({ prefix: "n" });
    const lua = Database.memory({ prefix: "n", engine: createEngine({ nativeScripts: false }) });
    const transcript = async (db: Database) => {
      const f = db.bloomFilter("f", { capacity: 500, errorRate: 0.02 });
      const out: unknown[] = [await f.hasMany(["a", "b"])];
      out.push(await f.addMany(Array.from({ length: 900 }, (_, i) => `m${i % 700}`)));
      out.push(await f.hasMany(Array.from({ length: 1000 }, (_, i) => `m${i}`)));
      out.push(await f.add("é"), await f.has("é"));
      await db.client.call("set", "n:other", "x".repeat(40));
      out.push(await db.bloomFilter("other", { capacity: 500, errorRate: 0.02 }).add("a").catch((e: Error) => e.message));
      out.push(await db.bloomFilter("f", { capacity: 501, errorRate: 0.02 }).add("a").catch((e: Error) => e.message));
      out.push(await db.client.callBuffer("get", f.key));
      return out;
    };
    expect(await transcript(native)).toEqual(await transcript(lua));
    await native.close();
    await lua.close();
  }, 60_000);
});

describeBackends(
  "RBloomFilter",
  (ctx) => {
    it("add/has/addMany/hasMany in one script each; the key holds a header and the bits", async () => {
      const { db, raw } = ctx();
      const f = db.bloomFilter("bf:basic", { capacity: 1000, errorRate: 0.01 });
      expect([f.bits, f.hashes]).toEqual([9586, 7]);
      expect(await f.has("x")).toBe(false);
      expect(await raw.call("exists", f.key)).toBe(0);
      expect(await f.add("x")).toBe(true);
      expect(await f.add("x")).toBe(false);
      expect(await f.has("x")).toBe(true);
      expect(await f.addMany(["a", "b", "a"])).toEqual([true, true, false]);
      expect(await f.hasMany(["a", "b", "x", "zz-never-added"])).toEqual([true, true, true, false]);
      expect(await f.hasMany([])).toEqual([]);
      const stored = (await raw.callBuffer("get", f.key)) as Buffer;
      expect(stored.subarray(0, 32).toString()).toBe("narwhal-bloom:1 k=7 m=9586".padEnd(32, " "));
      expect(stored.length).toBeLessThanOrEqual(32 + Math.ceil(9586 / 8));
      let ones = 0;
      for (const byte of stored.subarray(32)) for (let b = byte; b; b &= b - 1) ones++;
      expect(ones).toBeGreaterThan(7);
      expect(ones).toBeLessThanOrEqual(21);
    });

    it("refuses to reuse a key with other sizes, and bad members", async () => {
      const { db, raw } = ctx();
      await db.bloomFilter("bf:sized", { capacity: 100, errorRate: 0.01 }).add("m");
      await expect(db.bloomFilter("bf:sized", { capacity: 1000, errorRate: 0.01 }).has("m")).rejects.toBeInstanceOf(ValidationError);
      await raw.call("set", `${ctx().prefix}:bf:str`, "hello");
      await expect(db.bloomFilter("bf:str", { capacity: 100, errorRate: 0.01 }).add("m")).rejects.toBeInstanceOf(ValidationError);
      await expect(db.bloomFilter("bf:sized", { capacity: 100, errorRate: 0.01 }).add("\uD800")).rejects.toBeInstanceOf(ValidationError);
      const nums = db.bloomFilter("bf:nums", { capacity: 100, errorRate: 0.01, codec: codecs.integer });
      expect(await nums.addMany([1, 2, 3])).toEqual([true, true, true]);
      expect(await nums.hasMany([1, 2, 3])).toEqual([true, true, true]);
    });

    it("at capacity (100k members): no false negatives, false-positive rate ≤ errorRate × 1.2 over 100k probes", async () => {
      const { db } = ctx();
      const errorRate = 0.01;
      const f = db.bloomFilter("bf:fp", { capacity: 100_000, errorRate });
      const members = Array.from({ length: 100_000 }, (_, i) => `member:${i}`);
      for (let i = 0; i < members.length; i += 25_000) await f.addMany(members.slice(i, i + 25_000));
      const present = await f.hasMany(members);
      expect(present.filter((p) => !p).length).toBe(0);
      const probes = Array.from({ length: 100_000 }, (_, i) => `probe:${i}`);
      const falsePositives = (await f.hasMany(probes)).filter(Boolean).length;
      const rate = falsePositives / probes.length;
      expect(rate).toBeLessThanOrEqual(errorRate * 1.2);
      expect(rate).toBeGreaterThan(errorRate * 0.5); // sized tightly, not oversized
    }, 60_000);
  },
  { requires: ["lua"] },
);
