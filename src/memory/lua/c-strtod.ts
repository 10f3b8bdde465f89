/**
 * The C library's string → number conversions as Redis's Lua 5.1 uses them (glibc, x86-64):
 * `strtod` (decimal, hexadecimal floats, `inf`/`infinity`/`nan`, leading white space) behind
 * numerals, `tonumber(s)` and string arithmetic; `strtoul` behind `tonumber(s, base)`.
 * Inputs are Lua strings (bytes); a NUL byte ends the string, as it ends a C string.
 */
import { Buffer } from "node:buffer";

const nanView = new DataView(new ArrayBuffer(8));

/**
 * A quiet NaN with the given sign: glibc's "nan" (positive) or x86's default NaN "-nan" (what
 * 0/0 yields). Made at run time from its bits: V8's optimizing compiler may replace a value it
 * can prove is NaN, such as a NaN constant, by its own canonical (positive) NaN.
 */
export function quietNaN(negative: boolean): number {
  nanView.setUint32(0, negative ? 0xfff80000 : 0x7ff80000);
  return nanView.getFloat64(0);
}

const isSpace = (c: number | undefined) => c === 32 || (c !== undefined && c >= 9 && c <= 13);
const isDigit = (c: number | undefined) => c !== undefined && c >= 48 && c <= 57;

/** The value of an ASCII digit in bases up to 36, or 99. */
function digitValue(c: number | undefined): number {
  if (c === undefined) return 99;
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 122) return lower - 87;
  return 99;
}

