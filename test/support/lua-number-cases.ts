/**
 * Lua number cases for the differential test against redis-server (test/integration/
 * lua-vs-redis.test.ts): a fixed list of scripts and generated batteries. Redis runs Lua 5.1,
 * where every number is a double; the embedded engine must print, parse, format, compute and
 * convert them the same way. Scripts may use KEYS[1], a fresh key per run.
 *
 * Left out on purpose (known differences, see src/memory/lua/numbers.ts): `^` with a fractional
 * or negative exponent (V8's Math.pow may differ from glibc's pow by one ulp), transcendental
 * math functions in generated cases (same reason), and a script mixing the literals 0 and -0
 * (Lua 5.1 folds -0 into a constant and then shares it with 0).
 */
import fc from "fast-check";

export const NUMBER_SCRIPTS = [
  // arithmetic is double arithmetic: no 32-bit wrap, no integer division
  "return {tostring(3 / 2), tostring(7 / 2 * 2), tostring(2147483647 + 1), tostring(-2147483648 - 1), tostring(65536 * 65536), tostring(2^31 * 2^31)}",
  "return {2^31 - 1, 2^31 + 1, -2^31 + 1, -2^31 - 1, 2^53 - 1, 2^53 + 1, -(2^53 - 1), tostring(2^31 - 1 + 2), string.format('%d %d %.17g %.17g', 2^31 + 1, -2^31 - 1, 2^53 - 1, -2^53 - 1)}",
  "return {tostring(2^53 + 1), tostring(2^53 + 2), tostring(2^53 + 1 - 2^53), tostring(2^63), tostring(-2^63), tostring(2^64), tostring(1e308 * 10)}",
  "return {tostring(7 % 3), tostring(-7 % 3), tostring(7 % -3), tostring(5.5 % 2), tostring(1 % 0.1), tostring(0.3 % 0.1), tostring(2^60 % 7), tostring(-7 % math.huge)}",
  "return {tostring(1 % 0), tostring(math.huge % 2), tostring(0/0), tostring(-(0/0)), tostring(math.huge - math.huge), tostring(1/0 * 0)}",
  "return {#'abc' * 2^31, string.len('abcd') * string.len('abcd') * 2^30, select('#', 1, 2, 3) / 2, ('x'):rep(3):len() * 3e9}",
  "local t = {10, 20, 30} local s = 0 for k in pairs(t) do s = s + k * 2^40 end for i in ipairs(t) do s = s + i * i * 3e9 end return tostring(s)",
  "local n = 0 for i = 1, 3 do n = n + i * 1e9 end for i = 3e9, 3e9 + 2 do n = n + i end for i = 1, 2, 0.5 do n = n + i end return tostring(n)",
  "local t = {} t[1.0] = 'a' t[2] = 'b' t[2^53] = 'c' t[3e9] = 'd' return {#t, t[1], t[2.0], t[2^53], t[3000000000]}",
  "return '10' + 5 .. '|' .. '0x10' * 2 .. '|' .. '1e2' / 4 .. '|' .. -'2' .. '|' .. '3000000000' * 3",
  // tostring, concatenation (%.14g)
  "return {tostring(3), tostring(2^31), tostring(3e9), tostring(2^53), tostring(1e14), tostring(1e15), tostring(1e16), tostring(1e17), tostring(1e100)}",
  "return {tostring(123456789012345), tostring(99999999999999.5), tostring(999999999999995), tostring(0.1), tostring(1/3), tostring(-1.5e-7), tostring(5e-324)}",
  "return {3e9 .. '', 2^31 .. '', (2^53 + 1) .. 'x', -2^63 .. '', 1e15 .. '', 0.1 .. '', -0.5 .. '', tostring(1/0), tostring(-1/0)}",
  "return {tostring(-0), -0 .. '', tostring(0 * -1), string.format('%g|%f|%e|%d|%x|%s', -0, -0, -0, -0, -0, -0)}",
  "return table.concat({3e9, 2^53, 1e15, 1e16, 0.1, 1/3, -2^31 - 1}, ',')",
  // string.format
  "return {string.format('%d', 3e9), string.format('%d', 2^31), string.format('%d', -2^31 - 1), string.format('%d', 2^53 + 1), string.format('%d', 2^63), string.format('%d', -2^63), string.format('%d', 1e300)}",
  "return {string.format('%d', 3.7), string.format('%d', -3.7), string.format('%d', 0/0), string.format('%d', 1/0), string.format('%i', 3e9), string.format('%5d|%-5d|%05d', 42, 42, 42)}",
  "return {string.format('%x', 3e9), string.format('%X', 2^40), string.format('%x', -1), string.format('%o', 3e9), string.format('%u', -1), string.format('%x', 2^64), string.format('%x', 2^63 + 2^11)}",
  "return {string.format('%.17g', 2^53 + 1), string.format('%.17g', 0.1), string.format('%.14g', 2^53), string.format('%g', 1e15), string.format('%.17g', 1 + 2^-17), string.format('%.14g', 123456789012345)}",
  "return {string.format('%f', 2^63), string.format('%e', 3e9), string.format('%.0f', 0.5), string.format('%.0f', 1.5), string.format('%.0f', 2.5), string.format('%.2f', 0.125), string.format('%.1e', 25)}",
  "return {string.format('%s', 3e9), string.format('%s', 2^53), string.format('%10s', 1.5), string.format('%q', 3e9), string.format('%q', 1/3), string.format('%d', '3000000000'), string.format('%d', ' 0x1F ')}",
  "return {string.format('%5.1f|%-8.3e|%+d|% d', 3e9, 2^53, 3e9, 3e9), string.format('%#x %#o %#X %#.3g %#g %#e %#.0f', 255, 8, 255, 1, 1.5, 1, 3), string.format('%+.3e|%E|%G|%g', 12345.678, 1e-10, 1e-5, 1e-4)}",
  "return {string.format('%5.1f|%-8.2f|%08.3f|%+f', 0/0, 1/0, -1/0, 0/0), string.format('[%c|%5c|%-3c]', 65.9, 2^32 + 66, -191), string.format('%.3d|%.0d|%+.2d|% 05d', 7, 0, 3, 42)}",
  "return {pcall(string.format, '%d', 'abc'), pcall(string.format, '%d'), pcall(string.format, '%y', 1), pcall(string.format, '%123d', 1), pcall(string.format, '%------d', 1)}",
  // tonumber
  "return {tostring(tonumber('9007199254740993')), string.format('%.17g', tonumber('9007199254740993')), tostring(tonumber('0x7fffffff')), tostring(tonumber('0xffffffff')), tostring(tonumber('0x100000000'))}",
  "return {tostring(tonumber('0xffffffffffffffff')), tostring(tonumber('1e500')), tostring(tonumber('-0')), tostring(tonumber(' 3.5 ')), tostring(tonumber('inf')), tostring(tonumber('-nan')), tostring(tonumber('0x1p4'))}",
  "return {tostring(tonumber('ffffffffff', 16)), tostring(tonumber('zz', 36)), tostring(tonumber('-1', 16)), tostring(tonumber('18446744073709551616', 10)), tostring(tonumber('10000000000000000', 16)), tostring(tonumber(255, 16))}",
  "return {tostring(tonumber('0x')), tostring(tonumber('1e')), tostring(tonumber('')), tostring(tonumber('1 2')), tostring(tonumber('1\\0x')), tostring(tonumber('10', 16.9)), pcall(tonumber, '1', 37)}",
  // math
  "return {tostring(math.floor(3e9 + 0.5)), tostring(math.floor(-2^53 - 0.5)), tostring(math.ceil(2^31 - 0.5)), tostring(math.floor(1e300)), tostring(math.floor(-0.5)), tostring(math.ceil(-0.5))}",
  "return {tostring(math.fmod(2^53, 3)), tostring(math.fmod(-7, 3)), tostring(math.fmod(7, -3)), tostring(math.fmod(5.5, 2)), tostring(math.fmod(1, 0)), tostring(math.fmod(2^63, 10)), tostring(math.mod(9, 4))}",
  "return {tostring(select(1, math.modf(3.7))), tostring(select(2, math.modf(-3.7))), tostring(select(2, math.modf(2^53))), tostring(select(2, math.modf(-5))), tostring(select(2, math.modf(-1/0)))}",
  "return {tostring(math.max(2^53, 3e9)), tostring(math.min(3, '2')), tostring(math.abs(-2^63)), tostring(math.sqrt(2^62)), tostring(math.pow(2, 63)), tostring(math.ldexp(1, 62)), tostring(math.ldexp(3, 2.9))}",
  "return {tostring(select(1, math.frexp(3e9))), tostring(select(2, math.frexp(3e9))), tostring(select(2, math.frexp(2^-1074))), tostring(math.log10(1e15)), tostring(math.huge), tostring(math.pi)}",
  "return {math.randomseed(42), tostring(math.random()), math.random(10), math.random(5, 2^31 - 1), math.random(-10, -5), tostring(math.random())}",
  "return type(math.tointeger) .. type(math.type) .. type(math.maxinteger) .. type(table.move) .. type(string.pack) .. type(math.pow) .. type(math.ldexp) .. type(math.mod)",
  // integer arguments of the string and table functions (5.1's luaL_checkint: truncation, low 32 bits)
  "return {string.rep('ab', 2.9), string.sub('hello', 2.7), string.sub('hello', -2.5), string.byte('hello', 1.9), string.char(72.8, 105.1), table.concat({1, 2, 3}, '-', 1.5, 2.5)}",
  "return {string.rep('x', 2^32 + 3), string.sub('hello', 2^32 + 2), string.sub('hello', 1, 2^32), select(-1, 'a', 'b'), select(2^32 + 2, 'a', 'b', 'c'), unpack({1, 2, 3}, 2.5)}",
  // redis.call: integer replies are doubles, numbers are sent with %.17g
  "return {redis.call('incrby', KEYS[1], 3000000000), tostring(redis.call('incrby', KEYS[1], 3000000000)), string.format('%d', redis.call('incrby', KEYS[1], 2^32))}",
  "return {redis.call('incrby', KEYS[1], '9007199254740993'), redis.call('get', KEYS[1]), tostring(redis.call('incrby', KEYS[1], 1)), string.format('%d %.17g', redis.call('incrby', KEYS[1], 1), redis.call('get', KEYS[1]))}",
  "return {redis.call('incrby', KEYS[1], '9223372036854775807'), string.format('%.17g', redis.call('get', KEYS[1])), pcall(redis.call, 'incrby', KEYS[1], 1), redis.call('decrby', KEYS[1], 2^62)}",
  "return {redis.call('set', KEYS[1], 2^53 + 1), redis.call('get', KEYS[1]), redis.call('set', KEYS[1], 1 + 2^-17), redis.call('get', KEYS[1]), redis.call('set', KEYS[1], 0/0), redis.call('get', KEYS[1])}",
  "return {redis.call('set', KEYS[1], 3e9), redis.call('get', KEYS[1]), redis.call('set', KEYS[1], 1e20), redis.call('get', KEYS[1]), redis.call('set', KEYS[1], -1/0), redis.call('get', KEYS[1])}",
  "return {redis.call('incrby', KEYS[1], 3.0), pcall(redis.call, 'incrby', KEYS[1], 3.5), redis.call('incrby', KEYS[1], 2^40), redis.call('incrbyfloat', KEYS[1], 0.1)}",
  // numbers as replies: truncated toward zero, LLONG_MIN out of range
  "return {3.99, -3.99, 0.5, -0.5, 2^31 + 0.5, -(2^31) - 0.5, 2^53 + 2, 2^63 - 1024, -2^63, 2^62, 1e19, -1e19, 1/0, -1/0, 0/0}",
  "return 3e9",
  "return -2^53 - 2",
  // cjson
  "return {cjson.encode(3e9), cjson.encode(2^53), cjson.encode(2^53 + 1), cjson.encode(1e15), cjson.encode(1e16), cjson.encode(0.1), cjson.encode(1/3), cjson.encode(123456789012345)}",
  "return cjson.encode({1.5, -0.25, 1e100, 2^63, -2^63, 123456789012345678, 0.1, 1/3, 100, 1e14, 1e15, 2^31, -2^31 - 1})",
  "return {cjson.encode({[3e9] = 'a'}), cjson.encode({[2^31 - 1] = 'a'}), pcall(cjson.encode, {1/0}), pcall(cjson.encode, {a = 0/0})}",
  "return {tostring(cjson.decode('9007199254740993')), string.format('%.17g', cjson.decode('9007199254740993')), string.format('%.17g', cjson.decode('1e400')), tostring(cjson.decode('-0'))}",
  "return {tostring(cjson.decode('0x1F')), tostring(cjson.decode('+7')), tostring(cjson.decode('-Infinity')), tostring(cjson.decode('NaN')), tostring(cjson.decode('007.5')), pcall(cjson.decode, '1.5e')}",
  "return cjson.encode(cjson.decode('[3000000000, 9007199254740993, 1.7976931348623157e308, 5e-324, -0.0, 1E2, 0.1]'))",
  // bit (LuaBitOp): rounding to nearest even, modulo 2^32
  "return {bit.tobit(2^31), bit.tobit(3e9), bit.tobit(2^32 + 5), bit.tobit(0.5), bit.tobit(1.5), bit.tobit(2.5), bit.tobit(2^52 + 1), bit.tobit(2^53 + 2), bit.tobit(1e300)}",
  "return {bit.tohex(3e9), bit.tohex(-1, -4), bit.tohex(255, 0), bit.band(2^53 + 7, 3), bit.lshift(1, 31), bit.lshift(1, 33), bit.rshift(-1, 2^32 + 1), bit.band('7', '3'), pcall(bit.band, 'x')}",
  // Lua 5.1 syntax: no integer division, bitwise operators or labels
  "return 7 // 2",
  "return 1 & 3",
  "return 1 | 2",
  "return ~1",
  "local x = 1 ~ 2",
  "return 1 << 2",
  "return f(1 >> 2)",
  "if true then return 1 & 2 end",
  "local x = 1 ::lbl:: return x",
  "return {'a // b' .. [[ & | ~ ]], 1 ~= 2} -- // & | << >> ::",
  "return 0x10 + 0xff + 0X1p4 + 1e2 + .5 + 5. + 3e-2",
  "local x = 3e local y = 1",
];

