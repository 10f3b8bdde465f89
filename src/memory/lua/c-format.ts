/**
 * glibc's printf conversions of a double, exactly: `%e %f %g` (any precision, flags `-+ #0`,
 * width) round the double's exact binary value to nearest, ties to even, as glibc does; `%d %i
 * %o %u %x %X` format the C casts Lua 5.1 applies first (`(long)x`, `(unsigned long)x` on
 * x86-64). `inf`/`-inf`/`nan`/`-nan` follow the NaN's sign bit, like glibc.
 *
 * JavaScript's toPrecision/toFixed round ties away from zero, so `%.14g` of 123456789012345
 * would end in 5 instead of glibc's 4; the exact path below settles every such tie.
 */

const view = new DataView(new ArrayBuffer(8));

/** The sign bit (true for -0, negative numbers and a negative NaN). */
export function signBit(x: number): boolean {
  view.setFloat64(0, x);
  return view.getUint8(0) >= 128;
}

/** Exact decimal expansion of a finite positive double: `digits × 10^exp10`, no trailing zeros. */
function exactDecimal(x: number): { digits: string; exp10: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2: number;
  if (biased === 0) exp2 = -1074;
  else {
    mantissa |= 1n << 52n;
    exp2 = biased - 1075;
  }
  let digits: string;
  let exp10 = 0;
  if (exp2 >= 0) digits = (mantissa << BigInt(exp2)).toString();
  else {
    digits = (mantissa * 5n ** BigInt(-exp2)).toString(); // x = m·5^k / 10^k
    exp10 = exp2;
  }
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  exp10 += digits.length - end;
  return { digits: digits.slice(0, end), exp10 };
}

/** Adds one unit in the last place to a string of decimal digits (may grow by one digit). */
function increment(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === "9") i--;
  if (i < 0) return `1${"0".repeat(digits.length)}`;
  return digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1) + "0".repeat(digits.length - 1 - i);
}

/** Keeps the first `keep` digits of `digits`, rounding the rest half to even. */
function roundDigits(digits: string, keep: number): string {
  if (keep >= digits.length) return digits + "0".repeat(keep - digits.length);
  if (keep < 0) return "";
  const head = digits.slice(0, keep);
  const first = digits.charCodeAt(keep) - 48;
  const more = digits.length > keep + 1; // trailing zeros were stripped: anything left is non-zero
  const odd = keep > 0 && (digits.charCodeAt(keep - 1) - 48) % 2 === 1;
  const up = first > 5 || (first === 5 && (more || odd));
  return up ? increment(head || "0") : head;
}

/** `|x|` rounded to `n` significant digits: the digits and the decimal exponent of the first one. */
function significant(x: number, n: number): { digits: string; exponent: number } {
  if (x === 0) return { digits: "0".repeat(n), exponent: 0 };
  const { digits, exp10 } = exactDecimal(x);
  const exponent = digits.length - 1 + exp10;
  const rounded = roundDigits(digits, n);
  if (rounded.length > n) return { digits: rounded.slice(0, n), exponent: exponent + 1 };
  return { digits: rounded, exponent };
}

/** `|x|` with exactly `p` digits after the point (`%.pf` without sign). */
function fixed(x: number, p: number): string {
  let units: string; // |x| · 10^p, rounded
  if (x === 0) units = "0";
  else {
    const { digits, exp10 } = exactDecimal(x);
    const keep = digits.length + exp10 + p; // digits left of the 10^-p position
    if (keep >= digits.length) units = digits + "0".repeat(keep - digits.length);
    else if (keep >= 0) units = roundDigits(digits, keep) || "0";
    else units = "0";
  }
  if (p === 0) return units;
  units = units.padStart(p + 1, "0");
  return `${units.slice(0, -p)}.${units.slice(-p)}`;
}

