import { describe, expect, it } from "vitest";
import { BLOOM_SHA } from "../../src/containers/native";
import { bloomSizing, murmur3 } from "../../src/containers/bloom";
import { libraryScript } from "../../src/lua/registry";

describe("Bloom filter hashing and sizing", () => {
  it("murmur3 matches the reference vectors (x86, 32-bit)", () => {
    const h = (s: string, seed = 0) => murmur3(Buffer.from(s, "utf8"), seed);
    expect(h("")).toBe(0);
    expect(h("", 1)).toBe(0x514e28b7);
    expect(h("hello")).toBe(0x248bfa47);
    expect(h("hello, world")).toBe(0x149bbb7f);
    expect(h("The quick brown fox jumps over the lazy dog")).toBe(0x2e4ff723);
    expect(h("abc")).toBe(0xb3dd93fa);
  });

  it("sizes from the formulas", () => {
    expect(bloomSizing(100_000, 0.01)).toEqual({ bits: 958_506, hashes: 7 });
  });

  it("the native port mirrors the current bloom.lua", () => {
    // When this fails, bloom.lua changed: port the change to src/containers/native/bloom.ts,
    // run test/integration/bloom.test.ts (native vs Lua), then update BLOOM_SHA.
    expect(BLOOM_SHA).toBe(libraryScript("bloom").sha);
  });
});
