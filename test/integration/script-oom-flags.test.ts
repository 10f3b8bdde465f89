/**
 * Scripts with flags over maxmemory (scriptPrepareForRun's OOM check): a shebang script or a
 * function that is neither `allow-oom` nor `no-writes` is refused up front with OOM; flagged
 * ones and EVAL's compatibility mode (no shebang) run. Engine served over RESP vs a private
 * redis-server, both at `maxmemory 1` with a key stored (over the limit on both).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrivateSides, reply, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

const LIB = `#!lua name=oomlib
redis.register_function('plain', function() return 1 end)
redis.register_function{function_name='ro', callback=function() return 2 end, flags={'no-writes'}}
redis.register_function{function_name='oomok', callback=function() return 3 end, flags={'allow-oom'}}`;

describe.skipIf(!hasRedisServer())("script flags over maxmemory vs a private redis-server (skipped without redis-server)", () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => sides?.close());

  it("OOM for unflagged shebang scripts and functions, the flagged ones run", async () => {
    const commands = [
      ["function", "load", "replace", LIB],
      ["set", "k", "v"],
      ["config", "set", "maxmemory", "1"],
      ["eval", "#!lua\nreturn 1", "0"],
      ["eval", "#!lua flags=allow-oom\nreturn 2", "0"],
      ["eval", "#!lua flags=no-writes\nreturn 3", "0"],
      ["eval", "return 4", "0"],
      ["eval_ro", "#!lua\nreturn 5", "0"],
      ["fcall", "plain", "0"],
      ["fcall", "ro", "0"],
      ["fcall", "oomok", "0"],
      ["fcall_ro", "plain", "0"],
      ["config", "set", "maxmemory", "0"],
      ["eval", "#!lua\nreturn 1", "0"],
      ["fcall", "plain", "0"],
    ];
    const out: Record<"redis" | "memory", unknown[]> = { redis: [], memory: [] };
    for (const side of ["redis", "memory"] as const) for (const c of commands) out[side].push(await reply(sides[side], ...c));
    expect(out.redis[3]).toBe("!OOM command not allowed when used memory > 'maxmemory'.");
    expect(out.memory).toEqual(out.redis);
  });
});
