/**
 * Scripts whose replies do not depend on data: the Lua host must answer exactly like
 * redis-server. Then numbers (issue 9, defect 4): Redis's Lua 5.1 has doubles only, and the
 * embedded engine must compute, print, parse and convert them identically: a fixed list and
 * generated batteries (fast-check; NARWHAL_PBT_SEED picks the seed, NARWHAL_PBT_RUNS the runs).
 */
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createEngine } from "../../src/memory/create-engine";
import { createScriptingHost } from "../../src/memory/lua";
import { ErrorReply, StatusReply, type Reply } from "../../src/memory/protocol";
import {
  BINARY_BATTERY,
  FORMAT_BATTERY,
  formatSpecArb,
  INCRBY_BATTERY,
  int64Arb,
  NUMBER_SCRIPTS,
  numberArgArb,
  numeralArb,
  PARSE_BATTERY,
  UNARY_BATTERY,
} from "../support/lua-number-cases";
import { fromEngine, fromRedis } from "../support/lua-replies";

/** Restores lua-cjson's defaults (Redis keeps cjson settings in its shared Lua state). */
const CJSON_DEFAULTS =
  "cjson.encode_max_depth(1000) cjson.decode_max_depth(1000) cjson.encode_number_precision(14) cjson.encode_sparse_array(false, 2, 10)" +
  " cjson.encode_invalid_numbers(false) cjson.decode_invalid_numbers(true) cjson.encode_keep_buffer(true)";