/** Lua 5.1 operations on each ARGV number: printing, formatting, math, bit, cjson, redis.call. */
export const UNARY_BATTERY = `
local out, raw = {}, {}
for i = 1, #ARGV do
  local x = tonumber(ARGV[i])
  local ok, enc = pcall(cjson.encode, {x})
  redis.call('set', KEYS[1], x)
  out[i] = table.concat({
    tostring(x), x .. '',
    string.format('%.17g|%.14g|%d|%i|%x|%X|%o|%u|%e|%.3f|%g|%5.1f|%-12.4e|%+.0f|%s|%q|%.20g|%G|%#g|%#x|%.0e|%.1f|%c',
      x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x),
    tostring(math.floor(x)), tostring(math.ceil(x)), tostring(math.fmod(x, 7)), tostring(x % 7), tostring(x % -0.3),
    tostring((math.modf(x))), tostring(select(2, math.modf(x))), tostring(math.frexp(x)), tostring(select(2, math.frexp(x))),
    tostring(math.ldexp(x, 3)), tostring(math.abs(x)), tostring(math.sqrt(math.abs(x))),
    tostring(x * 3), tostring(x / 3), tostring(x + 0.1), tostring(x - 1e15), tostring(-x), tostring(x * x),
    tostring(ok), tostring(enc), tostring(bit.tobit(x)), bit.tohex(x), tostring(tonumber(tostring(x))),
    tostring(tonumber(string.format('%.17g', x)) == x), redis.call('get', KEYS[1]),
  }, ' ')
  raw[i] = x
end
return {out, raw}`;

