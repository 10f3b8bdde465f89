/**
 * The "typed" codec: exact round trips for everything a function commonly returns.
 *
 * Format: the two magic bytes `N1` followed by Node's structured-clone serialization
 * (`v8.serialize`). We chose v8's serializer over msgpackr and superjson because it is built
 * into Node (no dependency), binary, fast, and preserves what the others lose: `-0`, `Map`
 * with non-string keys, `undefined` inside objects, Buffer vs Uint8Array. Its wire format is
 * versioned and Node reads older versions, so values survive Node upgrades. The magic
 * prefix lets us reject bytes this codec did not write instead of guessing.
 *
 * Values the format cannot reproduce exactly (class instances, functions, symbols, WeakMaps)
 * are rejected on encode with {@link CodecError} rather than silently turned into plain objects.
 */
import { DefaultDeserializer, serialize } from "node:v8";
import type { Codec, Raw } from "./codec";
import { CodecError } from "./errors";

const MAGIC = Buffer.from("N1", "latin1");

function assertSupported(value: unknown, path: string, seen: Set<object>): void {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
      return;
    case "object":
      break;
    default:
      throw new CodecError("typed", `${path}: cannot encode a ${typeof value}`);
  }
  if (value === null || seen.has(value)) return;
  seen.add(value);
  if (value instanceof Date || ArrayBuffer.isView(value)) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertSupported(item, `${path}[${i}]`, seen));
    return;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      assertSupported(k, `${path}<key>`, seen);
      assertSupported(v, `${path}.get(${String(k)})`, seen);
    }
    return;
  }
  if (value instanceof Set) {
    for (const item of value) assertSupported(item, `${path}<item>`, seen);
    return;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "unknown";
    throw new CodecError("typed", `${path}: cannot round-trip an instance of ${name}; pass a plain object`);
  }
  for (const key of Object.keys(value)) assertSupported((value as Record<string, unknown>)[key], `${path}.${key}`, seen);
}

/**
 * Creates the typed codec (see the module comment for the format). `T` is the type you
 * store; it is not checked at run time.
 */
export function typedCodec<T = unknown>(): Codec<T> {
  return {
    name: "typed",
    binary: true,
    encode(value: T): Raw {
      assertSupported(value, "value", new Set());
      try {
        return Buffer.concat([MAGIC, serialize(value)]);
      } catch (cause) {
        // e.g. a function in a non-index property of an array, which assertSupported does not walk.
        throw new CodecError("typed", `cannot encode: ${(cause as Error).message}`, { cause });
      }
    },
    decode(raw: Raw): T {
      const bytes = typeof raw === "string" ? Buffer.from(raw, "latin1") : raw;
      if (bytes.length < 3 || bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1]) {
        throw new CodecError("typed", "bytes were not written by the typed codec");
      }
      let value: unknown;
      let complete: boolean;
      try {
        // What v8.deserialize does, plus a check that the value used every byte (v8 ignores
        // trailing bytes). `_readRawBytes(0)` returns the read offset: node's own
        // `readRawBytes` is built on it; without it we skip the check.
        const reader = new DefaultDeserializer(bytes.subarray(2)) as DefaultDeserializer & { _readRawBytes?(length: number): number };
        reader.readHeader();
        value = reader.readValue();
        complete = typeof reader._readRawBytes !== "function" || reader._readRawBytes(0) === bytes.length - 2;
      } catch (cause) {
        throw new CodecError("typed", `corrupt value: ${(cause as Error).message}`, { cause });
      }
      if (!complete) throw new CodecError("typed", "corrupt value: trailing bytes after the encoded value");
      return value as T;
    },
  };
}
