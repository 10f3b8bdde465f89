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
];

function normalize(r: unknown): unknown {
  if (r instanceof Error) return { error: r.message };
  if (Array.isArray(r)) return r.map(normalize);
  if (Buffer.isBuffer(r)) return r.toString("latin1");
  return r;
}

function fromReply(r: Reply): unknown {
  if (r instanceof ErrorReply) return { error: r.message };
  if (r instanceof StatusReply) return r.value;
  if (Array.isArray(r)) return r.map((x) => fromReply(x as Reply));
  if (Buffer.isBuffer(r)) return r.toString("latin1");
  return r;
}

const standalone = inject("standalone");
describe.skipIf(!standalone || standalone.external)("Lua host vs redis-server (skipped without a private redis-server)", () => {
  const redis = standalone?.path ? new Redis({ path: standalone.path }) : new Redis();
  const host = createScriptingHost();
  afterAll(() => redis.disconnect());

  for (const script of SCRIPTS) {
    it(script, async () => {
      const expected = normalize(await redis.callBuffer("eval", script, "0").catch((e: Error) => e));
      const actual = fromReply(host.evalBody(Buffer.from(script), [], [], () => new ErrorReply("ERR unknown command")));
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