/** Binary operations on consecutive pairs of ARGV numbers. */
export const BINARY_BATTERY = `
local out = {}
for i = 1, #ARGV - 1, 2 do
  local x, y = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  out[#out + 1] = table.concat({
    tostring(x + y), tostring(x - y), tostring(x * y), tostring(x / y), tostring(x % y), tostring(math.fmod(x, y)),
    tostring(math.max(x, y)), tostring(math.min(x, y)), tostring(x == y), tostring(x < y), tostring(x <= y),
    string.format('%.17g %.17g %.17g', x % y, x / y, x * y), (x + y) .. '',
  }, ' ')
end
return out`;

/** `string.format(spec, n)` for consecutive (spec, number) pairs in ARGV, with the number and its string. */
export const FORMAT_BATTERY = `
local out = {}
for i = 1, #ARGV - 1, 2 do
  local ok1, a = pcall(string.format, ARGV[i], tonumber(ARGV[i + 1]))
  local ok2, b = pcall(string.format, ARGV[i], ARGV[i + 1])
  out[#out + 1] = tostring(ok1) .. ' ' .. tostring(a) .. ' ' .. tostring(ok2) .. ' ' .. tostring(b)
end
return out`;

/** `tonumber`, string arithmetic and cjson.decode on each ARGV string. */
export const PARSE_BATTERY = `
local out = {}
for i = 1, #ARGV do
  local s = ARGV[i]
  local ok, v = pcall(function() return s + 0 end)
  local okj, j = pcall(cjson.decode, s)
  out[i] = table.concat({
    tostring(tonumber(s)), tostring(tonumber(s, 16)), tostring(tonumber(s, 36)), tostring(tonumber(s, 8)),
    tostring(ok), tostring(v), tostring(okj), type(j) == 'number' and string.format('%.17g', j) or tostring(j),
  }, ' ')
end
return out`;

