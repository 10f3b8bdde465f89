import { describe, expect, it } from "vitest";
import { codecs } from "../../src/codec";
import { CrossSlotError, TransactionError, ValidationError } from "../../src/errors";
import { RZSet } from "../../src/containers/zset";
import { describeBackends } from "../support/backends";
import { otherSlotName } from "../support/slots";

describeBackends("RZSet", (ctx) => {
  it("add one member or many entries (array or Map) in one command; raw wire format", async () => {
    const { db, raw } = ctx();
    const z = db.zset("z:add");
    expect(await z.add("a", 1)).toBe(1);
    expect(await z.add("a", 2)).toBe(0);
    expect(await z.add([["b", 2.5], ["c", -Infinity]])).toBe(2);
    expect(await z.add(new Map([["d", Infinity]]))).toBe(1);
    expect(z.key).toBe(`${ctx().prefix}:z:add`);
    expect(await raw.call("zrange", z.key, 0, -1)).toEqual(["c", "a", "b", "d"]);
    expect(await raw.call("zscore", z.key, "c")).toMatch(/^-inf$/);
    expect(String(await raw.call("zscore", z.key, "b"))).toBe("2.5");
  });

  it("add validates scores, entries and flags before sending", async () => {
    const { db, raw } = ctx();
    const z = db.zset("z:addbad");
    await expect(z.add("a", Number.NaN)).rejects.toMatchObject({ code: "VALIDATION", issues: [{ path: "score" }] });
    await expect(z.add([["a", 1], ["b", Number.NaN]])).rejects.toMatchObject({ issues: [{ path: "entries[1][1]" }] });
    await expect(z.add([])).rejects.toMatchObject({ issues: [{ path: "entries" }] });
    await expect(z.add(new Map())).rejects.toBeInstanceOf(ValidationError);
    await expect(z.add("a", 1, { nx: true, xx: true })).rejects.toBeInstanceOf(ValidationError);
    await expect(z.add("a", 1, { gt: true, lt: true })).rejects.toBeInstanceOf(ValidationError);
    await expect(z.add("a", 1, { nx: true, gt: true })).rejects.toBeInstanceOf(ValidationError);
    await expect(z.add("a", "1" as unknown as number)).rejects.toBeInstanceOf(ValidationError);
    expect(await raw.call("exists", z.key)).toBe(0);
  });

  it("add flags: nx, xx, gt, lt, ch", async () => {
    const { db, raw } = ctx();
    const z = db.zset("z:flags");
    await z.add("a", 5);
    expect(await z.add("a", 1, { nx: true })).toBe(0);
    expect(await z.add("b", 1, { xx: true })).toBe(0);
    expect(await z.add("a", 3, { gt: true, ch: true })).toBe(0);
    expect(await z.add("a", 9, { gt: true, ch: true })).toBe(1);
    expect(await z.add("a", 10, { lt: true, ch: true })).toBe(0);
    expect(await z.add("a", 2, { lt: true, xx: true, ch: true })).toBe(1);
    expect(String(await raw.call("zscore", z.key, "a"))).toBe("2");
    expect(await raw.call("zscore", z.key, "b")).toBeNull();
  });

  it("score, has, incr, size, rank", async () => {
    const { db, raw } = ctx();
    const z = db.zset("z:score");
    // Seeded through a plain client: pins what the read methods expect on the wire.
    await raw.call("zadd", z.key, 1, "a", 2, "b", 3, "c");
    expect(await z.score("b")).toBe(2);
    expect(await z.score("zz")).toBeUndefined();
    expect(await z.has("a")).toBe(true);
    expect(await z.has("zz")).toBe(false);
    expect(await z.incr("a", 10.5)).toBe(11.5);
    expect(await z.incr("new")).toBe(1);
    expect(String(await raw.call("zscore", z.key, "a"))).toBe("11.5");
    await expect(z.incr("a", Number.NaN)).rejects.toMatchObject({ issues: [{ path: "by" }] });
    expect(await z.incr("inf", Infinity)).toBe(Infinity);
    expect(await z.score("inf")).toBe(Infinity);
    expect(await z.size()).toBe(5);
    expect(await raw.call("zcard", z.key)).toBe(5);
    expect(await z.rank("new")).toBe(0);
    expect(await z.rank("b")).toBe(1);
    expect(await z.rank("b", { reverse: true })).toBe(3);
    expect(await z.rank("zz")).toBeUndefined();
  });

  it("delete removes members and needs at least one", async () => {
    const { db, raw } = ctx();
    const z = db.zset("z:del");
    await z.add([["a", 1], ["b", 2], ["c", 3]]);
    expect(await z.delete("a", "c", "zz")).toBe(2);
    expect(await raw.call("zrange", z.key, 0, -1)).toEqual(["b"]);
    await expect(z.delete()).rejects.toBeInstanceOf(ValidationError);
  });

  it("unionStore / interStore with weights and aggregate resolve the destination", async () => {
    const { db, raw } = ctx();
    const a = db.zset("{alg}:a");
    const b = db.zset("{alg}:b");
    await a.add([["x", 1], ["y", 2]]);
    await b.add([["y", 10], ["z", 20]]);
    const u = await a.unionStore("{alg}:u", [b]);
    expect(u).toBeInstanceOf(RZSet);
    expect(u.key).toBe(`${ctx().prefix}:{alg}:u`);
    expect(await u.slice(0, undefined, { withScores: true })).toEqual([["x", 1], ["y", 12], ["z", 20]]);
    const w = await a.unionStore(db.zset("{alg}:w"), ["{alg}:b"], { weights: [2, 0.5], aggregate: "max" });
    expect(await w.slice(0, undefined, { withScores: true })).toEqual([["x", 2], ["y", 5], ["z", 10]]);
    const i = await a.interStore("{alg}:i", [b], { aggregate: "min" });
    expect(await i.slice(0, undefined, { withScores: true })).toEqual([["y", 2]]);
    expect(await raw.call("zrange", `${ctx().prefix}:{alg}:i`, 0, -1)).toEqual(["y"]);
    await expect(a.unionStore("{alg}:u", [b], { weights: [1] })).rejects.toMatchObject({ issues: [{ path: "weights" }] });
  });

  it("store across cluster slots is refused client-side on a cluster", async () => {
    const { db, backend } = ctx();
    const a = db.zset("alg:a");
    await a.add("x", 1);
    const elsewhere = otherSlotName(db, a.key, "alg:elsewhere");
    if (backend.name === "cluster") await expect(a.unionStore(elsewhere, [])).rejects.toBeInstanceOf(CrossSlotError);
    else expect(await (await a.unionStore(elsewhere, [])).size()).toBe(1);
  });

  it("iterates [member, score] in score order past one page (2,500 members)", async () => {
    const { db, raw } = ctx();
    const z = db.zset("z:iter");
    const n = 2500;
    // Scores deliberately not in member order; many ties.
    const entries = Array.from({ length: n }, (_, i) => [`m${i}`, (i * 7919) % 100] as [string, number]);
    await z.add(entries);
    expect(await raw.call("zcard", z.key)).toBe(n);
    const seen: Array<[string, number]> = [];
    for await (const entry of z) seen.push(entry);
    const expected = [...entries].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1));
    expect(seen).toEqual(expected);
    const rev: Array<[string, number]> = [];
    for await (const entry of z.entries({ reverse: true, pageSize: 300 })) rev.push(entry);
    expect(rev).toEqual([...expected].reverse());
    for await (const _ of db.zset("z:iter:none")) throw new Error(`unexpected ${String(_)}`);
  });

  it("members go through the codec; numbers and binary members round-trip", async () => {
    const { db, raw } = ctx();
    const z = db.zset<number>("z:num", { codec: codecs.integer });
    await z.add([[10, 1], [-3, 2]]);
    expect(await z.slice()).toEqual([10, -3]);
    expect(await z.score(-3)).toBe(2);
    expect(await raw.call("zrange", z.key, 0, -1)).toEqual(["10", "-3"]);
    const b = db.zset<Buffer>("z:bin", { codec: codecs.buffer });
    const m1 = Buffer.from([0xff, 0x00]);
    const m2 = Buffer.from([0x00, 0xc3]);
    await b.add([[m1, 1], [m2, 2]]);
    expect(await b.slice(0, undefined, { withScores: true })).toEqual([[m1, 1], [m2, 2]]);
    expect(await b.popMax()).toEqual([m2, 2]);
    expect(await raw.callBuffer("zrange", b.key, 0, -1)).toEqual([m1]);
  });

  it("joins a transaction: every call in one MULTI, results after EXEC", async () => {
    const { db, raw } = ctx();
    const out = await db.transaction((tx) => {
      const z = tx.zset("{tx}:z");
      return [
        z.add([["a", 1], ["b", 2], ["c", Infinity]]),
        z.incr("a", 5),
        z.score("c"),
        z.rank("a"),
        z.rangeByScore(2, Infinity, { withScores: true }),
        z.slice(0, 1),
        z.popMin(),
        z.count(),
      ];
    });
    expect(out).toEqual([3, 6, Infinity, 1, [["b", 2], ["a", 6], ["c", Infinity]], ["b"], ["b", 2], 2]);
    expect(await raw.call("zrange", `${ctx().prefix}:{tx}:z`, 0, -1)).toEqual(["a", "c"]);
  });

  it("store inside a transaction resolves the destination after EXEC", async () => {
    const { db } = ctx();
    const [dest] = await db.transaction((tx) => {
      void tx.zset("{tx}:s1").add("m", 3);
      return [tx.zset("{tx}:s1").unionStore(db.zset("{tx}:s2"), [])];
    });
    expect(await dest.score("m")).toBe(3);
  });

  it("bad input in a transaction poisons it; iteration is refused", async () => {
    const { db, raw } = ctx();
    await expect(
      db.transaction((tx) => {
        void tx.zset("{tx}:poison").add("a", 1);
        void tx.zset("{tx}:poison").add("b", Number.NaN);
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await raw.call("exists", `${ctx().prefix}:{tx}:poison`)).toBe(0);
    await expect(
      db.transaction(async (tx) => {
        for await (const _ of tx.zset("{tx}:z")) void _;
      }),
    ).rejects.toBeInstanceOf(TransactionError);
  });

  it("key-level methods: exists, expire, ttl, clear", async () => {
    const { db, raw } = ctx();
    const z = db.zset("z:key");
    await z.add("a", 1);
    expect(await z.exists()).toBe(true);
    expect(await z.expire(10)).toBe(true);
    expect(Number(await raw.call("pttl", z.key))).toBeGreaterThan(9000);
    expect(await z.clear()).toBe(true);
    expect(await raw.call("exists", z.key)).toBe(0);
  });
});

describe("RZSet without a backend", () => {
  it("validates before sending", async () => {
    const { Database } = await import("../../src/database");
    const db = new Database("redis://127.0.0.1:1", { connectTimeout: 200 });
    const z = db.zset("z");
    await expect(z.rangeByScore(Number.NaN, 1)).rejects.toMatchObject({ issues: [{ path: "min" }] });
    await expect(z.slice(0.5)).rejects.toMatchObject({ issues: [{ path: "start" }] });
    await db.close();
  });
});
