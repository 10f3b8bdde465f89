import { describe, expect, it } from "vitest";
import { createScriptingHost } from "../../src/memory/lua";
import { formatDouble } from "../../src/memory/format-double";
import { formatG } from "../../src/memory/lua/c-format";
import { ErrorReply, StatusReply, type Reply } from "../../src/memory/protocol";
import { fakeDispatcher } from "../support/fake-dispatcher";

const B = (s: string) => Buffer.from(s);
const session = { id: 1, db: 0, protocol: 2 as const };

describe("Lua host (fengari)", () => {
  const host = createScriptingHost();
  const d = fakeDispatcher();
  const call = (argv: readonly Buffer[]) => d.dispatch(session, argv) as Reply;
  const run = (lua: string, keys: string[] = [], args: string[] = []) => host.evalBody(B(lua), keys.map(B), args.map(B), call);

  it("converts replies like Redis", () => {
    expect(run("return {1, 2.9, -2.9, 'x', true, false, nil, 4}")).toEqual([1, 2, -2, B("x"), 1, null]);
    expect(run("return {ok='fine'}")).toEqual(new StatusReply("fine"));
    expect(run("return redis.error_reply('x')")).toEqual(new ErrorReply("ERR x"));
    expect(run("return {err='MY x'}")).toEqual(new ErrorReply("MY x"));
  });

  it("calls the dispatcher with binary-safe KEYS/ARGV", () => {
    const bin = Buffer.from([0, 255, 128, 10]);
    expect(host.evalBody(B("return redis.call('set', KEYS[1], ARGV[1])"), [B("k")], [bin], call)).toEqual(new StatusReply("OK"));
    expect(run("return redis.call('get', KEYS[1])", ["k"])).toEqual(bin);
    expect(run("return redis.pcall('incr', KEYS[1]).err", ["k"])).toEqual(B("ERR value is not an integer or out of range"));
  });

  it("uses Lua 5.1 numbers (no 32-bit wrap, %.14g tostring)", () => {
    expect(run("return tostring(10/2) .. ' ' .. tostring(3000000000 * 3) .. ' ' .. tostring(1e15)")).toEqual(B("5 9000000000 1e+15"));
  });

  // Lua 5.1 as Redis runs it: every number a double (checked against redis-server in test/integration/lua-vs-redis.test.ts).
  it("has doubles only: no integer subtype, no 32-bit wrap, 5.1's %", () => {
    const s = (lua: string) => String(run(lua));
    expect(s("return tostring(3 / 2) .. ' ' .. tostring(2147483647 + 1) .. ' ' .. tostring(65536 * 65536)")).toBe("1.5 2147483648 4294967296");
    expect(s("return tostring(#'abcd' * #'abcd' * 2^30) .. ' ' .. tostring(string.len('ab') * 2^31)")).toBe("17179869184 4294967296");
    expect(s("local s = 0 for i, v in ipairs({1, 2, 3}) do s = s + i * 3e9 end return tostring(s)")).toBe("18000000000");
    expect(s("return tostring(1 % 0.1) .. ' ' .. tostring(2^60 % 7) .. ' ' .. tostring(-7 % 3) .. ' ' .. tostring(5.5 % 2)")).toBe("0 0 2 1.5");
    expect(s("return tostring(2^53 + 1) .. ' ' .. tostring(2^63) .. ' ' .. tostring(123456789012345) .. ' ' .. tostring(0/0)")).toBe("9.007199254741e+15 9.2233720368548e+18 1.2345678901234e+14 -nan");
  });

  it("formats, parses and converts numbers like Lua 5.1 on glibc", () => {
    const s = (lua: string) => String(run(lua));
    expect(s("return string.format('%d %i %x %u %.17g %5.1f %g', 3e9, -2^31 - 1, 3e9, -1, 2^53 + 1, 2.25, 1e15)")).toBe(
      "3000000000 -2147483649 b2d05e00 18446744073709551615 9007199254740992   2.2 1e+15",
    );
    expect(s("return string.format('%d|%d|%.0f|%.0f|%c', 2^63, 3.9, 0.5, 2.5, 65.9)")).toBe("-9223372036854775808|3|0|2|A");
    expect(s("return tostring(tonumber('9007199254740993')) .. ' ' .. tostring(tonumber('0xffffffff')) .. ' ' .. tostring(tonumber('ffffffffff', 16)) .. ' ' .. tostring(tonumber('1e')) .. ' ' .. tostring(tonumber(' inf '))")).toBe(
      "9.007199254741e+15 4294967295 1099511627775 nil inf",
    );
    expect(s("return tostring(math.floor(3e9 + 0.5)) .. ' ' .. tostring(math.fmod(-7, 3)) .. ' ' .. tostring(select(2, math.modf(-5))) .. ' ' .. type(math.tointeger)")).toBe("3000000000 -1 -0 nil");
    expect(s("return string.rep('ab', 2.9) .. string.sub('hello', 2.7) .. string.rep('x', 2^32 + 1)")).toBe("ababellox");
    expect(s("return cjson.encode({3e9, 2^53, 123456789012345, 0.1}) .. cjson.encode({[3e9] = 1})")).toBe('[3000000000,9.007199254741e+15,1.2345678901234e+14,0.1]{"3000000000":1}');
    expect(s("return tostring(cjson.decode('9007199254740993')) .. ' ' .. bit.tohex(3e9) .. ' ' .. bit.tobit(2^32 + 2.5)")).toBe("9.007199254741e+15 b2d05e00 2");
    expect(run("return {3.99, -3.99, 2^53 + 2, 2^63, -2^63, 0/0}")).toEqual([3, -3, 2 ** 53 + 2, -(2 ** 63), -(2 ** 63), -(2 ** 63)]);
    expect(run("redis.call('set', KEYS[1], 0.1) return redis.call('get', KEYS[1])", ["n"])).toEqual(B("0.10000000000000001"));
  });

  it("rejects Lua 5.3-only syntax with Lua 5.1's compile errors", () => {
    const err = (lua: string) => (run(lua) as ErrorReply).message;
    expect(err("return 7 // 2")).toBe("ERR Error compiling script (new function): user_script:1: unexpected symbol near '/'");
    expect(err("return 1 & 3")).toBe("ERR Error compiling script (new function): user_script:1: '<eof>' expected near '&'");
    expect(err("local x = 1\nreturn ~x")).toBe("ERR Error compiling script (new function): user_script:2: unexpected symbol near '~'");
    expect(err("return 1 << 2")).toBe("ERR Error compiling script (new function): user_script:1: unexpected symbol near '<'");
    expect(run("return 'a // b & c' .. [[ | ~ ]] -- 1 // 2")).toEqual(B("a // b & c | ~ "));
  });

  it("caches by SHA1 and reports NOSCRIPT", () => {
    const sha = host.load(B("return 42"));
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(host.evalSha(sha as string, [], [], call)).toBe(42);
    expect(host.exists(sha as string)).toBe(true);
    host.flush();
    expect(host.evalSha(sha as string, [], [], call)).toEqual(new ErrorReply("NOSCRIPT No matching script. Please use EVAL."));
  });

  it("formats doubles like %.17g", () => {
    expect(formatDouble(0.1)).toBe("0.10000000000000001");
    expect(formatDouble(1.5)).toBe("1.5");
    expect(formatDouble(1e20)).toBe("1e+20");
    expect(formatDouble(-Infinity)).toBe("-inf");
    expect(formatDouble(2 ** 53, 14)).toBe("9.007199254741e+15");
    // past 2^53 every digit of the exact value, not JavaScript's shortest round-trip form (printf's values)
    expect(formatDouble(2 ** 56 + 80)).toBe("72057594037928016");
    expect(formatDouble(-(2 ** 55 + 8))).toBe("-36028797018963976");
    expect(formatDouble(2 ** 53 + 2)).toBe("9007199254740994");
    // glibc rounds exact ties to even: the Lua host's own formatter does too
    expect(formatG(123456789012345, 14)).toBe("1.2345678901234e+14");
    expect(formatG(1 + 2 ** -17, 17)).toBe("1.0000076293945312");
    expect(formatG(2 ** 54 + 4, 17)).toBe("18014398509481988");
  });

  it("aborts a script past its time limit and stays usable", () => {
    const limited = createScriptingHost({ timeLimitMs: 100 });
    const r = limited.evalBody(B("while true do end"), [], [], call);
    expect(r).toBeInstanceOf(ErrorReply);
    expect((r as ErrorReply).message).toMatch(/^ERR Script killed: it ran 100 ms without letting the server serve other clients/);
    expect(limited.evalBody(B("return 1"), [], [], call)).toBe(1);
    // pcall cannot catch it, nor coroutine.resume (fengari's yieldable pcall used to leave hooks off after a caught error)
    for (const script of ["while true do pcall(function() while true do end end) end", "pcall(error, 'x') while true do end", "while true do coroutine.resume(coroutine.create(function() while true do end end)) end"]) {
      expect((limited.evalBody(B(script), [], [], call) as ErrorReply).message).toMatch(/^ERR Script killed: it ran 100 ms/);
    }
  });

  it("keeps scripts from changing shared state", () => {
    expect(run("redis.call = nil")).toBeInstanceOf(ErrorReply);
    expect(run("rawset(redis, 'call', nil)")).toBeInstanceOf(ErrorReply);
    expect(run("setmetatable(_G, nil)")).toBeInstanceOf(ErrorReply);
    expect(run("return loadstring('x = 1')()")).toBeInstanceOf(ErrorReply);
    expect(run("return redis.call('get', 'k') ~= nil")).toBe(1);
  });

  it("runs a trivial EVALSHA fast", () => {
    const sha = host.load(B("return redis.call('get', KEYS[1])")) as string;
    const keys = [B("k")];
    const n = 20000;
    const start = performance.now();
    for (let i = 0; i < n; i++) host.evalSha(sha, keys, [], call);
    const us = ((performance.now() - start) * 1000) / n;
    console.log(`[lua-host] trivial EVALSHA: ${us.toFixed(1)} µs/call`);
    expect(us).toBeLessThan(500);
  });
});
