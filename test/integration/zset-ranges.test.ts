/**
 * RZSet's reads and removals by position, score and lexical range: count, slice, rangeByScore,
 * rangeByLex/rangeByPrefix, popMin/popMax and removeRangeBy*. The rest of RZSet is in
 * zset.test.ts.
 */
import { expect, expectTypeOf, it } from "vitest";
import { ValidationError } from "../../src/errors";
import { describeBackends } from "../support/backends";

describeBackends("RZSet ranges", (ctx) => {
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
});
