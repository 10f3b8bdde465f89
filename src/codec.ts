/**
 * Codecs turn typed values into the bytes Redis stores and back. Every value narwhal writes
 * crosses the wire through one. Decoding bytes a codec did not produce throws
 * {@link CodecError}; it never returns a wrong value.
 *
 * Members of sets and sorted sets and hash field values are compared by Redis byte for
 * byte, so a codec used for members must be canonical: equal values encode to equal bytes.
 */
import { CodecError } from "./errors";
import { typedCodec } from "./codec-typed";

/** What a codec reads back: a string, or a Buffer when the codec is binary. */
export type Raw = string | Buffer;

/** Converts values of type `T` to Redis bytes and back. */
export interface Codec<T> {
  /** Short name used in error messages. */
  readonly name: string;
  /** True when `decode` needs the reply as a Buffer (binary data); narwhal then asks ioredis for Buffer replies. */
  readonly binary: boolean;
  /** Encodes a value; throws {@link CodecError} for a value the codec cannot represent. */
  encode(value: T): Raw;
  /** Decodes bytes read from Redis; throws {@link CodecError} for bytes it did not produce. */
  decode(raw: Raw): T;
}

function text(raw: Raw): string {
  return typeof raw === "string" ? raw : raw.toString("utf8");
}

/** The default codec: strings as UTF-8, unchanged. Strings UTF-8 cannot carry (lone surrogates) are refused, not mangled. */
const string: Codec<string> = {
  name: "string",
  binary: false,
  encode(value) {
    if (typeof value !== "string") throw new CodecError("string", `expected a string, got ${typeof value}`);
    // Node ≥ 20 (ES2024 lib not enabled, hence the cast). A lone surrogate would come back as U+FFFD.
    if (!(value as unknown as { isWellFormed(): boolean }).isWellFormed()) throw new CodecError("string", "not well-formed UTF-16 (lone surrogate): UTF-8 cannot carry it");
    return value;
  },
  decode: text,
};

// Redis's own number syntax plus JavaScript's spellings of the non-finite values.
const NUMBER_TEXT = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Infinity|NaN)$/;

/** Numbers as decimal text (`Infinity`, `-Infinity`, `NaN` included; `-0` reads back as `0`). */
const number: Codec<number> = {
  name: "number",
  binary: false,
  encode(value) {
    if (typeof value !== "number") throw new CodecError("number", `expected a number, got ${typeof value}`);
    return String(value);
  },
  decode(raw) {
    const s = text(raw);
    if (!NUMBER_TEXT.test(s)) throw new CodecError("number", `not a number: ${JSON.stringify(s.slice(0, 40))}`);
    return Number(s);
  },
};

/** Safe integers as decimal text; compatible with INCRBY/HINCRBY. Rejects fractions and unsafe integers. */
const integer: Codec<number> = {
  name: "integer",
  binary: false,
  encode(value) {
    if (!Number.isSafeInteger(value)) throw new CodecError("integer", `expected a safe integer, got ${String(value)}`);
    return String(value);
  },
  decode(raw) {
    const s = text(raw);
    const n = Number(s);
    if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(n)) {
      throw new CodecError("integer", `not a safe integer: ${JSON.stringify(s.slice(0, 40))}`);
    }
    return n;
  },
};

/** BigInts as decimal text; compatible with INCRBY within Redis's 64-bit range. */
const bigint: Codec<bigint> = {
  name: "bigint",
  binary: false,
  encode(value) {
    if (typeof value !== "bigint") throw new CodecError("bigint", `expected a bigint, got ${typeof value}`);
    return value.toString();
  },
  decode(raw) {
    const s = text(raw);
    if (!/^-?\d+$/.test(s)) throw new CodecError("bigint", `not an integer: ${JSON.stringify(s.slice(0, 40))}`);
    return BigInt(s);
  },
};

/** Booleans as `"1"` / `"0"`. */
const boolean: Codec<boolean> = {
  name: "boolean",
  binary: false,
  encode(value) {
    if (typeof value !== "boolean") throw new CodecError("boolean", `expected a boolean, got ${typeof value}`);
    return value ? "1" : "0";
  },
  decode(raw) {
    const s = text(raw);
    if (s === "1") return true;
    if (s === "0") return false;
    throw new CodecError("boolean", `not "1" or "0": ${JSON.stringify(s.slice(0, 40))}`);
  },
};

/** Dates as integer epoch milliseconds (sortable as a score). Invalid dates are rejected. */
const date: Codec<Date> = {
  name: "date",
  binary: false,
  encode(value) {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      throw new CodecError("date", "expected a valid Date");
    }
    return String(value.getTime());
  },
  decode(raw) {
    const s = text(raw);
    const ms = Number(s);
    if (!/^-?\d+$/.test(s) || Math.abs(ms) > 8.64e15) throw new CodecError("date", `not epoch milliseconds: ${JSON.stringify(s.slice(0, 40))}`);
    return new Date(ms);
  },
};

/** Raw bytes, binary-safe end to end (narwhal requests Buffer replies for this codec). */
const buffer: Codec<Buffer> = {
  name: "buffer",
  binary: true,
  encode(input) {
    const value: unknown = input;
    if (Buffer.isBuffer(value)) return value;
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    throw new CodecError("buffer", "expected a Buffer or Uint8Array");
  },
  decode(raw) {
    return typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
  },
};

/** JSON text. `T` is not checked at run time: JSON cannot tell a Date from a string. Use {@link codecs.typed} for exact round trips. */
function json<T = unknown>(): Codec<T> {
  return {
    name: "json",
    binary: false,
    encode(value) {
      let out: string | undefined;
      try {
        out = JSON.stringify(value);
      } catch (cause) {
        throw new CodecError("json", `cannot encode: ${(cause as Error).message}`, { cause });
      }
      if (out === undefined) throw new CodecError("json", `cannot encode ${typeof value}`);
      return out;
    },
    decode(raw) {
      try {
        return JSON.parse(text(raw)) as T;
      } catch (cause) {
        throw new CodecError("json", `invalid JSON: ${JSON.stringify(text(raw).slice(0, 40))}`, { cause });
      }
    },
  };
}

/** The built-in codecs. */
export const codecs = {
  string,
  number,
  integer,
  bigint,
  boolean,
  date,
  buffer,
  json,
  /**
   * A tagged binary codec that round-trips exactly: strings, numbers (incl. `-0`, `NaN`,
   * `±Infinity`), booleans, `null`, `undefined`, bigint, Date, Buffer/Uint8Array, Map, Set,
   * nested arrays and plain objects. See `codec-typed.ts` for the format.
   */
  typed: typedCodec,
} as const;
