/**
 * INCRBYFLOAT/HINCRBYFLOAT arithmetic as Redis does it on x86-64: both operands parsed with
 * strtold into an 80-bit long double (64-bit mantissa), added, rounded to a long double,
 * and printed with `%.17Lf` with trailing zeros removed. Emulated exactly with BigInt
 * dyadic rationals (value = m × 2^e).
 */

const TWO63 = 1n << 63n;
const TWO64 = 1n << 64n;

interface Dyadic {
  readonly m: bigint;
  readonly e: number;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** num/den (den > 0) rounded half-to-even to a 64-bit mantissa. */
function round64(num: bigint, den: bigint): Dyadic {
  if (num === 0n) return { m: 0n, e: 0 };
  const neg = num < 0n;
  const a = neg ? -num : num;
  let e = bitLength(a) - bitLength(den) - 64;
  for (;;) {
    const n = e < 0 ? a << BigInt(-e) : a;
    const d = e > 0 ? den << BigInt(e) : den;
    let q = n / d;
    const r = n % d;
    if (q >= TWO64) {
      e++;
      continue;
    }
    if (q < TWO63) {
      e--;
      continue;
    }
    if (r * 2n > d || (r * 2n === d && (q & 1n) === 1n)) q += 1n;
    if (q === TWO64) return { m: neg ? -TWO63 : TWO63, e: e + 1 };
    return { m: neg ? -q : q, e };
  }
}

/** A decimal literal (as strtold reads it) rounded to a long double, or undefined. */
function parse(s: string): Dyadic | undefined {
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(s);
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) return undefined;
  const frac = match[3] ?? "";
  const exp = Number(match[4] ?? 0) - frac.length;
  if (Math.abs(exp) > 5000) return undefined;
  let num = BigInt((match[2] || "0") + frac);
  let den = 1n;
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den = 10n ** BigInt(-exp);
  if (match[1] === "-") num = -num;
  return round64(num, den);
}

function add(a: Dyadic, b: Dyadic): Dyadic {
  const e = Math.min(a.e, b.e);
  const num = (a.m << BigInt(a.e - e)) + (b.m << BigInt(b.e - e));
  return e >= 0 ? round64(num << BigInt(e), 1n) : round64(num, 1n << BigInt(-e));
}

/** `%.17Lf` of a dyadic, trailing zeros and a bare "-0" removed (Redis's LD_STR_HUMAN). */
function format(v: Dyadic): string {
  const neg = v.m < 0n;
  const m = neg ? -v.m : v.m;
  let scaled: bigint;
  if (v.e >= 0) scaled = (m << BigInt(v.e)) * 10n ** 17n;
  else {
    const n = m * 10n ** 17n;
    const d = 1n << BigInt(-v.e);
    scaled = n / d;
    const r = n % d;
    if (r * 2n > d || (r * 2n === d && (scaled & 1n) === 1n)) scaled += 1n;
  }
  let digits = scaled.toString().padStart(18, "0");
  digits = `${digits.slice(0, -17)}.${digits.slice(-17)}`.replace(/0+$/, "").replace(/\.$/, "");
  return neg && digits !== "0" ? `-${digits}` : digits;
}

/**
 * `a + b` the way Redis's INCRBYFLOAT computes and prints it; undefined when an operand is
 * not a finite decimal literal (the caller has validated them and handles inf/NaN).
 */
export function addLongDouble(a: string, b: string): string | undefined {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return undefined;
  return format(add(x, y));
}
