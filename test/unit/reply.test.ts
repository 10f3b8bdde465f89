import { describe, expect, it } from "vitest";
import { toArray, toBoolean, toInteger, toNumber, toOptionalNumber, toPairs, toScanPage } from "../../src/reply";

describe("reply normalisers", () => {
  it("toNumber reads numbers, numeric text, Buffers and Redis's infinities", () => {
    expect(toNumber(1.5)).toBe(1.5);
    expect(toNumber("1.5")).toBe(1.5);
    expect(toNumber(Buffer.from("-2"))).toBe(-2);
    expect(toNumber("inf")).toBe(Infinity);
    expect(toNumber("+inf")).toBe(Infinity);
    expect(toNumber("-inf")).toBe(-Infinity);
    expect(toNumber(Buffer.from("-inf"))).toBe(-Infinity);
    expect(toNumber(Infinity)).toBe(Infinity);
  });

  it("toOptionalNumber maps nil to undefined", () => {
    expect(toOptionalNumber(null)).toBeUndefined();
    expect(toOptionalNumber(undefined)).toBeUndefined();
    expect(toOptionalNumber("3")).toBe(3);
    expect(toOptionalNumber(0)).toBe(0);
  });

  it("toArray accepts arrays, nil and RESP3 sets; refuses scalars", () => {
    expect(toArray(["a"])).toEqual(["a"]);
    expect(toArray(null)).toEqual([]);
    expect(toArray(undefined)).toEqual([]);
    expect(toArray(new Set(["a", "b"]))).toEqual(["a", "b"]);
    expect(() => toArray("a")).toThrow(TypeError);
    expect(() => toArray(1)).toThrow(TypeError);
  });

  it("toPairs accepts a flat array, an array of pairs, an object, a Map and nil", () => {
    const expected = [["a", "1"], ["b", "2"]];
    expect(toPairs(["a", "1", "b", "2"])).toEqual(expected);
    expect(toPairs([["a", "1"], ["b", "2"]])).toEqual(expected);
    expect(toPairs({ a: "1", b: "2" })).toEqual(expected);
    expect(toPairs(new Map([["a", "1"], ["b", "2"]]))).toEqual(expected);
    expect(toPairs(null)).toEqual([]);
    expect(toPairs([])).toEqual([]);
    // ZRANGE WITHSCORES on RESP3: pairs with numeric scores.
    expect(toPairs([["m", 1.5]])).toEqual([["m", 1.5]]);
    expect(() => toPairs(5)).toThrow(TypeError);
  });

  it("toBoolean: 1/true/OK are true, everything else false", () => {
    for (const yes of [1, true, "1", "OK"]) expect(toBoolean(yes)).toBe(true);
    for (const no of [0, false, "0", null, undefined, 2]) expect(toBoolean(no)).toBe(false);
  });

  it("toInteger reads numbers and numeric text", () => {
    expect(toInteger(3)).toBe(3);
    expect(toInteger("42")).toBe(42);
    expect(toInteger(Buffer.from("7"))).toBe(7);
  });

  it("toScanPage reads [cursor, items] with a string or Buffer cursor", () => {
    expect(toScanPage(["17", ["a", "b"]])).toEqual({ cursor: "17", items: ["a", "b"] });
    expect(toScanPage([Buffer.from("0"), [Buffer.from("x")]])).toEqual({ cursor: "0", items: [Buffer.from("x")] });
    expect(toScanPage(["0", null])).toEqual({ cursor: "0", items: [] });
  });
});