const SCRIPTS = [
  "return x",
  "x = 1",
  "_G.x = 1",
  "redis.foo = 1",
  "error('boom')",
  "error({err='MY boom'})",
  "return {err='boom2'}",
  "return redis.error_reply('x')",
  "return redis.error_reply('E2 x')",
  "return redis.status_reply('FINE')",
  "return {1,2,nil,4}",
  "return {1,{2,3},'a',true,false,{ok='x'}}",
  "return 3.99",
  "return -3.99",
  "return tostring(10/2) .. tostring(1e15) .. tostring(0.1) .. tostring(2^53)",
  "return cjson.encode({})",
  "return cjson.encode({1,2,3})",
  "return cjson.encode({a={}, b={{}}})",
  "return cjson.encode({'a/b\"\\\\\\n\\t\\1\\127'})",
  "return cjson.encode({[1]=1,[5]=5})",
  "return cjson.encode({[1]=1,[20]=5})",
  "return cjson.encode(0.1)..cjson.encode(1e20)..cjson.encode(123456789012)",
  "return cjson.decode('[1,2')",
  "return cjson.decode('')",
  "return cjson.decode('[1] x')",
  "return cjson.encode(cjson.decode('[null,1.25,-3e2,true]'))",
  "return cjson.decode('{\"a\":[1,2,{\"b\":null}],\"c\":\"\\\\u00e9\"}').c",
  "return type(cjson.null)",
  "return redis.sha1hex('')",
  "return redis.call()",
  "return redis.call('get', {})",
  "return redis.call('multi')",
  "return redis.pcall('nosuch').err",
  "return 'a' .. ",
  "return unpack({1,2})",
  "return loadstring('return 1')()",
  "local os = os return 1",
  "return bit.band(0xff, 0x0f) .. bit.tohex(-1) .. bit.lshift(1, 31)",
  "return string.format('%d %s %5.2f', 3, 'x', 1.5)",
  "return table.concat({1, 2, 'x'}, ',')",
  "return redis.REDIS_VERSION",
  "local t = nil; return t.x",
  "return nil + 1",
  "local x; return x .. 'a'",
  "local s = 'a'; return s:nosuch()",
  "local t = {} t.f()",
  "local t = {} return t.a.b",
  "return {} < {}",
  "return 1 < 'x'",
  "return #nil",
  "local ok, e = pcall(redis.call, 'nosuch') return {tostring(ok), e}",
  "local ok, e = pcall(redis.call) return e",
  "local ok, e = pcall(function() error({err='X y'}) end) return e",
  "local ok, e = pcall(error, 'x') return e",
  "local ok, e = pcall(function() local t = nil; return t.x end) return e",
  "return {pcall(function() return 1, 2 end)}",
  "local function f() return f() + 1 end return f()",
  "return tonumber('0x10') + tonumber(' 10 ') + tonumber('1e1')",
  "return tostring(1/0) .. tostring(-1/0) .. tostring(2^63) .. tostring(-0.5)",
  "return math.floor(-3.5) .. ',' .. math.max(1, 5.5) .. ',' .. (7 % 3) .. ',' .. 2^10",
  "return string.rep('ab', 3) .. string.sub('hello', 2, -2) .. string.upper('x') .. #'abc'",
  "local t = {} for i = 1, 5 do t[#t + 1] = i * 1.5 end return table.concat(t, ' ')",
  // Lua 5.1's library shapes (issue 17, point 10): table and coroutine as in Redis, collectgarbage, cmsgpack's errors.
  "local t = {} for k in pairs(table) do t[#t+1] = k end table.sort(t) return t",
  "local t = {} for k in pairs(coroutine) do t[#t+1] = k end table.sort(t) return t",
  "local t = {} for k in pairs(string) do t[#t+1] = k end table.sort(t) return t",
  "local t = {} for k in pairs(math) do t[#t+1] = k end table.sort(t) return t",
  "local r = {} table.foreach({10,20,x=5}, function(k, v) r[#r+1] = tostring(k) .. '=' .. v end) table.sort(r) return r",
  "return table.foreach({1,2,3}, function(k, v) if v == 2 then return 'found' .. k end end)",
  "local r = {} table.foreachi({10,20,30,x=5}, function(i, v) r[#r+1] = i .. '=' .. v end) return r",
  "table.foreach({}, 1)",
  "table.foreachi()",
  "table.setn({}, 1)",
  "return type(collectgarbage('count'))",
  "return {collectgarbage('count') > 0, collectgarbage('count') < 20000, gcinfo() < 20000}",
  "local t = {} for i = 1, 200000 do t[i] = {i} end return collectgarbage('count') > 1000",
  // Relative to the count at the start: Redis's absolute figure depends on the scripts other suites cached on the shared server.
  "local before = collectgarbage('count') local t = {} for i = 1, 200000 do t[i] = {i} end t = nil collectgarbage() return collectgarbage('count') < before + 200",
  "return {collectgarbage(), collectgarbage('step'), collectgarbage('restart')}",
  "return collectgarbage('bogus')",
  "return collectgarbage({})",
  "return cmsgpack.unpack('\\196\\1a')",
  "return cmsgpack.unpack('\\217\\1a')",
  // Redis's bundled struct library.
  "return {struct.pack('HB', 258, 3), struct.pack('>i', -2), struct.pack('<l', 2^53 + 1), struct.pack('!4 b i', 1, 2), struct.pack('!b d', 1, 2.5)}",
  "return {struct.unpack('>i', struct.pack('>i', -2))}",
  "return {struct.unpack('<I', '\\255\\255\\255\\255')}",
  "return {struct.unpack('<i3', '\\255\\255\\128')}",
  "return {struct.pack('s', 'abc'), struct.pack('c2', 'abc'), struct.pack('c0', 'abc'), struct.pack('bb', 1, 300)}",
  "return {struct.unpack('B c0 s', '\\3abcde\\0f')}",
  "return {struct.unpack('c2', 'abcd', 2)}",
  "return {struct.unpack('c2', 'abcd', 0)}",
  "return {struct.unpack('c2', 'abcd', 6)}",
  "return {struct.unpack('i', 'abcd', -1)}",
  "return {struct.unpack('s', 'abcd')}",
  "return {struct.size('bhilT'), struct.size('!bhilT')}",
  "return struct.size('s')",
  "return struct.size('c0')",
  "return struct.pack('z', 1)",
  "return struct.pack('i33', 1)",
  "return struct.pack('!3', 1)",
  "return struct.pack('ii', 1)",
  "return {struct.pack('L', 2^64), struct.pack('L', 2^63 + 2^12), struct.pack('l', -2^64), struct.pack('L', 0/0), struct.pack('i', -1.9)}",
  "return tostring(struct.unpack('<L', '\\255\\255\\255\\255\\255\\255\\255\\255')) .. tostring(struct.unpack('>d', struct.pack('>d', 0.1)))",
  "return {struct.unpack('i9', '\\1\\2\\3\\4\\5\\6\\7\\8\\9')}",
  "struct.pack = 1",
  // cjson's settings functions. Redis keeps them across scripts, so each case restores the
  // defaults before it returns (atomically: no other script of the shared server sees them).
  ...[
    "local t = {} for k in pairs(cjson) do t[#t+1] = k end table.sort(t) r = t",
    "r = {cjson._NAME, cjson._VERSION, type(cjson.new), cjson.new()._NAME, tostring(cjson.new().null == cjson.null), cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision(), tostring(cjson.encode_invalid_numbers()), tostring(cjson.decode_invalid_numbers())}",
    "r = {cjson.encode_sparse_array()}",
    "r = {pcall(cjson.encode_max_depth, 1, 2)}",
    "r = {pcall(cjson.encode_max_depth, 0)}",
    "r = {pcall(cjson.encode_number_precision, 'x')}",
    "r = {pcall(cjson.encode_number_precision, 15)}",
    "r = {cjson.encode_number_precision(3), cjson.encode(math.pi), cjson.encode({[1.23456]=1})}",
    "r = {cjson.encode_invalid_numbers('null'), cjson.encode({1/0, 0/0})}",
    "r = {tostring(cjson.encode_invalid_numbers(true)), cjson.encode({1/0, -1/0})}",
    "cjson.encode_invalid_numbers('on') r = cjson.encode(0/0)",
    "r = {pcall(cjson.encode_invalid_numbers, 'x')}",
    "r = {cjson.encode_max_depth(1), pcall(cjson.encode, {{1}})}",
    "r = {cjson.encode_max_depth(2), cjson.encode({{1}})}",
    "r = {cjson.decode_max_depth(1), pcall(cjson.decode, '{\"obj\": {\"array\": [1,2,3,4]}}')}",
    "cjson.decode_invalid_numbers(false) r = {cjson.decode('[1, 2]')[2], cjson.decode('0.5')}",
    "cjson.decode_invalid_numbers(false) r = {pcall(cjson.decode, '[+1]')}",
    "cjson.decode_invalid_numbers(false) r = {pcall(cjson.decode, '[0x10]')}",
    "cjson.decode_invalid_numbers(false) r = {pcall(cjson.decode, '[007]')}",
    "cjson.decode_invalid_numbers(false) r = {pcall(cjson.decode, '[-inf]')}",
    "r = {cjson.encode_sparse_array(true), cjson.encode({[1]=1, [20]=2})}",
    "r = {cjson.encode_sparse_array(false, 0), cjson.encode({[1]=1, [20]=2})}",
    "r = {cjson.encode_sparse_array(false, 3, 30), cjson.encode({[1]=1, [20]=2})}",
    "r = {tostring(cjson.encode_keep_buffer(false)), tostring(cjson.encode_keep_buffer()), tostring(cjson.encode_keep_buffer('on'))}",
    "local c = cjson.new() c.encode_max_depth(1) c.x = 1 r = {c.x, pcall(c.encode, {{1}})} r[4] = cjson.encode({{1}})",
  ].map((body) => `local r ${body} ${CJSON_DEFAULTS} return r`),
];

