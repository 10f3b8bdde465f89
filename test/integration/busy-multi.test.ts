/**
 * Commands refused with BUSY inside MULTI, as multi.tcl's "… and script timeout" cases check:
 * like Redis's rejectCommand, a refused command flags the transaction (EXEC then answers
 * EXECABORT … previous errors) and a refused EXEC discards it ("EXECABORT Transaction discarded
 * because of: BUSY …"), leaving the connection out of MULTI. Engine served over RESP and a
 * private redis-server, `lua-time-limit` 10 ms, reply by reply. Also SHUTDOWN inside MULTI
 * (Redis's `no-multi`: refused at queue time, EXEC aborts).
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrivateSides, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const settled = (p: Promise<unknown>) => p.then((value) => ({ value }), (e: Error) => ({ error: e.message }));

/** One case: `before` runs before the busy script starts, `during` while it runs, `after` once SCRIPT KILL ended it. */
async function scenario(main: Redis, before: string[][], during: string[][], after: string[][]) {
  const [r, rd, r2] = [main.duplicate(), main.duplicate(), main.duplicate()];
  const out: unknown[] = [];
  const run = async (argv: string[]) => out.push(await settled(r2.call(argv[0]!, ...argv.slice(1))));
  try {
    await r.config("SET", "lua-time-limit", "10");
    await r.set("xx", "1");
    for (const argv of before) await run(argv);
    const busy = settled(rd.eval("while true do end", 0));
    await sleep(200);
    for (const argv of during) await run(argv);
    out.push(await settled(r.call("script", "kill")));
    out.push(await busy);
    for (const argv of after) await run(argv);
    out.push(await r.get("xx"), await r2.call("ping", "asdf"));
    return out;
  } finally {
    for (const c of [r, rd, r2]) c.disconnect();
  }
}

describe.skipIf(!hasRedisServer())("BUSY inside MULTI vs a private redis-server (skipped without redis-server)", () => {
  let sides: ExactSides;
  beforeAll(async () => (sides = await openPrivateSides()));
  afterAll(async () => sides?.close());

  const CASES: Array<[string, string[][], string[][], string[][]]> = [
    ["MULTI and a command during the script, EXEC after", [], [["multi"], ["incr", "xx"]], [["incr", "xx"], ["exec"]]],
    ["EXEC during the script", [["multi"], ["incr", "xx"]], [["incr", "xx"], ["exec"]], []],
    ["a command during the script, EXEC after", [["multi"], ["incr", "xx"]], [["incr", "xx"]], [["exec"]]],
    ["just EXEC during the script", [["multi"], ["incr", "xx"]], [["exec"]], []],
  ];
  it("SHUTDOWN inside MULTI is refused (Redis's no-multi flag) and EXEC aborts", async () => {
    const replies = async (c: Redis) => {
      const out: unknown[] = [];
      for (const argv of [["multi"], ["set", "foo", "bar"], ["shutdown"], ["shutdown", "nosave"], ["exec"], ["get", "foo"], ["ping"]]) {
        out.push(await settled(c.call(argv[0]!, ...argv.slice(1))));
      }
      return out;
    };
    const expected = await replies(sides.redis);
    expect(expected[2]).toEqual({ error: "ERR Command not allowed inside a transaction" });
    expect(await replies(sides.memory)).toEqual(expected);
  });

  for (const [title, before, during, after] of CASES) {
    it(title, async () => {
      const expected = await scenario(sides.redis, before, during, after);
      expect(await scenario(sides.memory, before, during, after)).toEqual(expected);
    }, 20_000);
  }
});
