import { describe, expect, expectTypeOf, it } from "vitest";
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

  it("count with inclusive/exclusive and infinite bounds", async () => {
    const { db, raw } = ctx();
    const z = db.zset("z:count");
    await z.add([["ninf", -Infinity], ["a", 1], ["b", 2], ["c", 3], ["inf", Infinity]]);
    expect(await z.count()).toBe(5);
    expect(await z.count(1, 3)).toBe(3);
    expect(await z.count(1, 3, { minExclusive: true })).toBe(2);
    expect(await z.count(1, 3, { minExclusive: true, maxExclusive: true })).toBe(1);
    expect(await z.count(-Infinity, 2)).toBe(3);
    expect(await z.count(-Infinity, Infinity, { minExclusive: true, maxExclusive: true })).toBe(3);
    expect(await raw.call("zcount", z.key, "(1", "3")).toBe(2);
    await expect(z.count(Number.NaN, 1)).rejects.toMatchObject({ issues: [{ path: "min" }] });
  });

  it("slice follows Array.prototype.slice over ranks, forward and reverse, with scores", async () => {
    const { db, raw } = ctx();
    const z = db.zset("z:slice");
    const members = ["a", "b", "c", "d", "e"];
    await z.add(members.map((m, i) => [m, i] as [string, number]));
    const reversed = [...members].reverse();
    const cases: Array<[number?, number?]> = [[], [0], [-2], [3, 1], [1, 3], [-100, 2], [0, -1], [0, 0], [100], [-3, -1]];
    for (const [s, e] of cases) {
      expect(await z.slice(s, e), `slice(${s}, ${e})`).toEqual(members.slice(s, e));
      expect(await z.slice(s, e, { reverse: true }), `reverse slice(${s}, ${e})`).toEqual(reversed.slice(s, e));
    }
    expect(await z.slice(0, 2, { withScores: true })).toEqual([["a", 0], ["b", 1]]);
    // Compile-time only (never called: popMin would change the set).
    const types = () => {
      expectTypeOf(z.slice()).resolves.toEqualTypeOf<string[]>();
      expectTypeOf(z.slice(0, 1, { withScores: true })).resolves.toEqualTypeOf<Array<[member: string, score: number]>>();
      expectTypeOf(z.rangeByScore(0, 1, { withScores: true, reverse: true })).resolves.toEqualTypeOf<Array<[member: string, score: number]>>();
      expectTypeOf(z.rangeByScore(0, 1, { count: 1 })).resolves.toEqualTypeOf<string[]>();
      expectTypeOf(z.popMin()).resolves.toEqualTypeOf<[member: string, score: number] | undefined>();
      expectTypeOf(z.popMin(2)).resolves.toEqualTypeOf<Array<[member: string, score: number]>>();
    };
    void types;
    // Options held in a variable (withScores: boolean) pick the union overload.
    const dynamic: { withScores: boolean } = { withScores: false };
    const either: string[] | Array<[string, number]> = await z.slice(0, 1, dynamic);
    expect(either).toEqual(["a"]);
    expect(await z.slice(-1, undefined, { reverse: true, withScores: true })).toEqual([["a", 0]]);
    expect(await raw.call("zrange", z.key, -2, -1)).toEqual(["d", "e"]);
  });

  it("rangeByScore: bounds, exclusivity, ±Infinity, reverse, offset/count, withScores", async () => {
    const { db, raw } = ctx();
    const z = db.zset("z:byscore");
    await z.add([["ninf", -Infinity], ["a", 1], ["b", 2], ["c", 3], ["d", 4], ["inf", Infinity]]);
    expect(await z.rangeByScore(2, 4)).toEqual(["b", "c", "d"]);
    expect(await z.rangeByScore(2, 4, { minExclusive: true })).toEqual(["c", "d"]);
    expect(await z.rangeByScore(2, 4, { maxExclusive: true })).toEqual(["b", "c"]);
    expect(await z.rangeByScore(-Infinity, Infinity)).toEqual(["ninf", "a", "b", "c", "d", "inf"]);
    expect(await z.rangeByScore(-Infinity, Infinity, { minExclusive: true, maxExclusive: true })).toEqual(["a", "b", "c", "d"]);
    expect(await z.rangeByScore(2, 4, { reverse: true })).toEqual(["d", "c", "b"]);
    expect(await z.rangeByScore(-Infinity, Infinity, { offset: 1, count: 2 })).toEqual(["a", "b"]);
    expect(await z.rangeByScore(-Infinity, Infinity, { reverse: true, count: 2 })).toEqual(["inf", "d"]);
    expect(await z.rangeByScore(-Infinity, Infinity, { offset: 4 })).toEqual(["d", "inf"]);
    expect(await z.rangeByScore(-Infinity, Infinity, { count: 0 })).toEqual([]);
    expect(await z.rangeByScore(3, Infinity, { withScores: true })).toEqual([["c", 3], ["d", 4], ["inf", Infinity]]);
    expect(await z.rangeByScore(-Infinity, 1, { withScores: true, reverse: true })).toEqual([["a", 1], ["ninf", -Infinity]]);
    expect(await z.rangeByScore(4, 2)).toEqual([]);
    expect(await raw.call("zrange", z.key, "(2", "4", "BYSCORE")).toEqual(["c", "d"]);
    await expect(z.rangeByScore(0, Number.NaN)).rejects.toMatchObject({ issues: [{ path: "max" }] });
    await expect(z.rangeByScore(0, 1, { count: -1 })).rejects.toMatchObject({ issues: [{ path: "count" }] });
  });

  it("rangeByLex and rangeByPrefix handle any Unicode; the prefix bound is the raw byte 0xFF", async () => {
    const { db, raw } = ctx();
    const z = db.zset("z:lex");
    const words = ["aa", "ab", "abc", "abé", "abÿ", "abā", "ab中文", "ab😀", "ac", "b", "é", "中"];
    await z.add(words.map((w) => [w, 0] as [string, number]));
    const byBytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(await z.slice()).toEqual(byBytes);
    expect(await z.rangeByLex()).toEqual(byBytes);
    expect(await z.rangeByLex("ab", "ac")).toEqual(byBytes.filter((w) => w >= "ab" && Buffer.compare(Buffer.from(w), Buffer.from("ac")) <= 0));
    expect(await z.rangeByLex("ab", "ac", { minExclusive: true, maxExclusive: true })).toEqual(["abc", "abé", "abÿ", "abā", "ab中文", "ab😀"]);
    expect(await z.rangeByLex("é")).toEqual(["é", "中"]);
    expect(await z.rangeByLex(undefined, "ab")).toEqual(["aa", "ab"]);
    expect(await z.rangeByLex(undefined, undefined, { reverse: true, count: 2 })).toEqual(["中", "é"]);
    expect(await z.rangeByLex("a", "b", { offset: 1, count: 2 })).toEqual(["ab", "abc"]);
    const abs = ["ab", "abc", "abé", "abÿ", "abā", "ab中文", "ab😀"];
    expect(await z.rangeByPrefix("ab")).toEqual(abs);
    expect(await z.rangeByPrefix("ab", { reverse: true, count: 3 })).toEqual(["ab😀", "ab中文", "abā"]);
    expect(await z.rangeByPrefix("中")).toEqual(["中"]);
    expect(await z.rangeByPrefix("zz")).toEqual([]);
    // What a naive "\xff" string bound (sent as UTF-8 C3 BF) would miss:
    expect(await raw.call("zrange", z.key, "[ab", "[ab\xff", "BYLEX")).not.toContain("ab中文");
    await expect(z.rangeByLex(undefined, undefined, { maxExclusive: true })).rejects.toBeInstanceOf(ValidationError);
    await expect(z.rangeByLex(1 as unknown as string)).rejects.toMatchObject({ issues: [{ path: "min" }] });
  });

  it("popMin / popMax, with and without count", async () => {
    const { db, raw } = ctx();
    const z = db.zset("z:pop");
    await z.add([["a", 1], ["b", 2], ["c", 3], ["d", Infinity]]);
    expect(await z.popMin()).toEqual(["a", 1]);
    expect(await z.popMax()).toEqual(["d", Infinity]);
    expect(await raw.call("zrange", z.key, 0, -1)).toEqual(["b", "c"]);
    expect(await z.popMax(5)).toEqual([["c", 3], ["b", 2]]);
    expect(await z.popMin()).toBeUndefined();
    expect(await z.popMin(2)).toEqual([]);
    await expect(z.popMin(-1)).rejects.toBeInstanceOf(ValidationError);
  });

  it("removeRangeByRank / Score / Lex", async () => {
    const { db, raw } = ctx();
    const z = db.zset("z:remrange");
    const entries = ["a", "b", "c", "d", "e", "f"].map((m, i) => [m, i] as [string, number]);
    await z.add(entries);
    expect(await z.removeRangeByRank(0, 0)).toBe(0);
    expect(await z.removeRangeByRank(-2)).toBe(2);
    expect(await raw.call("zrange", z.key, 0, -1)).toEqual(["a", "b", "c", "d"]);
    expect(await z.removeRangeByRank(1, 2)).toBe(1);
    expect(await z.removeRangeByScore(0, 3, { maxExclusive: true })).toBe(2);
    expect(await raw.call("zrange", z.key, 0, -1)).toEqual(["d"]);
    expect(await z.removeRangeByScore(-Infinity, Infinity)).toBe(1);
    const lex = db.zset("z:remlex");
    await lex.add(["a", "b", "c", "d"].map((m) => [m, 0] as [string, number]));
    expect(await lex.removeRangeByLex("b", "c")).toBe(2);
    expect(await lex.removeRangeByLex("a", undefined, { minExclusive: true })).toBe(1);
    expect(await raw.call("zrange", lex.key, 0, -1)).toEqual(["a"]);
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