const standalone = inject("standalone");
describe.skipIf(!standalone || standalone.external)("Lua host vs redis-server (skipped without a private redis-server)", () => {
  const redis = standalone?.path ? new Redis({ path: standalone.path }) : new Redis();
  const host = createScriptingHost();
  afterAll(() => redis.disconnect());

  for (const script of SCRIPTS) {
    it(script, async () => {
      const expected = fromRedis(await redis.callBuffer("eval", script, "0").catch((e: Error) => e));
      const actual = fromEngine(host.evalBody(Buffer.from(script), [], [], () => new ErrorReply("ERR unknown command")));
      expect(actual).toEqual(expected);
    });
  }
});

/** Integer replies as decimal strings on both sides (ioredis `stringNumbers`), so values past 2^53 compare exactly. */
function fromRedisExact(r: unknown): unknown {
  if (r instanceof Error) return { error: r.message };
  if (Array.isArray(r)) return r.map(fromRedisExact);
  if (Buffer.isBuffer(r)) return r.toString("latin1");
  if (typeof r === "string") return { integer: r };
  return r;
}

function fromEngineExact(r: Reply): unknown {
  if (r instanceof ErrorReply) return { error: r.message };
  if (r instanceof StatusReply) return r.value;
  if (Array.isArray(r)) return r.map((x) => fromEngineExact(x as Reply));
  if (Buffer.isBuffer(r)) return r.toString("latin1");
  if (typeof r === "number") return { integer: BigInt(r).toString() };
  return r;
}