/** INCRBY chain: ARGV[1] the start value, then increments; every reply printed and reused as a double. */
export const INCRBY_BATTERY = `
local out = {}
redis.call('set', KEYS[1], ARGV[1])
for i = 2, #ARGV do
  local ok, v = pcall(redis.call, 'incrby', KEYS[1], ARGV[i])
  if ok then
    out[#out + 1] = table.concat({tostring(v), string.format('%.17g %d %.0f', v, v, v), v .. '', tostring(v + 1), tostring(v / 2), tostring(v % 10), tostring(math.floor(v / 3))}, ' ')
  else
    out[#out + 1] = tostring(v)
  end
  out[#out + 1] = redis.call('get', KEYS[1])
end
return out`;

const BOUNDARIES = [0, 1, 10, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 63, 2 ** 64, 1e15, 1e16, 1e17, 1e21, 0.5, 0.1, 1e-5, 5e-324, 1.7976931348623157e308];

/** Doubles: anything (NaN, ±inf, -0, subnormals), boundaries ± small offsets, integers, dyadic fractions (exact decimal ties), short decimals. */
export const doubleArb: fc.Arbitrary<number> = fc.oneof(
  fc.double(),
  fc.tuple(fc.constantFrom(...BOUNDARIES), fc.integer({ min: -3, max: 3 }), fc.boolean()).map(([b, d, neg]) => (neg ? -1 : 1) * (b + d)),
  fc.integer({ min: -(2 ** 31) - 10, max: 2 ** 31 + 10 }),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(Number),
  fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 40 })).map(([m, k]) => m / 2 ** k),
  fc.tuple(fc.integer({ min: -999999, max: 999999 }), fc.integer({ min: -25, max: 25 })).map(([m, e]) => Number(`${m}e${e}`)),
);

