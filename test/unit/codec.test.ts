/**
 * Property tests for the built-in codecs: each round-trips its whole domain exactly, also
 * when the bytes come back as a Buffer (as ioredis returns them to binary codecs) or as the
 * UTF-8 string ioredis decodes for text codecs; decoding bytes a codec did not write throws
 * CodecError and never returns a value.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codecs } from "../../src/codec";
import type { Codec, Raw } from "../../src/codec";
import { CodecError } from "../../src/errors";

const RUNS = { numRuns: 300 };

/** What Redis hands back for `raw`: a Buffer for binary codecs, the UTF-8 text otherwise. */
function overTheWire(codec: Codec<unknown>, raw: Raw): Raw {
  const bytes = typeof raw === "string" ? Buffer.from(raw, "utf8") : Buffer.from(raw);
  return codec.binary ? bytes : bytes.toString("utf8");
}

function roundTrip<T>(codec: Codec<T>, value: T): T {
  return codec.decode(overTheWire(codec as Codec<unknown>, codec.encode(value)));
}

/** Runs `decode` and returns the CodecError it threw; fails if it returned or threw anything else. */
function decodeError(codec: Codec<unknown>, raw: Raw): CodecError {
  let result: unknown;
  try {
    result = codec.decode(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(CodecError);
    return error as CodecError;
  }
  throw new Error(`${codec.name} decoded ${JSON.stringify(String(raw).slice(0, 40))} to ${String(result)} instead of throwing`);
}

/** A string that is well-formed UTF-16 (lone surrogates cannot cross the wire as UTF-8). */
const text = fc.string({ unit: "grapheme", maxLength: 30 });

describe("string codec", () => {
  it("round-trips every well-formed string", () => {
    fc.assert(fc.property(text, (s) => roundTrip(codecs.string, s) === s), RUNS);
  });
  it("rejects non-strings and strings UTF-8 cannot carry (lone surrogates)", () => {
    expect(() => codecs.string.encode(1 as unknown as string)).toThrow(CodecError);
    expect(() => codecs.string.encode("a\uD800b")).toThrow(CodecError);
    expect(() => codecs.string.encode("\uDC00")).toThrow(CodecError);
    expect(codecs.string.encode("😀")).toBe("😀");
  });
});

describe("number codec", () => {
  it("round-trips every double (NaN and ±Infinity included; -0 reads back as 0)", () => {
    fc.assert(
      fc.property(fc.double(), (n) => {
        expect(roundTrip(codecs.number, n)).toBe(Object.is(n, -0) ? 0 : n);
      }),
      RUNS,
    );
  });
  it("reads Redis's own number text (INCRBYFLOAT results)", () => {
    expect(codecs.number.decode("10.5")).toBe(10.5);
    expect(codecs.number.decode("3.0e3")).toBe(3000);
    expect(codecs.number.decode(Buffer.from("-7"))).toBe(-7);
  });
  it("garbage is a CodecError", () => {
    for (const bad of ["", " 1", "1 ", "0x10", "1e", "inf", "one", "1_000", "--1", "Infinityx"]) decodeError(codecs.number as Codec<unknown>, bad);
    fc.assert(fc.property(fc.string().filter((s) => !/\d|Infinity|NaN/.test(s)), (s) => void decodeError(codecs.number as Codec<unknown>, s)), RUNS);
  });
  it("rejects non-numbers on encode", () => {
    expect(() => codecs.number.encode("1" as unknown as number)).toThrow(CodecError);
  });
});

describe("integer codec", () => {
  it("round-trips every safe integer", () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => roundTrip(codecs.integer, n) === n), RUNS);
  });
  it("rejects fractions, unsafe integers and non-finite numbers on encode", () => {
    for (const bad of [1.5, Number.MAX_SAFE_INTEGER + 1, Infinity, Number.NaN, "1"]) {
      expect(() => codecs.integer.encode(bad as number)).toThrow(CodecError);
    }
  });
  it("garbage is a CodecError", () => {
    for (const bad of ["", "1.5", "1e3", "9007199254740993", "+1", " 1", "abc"]) decodeError(codecs.integer as Codec<unknown>, bad);
    fc.assert(fc.property(fc.string().filter((s) => !/^-?\d+$/.test(s)), (s) => void decodeError(codecs.integer as Codec<unknown>, s)), RUNS);
  });
});