function exponential(digits: string, exponent: number, alt: boolean, upper: boolean): string {
  const mantissa = digits.length > 1 || alt ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exponent);
  return `${mantissa}${upper ? "E" : "e"}${exponent < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
}

/** Below 2^53 `String(n)` of an integer is its exact digits (above, it may shorten them). */
const EXACT_INTEGERS = 2 ** 53;

/** 2^k for the k of {@link tieFree}, by precision. */
const tieScales: number[] = [];

/** Can `toExponential(p - 1)` be trusted (no exact decimal tie at digit p + 1)? */
function tieFree(x: number, p: number): boolean {
  // A tie needs an exact expansion of p + 1 significant digits: m/2^k (m odd) has at least
  // k·log10(5) of them, so a fraction with more binary places than that cannot tie.
  if (Number.isInteger(x)) return false;
  const scale = (tieScales[p] ??= 2 ** Math.ceil((p + 1) / Math.log10(5) + 1));
  return !Number.isInteger(x * scale);
}

/** `digits` without its trailing zeros (at least one digit). */
function trimZeros(digits: string): string {
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  return end === digits.length ? digits : digits.slice(0, end);
}

/** `%.{p}g` of a finite x ≥ 0, without the `#` flag. */
function general(x: number, p: number, upper: boolean): string {
  const P = p === 0 ? 1 : p;
  if (Number.isInteger(x) && x < Math.min(10 ** P, EXACT_INTEGERS)) return String(x);
  let digits: string;
  let exponent: number;
  if (P <= 100 && tieFree(x, P)) {
    const s = x.toExponential(P - 1);
    const e = s.indexOf("e");
    digits = e > 1 ? s[0]! + s.slice(2, e) : s[0]!;
    exponent = +s.slice(e + 1);
  } else ({ digits, exponent } = significant(x, P));
  digits = trimZeros(digits);
  if (exponent < -4 || exponent >= P) return exponential(digits, exponent, false, upper);
  const point = exponent + 1; // digits before the point (≤ 0: zeros after it)
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  if (digits.length <= point) return digits + "0".repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** A parsed conversion specification: `%[flags][width][.precision]conv`. */
export interface Spec {
  minus: boolean;
  plus: boolean;
  space: boolean;
  alt: boolean;
  zero: boolean;
  width: number;
  /** -1 when absent. */
  precision: number;
  conv: string;
}

function pad(spec: Spec, sign: string, body: string, zeroAllowed: boolean): string {
  const len = sign.length + body.length;
  if (len >= spec.width) return sign + body;
  const fill = spec.width - len;
  if (spec.minus) return sign + body + " ".repeat(fill);
  if (spec.zero && zeroAllowed) {
    const prefix = body.startsWith("0x") || body.startsWith("0X") ? body.slice(0, 2) : "";
    return sign + prefix + "0".repeat(fill) + body.slice(prefix.length);
  }
  return " ".repeat(fill) + sign + body;
}

function signOf(spec: Spec, negative: boolean): string {
  return negative ? "-" : spec.plus ? "+" : spec.space ? " " : "";
}

/** `%e %E %f %g %G` of a double. */
export function formatFloat(spec: Spec, x: number): string {
  const sign = signOf(spec, signBit(x));
  const upper = spec.conv === "E" || spec.conv === "G";
  if (!Number.isFinite(x)) {
    const word = Number.isNaN(x) ? "nan" : "inf";
    return pad(spec, sign, upper ? word.toUpperCase() : word, false);
  }
  const a = Math.abs(x);
  const p = spec.precision < 0 ? 6 : spec.precision;
  let body: string;
  if (spec.conv === "f") body = fixed(a, p) + (spec.alt && p === 0 ? "." : "");
  else if (spec.conv === "e" || spec.conv === "E") {
    const { digits, exponent } = significant(a, p + 1);
    body = exponential(digits, exponent, spec.alt, upper);
  } else if (spec.alt) body = generalAlt(a, p, upper);
  else body = general(a, p, upper);
  return pad(spec, sign, body, true);
}

/** `%#g`: like %g but trailing zeros and the point stay. */
function generalAlt(x: number, p: number, upper: boolean): string {
  const P = p === 0 ? 1 : p;
  const { digits, exponent } = significant(x, P);
  if (exponent < -4 || exponent >= P) return exponential(digits, exponent, true, upper);
  return fixed(x, P - 1 - exponent) + (P - 1 - exponent === 0 ? "." : "");
}

/** `%.{precision}g` of a double, as Lua 5.1 (`%.14g`) and Redis (`%.17g`) print numbers. */
export function formatG(x: number, precision: number): string {
  if (Number.isInteger(x) && Math.abs(x) < Math.min(10 ** precision, EXACT_INTEGERS) && !Object.is(x, -0)) return String(x);
  if (!Number.isFinite(x)) return Number.isNaN(x) ? (signBit(x) ? "-nan" : "nan") : x > 0 ? "inf" : "-inf";
  const body = general(Math.abs(x), precision, false);
  return signBit(x) ? `-${body}` : body;
}

const TWO63 = 2 ** 63;

/** C's `(long)x` on x86-64 (cvttsd2si): truncation, and LONG_MIN for NaN or out of range. */
export function toLong(x: number): bigint {
  if (!(x >= -TWO63 && x < TWO63)) return -(1n << 63n);
  return BigInt(Math.trunc(x));
}

/** C's `(unsigned long)x` as gcc compiles it on x86-64. */
export function toUnsignedLong(x: number): bigint {
  if (x >= TWO63) {
    const high = x - TWO63;
    return high >= TWO63 ? 0n : BigInt(Math.trunc(high)) + (1n << 63n);
  }
  return BigInt.asUintN(64, toLong(x));
}

/** `%d %i %o %u %x %X` of an already converted C integer. */
export function formatInteger(spec: Spec, n: bigint): string {
  const negative = n < 0n;
  const radix = spec.conv === "o" ? 8 : spec.conv === "x" || spec.conv === "X" ? 16 : 10;
  let digits = (negative ? -n : n).toString(radix);
  if (spec.conv === "X") digits = digits.toUpperCase();
  if (spec.precision >= 0) digits = spec.precision === 0 && n === 0n ? "" : digits.padStart(spec.precision, "0");
  if (spec.alt && spec.conv === "o" && !digits.startsWith("0")) digits = `0${digits}`;
  if (spec.alt && n !== 0n && (spec.conv === "x" || spec.conv === "X")) digits = `0${spec.conv}${digits}`;
  const signed = spec.conv === "d" || spec.conv === "i";
  return pad(spec, signed ? signOf(spec, negative) : "", digits, spec.precision < 0);
}

/** Pads a string conversion (`%c`, `%s`) to the width. */
export function padText(spec: Spec, s: string): string {
  return pad(spec, "", s, false);
}
