import { describe, expect, it } from "vitest";
import { argsDigest, canonicalEncode, digestOf } from "../../src/cache/canonical-key";
import { ValidationError } from "../../src/errors";

// Fixed vectors: encodings and digests are part of every cache key, so they must never
// change across processes, machines or Node versions. If one of these fails, the key format
// changed and every deployed cache entry would be orphaned: bump CANONICAL_VERSION on purpose.
const vectors: Array<[string, unknown[], string, string]> = [
  ["no arguments", [], "a0[]", "UCnDatXNyG3Ck3y3KOFPtA"],
  ["a string", ["1"], "a1[s1:1]", "5fn6yLOZpY-XPp_Bzlwtlg"],
  ["a number", [1], "a1[d1;]", "Vvtu3tx5yVrkCTEeQBE_4w"],
  ["a bigint", [1n], "a1[b1;]", "fWlLaXCnVK7a8c8tATA_ZA"],
  ["undefined and null", [undefined, null], "a2[un]", "u5b77CT3t8Qr6WYrXeveAw"],
  ["-0", [-0], "a1[d-0;]", "3Igx4TrOd3TKQMWsr-luBw"],
  ["0", [0], "a1[d0;]", "bxKMqJvQBeKtfO0a-fL2WA"],
  ["NaN and infinities", [NaN, Infinity, -Infinity], "a3[dNaN;dInfinity;d-Infinity;]", "yqZLW0JiHCWEcNHvBOvxZQ"],
  ["a Date", [new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))], "a1[D1704164645006;]", "R_gjxzeUNjcOarrdO3feSg"],
  ["a nested object", [{ b: 2, a: [1, "x"], c: { z: true, y: false } }], "a1[o{s1:aa2[d1;s1:x]s1:bd2;s1:co{s1:yfs1:zt}}]", "6fZEBQlAV_ZaZnRJWPfwIA"],
  ["a Map", [new Map<unknown, unknown>([["b", 1], [2, "a"]])], "a1[M{d2;s1:as1:bd1;}]", "OzT3pjACmuGqxQ34cBe2KQ"],
  ["a Set", [new Set(["b", "a", 3])], "a1[E{d3;s1:as1:b}]", "iD1w_GemSADN_hY2aBGYxQ"],
  ["a Buffer", [Buffer.from("hi")], "a1[BBuffer:aGk=;]", "okYjjNxmoi7Kd6LJB2rhSw"],
  ["Unicode", ["São Paulo 東京 🐳"], "a1[s15:São Paulo 東京 🐳]", "CUGkE-gImfMT8bxC4pK1VQ"],
  ["an array with a hole", [[1, , 3]], "a1[a3[d1;hd3;]]", "PjhAwKqkzvKCVtN-vDzLfg"],
];

describe("canonical cache keys", () => {
  for (const [title, args, encoding, digest] of vectors) {
    it(`fixed vector: ${title}`, () => {
      expect(canonicalEncode(args)).toBe(encoding);
      expect(argsDigest(args)).toBe(digest);
    });
  }

  it("the digest is the first 128 bits of SHA-256 in base64url (checked against sha256sum)", () => {
    // `printf '%s' 'a1[s1:1]' | sha256sum | cut -c1-32`
    expect(digestOf("a1[s1:1]")).toBe(Buffer.from("e5f9fac8b399a58f973e9fc1ce5c2d96", "hex").toString("base64url"));
    expect(argsDigest(["x"])).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("object key order and Map/Set insertion order do not matter", () => {
    expect(argsDigest([{ a: 1, b: { c: 2, d: 3 } }])).toBe(argsDigest([{ b: { d: 3, c: 2 }, a: 1 }]));
    expect(argsDigest([new Map([["a", 1], ["b", 2]])])).toBe(argsDigest([new Map([["b", 2], ["a", 1]])]));
    expect(argsDigest([new Set([1, 2])])).toBe(argsDigest([new Set([2, 1])]));
    expect(argsDigest([Object.assign(Object.create(null) as object, { a: 1 })])).toBe(argsDigest([{ a: 1 }]));
  });

  it("distinguishes values JSON would confuse", () => {
    const distinct: unknown[][] = [
      [], [undefined], [null], [0], [-0], [NaN], ["0"], [0n], [false], [""],
      [1], ["1"], [1n], [true],
      [new Date(0)], ["1970-01-01T00:00:00.000Z"], [0, undefined],
      [{}], [[]], [new Map()], [new Set()], [{ a: undefined }], [{ a: null }],
      [new Map([["a", 1]])], [{ a: 1 }], [new Set(["a"])], [["a"]],
      [Buffer.from([1, 2])], [[1, 2]], [new Uint8Array([1, 2])],
      [[undefined]], [[, ]], ["a", "b"], ["ab"], [["a", "b"]], ["a,b"],
      ["\uD800"], ["\uFFFD"], [/a/g], ["/a/g"],
    ];
    const digests = distinct.map((args) => argsDigest(args));
    expect(new Set(digests).size).toBe(distinct.length);
  });

  it("a shared (non-cyclic) reference is fine; a cycle is a ValidationError naming the argument", () => {
    const shared = { x: 1 };
    expect(() => canonicalEncode([shared, [shared, shared]])).not.toThrow();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => canonicalEncode(["ok", cyclic])).toThrow(ValidationError);
    try {
      canonicalEncode(["ok", { nested: [cyclic] }]);
    } catch (error) {
      expect((error as ValidationError).issues[0]!.path).toBe("args[1].nested[0].self");
    }
  });

  it("functions, symbols and class instances without toJSON are refused; toJSON is used when present", () => {
    expect(() => canonicalEncode([() => 1])).toThrow(ValidationError);
    expect(() => canonicalEncode([Symbol("s")])).toThrow(ValidationError);
    class Point {
      constructor(readonly x: number) {}
    }
    expect(() => canonicalEncode([new Point(1)])).toThrow(/Point/);
    class Money {
      constructor(readonly cents: number) {}
      toJSON() {
        return { cents: this.cents };
      }
    }
    expect(canonicalEncode([new Money(5)])).toBe("a1[js5:Moneyo{s5:centsd5;}]");
    expect(argsDigest([new Money(5)])).not.toBe(argsDigest([{ cents: 5 }]));
  });
});
