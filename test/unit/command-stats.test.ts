/** INFO commandstats bookkeeping (src/memory/command-stats.ts): sampled timing scaled to every call, RESETSTAT during a call. */
import { describe, expect, it } from "vitest";
import { CommandStats } from "../../src/memory/command-stats";

const line = (stats: CommandStats, name: string) => stats.section().split("\r\n").find((l) => l.startsWith(`cmdstat_${name}:`));

describe("CommandStats", () => {
  it("times the first call and one in 16 after it, and scales that sample to every call", () => {
    const stats = new CommandStats();
    const stat = stats.of("get");
    const timed: boolean[] = [];
    for (let i = 0; i < 40; i++) {
      const t = CommandStats.timesNext(stat);
      timed.push(t);
      CommandStats.ran(stat, t ? 2 : -1, i === 5);
    }
    expect(timed.flatMap((t, i) => (t ? [i] : []))).toEqual([0, 16, 32]);
    expect(line(stats, "get")).toBe("cmdstat_get:calls=40,usec=80,usec_per_call=2.00,rejected_calls=0,failed_calls=1");
  });

  it("leaves out commands with nothing counted; rejected calls show with calls=0", () => {
    const stats = new CommandStats();
    stats.of("set");
    stats.rejected("set");
    stats.of("never");
    expect(stats.section()).toBe("# Commandstats\r\ncmdstat_set:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0");
  });

  it("RESETSTAT zeroes every counter, and the call that reset them still counts once it ends (as Redis counts CONFIG RESETSTAT)", () => {
    const stats = new CommandStats();
    CommandStats.ran(stats.of("get"), 3, false);
    const own = stats.of("config|resetstat");
    stats.reset();
    CommandStats.ran(own, 1.5, false);
    expect(stats.section()).toBe("# Commandstats\r\ncmdstat_config|resetstat:calls=1,usec=1,usec_per_call=1.00,rejected_calls=0,failed_calls=0");
  });
});

describe("the engine's INFO commandstats (MemoryClient, no server)", () => {
  it("counts calls from clients, EXEC and scripts, rejected and failed calls; INFO without arguments leaves the section out", async () => {
    const { createEngine } = await import("../../src/memory/create-engine");
    const engine = createEngine();
    try {
      const session = engine.createSession();
      const run = (...args: string[]) => engine.dispatch(session, args.map((a) => Buffer.from(a)));
      run("SET", "k", "v");
      run("GET");
      run("INCR", "k");
      run("MULTI");
      run("SET", "k", "w");
      run("EXEC");
      await run("EVAL", "return redis.pcall('incr', KEYS[1])", "1", "k");
      const lines = String(run("INFO", "commandstats"))
        .split("\r\n")
        .filter((l) => l.startsWith("cmdstat_"))
        .map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+/, "usec=U"));
      expect(lines).toEqual([
        "cmdstat_eval:calls=1,usec=U,rejected_calls=0,failed_calls=1",
        "cmdstat_exec:calls=1,usec=U,rejected_calls=0,failed_calls=0",
        "cmdstat_get:calls=0,usec=U,rejected_calls=1,failed_calls=0",
        "cmdstat_incr:calls=2,usec=U,rejected_calls=0,failed_calls=2",
        "cmdstat_multi:calls=1,usec=U,rejected_calls=0,failed_calls=0",
        "cmdstat_set:calls=2,usec=U,rejected_calls=0,failed_calls=0",
      ]);
      expect(String(run("INFO"))).not.toContain("# Commandstats");
    } finally {
      engine.close();
    }
  });
});