/** A double as an exact decimal string strtod reads back to the same double. */
export function numberArg(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (Object.is(x, -0)) return "-0";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  return String(x);
}

/** Doubles as ARGV strings, with "-nan" too (a NaN's sign shows in Lua 5.1: tostring(0/0) is "-nan"). */
export const numberArgArb: fc.Arbitrary<string> = fc.oneof({ weight: 20, arbitrary: doubleArb.map(numberArg) }, { weight: 1, arbitrary: fc.constant("-nan") });

/** printf conversion specs as Lua 5.1 accepts them (flags, width and precision of at most two digits), plus a few it rejects. */
export const formatSpecArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 9, arbitrary: fc
    .tuple(fc.subarray(["-", "+", " ", "#", "0"]), fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }), fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }), fc.constantFrom(..."diouxXeEfgGcsq"))
    .map(([flags, width, precision, conv]) => `%${flags.join("")}${width ?? ""}${precision === undefined ? "" : `.${precision}`}${conv}`) },
  { weight: 1, arbitrary: fc.constantFrom("%5", "%a", "%123d", "%1.123f", "%------d", "%%|%d", "x%5.2f%%", "%ld") },
);

/** Strings for tonumber/strtod: numerals in every notation, with the usual ways to be almost right. */
export const numeralArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom("", " ", "\t", "\n "), fc.constantFrom("", "-", "+", "--"), fc.constantFrom("", "0x", "0X"), fc.stringMatching(/^[0-9a-fA-F]{0,20}$/), fc.constantFrom("", ".", ".5", ".e"), fc.constantFrom("", "e5", "E-3", "e+", "p4", "P-2", "e400"), fc.constantFrom("", " ", "x", "\0", "z"))
    .map((parts) => parts.join("")),
  fc.tuple(fc.constantFrom("", " ", "-", "+"), fc.constantFrom("inf", "INF", "infinity", "Infinity", "nan", "NaN", "nan(123)", "in", "infinit", "null", "true"), fc.constantFrom("", " ", "x")).map((p) => p.join("")),
  doubleArb.map((x) => (Number.isFinite(x) ? x.toPrecision(1 + Math.floor(Math.abs(x) % 21)) : numberArg(x))),
  fc.bigInt({ min: -(2n ** 66n), max: 2n ** 66n }).map((n) => n.toString()),
  fc.string({ maxLength: 8 }),
);

/** Signed 64-bit decimal strings around the edges of INCRBY's range. */
export const int64Arb: fc.Arbitrary<string> = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.tuple(fc.constantFrom(0n, 2n ** 31n, 2n ** 32n, 2n ** 53n, 2n ** 62n, 2n ** 63n - 1n), fc.bigInt({ min: -5n, max: 5n }), fc.boolean()).map(([b, d, neg]) => (neg ? -(b + d) : b + d)),
  fc.integer({ min: -1e6, max: 1e6 }).map(BigInt),
).map((n) => n.toString());
