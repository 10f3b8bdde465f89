/**
 * slot.ts: Redis Cluster's key → slot function. Vectors are CLUSTER KEYSLOT's answers (redis-server
 * 7.0.15); test/integration/hash-tag-keys.test.ts compares generated keys with a live cluster.
 */
import { Buffer } from "node:buffer";
import calculateSlot from "cluster-key-slot";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasEmptyHashTag } from "../../src/cluster-batch";
import { keySlot, routingKey, SLOT_COUNT, slotKey } from "../../src/slot";

describe("keySlot", () => {
  it("answers as CLUSTER KEYSLOT, empty tags and later braces included", () => {
    const server: Array<[string, number]> = [
      ["123456789", 12739],
      ["foo", 12182],
      ["{user1000}.following", 3443],
      ["{a}", 15495],
      ["{}", 15257],
      ["{}}#", 11319],
      ["p:ks9::{}}#", 15255],
      ["{}a}", 4370],
      ["x{}y}z", 9493],
      ["é{}}", 15789],
    ];
    for (const [key, slot] of server) {
      expect(keySlot(key), key).toBe(slot);
      expect(keySlot(Buffer.from(key)), key).toBe(slot);
    }
  });

  it("hashes a lone surrogate as U+FFFD, the bytes clients send", () => {
    expect(keySlot("\ud800")).toBe(13381);
    expect(keySlot("\ufffd")).toBe(13381);
  });

  it("hashes a number as its decimal text", () => {
    expect(keySlot(42)).toBe(keySlot("42"));
  });
});

describe("slotKey and routingKey", () => {
  it("slotKey(s) is a brace-free key of slot s, for every slot", () => {
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const key = slotKey(slot);
      expect(/^[0-9a-z]+$/.test(key)).toBe(true);
      expect(keySlot(key)).toBe(slot);
    }
  });

  it("routingKey keeps a brace-free key and replaces one with a brace by a key of its slot", () => {
    expect(routingKey("plain:key")).toBe("plain:key");
    const buffer = Buffer.from("no braces");
    expect(routingKey(buffer)).toBe(buffer);
    for (const key of ["{}}#", "a{b}c", "{"]) {
      const route = routingKey(key) as string;
      expect(route).not.toContain("{");
      expect(keySlot(route)).toBe(keySlot(key));
    }
    expect(keySlot(routingKey(Buffer.from("{}}#")) as string)).toBe(11319);
  });
});

describe("hasEmptyHashTag (cluster-batch.ts's filter before cluster-key-slot)", () => {
  it("every well-formed key on which cluster-key-slot and Redis disagree has an empty first hash tag", () => {
    const braceHeavy = fc.stringMatching(/^[{}a-c:#é€😀]{0,12}$/u);
    fc.assert(
      fc.property(braceHeavy, (key) => {
        if (calculateSlot(key) !== keySlot(key)) expect(hasEmptyHashTag(key)).toBe(true);
      }),
      { numRuns: 20000 },
    );
    expect(hasEmptyHashTag("{}}#")).toBe(true);
    expect(calculateSlot("{}}#")).not.toBe(keySlot("{}}#"));
    expect(hasEmptyHashTag("a{b}}")).toBe(false);
    expect(hasEmptyHashTag("a}{")).toBe(false);
  });
});
