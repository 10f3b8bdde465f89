/**
 * Number parsing and formatting with Redis's exact rules: `string2ll` for integers,
 * `strtod` without leading spaces for doubles, `%.17g` for double replies and the
 * "human friendly" long-double format of INCRBYFLOAT/HINCRBYFLOAT.
 */
import { Buffer } from "node:buffer";
import { fail, NOT_INTEGER } from "./errors";
import { addLongDouble } from "./long-double";

const INT_RE = /^(?:0|-?[1-9][0-9]*)$/;
const MAX = 9223372036854775807n;
const MIN = -9223372036854775808n;

/** Parses a signed 64-bit integer as Redis's string2ll does, or undefined. */
export function parseBigInt(buf: Buffer): bigint | undefined {
  if (buf.length === 0 || buf.length > 20) return undefined;
  const s = buf.toString("latin1");
  if (!INT_RE.test(s)) return undefined;
  const n = BigInt(s);
  return n > MAX || n < MIN ? undefined : n;
}

/**
 * {@link parseBigInt} for at most 15 bytes (|n| < 10^15, exact in a double), as a number: the
 * INCR/DECR fast path, with no string or bigint made. Undefined when it is not such an integer
 * (the caller then takes the bigint path, which gives the error or handles the big value).
 */
export function parseSmallInt(buf: Buffer): number | undefined {
  const len = buf.length;
  if (len === 0 || len > 15) return undefined;
  let i = 0;
  let negative = false;
  if (buf[0] === 45 /* - */) {
    if (len === 1) return undefined;
    negative = true;
    i = 1;
  }
  // string2ll: "0" alone, never a leading zero ("01", "-0").
  if (buf[i] === 48 /* 0 */) return len === 1 ? 0 : undefined;
  let n = 0;
  for (; i < len; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

/**
 * The decimal digits of a safe integer, as `Buffer.from(String(n))` gives them, written byte
 * by byte: INCR/DECR store one per call, and the string plus Node's native encoding of it cost
 * more than the rest of the command.
 */
export function smallIntBytes(n: number): Buffer {
  let m = n < 0 ? -n : n;
  let len = n < 0 ? 2 : 1;
  for (let x = m; x >= 10; x = Math.floor(x / 10)) len++;
  const b = Buffer.allocUnsafe(len);
  let i = len;
  do {
    b[--i] = 48 + (m % 10);
    m = Math.floor(m / 10);
  } while (m > 0);
  if (n < 0) b[0] = 45;
  return b;
}

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** A 64-bit integer reply: a `number` when a double holds it exactly, else the `bigint` itself (exact on the wire). */
export function integerReply(n: bigint): number | bigint {
  return n <= SAFE_MAX && n >= -SAFE_MAX ? Number(n) : n;
}

/** True when `n` fits a signed 64-bit integer. */
export function inInt64(n: bigint): boolean {
  return n <= MAX && n >= MIN;
}

/** An integer argument as a JS number, or the given error (default `ERR value is not an integer or out of range`). */
export function int(buf: Buffer | undefined, message = NOT_INTEGER): number {
  const n = buf === undefined ? undefined : parseBigInt(buf);
  if (n === undefined) fail(message);
  return Number(n);
}

const FLOAT_RE = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const INF_RE = /^([+-]?)inf(?:inity)?$/i;

/** Parses a double like Redis (strtod, no leading space, no trailing junk, no NaN, no overflow), or undefined. */
export function parseDouble(buf: Buffer | string): number | undefined {
  if (typeof buf !== "string" && buf.length <= 15) {
    const n = plainInteger(buf);
    if (n !== undefined) return n;
  }
  const s = typeof buf === "string" ? buf : buf.toString("latin1");
  if (s.length === 0) return undefined;
  const inf = INF_RE.exec(s);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  if (!FLOAT_RE.test(s)) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n)) return undefined; // ERANGE overflow
  if (n === 0 && /[1-9]/.test(s.replace(/[eE].*$/, ""))) return undefined; // ERANGE underflow
  return n;
}

/**
 * `[-]digits`, at most 15 bytes (exact in a double): most scores are such, and read this way
 * skip the text decode and the regular expressions (they were ~5% of ZADD under -P 16).
 * Undefined for anything else, which then takes parseDouble's full path. `-0` is -0, as strtod.
 */
function plainInteger(buf: Buffer): number | undefined {
  const len = buf.length;
  let i = buf[0] === 45 /* - */ ? 1 : 0;
  if (i >= len) return undefined;
  let n = 0;
  for (; i < len; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return buf[0] === 45 ? -n : n;
}

/** A double argument or the given error. */
export function double(buf: Buffer | undefined, message: string): number {
  const n = buf === undefined ? undefined : parseDouble(buf);
  if (n === undefined) fail(message);
  return n;
}

/** Formats a double as C's `%.17g` (Redis's double replies); ±inf as `inf`/`-inf`. */
export function formatDouble(n: number): string {
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  if (Number.isInteger(n) && Math.abs(n) < 1e17) return String(n);
  const [mant, expPart] = n.toExponential(16).split("e") as [string, string];
  const exp = Number(expPart);
  if (exp < -4 || exp >= 17) {
    const m = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
    const e = Math.abs(exp);
    return `${m}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
  }
  const fixed = n.toFixed(Math.max(0, 16 - exp));
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
}

/**
 * `a + b` formatted as Redis formats INCRBYFLOAT results (long double arithmetic, see
 * long-double.ts). Returns undefined when the result is not finite.
 */
export function addFloatStrings(a: string, b: string, aValue: number, bValue: number): string | undefined {
  if (!Number.isFinite(aValue + bValue)) return undefined;
  return addLongDouble(a, b) ?? String(aValue + bValue);
}
