import { describe, expect, it } from "vitest";
import { commandName } from "../../src/memory/command-name";

/** The reference: what the server did before the cache (`toString("latin1").toLowerCase()`). */
const reference = (b: Buffer) => b.toString("latin1").toLowerCase();

describe("commandName", () => {
  it("lower-cases names in any case, the same string on a second call", () => {
    for (const raw of ["SET", "set", "SeT", "lrange", "CLIENT", "", "x", "a-b_c:1", "GEO\x00RADIUS"]) {
      const b = Buffer.from(raw, "latin1");
      expect(commandName(b)).toBe(reference(b));
      expect(commandName(b)).toBe(reference(b));
    }
  });

  it("names with bytes ≥ 0x80 and long names are lower-cased as before (Unicode rules on latin1)", () => {
    for (const b of [Buffer.from([0xc0, 0x41]), Buffer.from("É".repeat(3), "latin1"), Buffer.from("A".repeat(40)), Buffer.from([0xff])]) {
      expect(commandName(b)).toBe(reference(b));
    }
  });

  it("never answers another name's string: thousands of distinct names (hash collisions, a full cache)", () => {
    for (let i = 0; i < 5000; i++) {
      const b = Buffer.from(`Cmd${i.toString(36)}X${(i * 7919).toString(36)}`);
      expect(commandName(b)).toBe(reference(b));
    }
    // Names cached early still resolve after the cache stopped growing.
    for (let i = 0; i < 5000; i += 97) {
      const b = Buffer.from(`cmd${i.toString(36)}x${(i * 7919).toString(36)}`);
      expect(commandName(b)).toBe(reference(b));
    }
  });

  it("bytes differing only where |0x20 would confuse them are told apart (@ vs `, [ vs {)", () => {
    for (const [a, b] of [["@", "`"], ["[", "{"], ["]", "}"], ["^", "~"]]) {
      expect(commandName(Buffer.from(a!))).toBe(a);
      expect(commandName(Buffer.from(b!))).toBe(b);
    }
  });
});
