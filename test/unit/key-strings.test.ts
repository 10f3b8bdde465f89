import { describe, expect, it } from "vitest";
import { keyString } from "../../src/memory/key-strings";
import { smallIntBytes } from "../../src/memory/numbers";

describe("keyString", () => {
  it("is toString('latin1') for any bytes, cached or not, long or short", () => {
    const keys = [Buffer.alloc(0), Buffer.from("key:__rand_int__"), Buffer.from([0, 0xff, 0x80, 13, 10]), Buffer.from("k".repeat(64)), Buffer.from("k".repeat(65)), Buffer.from("É€", "utf8")];
    for (let round = 0; round < 2; round++) for (const k of keys) expect(keyString(k)).toBe(k.toString("latin1"));
  });

  it("keys that share a slot or a length never answer each other's string", () => {
    // 20,000 keys over 4,096 slots: every slot is reused, and many lengths repeat.
    const keys = Array.from({ length: 20_000 }, (_, i) => Buffer.from(`user:${i}`));
    for (let round = 0; round < 2; round++) for (const k of keys) expect(keyString(k)).toBe(k.toString("latin1"));
    // Same length and hash inputs that differ by one byte.
    expect(keyString(Buffer.from("ab"))).toBe("ab");
    expect(keyString(Buffer.from("ac"))).toBe("ac");
    expect(keyString(Buffer.from("ab"))).toBe("ab");
  });
});

describe("smallIntBytes", () => {
  it("writes String(n)'s digits", () => {
    const values = [0, 1, -1, 9, 10, -10, 99, 100, 123456789, -987654321, 1e15 - 1, -(1e15 - 1), 2e15 - 2, -2e15 + 2];
    for (let i = 0; i < 2000; i++) values.push(Math.floor((Math.random() - 0.5) * 4e15));
    for (const n of values) expect(smallIntBytes(n).toString("latin1")).toBe(String(n));
  });
});
