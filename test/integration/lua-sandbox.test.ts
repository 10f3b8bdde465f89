/**
 * The Lua sandbox (issue 17, point 2): every table and metatable a script can reach is
 * read-only, so no script can change what another script or client sees. Redis 7.0's own
 * cases (tests/unit/scripting.tcl at 7.0.15: "Globals protection …", "Try trick global
 * protection 1–4", "Try trick readonly table on …", "Test loadfile/dofile/print are not
 * available", "Binary code loading failed") and the routes around the old proxies
 * (`getmetatable('').__index`, `getmetatable(_G)`, rawset, setmetatable, table.insert) run on
 * the engine AND on a private redis-server: same reply, byte for byte.
 */
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createEngine } from "../../src/memory/create-engine";
import { fromEngine, fromRedis } from "../support/lua-replies";

/** scripting.tcl's sandbox family, verbatim bodies. */
const REDIS_SUITE_CASES = [
  "return a",
  "a=10",
  "\n                setmetatable(_G, {})\n            ",
  "\n                local g = getmetatable(_G)\n                g.__index = {}\n            ",
  "\n                redis = function() return 1 end\n            ",
  "\n                _G = {}\n            ",
  "\n                redis.call = function() return 1 end\n            ",
  "\n                cjson.encode = function() return 1 end\n            ",
  "\n                cmsgpack.pack = function() return 1 end\n            ",
  "\n                bit.lshift = function() return 1 end\n            ",
  "\n                loadfile('some file')\n            ",
  "\n                dofile('some file')\n            ",
  "\n                print('some data')\n            ",
  "\n            return loadstring(string.dump(function() return 1 end))()\n        ",
];

/** The ways around a read-only proxy: each must be refused (or harmless) exactly as Redis does. */
const BYPASS_CASES = [
  "getmetatable(redis).__index.call = function() return 1 end",
  "getmetatable('').__index = {} return 1",
  "getmetatable('').__index.rep = function() return 'x' end return 1",
  "getmetatable('').__index.upper = nil return 1",
  "getmetatable('').__newindex = function() end return 1",
  "local s = getmetatable('').__index local old = s.format s.format = s.rep return 1",
  "getmetatable(_G).__index = nil return 1",
  "getmetatable(_G).__newindex = function() end return 1",
  "rawset(getmetatable(_G), '__index', nil) return 1",
  "rawset(_G, 'x', 1) return 1",
  "rawset(redis, 'call', 1) return 1",
  "rawset(string, 'rep', 1) return 1",
  "rawset(getmetatable(''), '__index', {}) return 1",
  "setmetatable(redis, {}) return 1",
  "setmetatable(getmetatable(_G), {}) return 1",
  "setmetatable(getmetatable(''), {}) return 1",
  "table.insert(redis, 1) return 1",
  "table.insert(string, 'x') return 1",
  "table.remove(table) return 1",
  "string.rep = nil return 1",
  "math.random = function() return 4 end return 1",
  "table.concat = 1 return 1",
  "coroutine.wrap = 1 return 1",
  "cjson.null = 1 return 1",
  "struct.pack = function() return 1 end return 1",
  "rawset(struct, 'size', 1) return 1",
  "redis.REDIS_VERSION = 'x' return 1",
  "_G._G = 1 return 1",
  "_G.KEYS = {} return 1",
  "KEYS = {} return 1",
  "KEYS[1] = 'x' return KEYS[1]",
  "ARGV[1] = 'y' return ARGV[1]",
  "for k in pairs(redis) do redis[k] = nil end return 1",
  "load('x = 1')() return 1",
  "loadstring('_G.y = 2')() return 1",
  "coroutine.wrap(function() redis.call = nil end)() return 1",
  "local ok, e = pcall(function() string.len = nil end) return e",
  "local t = {} setmetatable(t, {__index = redis}) t.call = 1 return t.call",
  "local d = cjson.decode('{\"a\":1}') d.b = 2 return d.b",
  "return rawequal(getmetatable('').__index, string)",
  "return type(getmetatable(redis))",
  "return type(debug)",
  "return type(rawget(_G, 'debug'))",
];

/** What every script must still see after all the attempts above. */
const PROBE =
  "return {type(redis.call), string.rep('a', 2), ('b'):rep(2), type(cjson.encode), bit.lshift(1, 2), tostring(rawget(_G, 'x'))," +
  " tostring(rawget(_G, 'y')), type(getmetatable(_G).__index), table.concat({1, 2}, ','), type(math.random), type(coroutine.wrap), redis.REDIS_VERSION}";

const standalone = inject("standalone");
describe.skipIf(!standalone || standalone.external)("Lua sandbox: engine vs redis-server (skipped without a private redis-server)", () => {
  const redis = new Redis({ path: standalone?.path });
  const engine = createEngine({ nativeScripts: false });
  const attacker = engine.createSession();
  const victim = engine.createSession();
  afterAll(() => {
    redis.disconnect();
    engine.close();
  });

  const evalEngine = async (script: string, session = attacker, keys: string[] = []) =>
    fromEngine(await engine.dispatch(session, ["eval", script, String(keys.length), ...keys].map((a) => Buffer.from(a))));
  const evalRedis = async (script: string, keys: string[] = []) => fromRedis(await redis.callBuffer("eval", script, keys.length, ...keys).catch((e: Error) => e));

  for (const script of [...REDIS_SUITE_CASES, ...BYPASS_CASES]) {
    it(script.trim(), async () => {
      expect(await evalEngine(script)).toEqual(await evalRedis(script));
    });
  }

  it("every attempt above left the libraries intact for the next script and another client", async () => {
    const expected = ["function", "aa", "bb", "function", 4, "nil", "nil", "function", "1,2", "function", "function", "7.0.15"];
    expect(await evalRedis(PROBE)).toEqual(expected);
    expect(await evalEngine(PROBE, attacker)).toEqual(expected);
    expect(await evalEngine(PROBE, victim)).toEqual(expected);
    // The exploit: another client's redis.call still writes.
    expect(await evalEngine("return redis.call('set', KEYS[1], 'v')", victim, ["sandbox:k"])).toBe("OK");
    expect(fromEngine(await engine.dispatch(victim, [Buffer.from("get"), Buffer.from("sandbox:k")]))).toBe("v");
  });

  it("library settings last one script (Redis keeps cjson's and collectgarbage's in its shared state; narwhal does not)", async () => {
    expect(await evalEngine("cjson.encode_max_depth(1) cjson.encode_invalid_numbers('null') return cjson.encode({0/0})", attacker)).toBe("[null]");
    expect(await evalEngine("return cjson.encode({{1}})", victim)).toBe("[[1]]");
    expect(await evalEngine("return {pcall(cjson.encode, 0/0)}", victim)).toEqual([null, "Cannot serialise number: must not be NaN or Inf"]);
    expect(await evalEngine("return {cjson.encode_max_depth(), cjson.encode_number_precision()}", victim)).toEqual([1000, 14]);
  });

  it("SCRIPT FLUSH and FLUSHALL start from the same clean libraries", async () => {
    for (const cmd of [["script", "flush"], ["flushall"]]) {
      await engine.dispatch(attacker, cmd.map((a) => Buffer.from(a)));
      expect(await evalEngine("getmetatable('').__index.len = nil return 1")).toEqual(await evalRedis("getmetatable('').__index.len = nil return 1"));
      expect(await evalEngine("return ('abc'):len()", victim)).toBe(3);
    }
  });
});
