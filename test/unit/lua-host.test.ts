import { describe, expect, it } from "vitest";
import { createScriptingHost } from "../../src/memory/lua";
import { formatDouble } from "../../src/memory/format-double";
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
  });

  it("aborts a script past its time limit and stays usable", () => {
    const limited = createScriptingHost({ timeLimitMs: 100 });
    const r = limited.evalBody(B("while true do end"), [], [], call);
    expect(r).toBeInstanceOf(ErrorReply);
    expect((r as ErrorReply).message).toMatch(/^ERR Script killed: it ran longer than 100 ms/);
    expect(limited.evalBody(B("return 1"), [], [], call)).toBe(1);
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