const SEED = Number(process.env.NARWHAL_PBT_SEED ?? 0x5eed % 2 ** 31);
const RUNS = Number(process.env.NARWHAL_PBT_RUNS ?? 60);

describe.skipIf(!standalone || standalone.external)("Lua numbers: engine vs redis-server (skipped without a private redis-server)", () => {
  const redis = standalone?.path ? new Redis({ path: standalone.path, stringNumbers: true }) : new Redis({ stringNumbers: true });
  const engine = createEngine({ nativeScripts: false });
  const session = { id: 1, db: 0, protocol: 2 as const };
  afterAll(() => redis.disconnect());

  /** EVAL on both, with a fresh KEYS[1]; args are byte strings (latin1). */
  async function evalBoth(script: string, args: readonly string[] = []): Promise<{ expected: unknown; actual: unknown }> {
    const key = `lua-vs-redis:${randomBytes(6).toString("hex")}`;
    const argv = [script, "1", key, ...args].map((a) => Buffer.from(a, "latin1"));
    const expected = fromRedisExact(await redis.callBuffer("eval", ...argv).catch((e: Error) => e));
    await redis.del(key);
    const actual = fromEngineExact(await engine.dispatch(session, [Buffer.from("eval"), ...argv]));
    await engine.dispatch(session, [Buffer.from("del"), Buffer.from(key)]);
    return { expected, actual };
  }

  for (const script of NUMBER_SCRIPTS) {
    it(script, async () => {
      const { expected, actual } = await evalBoth(script);
      expect(actual).toEqual(expected);
    });
  }

  const property = <T>(arb: fc.Arbitrary<T>, script: string, toArgs: (value: T) => string[]) =>
    fc.assert(
      fc.asyncProperty(arb, async (value) => {
        const { expected, actual } = await evalBoth(script, toArgs(value));
        expect(actual).toEqual(expected);
      }),
      { seed: SEED, numRuns: RUNS },
    );

  it("generated: printing, formatting, math, bit, cjson and redis.call of doubles", () =>
    property(fc.array(numberArgArb, { minLength: 1, maxLength: 40 }), UNARY_BATTERY, (xs) => xs));

  it("generated: arithmetic, % and comparisons on pairs of doubles", () =>
    property(fc.array(fc.tuple(numberArgArb, numberArgArb), { minLength: 1, maxLength: 40 }), BINARY_BATTERY, (pairs) => pairs.flat()));

  it("generated: string.format with any conversion spec", () =>
    property(fc.array(fc.tuple(formatSpecArb, numberArgArb), { minLength: 1, maxLength: 40 }), FORMAT_BATTERY, (pairs) => pairs.flat()));

  it("generated: tonumber, string arithmetic and cjson.decode of numerals", () =>
    property(fc.array(numeralArb, { minLength: 1, maxLength: 40 }), PARSE_BATTERY, (strings) => strings));

  it("generated: INCRBY chains across 2^31, 2^53 and 2^63, replies used as doubles", () =>
    property(fc.array(int64Arb, { minLength: 2, maxLength: 20 }), INCRBY_BATTERY, (values) => values));
});
