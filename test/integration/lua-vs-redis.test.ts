/** Scripts whose replies do not depend on data: the Lua host must answer exactly like redis-server. */
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createScriptingHost } from "../../src/memory/lua";
import { ErrorReply, StatusReply, type Reply } from "../../src/memory/protocol";

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
