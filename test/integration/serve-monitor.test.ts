/**
 * Issue 17: MONITOR and INFO commandstats of `narwhal serve` against a private redis-server
 * 7.0 on raw sockets. MONITOR: the line format (timestamp, `[db addr]`, quoted and escaped
 * arguments), a script's commands as `[db lua]` after their EVAL/FCALL, MULTI/EXEC order,
 * admin commands hidden, AUTH/HELLO credentials redacted, MONITOR refused inside EXEC, RESET
 * ending it. commandstats: calls, rejected_calls and failed_calls per command and subcommand,
 * with the errors a script's commands answer counted in errorstats when they happen (even
 * when redis.pcall catches them) and not again when the script returns them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokens } from "../support/raw-resp";
import { hasRedisServer } from "../support/servers";
import { bulkOf, infoLines, ServePair, SIDES, type Side } from "../support/serve-vs-redis";

const LINE = /^\+\d{10}\.\d{6} \[\d+ (?:lua|127\.0\.0\.1:\d+)\] "/;
/** A MONITOR line without what differs between runs (time, the client's port). */
const normalize = (line: string) => line.replace(/^\+\d+\.\d+ /, "+T ").replace(/127\.0\.0\.1:\d+/, "client");

const LIBRARY = "#!lua name=monlib\nredis.register_function('monfn', function(keys) return redis.call('set', keys[1], 'f') end)";

