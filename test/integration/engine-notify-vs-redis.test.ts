/**
 * Keyspace notifications (issue 17) held to a private redis-server 7.0: with
 * `notify-keyspace-events` on, fast-check's generated command mix (every family, MULTI blocks,
 * Lua scripts: test/support/differential-commands.ts) runs on both sides, and after each command
 * a marker PUBLISH closes that command's messages, so each command's `__keyspace@…`/`__keyevent@…`
 * messages (channel, message, order) are compared with Redis's. The engine's stream is read from
 * a `narwhal serve` subscriber and from a MemoryClient subscriber on the same engine (both hubs).
 * Also: CONFIG GET/SET of the flags, expiry (lazy and active), eviction, the `n` class.
 */
import fc from "fast-check";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryClient } from "../../src/memory/facade";
import { clockDependent } from "../support/differential-streams";
import { familyCommands, sequenceOf, type Argv } from "../support/differential-commands";
import { openPrivateSides, reply, type ExactSides } from "../support/engine-vs-redis";
import { hasRedisServer } from "../support/servers";
import { NotificationLog } from "../support/notification-log";
import { TimeBudget } from "../support/time-budget";

const TIME_LIMIT_MS = 40_000;
const MIN_COMMANDS = 3_000;
/** Commands left out of the mix: their effect is random (SPOP picks members) or clock-made (XADD `*`). */
const excluded = (argv: Argv) => argv[0] === "spop" || clockDependent(argv);

/** A sequence on one family (and the keyspace commands), so each type's deeper paths run too. */
const oneFamily: fc.Arbitrary<Argv[]> = fc.constantFrom(...Object.keys(familyCommands)).chain((family) => fc.array(familyCommands[family]!, { minLength: 10, maxLength: 60 }));

/** The generated sequence without excluded commands, PFADD's 2,000-element bulk cut to 20 and long values to 32 bytes (readable counterexamples). */
function shorten(seq: Argv[]): Argv[] {
  return seq.filter((argv) => !excluded(argv)).map((argv) => (argv[0] === "pfadd" ? argv.slice(0, 22) : argv).map((a, i) => (a.length > 32 ? a.slice(0, 32) : pastExpiry(argv, i) ? FUTURE : a)));
}

const FUTURE = "4102444800";
/** `SET … EXAT 1` makes an already-expired key: which command (or which active-expiry tick) reclaims it is timing, not semantics. */
function pastExpiry(argv: Argv, i: number): boolean {
  return argv[0] === "set" && i > 0 && argv[i - 1]!.toUpperCase() === "EXAT" && argv[i] === "1";
}

