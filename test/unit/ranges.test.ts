import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { inclusiveRange, lexBound, limitArgs, prefixBounds, scoreBound } from "../../src/containers/ranges";
import { addFlags, storeArgs } from "../../src/containers/zset-args";
import { ValidationError } from "../../src/errors";

/** Redis's LRANGE / ZRANGE / LTRIM index resolution (t_list.c `addListRangeReply`), as a tiny model. */
function redisRange<T>(list: readonly T[], start: number, end: number): T[] {
  const len = list.length;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return [];
  if (end >= len) end = len - 1;
  return list.slice(start, end + 1);
}

/** Redis's LINDEX. */
function redisIndex<T>(list: readonly T[], index: number): T | undefined {
  const i = index < 0 ? list.length + index : index;
  return i >= 0 && i < list.length ? list[i] : undefined;
}

describe("inclusiveRange (Array.prototype.slice → Redis inclusive ranges)", () => {
  it("maps the documented cases", () => {
    expect(inclusiveRange(undefined, undefined)).toEqual([0, -1]);
    expect(inclusiveRange(-2, undefined)).toEqual([-2, -1]);
    expect(inclusiveRange(3, 1)).toEqual([3, 0]);
    expect(inclusiveRange(0, 0)).toEqual([1, 0]);
    expect(inclusiveRange(0, -1)).toEqual([0, -2]);
  });

  it("property: slice(start, end) through the Redis model equals Array.prototype.slice", () => {
    const index = fc.oneof(fc.integer({ min: -30, max: 30 }), fc.integer({ min: -1e12, max: 1e12 }));
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 25 }), fc.option(index, { nil: undefined }), fc.option(index, { nil: undefined }), (arr, s, e) => {
        const [first, last] = inclusiveRange(s, e);
        expect(redisRange(arr, first, last)).toEqual(arr.slice(s, e));
      }),
      { numRuns: 5000 },
    );
  });

  it("property: at(i) is LINDEX i", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 25 }), fc.integer({ min: -40, max: 40 }), (arr, i) => {
        expect(redisIndex(arr, i)).toBe(arr.at(i));
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects non-integer indexes with the argument's name", () => {
    expect(() => inclusiveRange(0.5, undefined)).toThrow(/start/);
    expect(() => inclusiveRange(0, Number.NaN)).toThrow(/end/);
    expect(() => inclusiveRange(0, Infinity)).toThrow(ValidationError);
  });
});

describe("score and lex bounds", () => {
  it("formats score bounds; NaN names the argument", () => {
    expect(scoreBound("min", -Infinity, false)).toBe("-inf");
    expect(scoreBound("max", Infinity, true)).toBe("(+inf");
    expect(scoreBound("min", 5, true)).toBe("(5");
    expect(() => scoreBound("max", Number.NaN, false)).toThrow(/max/);
  });

  it("formats lex bounds", () => {
    expect(lexBound("min", undefined, false, "min")).toBe("-");
    expect(lexBound("max", undefined, false, "max")).toBe("+");
    expect(lexBound("min", "é", true, "min")).toBe("(é");
    expect(lexBound("max", "(raw", false, "max")).toBe("[(raw");
    expect(() => lexBound("max", undefined, true, "max")).toThrow(ValidationError);
  });

  it("the prefix upper bound ends with the raw byte 0xFF, not its UTF-8 encoding", () => {
    const [lo, hi] = prefixBounds("ab");
    expect(lo).toEqual(Buffer.from("[ab"));
    expect(hi).toEqual(Buffer.from([0x5b, 0x61, 0x62, 0xff]));
  });

  it("LIMIT arguments", () => {
    expect(limitArgs({})).toEqual([]);
    expect(limitArgs({ count: 5 })).toEqual(["LIMIT", 0, 5]);
    expect(limitArgs({ offset: 5 })).toEqual(["LIMIT", 5, -1]);
    expect(() => limitArgs({ offset: -1 })).toThrow(/offset/);
  });
});

describe("ZADD and store options", () => {
  it("rejects incompatible ZADD flags", () => {
    expect(addFlags({ xx: true, gt: true, ch: true })).toEqual(["XX", "GT", "CH"]);
    for (const bad of [{ nx: true, xx: true }, { nx: true, gt: true }, { nx: true, lt: true }, { gt: true, lt: true }]) {
      expect(() => addFlags(bad)).toThrow(ValidationError);
    }
  });

  it("checks weights and aggregate", () => {
    expect(storeArgs(["a", "b"], { weights: [1, 2.5], aggregate: "max" })).toEqual([2, "a", "b", "WEIGHTS", "1", "2.5", "AGGREGATE", "MAX"]);
    expect(() => storeArgs(["a", "b"], { weights: [1] })).toThrow(/weights/);
    expect(() => storeArgs(["a"], { weights: [Number.NaN] })).toThrow(/weights\[0\]/);
    expect(() => storeArgs(["a"], { aggregate: "avg" as "sum" })).toThrow(/aggregate/);
  });
});
