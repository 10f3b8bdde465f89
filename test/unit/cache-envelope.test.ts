import { describe, expect, it } from "vitest";
import { codecs } from "../../src/codec";
import { decodeEnvelope, encodeEnvelope } from "../../src/cache/envelope";
import { checkSegment, ttlMs } from "../../src/cache/options";
import { CodecError, ValidationError } from "../../src/errors";

const typed = codecs.typed<unknown>();

function roundTrip(value: unknown, freshUntil?: number) {
  const raw = encodeEnvelope(typed, value, freshUntil);
  return decodeEnvelope(typed, typeof raw === "string" ? Buffer.from(raw) : raw);
}

describe("cache envelope", () => {
  it("round-trips what a function can return, undefined and null included", () => {
    const values = [undefined, null, 0, -0, 1.5, NaN, 2n ** 70n, "s", "", true, new Date(5), new Map([[1, { a: new Set([2]) }]]), Buffer.from([0, 255]), { nested: [undefined, null] }];
    for (const value of values) expect(roundTrip(value)).toEqual({ value });
    expect(Object.is(roundTrip(-0)!.value, -0)).toBe(true);
  });

  it("a stored undefined is never empty and never nil: a hit, not a miss", () => {
    const raw = encodeEnvelope(typed, undefined);
    expect(raw.length).toBeGreaterThan(1);
    expect(decodeEnvelope(typed, null)).toBeUndefined();
    expect(decodeEnvelope(typed, raw)).toEqual({ value: undefined });
  });

  it("safe integers are stored as decimal text (INCRBY-compatible), and counters read back as numbers", () => {
    expect(encodeEnvelope(typed, 42)).toBe("42");
    expect(encodeEnvelope(typed, -7)).toBe("-7");
    expect(typeof encodeEnvelope(typed, -0)).not.toBe("string");
    expect(decodeEnvelope(typed, Buffer.from("12"))).toEqual({ value: 12 });
    expect(decodeEnvelope(typed, Buffer.from("1.5"))).toEqual({ value: 1.5 });
  });

  it("carries the fresh-until time of stale-while-revalidate entries", () => {
    expect(roundTrip({ a: 1 }, 1_700_000_000_123)).toEqual({ value: { a: 1 }, freshUntil: 1_700_000_000_123 });
    expect(roundTrip(7, 1)).toEqual({ value: 7, freshUntil: 1 });
  });

  it("works with text codecs", () => {
    const json = codecs.json<{ a: string }>();
    expect(decodeEnvelope(json, encodeEnvelope(json, { a: "é" }))).toEqual({ value: { a: "é" } });
  });

  it("rejects bytes it did not write with a CodecError", () => {
    expect(() => decodeEnvelope(typed, Buffer.from("hello"))).toThrow(CodecError);
    expect(() => decodeEnvelope(typed, Buffer.from([0xc1, 1, 2]))).toThrow(CodecError);
  });
});

describe("cache option checks", () => {
  it("ttl: 0 or absent means no expiry; negative or non-finite is a ValidationError", () => {
    expect(ttlMs("ttl", undefined)).toBe(0);
    expect(ttlMs("ttl", 0)).toBe(0);
    expect(ttlMs("ttl", 1.5)).toBe(1500);
    expect(ttlMs("ttl", 0.0001)).toBe(1);
    for (const bad of [-1, NaN, Infinity, "5"]) expect(() => ttlMs("ttl", bad)).toThrow(ValidationError);
  });

  it("names and namespaces are single key segments", () => {
    expect(checkSegment("name", "Repo.byId")).toBe("Repo.byId");
    for (const bad of ["", "a:b", "{x}", "#tag", "a b", 3]) expect(() => checkSegment("name", bad)).toThrow(ValidationError);
  });
});