describe.skipIf(!hasRedisServer())("MONITOR and INFO commandstats, serve vs a private redis-server (skipped without redis-server)", () => {
  const pair = new ServePair();
  beforeAll(() => pair.start());
  afterAll(() => pair.stop());

  it("feeds the same lines for plain commands, scripts, functions, MULTI/EXEC, redacted AUTH/HELLO and hidden admin commands", async () => {
    const seen = {} as Record<Side, unknown>;
    for (const side of SIDES) {
      const c = pair.connect(side);
      await c.exchange([["FLUSHALL"], ["FUNCTION", "FLUSH"]]);
      const m = pair.connect(side);
      const ok = await m.exchange([["MONITOR"]]);
      await c.exchange([
        ["SET", "mon:k", 'a b"c\n\x01\\'],
        ["GET", "mon:k"],
        ["EVAL", "redis.call('set', KEYS[1], 'x'); redis.pcall('incr', KEYS[1]); return redis.pcall('get')", "1", "mon:k"],
        ["FUNCTION", "LOAD", LIBRARY],
        ["FCALL", "monfn", "1", "mon:f"],
        ["MULTI"],
        ["SET", "mon:m", "1"],
        ["EXEC"],
        ["MULTI"],
        ["NOSUCHCOMMAND"],
        ["EXEC"],
        ["AUTH", "secret"],
        ["AUTH", "user", "secret"],
        ["HELLO", "2", "AUTH", "user", "secret"],
        ["CLIENT", "SETNAME", "monitored"],
        ["CLIENT", "LIST"],
        ["CONFIG", "GET", "maxmemory"],
        ["SELECT", "2"],
        ["PING"],
        ["GET"],
        ["SELECT", "0"],
      ]);
      const lines = (await m.read()).split("\r\n").filter((l) => l !== "");
      for (const line of lines) expect(line).toMatch(LINE);
      // MONITOR inside MULTI: refused at EXEC (Redis runs EXEC's commands as a client that may not block).
      const inMulti = tokens(await pair.connect(side).exchange([["MULTI"], ["MONITOR"], ["EXEC"]]));
      // RESET ends monitoring (after the lines of that MULTI/EXEC): only the PING's own reply comes after.
      const reset = tokens(await m.exchange([["RESET"]])).map(normalize);
      await c.exchange([["SET", "mon:after", "1"]]);
      const after = tokens(await m.exchange([["PING"]]));
      seen[side] = { ok, lines: lines.map(normalize), inMulti, reset, after };
    }
    expect(seen.serve).toEqual(seen.redis);
    expect((seen.serve as { lines: string[] }).lines).toContain('+T [0 lua] "set" "mon:k" "x"');
  });

  it("INFO commandstats, errorstats and total_error_replies after commands, EXEC, refusals and scripts that catch or return errors", async () => {
    const seen = {} as Record<Side, unknown>;
    for (const side of SIDES) {
      const c = pair.connect(side);
      await c.exchange([["FLUSHALL"], ["CONFIG", "RESETSTAT"]]);
      await c.exchange([
        ["SET", "st:s", "x"],
        ["GET", "st:s"],
        ["GET"],
        ["INCR", "st:s"],
        ["OBJECT", "NOSUCHSUB"],
        ["CLIENT", "ID"],
        ["CLIENT", "SETNAME"],
        ["CLIENT", "NOSUCHSUB"],
        ["CLIENT", "LIST"],
        ["MULTI"],
        ["SET", "st:m", "1"],
        ["INCR", "st:s"],
        ["EXEC"],
        ["EVAL", "local t = redis.pcall('select', 99) return 1", "0"],
        ["EVAL", "return redis.call('select', 99)", "0"],
        ["EVAL", "return redis.pcall('select', 99)", "0"],
        ["EVAL_RO", "local t = redis.pcall('set', KEYS[1], 'y') return t['err']", "1", "st:s"],
        ["EVAL", "return redis.error_reply('MYERR custom')", "0"],
        ["EVAL", "return redis.pcall('get')", "0"],
        ["CONFIG", "SET", "maxmemory", "1"],
        ["EVAL", "return redis.call('set', KEYS[1], 'z')", "1", "st:s"],
        ["EVAL", "local t = redis.pcall('set', KEYS[1], 'z') return 1", "1", "st:s"],
        ["CONFIG", "SET", "maxmemory", "0"],
        ["RPUSH", "st:l", "a"],
        ["BLPOP", "st:l", "1"],
        ["PUBLISH", "st:c", "hello"],
        ["COMMAND", "COUNT"],
        ["INFO", "server"],
      ]);
      const reader = pair.connect(side);
      const withoutTimes = (l: string) => l.replace(/usec=\d+,usec_per_call=[\d.]+/, "usec=U");
      const stats = infoLines(await bulkOf(reader, ["INFO", "commandstats"]))
        .map(withoutTimes)
        .sort();
      const errors = infoLines(await bulkOf(reader, ["INFO", "errorstats"])).sort();
      const total = /total_error_replies:(\d+)/.exec(await bulkOf(reader, ["INFO", "stats"]))?.[1];
      await reader.exchange([["CONFIG", "RESETSTAT"]]);
      const afterReset = infoLines(await bulkOf(reader, ["INFO", "commandstats"])).map(withoutTimes);
      seen[side] = { stats, errors, total, afterReset };
    }
    expect(seen.serve).toEqual(seen.redis);
    expect((seen.serve as { stats: string[] }).stats).toContain("cmdstat_select:calls=3,usec=U,rejected_calls=0,failed_calls=3");
  });

  it("INFO with no argument or `default` leaves commandstats out; `all`, `everything` and `commandstats` have it", async () => {
    const seen = {} as Record<Side, unknown>;
    for (const side of SIDES) {
      const c = pair.connect(side);
      const has = async (args: string[]) => {
        const text = await bulkOf(c, ["INFO", ...args]);
        return ["# Commandstats", "# Server", "# CPU", "# Replication", "# Errorstats", "# Keyspace"].map((h) => text.includes(h));
      };
      seen[side] = [await has([]), await has(["default"]), await has(["all"]), await has(["everything"]), await has(["commandSTATS"]), await has(["cpu", "replication"])];
    }
    expect(seen.serve).toEqual(seen.redis);
  });

  it("a blocked command that ends in an error is a failed call (XREADGROUP when XGROUP DESTROY takes its group)", async () => {
    const seen = {} as Record<Side, unknown>;
    for (const side of SIDES) {
      const admin = pair.connect(side);
      await admin.exchange([["DEL", "st:x"], ["XGROUP", "CREATE", "st:x", "g", "$", "MKSTREAM"], ["CONFIG", "RESETSTAT"]]);
      const blocked = pair.connect(side);
      blocked.send([["XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "st:x", ">"]]);
      await new Promise((r) => setTimeout(r, 100)); // parked
      await admin.exchange([["XGROUP", "DESTROY", "st:x", "g"]]);
      const error = await blocked.read(100);
      const stat = infoLines(await bulkOf(admin, ["INFO", "commandstats"])).find((l) => l.startsWith("cmdstat_xreadgroup:"));
      seen[side] = { error: error.slice(0, 8), stat: stat?.replace(/usec=\d+,usec_per_call=[\d.]+/, "usec=U") };
    }
    expect(seen.serve).toEqual(seen.redis);
    expect(seen.serve).toEqual({ error: "-NOGROUP", stat: "cmdstat_xreadgroup:calls=1,usec=U,rejected_calls=0,failed_calls=1" });
  });
});
