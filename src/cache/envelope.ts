/**
 * The bytes a cache entry holds in Redis. Every entry is one of:
 *
 * - `0xC1` + codec payload: a value;
 * - `0xC2` + 8-byte big-endian float64 "fresh until" (epoch ms) + codec payload: a value
 *   written with `staleTtl`, stale (but still served while one caller refreshes) after that time;
 * - decimal number text (`"42"`, `"-7"`, `"1.5"`, `"1e+21"`): a counter. `incr()` keeps
 *   counters as Redis numbers so INCRBYFLOAT stays atomic, and `set()` stores every finite
 *   number (but `-0`) this way too, so `set(k, 1.5)` then `incr(k)` works; they read back as
 *   numbers (`String(n)` round-trips every finite double exactly).
 *
 * `0xC1`/`0xC2` never start UTF-8 text, so the envelope also tells narwhal's entries from
 * foreign bytes. A stored `undefined` or `null` is a non-empty envelope, never a nil reply, so
 * it is always distinguishable from a miss. Bytes that are none of the above raise
 * {@link CodecError} (fail-open callers treat that like a miss and overwrite the entry).
 */
import type { Codec, Raw } from "../codec";
import { CodecError } from "../errors";

const PLAIN = 0xc1;
const TIMED = 0xc2;
const HEADER_PLAIN = Buffer.from([PLAIN]);
const INTEGER_TEXT = /^-?(?:0|[1-9]\d{0,15})$/;

/** A decoded entry. */
export interface Envelope<V> {
  /** The cached value (may be `undefined` or `null`: a hit all the same). */
  readonly value: V;
  /** Epoch ms after which the value is stale (entries written with `staleTtl` only). */
  readonly freshUntil?: number;
}

function payloadBytes(raw: Raw): Buffer {
  return typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
}

/** Encodes `value` with `codec` into an entry; `freshUntil` (epoch ms) marks a stale-while-revalidate entry. */
export function encodeEnvelope<V>(codec: Codec<V>, value: V, freshUntil?: number): Buffer | string {
  if (freshUntil === undefined) {
    if (typeof value === "number" && Number.isFinite(value) && !Object.is(value, -0)) return String(value);
    return Buffer.concat([HEADER_PLAIN, payloadBytes(codec.encode(value))]);
  }
  const header = Buffer.allocUnsafe(9);
  header[0] = TIMED;
  header.writeDoubleBE(freshUntil, 1);
  return Buffer.concat([header, payloadBytes(codec.encode(value))]);
}

function decodePayload<V>(codec: Codec<V>, bytes: Buffer, offset: number): V {
  const payload = bytes.subarray(offset);
  return codec.decode(codec.binary ? payload : payload.toString("utf8"));
}

/** Decodes an entry read as a Buffer (GET with Buffer replies); nil → `undefined` (a miss). */
export function decodeEnvelope<V>(codec: Codec<V>, raw: unknown): Envelope<V> | undefined {
  if (raw === null || raw === undefined) return undefined;
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw), "utf8");
  const head = bytes[0];
  if (head === PLAIN) return { value: decodePayload(codec, bytes, 1) };
  if (head === TIMED && bytes.length >= 9) return { value: decodePayload(codec, bytes, 9), freshUntil: bytes.readDoubleBE(1) };
  const text = bytes.toString("latin1");
  if (INTEGER_TEXT.test(text)) return { value: Number(text) as V };
  if (/^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(text)) return { value: Number(text) as V }; // INCRBYFLOAT counters
  throw new CodecError("cache", `not a narwhal cache entry (${bytes.length} bytes starting ${JSON.stringify(text.slice(0, 16))})`);
}