describe.skipIf(!hasRedisServer())("keyspace notifications vs a private redis-server (skipped without redis-server)", () => {
  let sides: ExactSides & { readonly socket: string };
  const logs: Record<"redis" | "memory" | "embedded", NotificationLog> = {} as never;
  let embedded: MemoryClient;
  /** Publishes the markers to the MemoryClients' hub (a `narwhal serve` PUBLISH reaches only the server's). */
  let marker: MemoryClient;

  beforeAll(async () => {
    sides = await openPrivateSides();
    embedded = new MemoryClient({ engine: sides.engine });
    marker = new MemoryClient({ engine: sides.engine });
    logs.redis = await NotificationLog.subscribe(sides.redis.duplicate());
    logs.memory = await NotificationLog.subscribe(sides.memory.duplicate());
    logs.embedded = await NotificationLog.subscribe(embedded);
  });
  afterAll(async () => {
    for (const log of Object.values(logs)) log?.close();
    embedded?.disconnect();
    marker?.disconnect();
    await sides?.close();
  });

  /** Sets the flags on both sides and expects both to answer the same. */
  const configure = async (flags: string) => {
    const [r, m] = [await reply(sides.redis, "config", "set", "notify-keyspace-events", flags), await reply(sides.memory, "config", "set", "notify-keyspace-events", flags)];
    expect(m).toEqual(r);
  };

  /** Runs argv on one side and returns the messages it published (up to the marker). */
  const messagesOf = async (side: "redis" | "memory", client: Redis, argv: Argv, mark: number | string): Promise<string[]> => {
    await reply(client, ...argv);
    await client.publish("narwhal-mark", String(mark));
    return logs[side].until(String(mark));
  };

  it("CONFIG SET/GET notify-keyspace-events: Redis's validation and normalised text", async () => {
    for (const flags of ["", "KEA", "gKE", "$lshzxeKE", "KA", "EA", "AKEm", "Kn", "Etd", "xK", "KEAmn", "A", "Z", "K E", "ka", "Ag$lshzxeKEtmdn"]) {
      const r = [await reply(sides.redis, "config", "set", "notify-keyspace-events", flags), await reply(sides.redis, "config", "get", "notify-keyspace-events")];
      const m = [await reply(sides.memory, "config", "set", "notify-keyspace-events", flags), await reply(sides.memory, "config", "get", "notify-keyspace-events")];
      expect(m, flags).toEqual(r);
    }
    await configure("");
  });

  it("the generated command mix publishes the same messages, command by command (serve and MemoryClient subscribers)", async () => {
    await configure("KEAnm");
    const script = `return 'narwhal notify ${process.pid} ${Date.now()}'`;
    let commands = 0;
    let mark = 0;
    const events = new Set<string>();
    const started = Date.now();
    const budget = new TimeBudget(TIME_LIMIT_MS);
    await fc.assert(
      fc.asyncProperty(fc.oneof(sequenceOf(script), oneFamily).map(shorten), async (seq) => {
        if (budget.spent) return;
        await Promise.all([sides.redis.flushall(), sides.memory.flushall()]);
        let inMulti = false;
        for (const argv of seq) {
          commands++;
          const name = argv[0]!.toLowerCase();
          // Inside MULTI the marker PUBLISH would be queued too: a transaction's messages are compared at EXEC/DISCARD.
          if (name === "multi") inMulti = true;
          if (inMulti && name !== "exec" && name !== "discard") {
            await reply(sides.redis, ...argv);
            await reply(sides.memory, ...argv);
            continue;
          }
          inMulti = false;
          mark++;
          const expected = await messagesOf("redis", sides.redis, argv, mark);
          const actual = await messagesOf("memory", sides.memory, argv, mark);
          await marker.publish("narwhal-mark", String(mark));
          const viaFacade = await logs.embedded.until(String(mark));
          const where = `${JSON.stringify(argv)} in\n${seq.map((a) => `  ${a.join(" ")}`).join("\n")}`;
          for (const line of expected) if (line.startsWith("__keyevent@")) events.add(line.slice(line.indexOf(":") + 1, line.indexOf(" ")));
          expect(actual, where).toEqual(expected);
          expect(viaFacade, `MemoryClient subscriber, ${where}`).toEqual(actual);
        }
      }),
      { numRuns: 1500, endOnFailure: true },
    );
    console.log(`[notify differential] ${commands} commands compared in ${((Date.now() - started) / 1000).toFixed(1)} s; events seen: ${[...events].sort().join(" ")}`);
    expect(commands).toBeGreaterThanOrEqual(MIN_COMMANDS);
  }, TIME_LIMIT_MS * 3);

  /** Runs each command on both sides and expects the same messages for each. */
  const sameMessages = async (commands: Argv[]): Promise<void> => {
    let inMulti = false;
    for (const argv of commands) {
      // Inside MULTI the marker would be queued: the transaction's messages are compared at EXEC.
      if (argv[0] === "multi") inMulti = true;
      if (inMulti && argv[0] !== "exec") {
        expect(await reply(sides.memory, ...argv)).toEqual(await reply(sides.redis, ...argv));
        continue;
      }
      inMulti = false;
      const mark = `s${++scripted}`;
      const expected = await messagesOf("redis", sides.redis, argv, mark);
      const actual = await messagesOf("memory", sides.memory, argv, mark);
      expect(actual, JSON.stringify(argv)).toEqual(expected);
    }
  };
  let scripted = 0;

  it("commands the generator seldom reaches: STORE variants, RESTORE, SORT STORE, GETEX, LMOVE rotation, XCLAIM, scripts, MULTI", async () => {
    await configure("KEAnm");
    await Promise.all([sides.redis.flushall(), sides.memory.flushall()]);
    await sameMessages([
      ["set", "s", "v", "EX", "100"], ["psetex", "p", "100000", "v"], ["getex", "s", "PERSIST"], ["getex", "p", "PX", "5000"], ["getdel", "p"],
      ["getex", "s", "EXAT", "1"], ["set", "n", "1", "GET"], ["setnx", "n", "2"], ["msetnx", "m1", "a", "m2", "b"], ["hsetnx", "h", "f", "1"], ["hsetnx", "h", "f", "2"],
      ["rpush", "l", "only"], ["lmove", "l", "l", "LEFT", "RIGHT"], ["rpoplpush", "l", "l2"], ["lmove", "l2", "l3", "RIGHT", "LEFT"],
      ["rpush", "src", "3", "1", "2"], ["sort", "src", "STORE", "sorted"], ["sort", "none", "STORE", "sorted"], ["dump", "sorted"],
      ["sadd", "s1", "a", "b"], ["sadd", "s2", "b"], ["smove", "s2", "s3", "b"], ["sinterstore", "s4", "s1", "s3"], ["sinterstore", "s4", "s1", "nope"], ["spop", "s3", "5"],
      ["zadd", "z", "1", "a", "2", "b", "3", "c"], ["zadd", "z", "INCR", "1", "a"], ["zrangestore", "z2", "z", "0", "1"], ["zinterstore", "z3", "2", "z", "z2"], ["zdiffstore", "z4", "2", "z", "z2"],
      ["zremrangebyscore", "z", "-inf", "+inf"], ["zrangestore", "z2", "z", "0", "-1"], ["zunionstore", "z5", "1", "nope"],
      ["set", "b1", "abc"], ["bitop", "NOT", "b2", "b1"], ["bitop", "AND", "b2", "nope"], ["bitfield", "bf", "GET", "u8", "0"], ["bitfield", "bf2", "SET", "u8", "0", "1"], ["setbit", "b3", "7", "0"], ["setbit", "b3", "7", "0"],
      // A failed INCRBY past the end grows the key yet reports no change, and the key is not new (CI's counterexample, 2026-12-08); then a missing key.
      ["bitfield", "b3", "OVERFLOW", "FAIL", "INCRBY", "u8", "64", "65535"], ["strlen", "b3"], ["bitfield", "bf3", "OVERFLOW", "FAIL", "INCRBY", "u8", "64", "65535"], ["strlen", "bf3"],
      ["pfadd", "hll", "a"], ["pfadd", "hll", "a"], ["pfmerge", "hll2", "hll"], ["pfmerge", "hll2", "hll"],
      ["xadd", "x", "1-0", "f", "v"], ["xgroup", "CREATE", "x", "g", "0"], ["xreadgroup", "GROUP", "g", "c1", "STREAMS", "x", ">"], ["xclaim", "x", "g", "c2", "0", "1-0"], ["xautoclaim", "x", "g", "c3", "0", "0"],
      ["xgroup", "DESTROY", "x", "g"], ["xgroup", "CREATE", "x2", "g", "$", "MKSTREAM"], ["xtrim", "x", "MAXLEN", "0"], ["xadd", "x", "MAXLEN", "0", "2-0", "f", "v"],
      ["eval", "redis.call('set', KEYS[1], 'a') redis.call('del', KEYS[1]) return redis.call('lpush', KEYS[2], 'x')", "2", "e1", "e2"],
      ["multi"], ["incr", "mc"], ["expire", "mc", "100"], ["persist", "mc"], ["rename", "mc", "mc2"], ["exec"],
      ["set", "r", "1"], ["expire", "r", "0"], ["set", "r", "1"], ["pexpireat", "r", "1"], ["copy", "s1", "s1c"], ["copy", "s1", "s1c", "REPLACE"], ["rename", "s1c", "s1"],
      ["swapdb", "0", "1"], ["swapdb", "0", "1"], ["flushdb"], ["flushall"],
    ]);
    // RESTORE: a DUMP of each side's own value (the payloads are byte-identical for these small values), plus REPLACE and an expired TTL.
    await sameMessages([["rpush", "dl", "a"]]);
    for (const [side, client] of [["redis", sides.redis], ["memory", sides.memory]] as const) {
      const payload = await client.dumpBuffer("dl");
      await client.del("dl");
      const mark = `r-${side}`;
      await client.restore("dl", 0, payload);
      await client.callBuffer("restore", "dl", "0", payload, "REPLACE");
      await client.callBuffer("restore", "dl", String(Date.now() - 1000), payload, "REPLACE", "ABSTTL");
      await client.publish("narwhal-mark", mark);
    }
    expect(await logs.memory.until("r-memory")).toEqual(await logs.redis.until("r-redis"));
  });

  it("clients blocked in BLPOP / BLMOVE / BZPOPMIN / XREADGROUP: the served pop's messages follow the push's", async () => {
    await configure("KEAnm");
    await Promise.all([sides.redis.flushall(), sides.memory.flushall()]);
    const cases: Array<[Argv, Argv]> = [
      [["blpop", "q", "0"], ["rpush", "q", "a", "b"]],
      [["blmove", "q2", "d", "LEFT", "RIGHT", "0"], ["lpush", "q2", "a"]],
      [["bzpopmin", "zq", "0"], ["zadd", "zq", "1", "a"]],
      [["blmpop", "0", "1", "q3", "LEFT", "COUNT", "5"], ["rpush", "q3", "a", "b"]],
    ];
    await sameMessages([["xgroup", "CREATE", "xs", "g", "$", "MKSTREAM"]]);
    cases.push([["xreadgroup", "GROUP", "g", "newbie", "BLOCK", "0", "STREAMS", "xs", ">"], ["xadd", "xs", "1-0", "f", "v"]]);
    for (const [blocker, push] of cases) {
      const waiting = [sides.redis, sides.memory].map((c) => {
        const d = c.duplicate();
        return d.call(blocker[0]!, ...blocker.slice(1)).finally(() => d.disconnect());
      });
      await new Promise((r) => setTimeout(r, 100));
      await sameMessages([push]);
      await Promise.all(waiting);
    }
  });

  it("expired (a key read after its TTL, and one reclaimed by active expiry) and evicted", async () => {
    await configure("KEAnm");
    await Promise.all([sides.redis.flushall(), sides.memory.flushall()]);
    await sameMessages([["set", "t1", "v", "PX", "30"], ["set", "t2", "v", "PX", "30"]]);
    await new Promise((r) => setTimeout(r, 60));
    // Which of a lookup or an active-expiry tick reclaims each key is timing (on either side): the window's messages are compared as a set.
    for (const side of ["redis", "memory"] as const) {
      await reply(sides[side], "get", "t1");
      // t2 is never read: only active expiry can reclaim it before the marker.
      await new Promise((r) => setTimeout(r, 400));
      await sides[side].publish("narwhal-mark", `e-${side}`);
    }
    const [expected, actual] = [(await logs.redis.until("e-redis")).sort(), (await logs.memory.until("e-memory")).sort()];
    expect(expected).toEqual(["__keyevent@13__:expired t1", "__keyevent@13__:expired t2", "__keyevent@13__:keymiss t1", "__keyspace@13__:t1 expired", "__keyspace@13__:t1 keymiss", "__keyspace@13__:t2 expired"]);
    expect(actual).toEqual(expected);
    // Eviction: one key, then a 1-byte limit evicts it under allkeys-lru (Redis's pubsub.tcl does the same).
    await sameMessages([["set", "victim", "v"], ["config", "set", "maxmemory-policy", "allkeys-lru"], ["config", "set", "maxmemory", "1"], ["config", "set", "maxmemory", "0"], ["config", "set", "maxmemory-policy", "noeviction"]]);
  });
});
