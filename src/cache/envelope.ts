/**
 * The bytes a cache entry holds in Redis. Every entry is one of:
 *
 * - `0xC1` + codec payload: a value;
 * - `0xC2` + 8-byte big-endian float64 "fresh until" (epoch ms) + codec payload: a value
 *   written with `staleTtl`, stale (but still served while one caller refreshes) after that time
 *   (written by earlier versions; still read);
 * - `0xC3` + flags byte + three big-endian float64 epoch-ms times (written at, fresh until,
 *   expires at; 0 = never) + codec payload: an entry of a memoized function (`wrap`,
 *   `@cached`), whose age, freshness, stale/grace window and eager refresh are computed from
 *   them (writer's clock). Flag 1: a stale value written back after a failed refresh, not to be
 *   retried before "fresh until" (grace backoff);
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
const META = 0xc3;
const META_HEADER = 26;
/** Flag of a `0xC3` entry: a stale value kept by `grace` after its refresh failed. */
export const FLAG_BACKOFF = 1;
const HEADER_PLAIN = Buffer.from([PLAIN]);
const INTEGER_TEXT = /^-?(?:0|[1-9]\d{0,15})$/;

/** A decoded entry. */
export interface Envelope<V> {
  /** The cached value (may be `undefined` or `null`: a hit all the same). */
  readonly value: V;
  /** Epoch ms after which the value is stale (undefined: never). */
  readonly freshUntil?: number;
  /** Epoch ms when it was written (`0xC3` entries). */
  readonly writtenAt?: number;
  /** Epoch ms when Redis drops it (`0xC3` entries with a TTL). */
  readonly expiresAt?: number;
  /** `0xC3` flags ({@link FLAG_BACKOFF}). */
  readonly flags?: number;
}

/** Times of a memoized entry (epoch ms; 0 = never). */
export interface EntryMeta {
  readonly writtenAt: number;
  readonly freshUntil: number;
  readonly expiresAt: number;
  readonly flags?: number;
}

/** Encodes a memoized function's entry (`0xC3`). */
export function encodeMeta<V>(codec: Codec<V>, value: V, meta: EntryMeta): Buffer {
  const header = Buffer.allocUnsafe(META_HEADER);
  header[0] = META;
  header[1] = meta.flags ?? 0;
  header.writeDoubleBE(meta.writtenAt, 2);
  header.writeDoubleBE(meta.freshUntil, 10);
  header.writeDoubleBE(meta.expiresAt, 18);
  return Buffer.concat([header, payloadBytes(codec.encode(value))]);
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
  if (head === META && bytes.length >= META_HEADER) {
    const fresh = bytes.readDoubleBE(10);
    const expires = bytes.readDoubleBE(18);
    return {
      value: decodePayload(codec, bytes, META_HEADER),
      flags: bytes[1]!,
      writtenAt: bytes.readDoubleBE(2),
      ...(fresh > 0 ? { freshUntil: fresh } : {}),
      ...(expires > 0 ? { expiresAt: expires } : {}),
    };
  }
  const text = bytes.toString("latin1");
  if (INTEGER_TEXT.test(text)) return { value: Number(text) as V };
  if (/^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(text)) return { value: Number(text) as V }; // INCRBYFLOAT counters
  throw new CodecError("cache", `not a narwhal cache entry (${bytes.length} bytes starting ${JSON.stringify(text.slice(0, 16))})`);
}