/** Case-insensitive match of an ASCII lowercase word at `i`. */
function matchWord(s: Uint8Array, i: number, end: number, word: string): boolean {
  if (i + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if ((s[i + k]! | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/** The length of the C string in `s` (up to the first NUL). */
export function cLength(s: Uint8Array): number {
  const nul = s.indexOf(0);
  return nul < 0 ? s.length : nul;
}

export interface Parsed {
  value: number;
  /** Index just past the last byte used. */
  end: number;
}

/** `0x…` after the sign (at `i`): a hexadecimal float, or null when no hex digit follows. */
function hexFloat(s: Uint8Array, i: number, end: number, negative: boolean): Parsed | null {
  let mantissa = 0n;
  let exponent = 0;
  let digits = 0;
  let j = i;
  for (; j < end && digitValue(s[j]) < 16; j++, digits++) mantissa = (mantissa << 4n) | BigInt(digitValue(s[j]));
  if (s[j] === 46 && j < end) {
    j++;
    for (; j < end && digitValue(s[j]) < 16; j++, digits++) {
      mantissa = (mantissa << 4n) | BigInt(digitValue(s[j]));
      exponent -= 4;
    }
  }
  if (digits === 0) return null;
  if ((s[j]! | 0x20) === 112 && j < end) {
    let k = j + 1;
    const expNegative = s[k] === 45;
    if (s[k] === 43 || s[k] === 45) k++;
    if (isDigit(s[k]) && k < end) {
      let e = 0;
      for (; k < end && isDigit(s[k]); k++) e = Math.min(e * 10 + s[k]! - 48, 100000);
      exponent += expNegative ? -e : e;
      j = k;
    }
  }
  const value = scaleBinary(mantissa, exponent);
  return { value: negative ? -value : value, end: j };
}

/** `mantissa × 2^exponent`, correctly rounded (subnormal results may round twice). */
function scaleBinary(mantissa: bigint, exponent: number): number {
  if (mantissa === 0n) return 0;
  const bits = mantissa.toString(2).length;
  if (bits > 64) {
    // Keep 64 bits plus a sticky bit: enough for one correct rounding to 53 bits.
    const drop = bits - 64;
    const sticky = mantissa & ((1n << BigInt(drop)) - 1n) ? 1n : 0n;
    mantissa = ((mantissa >> BigInt(drop)) << 1n) | sticky;
    exponent += drop - 1;
  }
  let value = Number(mantissa);
  // Scale in steps so that neither factor over- or underflows on its own.
  while (exponent > 0) {
    const step = Math.min(exponent, 1000);
    value *= 2 ** step;
    exponent -= step;
  }
  while (exponent < 0) {
    const step = Math.max(exponent, -1000);
    value *= 2 ** step;
    exponent -= step;
  }
  return value;
}

/** The value of the decimal numeral s[from, to) (digits, point, exponent), correctly rounded. */
function decimalValue(s: Uint8Array, from: number, to: number): number {
  if (to - from <= 15) {
    // Up to 15 plain digits: exact in a double, no string needed.
    let n = 0;
    let k = from;
    for (; k < to; k++) {
      const c = s[k]!;
      if (c < 48 || c > 57) break;
      n = n * 10 + c - 48;
    }
    if (k === to) return n;
    return Number(String.fromCharCode.apply(null, s.subarray(from, to) as unknown as number[]));
  }
  return Number(Buffer.from(s.buffer, s.byteOffset + from, to - from).toString("latin1"));
}

/** glibc `strtod(s + start)`: null when no conversion could be performed. */
export function strtod(s: Uint8Array, start = 0, end = cLength(s)): Parsed | null {
  let i = start;
  while (i < end && isSpace(s[i])) i++;
  const negative = s[i] === 45;
  if (s[i] === 43 || s[i] === 45) i++;
  if (matchWord(s, i, end, "inf")) {
    const stop = matchWord(s, i, end, "infinity") ? i + 8 : i + 3;
    return { value: negative ? -Infinity : Infinity, end: stop };
  }
  if (matchWord(s, i, end, "nan")) {
    let stop = i + 3;
    if (s[stop] === 40) {
      let k = stop + 1;
      while (k < end && (digitValue(s[k]) < 36 || s[k] === 95)) k++;
      if (s[k] === 41 && k < end) stop = k + 1;
    }
    return { value: quietNaN(negative), end: stop };
  }
  if (s[i] === 48 && (s[i + 1]! | 0x20) === 120 && i + 1 < end) {
    const hex = hexFloat(s, i + 2, end, negative);
    if (hex) return hex;
    return { value: negative ? -0 : 0, end: i + 1 }; // just the "0"
  }
  const from = i;
  let digits = 0;
  while (i < end && isDigit(s[i])) i++, digits++;
  if (s[i] === 46 && i < end) {
    i++;
    while (i < end && isDigit(s[i])) i++, digits++;
  }
  if (digits === 0) return null;
  if ((s[i]! | 0x20) === 101 && i < end) {
    let k = i + 1;
    if (s[k] === 43 || s[k] === 45) k++;
    if (isDigit(s[k]) && k < end) {
      while (k < end && isDigit(s[k])) k++;
      i = k;
    }
  }
  const value = decimalValue(s, from, i);
  return { value: negative ? -value : value, end: i };
}

/** Lua 5.1's luaO_str2d: the whole string (white space around it allowed) must be a number. */
export function str2d(s: Uint8Array): number | null {
  const n = s.length;
  if (n <= 15) {
    // Fast path: an optional minus and up to 15 digits (exact in a double).
    const negative = s[0] === 45;
    let i = negative ? 1 : 0;
    if (i < n) {
      let v = 0;
      for (; i < n; i++) {
        const c = s[i]!;
        if (c < 48 || c > 57) break;
        v = v * 10 + c - 48;
      }
      if (i === n) return negative ? -v : v;
    }
  }
  const end = cLength(s);
  const parsed = strtod(s, 0, end);
  if (!parsed) return null;
  let i = parsed.end;
  let value = parsed.value;
  if ((s[i]! | 0x20) === 120 && i < end) {
    // "maybe an hexadecimal constant?": 5.1 retries with strtoul(s, 16).
    const hex = strtoul(s, 16, end);
    if (!hex) return null;
    value = hex.value;
    i = hex.end;
  }
  while (i < end && isSpace(s[i])) i++;
  return i === end ? value : null;
}

const ULONG_MAX = (1n << 64n) - 1n;

/** glibc `strtoul(s, base)` converted to a double; null when no digit was read. */
export function strtoul(s: Uint8Array, base: number, end = cLength(s)): Parsed | null {
  let i = 0;
  while (i < end && isSpace(s[i])) i++;
  const negative = s[i] === 45;
  if (s[i] === 43 || s[i] === 45) i++;
  if (base === 16 && s[i] === 48 && (s[i + 1]! | 0x20) === 120 && digitValue(s[i + 2]) < 16 && i + 2 < end) i += 2;
  const big = BigInt(base);
  let n = 0n;
  let overflow = false;
  const from = i;
  for (; i < end && digitValue(s[i]) < base; i++) {
    if (!overflow) {
      n = n * big + BigInt(digitValue(s[i]));
      if (n > ULONG_MAX) overflow = true;
    }
  }
  if (i === from) return null;
  if (overflow) n = ULONG_MAX;
  else if (negative) n = (-n) & ULONG_MAX;
  return { value: Number(n), end: i };
}
