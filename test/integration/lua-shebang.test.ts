/**
 * Redis 7.0's script shebang (`#!lua flags=…`) and EVAL_RO / EVALSHA_RO: every case runs on
 * the engine AND on a private redis-server, and must get the same reply byte for byte
 * (parse errors, read-only refusals, error line numbers past the shebang line).
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEngine } from "../../src/memory/create-engine";
import { sha1hex } from "../../src/memory/lua";
import { fromEngine, fromRedis } from "../support/lua-replies";

const NO_WRITES_GET = "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])";
const SHEBANG_SET = "#!lua\nreturn redis.call('set', KEYS[1], 'w')";

/** Command lines (after FLUSHALL, `shebang:k` holds "v"). */
const CASES: string[][] = [
  ["eval", "#!lua\nreturn 1", "0"],
  ["eval", "#!lua\r\nreturn 1", "0"],
  ["eval", "#!lua flags=no-writes\nreturn redis.call('set', KEYS[1], 'x')", "1", "shebang:k"],
  ["eval", "#!lua flags=no-writes\nreturn redis.pcall('del', KEYS[1])", "1", "shebang:k"],
  ["eval", "#!lua flags=no-writes\nreturn redis.call('pfcount', KEYS[1])", "1", "shebang:k"],
  ["eval", "#!lua flags=no-writes\nreturn redis.call('xgroup', 'create', KEYS[1], 'g', '$')", "1", "shebang:k"],
  ["eval", NO_WRITES_GET, "1", "shebang:k"],
  ["eval", "#!lua flags=no-writes,allow-oom\nreturn 2", "0"],
  ["eval", "#!lua flags=allow-stale,no-cluster,allow-cross-slot-keys\nreturn redis.call('get', 'shebang:k')", "0"],
  ["eval", '#!lua "flags=no-writes"\nreturn 3', "0"],
  ["eval", "#!lua\tflags=no-writes flags=allow-oom\nreturn 3", "0"],
  ["eval", "#!lua flags=\nreturn 3", "0"],
  ["eval", "#!lua flags=bogus\nreturn 2", "0"],
  ["eval", "#!lua flags=no-writes,\nreturn 2", "0"],
  ["eval", "#!lua flags=no-writes,,allow-oom\nreturn 2", "0"],
  ["eval", "#!lua flags=no-writes x\nreturn 2", "0"],
  ["eval", "#!lua name=x flags=bogus\nreturn 2", "0"],
  ["eval", "#!luax\nreturn 2", "0"],
  ["eval", "#! lua\nreturn 2", "0"],
  ["eval", "#!LUA\nreturn 2", "0"],
  ["eval", '#!lua "unbalanced\nreturn 2', "0"],
  ["eval", "#!lua", "0"],
  ["eval", "#!lua\nreturn error('x')", "0"],
  ["eval", "#!lua\n\nreturn nosuch", "0"],
  ["eval", "#!lua\nreturn (", "0"],
  ["script", "load", "#!lua flags=bogus\nreturn 1"],
  ["eval_ro", "return redis.call('get', KEYS[1])", "1", "shebang:k"],
  ["eval_ro", "return redis.call('set', KEYS[1], 'v')", "1", "shebang:k"],
  ["eval_ro", "return redis.pcall('incr', KEYS[1])", "1", "shebang:k"],
  ["eval_ro", "return redis.call('set', KEYS[1])", "1", "shebang:k"],
  ["eval_ro", SHEBANG_SET, "1", "shebang:k"],
  ["eval_ro", NO_WRITES_GET, "1", "shebang:k"],
  ["eval_ro", "return redis.call('eval_ro', 'return 1', 0)", "0"],
  ["eval_ro", "return 1"],
  ["eval_ro", "return 1", "-1"],
  ["evalsha_ro", "ffffffffffffffffffffffffffffffffffffffff", "0"],
  ["evalsha_ro", sha1hex(NO_WRITES_GET), "1", "shebang:k"],
  ["evalsha_ro", sha1hex(SHEBANG_SET), "1", "shebang:k"],
  ["evalsha", sha1hex(SHEBANG_SET), "1", "shebang:k"],
  ["get", "shebang:k"],
  ["eval", "return redis.call('config', 'get', 'lua-time-limit')", "0"],
  ["config", "set", "lua-time-limit", "-1"],
  ["config", "set", "lua-time-limit", "x"],
  ["config", "get", "lua-time-limit"],
];

const standalone = inject("standalone");
describe.skipIf(!standalone || standalone.external)("Lua shebang and EVAL_RO: engine vs redis-server (skipped without a private redis-server)", () => {
  const redis = new Redis({ path: standalone?.path });
  const engine = createEngine();
  const session = engine.createSession();
  const both = async (argv: string[]) => {
    const expected = fromRedis(await redis.callBuffer(argv[0]!, ...argv.slice(1)).catch((e: Error) => e));
    const actual = fromEngine(await engine.dispatch(session, argv.map((a) => Buffer.from(a))));
    return { expected, actual };
  };
  beforeAll(async () => {
    for (const argv of [["flushall"], ["script", "flush"], ["set", "shebang:k", "v"], ["script", "load", NO_WRITES_GET], ["script", "load", SHEBANG_SET]]) await both(argv);
  });
  afterAll(async () => {
    await redis.flushall();
    redis.disconnect();
    engine.close();
  });

  for (const argv of CASES) {
    it(JSON.stringify(argv), async () => {
      const { expected, actual } = await both(argv);
      expect(actual).toEqual(expected);
    });
  }

  it("the replies above are Redis 7.0's (spot checks)", async () => {
    expect((await both(["eval", "#!lua flags=bogus\nreturn 2", "0"])).actual).toEqual({ error: "ERR Unexpected flag in script shebang: bogus" });
    expect((await both(["eval_ro", SHEBANG_SET, "1", "shebang:k"])).actual).toEqual({ error: "ERR Can not execute a script with write flag using *_ro command." });
    expect((await both(["eval_ro", "return redis.pcall('del', KEYS[1])", "1", "shebang:k"])).actual).toEqual({ error: "ERR Write commands are not allowed from read-only scripts." });
    expect((await both(["eval", "#!lua\n\nreturn error('y')", "0"])).actual).toEqual({ error: expect.stringMatching(/^ERR user_script:3: y script: [0-9a-f]{40}, on @user_script:3\.$/) });
  });
});