describe("bigint codec", () => {
  it("round-trips every bigint, however large", () => {
    fc.assert(fc.property(fc.bigInt(), (n) => roundTrip(codecs.bigint, n) === n), RUNS);
    const huge = 2n ** 200n + 1n;
    expect(roundTrip(codecs.bigint, -huge)).toBe(-huge);
  });
  it("garbage is a CodecError; non-bigints are refused", () => {
    for (const bad of ["", "1.0", "1n", "0x1", " 1"]) decodeError(codecs.bigint as Codec<unknown>, bad);
    fc.assert(fc.property(fc.string().filter((s) => !/^-?\d+$/.test(s)), (s) => void decodeError(codecs.bigint as Codec<unknown>, s)), RUNS);
    expect(() => codecs.bigint.encode(1 as unknown as bigint)).toThrow(CodecError);
  });
});

describe("boolean codec", () => {
  it("round-trips both booleans", () => {
    fc.assert(fc.property(fc.boolean(), (b) => roundTrip(codecs.boolean, b) === b));
  });
  it("garbage is a CodecError; non-booleans are refused", () => {
    fc.assert(fc.property(fc.string().filter((s) => s !== "0" && s !== "1"), (s) => void decodeError(codecs.boolean as Codec<unknown>, s)), RUNS);
    expect(() => codecs.boolean.encode(1 as unknown as boolean)).toThrow(CodecError);
  });
});

describe("date codec", () => {
  it("round-trips every valid Date to the millisecond", () => {
    fc.assert(fc.property(fc.date({ noInvalidDate: true }), (d) => roundTrip(codecs.date, d).getTime() === d.getTime()), RUNS);
  });
  it("refuses invalid dates and non-dates", () => {
    expect(() => codecs.date.encode(new Date(Number.NaN))).toThrow(CodecError);
    expect(() => codecs.date.encode(0 as unknown as Date)).toThrow(CodecError);
  });
  it("garbage (and out-of-range epochs) is a CodecError", () => {
    for (const bad of ["", "1.5", "8640000000000001", "2024-01-01", "abc"]) decodeError(codecs.date as Codec<unknown>, bad);
    fc.assert(fc.property(fc.string().filter((s) => !/^-?\d+$/.test(s)), (s) => void decodeError(codecs.date as Codec<unknown>, s)), RUNS);
  });
});

describe("buffer codec", () => {
  it("round-trips every byte sequence, from a Buffer or a Uint8Array view", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(4), (bytes, offset) => {
        const out = roundTrip(codecs.buffer, Buffer.from(bytes));
        expect(Buffer.isBuffer(out)).toBe(true);
        expect(out.equals(Buffer.from(bytes))).toBe(true);
        // A view into a larger ArrayBuffer encodes only its own bytes.
        const backing = new Uint8Array(bytes.length + offset + 3);
        backing.set(bytes, offset);
        const view = backing.subarray(offset, offset + bytes.length);
        expect(Buffer.from(codecs.buffer.encode(view as Buffer)).equals(Buffer.from(bytes))).toBe(true);
      }),
      RUNS,
    );
  });
  it("refuses non-bytes", () => {
    expect(() => codecs.buffer.encode("abc" as unknown as Buffer)).toThrow(CodecError);
  });
});

