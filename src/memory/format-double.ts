/**
 * C's `printf("%.<p>g")` for doubles, which Redis uses to render numbers: `%.17g` for a double
 * reply in RESP2 (ZSCORE → "0.10000000000000001") and for Lua numbers passed to redis.call,
 * `%.14g` for Lua's own `tostring` (Lua 5.1) and for cjson. `inf`, `-inf` and `nan` as glibc writes them.
 */
export function formatDouble(value: number, precision = 17): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  // fast path: String() prints every digit of a safe integer (past 2^53 it prints the shortest round-trip form, e.g. 72057594037928020 for 2^56+80)
  if (Number.isSafeInteger(value) && Math.abs(value) < 10 ** precision) return String(value);
  const exponential = value.toExponential(precision - 1); // "d.ddd…e±x", correctly rounded
  const e = exponential.indexOf("e");
  const exp = Number(exponential.slice(e + 1));
  if (exp < -4 || exp >= precision) {
    const mantissa = stripZeros(exponential.slice(0, e));
    const sign = exp < 0 ? "-" : "+";
    const digits = String(Math.abs(exp));
    return `${mantissa}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
  }
  return stripZeros(value.toFixed(precision - 1 - exp));
}

function stripZeros(s: string): string {
  if (!s.includes(".")) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--; // '0'
  if (s.charCodeAt(end - 1) === 46) end--; // '.'
  return s.slice(0, end);
}
