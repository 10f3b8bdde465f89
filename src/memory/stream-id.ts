/**
 * Stream IDs as Redis 7.0 parses and prints them (t_stream.c): `<ms>-<seq>` with two
 * unsigned 64-bit parts, kept here as ONE bigint `ms · 2^64 + seq` so that IDs compare and
 * sort with `<`. Parsing follows `streamGenericParseIDOrReply` + `string2ull` exactly,
 * including their quirks (`strtoull` accepts leading blanks, `+`, and negates `-01`).
 */
import { Buffer } from "node:buffer";
import { fail } from "./errors";

export type StreamId = bigint;

const U64 = (1n << 64n) - 1n;
export const MIN_ID: StreamId = 0n;
export const MAX_ID: StreamId = (U64 << 64n) | U64;
export const INVALID_ID = "ERR Invalid stream ID specified as stream command argument";

export function makeId(ms: bigint, seq: bigint): StreamId {
  return (ms << 64n) | seq;
}

export function msOf(id: StreamId): bigint {
  return id >> 64n;
}

export function seqOf(id: StreamId): bigint {
  return id & U64;
}

export function formatId(id: StreamId): string {
  return `${msOf(id)}-${seqOf(id)}`;
}

export function idBytes(id: StreamId): Buffer {
  return Buffer.from(formatId(id));
}

/** The next ID (`streamIncrID`); undefined past the last possible ID. */
export function incrId(id: StreamId): StreamId | undefined {
  return id === MAX_ID ? undefined : id + 1n;
}

/** The previous ID (`streamDecrID`); undefined before 0-0. */
export function decrId(id: StreamId): StreamId | undefined {
  return id === MIN_ID ? undefined : id - 1n;
}

const SPACE = /^[ \t\n\v\f\r]*/;

/** `string2ull`: string2ll (non-negative), else C's strtoull in base 10 with the whole string consumed. */
export function string2ull(s: string): bigint | undefined {
  if (/^(?:0|-?[1-9][0-9]*)$/.test(s) && s.length <= 20) {
    const n = BigInt(s);
    if (n >= -(1n << 63n) && n < 1n << 63n) return n < 0n ? undefined : n;
  }
  if (s.length === 0) return undefined;
  let rest = s.replace(SPACE, "");
  let negative = false;
  if (rest[0] === "+" || rest[0] === "-") {
    negative = rest[0] === "-";
    rest = rest.slice(1);
  }
  if (!/^[0-9]+$/.test(rest)) return undefined;
  const n = BigInt(rest);
  if (n > U64) return undefined;
  return negative ? (-n) & U64 : n;
}

export interface ParsedId {
  readonly id: StreamId;
  /** False for the `<ms>-*` form (only when `allowSeqStar`). */
  readonly seqGiven: boolean;
}

/**
 * `streamGenericParseIDOrReply`: `-`/`+` (refused when `strict`), `<ms>` (seq = `missingSeq`),
 * `<ms>-<seq>`, and `<ms>-*` when `allowSeqStar`. Undefined when invalid.
 */
export function tryParseId(arg: Buffer, missingSeq: bigint, strict: boolean, allowSeqStar = false): ParsedId | undefined {
  if (arg.length > 127) return undefined;
  let s = arg.toString("latin1");
  const nul = s.indexOf("\0");
  if (nul >= 0) s = s.slice(0, nul);
  if (strict && (s === "-" || s === "+")) return undefined;
  if (s === "-") return { id: MIN_ID, seqGiven: true };
  if (s === "+") return { id: MAX_ID, seqGiven: true };
  const dash = s.indexOf("-");
  const ms = string2ull(dash >= 0 ? s.slice(0, dash) : s);
  if (ms === undefined) return undefined;
  if (dash < 0) return { id: makeId(ms, missingSeq), seqGiven: true };
  const seqText = s.slice(dash + 1);
  if (allowSeqStar && seqText === "*") return { id: makeId(ms, 0n), seqGiven: false };
  const seq = string2ull(seqText);
  if (seq === undefined) return undefined;
  return { id: makeId(ms, seq), seqGiven: true };
}

/** A strict ID (no `-`/`+`) or the Redis error. */
export function strictId(arg: Buffer | undefined, missingSeq = 0n): StreamId {
  const parsed = arg === undefined ? undefined : tryParseId(arg, missingSeq, true);
  if (!parsed) fail(INVALID_ID);
  return parsed.id;
}

/** An ID where `-`/`+` are allowed, or the Redis error. */
export function looseId(arg: Buffer | undefined, missingSeq = 0n): StreamId {
  const parsed = arg === undefined ? undefined : tryParseId(arg, missingSeq, false);
  if (!parsed) fail(INVALID_ID);
  return parsed.id;
}

/**
 * A range bound (`streamParseIntervalIDOrReply` + the incr/decr of XRANGE/XPENDING/XAUTOCLAIM):
 * `(id` is exclusive. `start` bounds step up, end bounds step down.
 */
export function rangeBound(arg: Buffer, start: boolean): StreamId {
  const exclusive = arg.length > 1 && arg[0] === 0x28;
  const missing = start ? 0n : U64;
  const id = exclusive ? strictId(arg.subarray(1), missing) : looseId(arg, missing);
  if (!exclusive) return id;
  const stepped = start ? incrId(id) : decrId(id);
  if (stepped === undefined) fail(start ? "ERR invalid start ID for the interval" : "ERR invalid end ID for the interval");
  return stepped;
}
