/**
 * Differential-test generators for bitmaps and bitfields: SETBIT GETBIT BITCOUNT BITPOS BITOP
 * BITFIELD BITFIELD_RO with every type width class, `#` offsets, the three OVERFLOW modes and
 * bad arguments. Keys `a`–`c` are shared with the string family (bits of "abc", "1.5", HLLs…),
 * `b1` is mostly bitmaps. Offsets stay below a few kilobytes: a SETBIT near 2^32 would make both
 * servers allocate 512 MB.
 */
import fc from "fast-check";

type Argv = string[];

const some = <T>(arb: fc.Arbitrary<T>, min = 1, max = 3) => fc.array(arb, { minLength: min, maxLength: max });
const opt = <T>(arb: fc.Arbitrary<T[]>) => fc.oneof(fc.constant([] as T[]), arb);
const c = (...parts: Array<fc.Arbitrary<string | string[]> | string>): fc.Arbitrary<Argv> =>
  fc.tuple(...parts.map((p) => (typeof p === "string" ? fc.constant(p) : p))).map((xs) => xs.flatMap((x) => (Array.isArray(x) ? x : [x])));

export const BIT_KEYS = ["b1"];

const bkey = fc.constantFrom("b1", "b1", "b1", "a", "b", "c");
const offset = fc.constantFrom("0", "1", "7", "8", "9", "15", "23", "100", "1000", "-1", "x", "4294967296", "01");
const index = fc.constantFrom("0", "1", "2", "-1", "-2", "-5", "5", "10", "100", "x", "-100");
const unit = opt(fc.constantFrom(["BIT"], ["BYTE"], ["bit"], ["bad"]));
const type = fc.constantFrom("u1", "u8", "i8", "u4", "i5", "u16", "i16", "u31", "i32", "u63", "i64", "i1", "u64", "i65", "u0", "x8", "U8");
const fieldOffset = fc.constantFrom("0", "1", "3", "7", "8", "12", "31", "64", "#0", "#1", "#3", "#-1", "-1", "x", "#");
const fieldValue = fc.constantFrom("0", "1", "-1", "2", "127", "-128", "255", "256", "300", "-300", "65535", "9223372036854775807", "-9223372036854775808", "x");
const fieldOp = fc.oneof(
  c("GET", type, fieldOffset),
  c("SET", type, fieldOffset, fieldValue),
  c("INCRBY", type, fieldOffset, fieldValue),
  c("OVERFLOW", fc.constantFrom("WRAP", "SAT", "FAIL", "sat", "bogus")),
  c(fc.constantFrom("GET", "bogus", "OVERFLOW")),
);

const bitCommands: Array<fc.Arbitrary<Argv>> = [
  c("setbit", bkey, offset, fc.constantFrom("0", "1", "1", "2", "-1", "x")),
  c("getbit", bkey, offset),
  c("bitcount", bkey, opt(c(index, index, unit))),
  c("bitcount", bkey, index),
  c("bitpos", bkey, fc.constantFrom("0", "1", "1", "2", "x"), opt(c(index, opt(c(index, unit))))),
  c("bitop", fc.constantFrom("AND", "OR", "XOR", "NOT", "and", "nand"), bkey, some(bkey)),
  c("bitfield", bkey, some(fieldOp, 0, 4).map((ops) => ops.flat())),
  c("bitfield_ro", bkey, some(fc.oneof(c("GET", type, fieldOffset), c("SET", "u8", "0", "1")), 0, 3).map((ops) => ops.flat())),
];

/** The bitmap family. */
export const bitFamily: fc.Arbitrary<Argv> = fc.oneof(...bitCommands);

/**
 * Integers beyond ±2^53 (BITFIELD i64/u63 fields): ioredis parses Redis's exact digits by
 * accumulating doubles (`n * 10 + digit`), which rounds differently from the engine's nearest
 * double; both are the same integer to 13 significant digits. The engine carries integer replies
 * as doubles (README: known differences), so such pairs are compared to that precision.
 */
export function alignLargeIntegers(expected: unknown, actual: unknown): unknown {
  if (typeof expected === "number" && typeof actual === "number") {
    const big = !Number.isSafeInteger(expected) && !Number.isSafeInteger(actual);
    return big && Math.abs(expected - actual) <= Math.abs(expected) * 1e-13 ? expected : actual;
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    return actual.map((a, i) => alignLargeIntegers(expected[i], a));
  }
  return actual;
}