describe("json codec", () => {
  const json = codecs.json<unknown>();
  it("round-trips every JSON value", () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
        expect(roundTrip(json, v)).toStrictEqual(JSON.parse(JSON.stringify(v)));
      }), RUNS);
  });
  it("refuses what JSON cannot encode", () => {
    expect(() => json.encode(undefined)).toThrow(CodecError);
    expect(() => json.encode(1n)).toThrow(CodecError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => json.encode(cyclic)).toThrow(CodecError);
  });
  it("garbage is a CodecError", () => {
    for (const bad of ["", "{", "undefined", "'a'", "[1,]", "NaN"]) decodeError(json, bad);
    fc.assert(
      fc.property(fc.string(), (s) => {
        let valid = true;
        try {
          JSON.parse(s);
        } catch {
          valid = false;
        }
        fc.pre(!valid);
        decodeError(json, s);
      }),
      RUNS,
    );
  });
});

/** Every kind of value the typed codec promises to round-trip, nested. */
const typedValue = fc.letrec<{ value: unknown; leaf: unknown }>((tie) => ({
  leaf: fc.oneof(
    fc.string({ unit: "binary", maxLength: 12 }), // lone surrogates included: the format is not UTF-8
    fc.double(), // -0, NaN, ±Infinity included
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.bigInt(),
    fc.date(), // invalid dates included
    fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)),
    fc.uint8Array({ maxLength: 8 }),
  ),
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("leaf"),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie("value"), { maxKeys: 4, noNullPrototype: true }),
    fc.array(fc.tuple(tie("value"), tie("value")), { maxLength: 3 }).map((entries) => new Map(entries)),
    fc.array(tie("value"), { maxLength: 4 }).map((items) => new Set(items)),
  ),
}));

describe("typed codec", () => {
  const typed = codecs.typed<unknown>();

  it("round-trips every supported value exactly (types, -0, NaN, undefined properties, Buffer vs Uint8Array)", () => {
    fc.assert(fc.property(typedValue.value, (v) => {
        expect(roundTrip(typed, v)).toStrictEqual(v);
      }), { numRuns: 500 });
  });

  it("keeps the distinctions JSON loses", () => {
    const value = { z: -0, n: Number.NaN, i: -Infinity, u: undefined, b: 2n ** 70n, d: new Date(5), m: new Map<unknown, unknown>([[1, "one"], ["1", "string one"]]), buf: Buffer.from([1]), u8: new Uint8Array([1]), proto: JSON.parse('{"__proto__": 1}') as unknown };
    const out = roundTrip(typed, value) as typeof value;
    expect(out).toStrictEqual(value);
    expect(Object.is(out.z, -0)).toBe(true);
    expect(Buffer.isBuffer(out.buf)).toBe(true);
    expect(Buffer.isBuffer(out.u8)).toBe(false);
    expect(Object.keys(out.proto as object)).toEqual(["__proto__"]);
  });

  it("refuses what it cannot reproduce (class instances, functions, symbols) with a CodecError naming where", () => {
    class Point {
      x = 1;
    }
    expect(() => typed.encode({ p: new Point() })).toThrow(/value\.p: .*Point/);
    expect(() => typed.encode([() => 1])).toThrow(CodecError);
    expect(() => typed.encode(Symbol("s"))).toThrow(CodecError);
    expect(() => typed.encode(new Map([[1, new Point()]]))).toThrow(CodecError);
    // A function hidden in a non-index property of an array is still a CodecError.
    const sneaky = Object.assign([1], { f: () => 1 });
    expect(() => typed.encode(sneaky)).toThrow(CodecError);
  });

  it("garbage is a CodecError: random bytes, other codecs' output, truncated and extended encodings", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => void decodeError(typed, Buffer.from(bytes))), RUNS);
    fc.assert(fc.property(fc.string(), (s) => void decodeError(typed, Buffer.from(s, "utf8"))), RUNS);
    for (const bad of ["", "N1", "N1T", "hello", '{"a":1}', "42"]) decodeError(typed, Buffer.from(bad));
    fc.assert(
      fc.property(typedValue.value, fc.uint8Array({ minLength: 1, maxLength: 8 }), (v, extra) => {
        const bytes = typed.encode(v) as Buffer;
        decodeError(typed, bytes.subarray(0, bytes.length - 1));
        decodeError(typed, Buffer.concat([bytes, extra]));
      }),
      RUNS,
    );
  });
});
