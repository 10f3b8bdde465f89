/**
 * Issue 9, defects 2, 6, 9 and 10, under faults we inject: a proxy that loses replies or goes
 * silent, and a cluster whose command timeout is shorter than a blocking pop.
 */
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { ClientLike } from "../../src/client";
import { codecs } from "../../src/codec";
import { createCluster, Database } from "../../src/database";
import { ConnectionError, ValidationError } from "../../src/errors";
import { field, Model, model } from "../../src/index";
import { driver, nodeRedisMajor } from "../support/backends";
import { closeDatabase, driverDatabase } from "../support/driver-database";
import { FaultProxy } from "../support/fault-proxy";
import { rng } from "../support/random";

@model({ name: "FaultCounter" })
class FaultCounter extends Model {
  @field.id() id!: string;
  @field.integer() n = 0;
}

const standalone = inject("standalone");
const cluster = inject("cluster");
const RUNS = 10;
const CALLS = 300;
const IN_FLIGHT = 4;

interface Tally {
  ok: number;
  maybe: number;
  notApplied: number;
}

/** Retries `call` while the client refuses it for being down (nothing sent), for at most 3 s. */
async function whenConnected<T>(call: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ConnectionError) || error.mayHaveApplied || Date.now() - started > 3000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Issues `CALLS` increments, `IN_FLIGHT` at a time, and classifies each outcome. */
async function hammer(increment: () => Promise<unknown>): Promise<Tally> {
  const tally: Tally = { ok: 0, maybe: 0, notApplied: 0 };
  let next = 0;
  const worker = async () => {
    while (next < CALLS) {
      next++;
      try {
        await increment();
        tally.ok++;
      } catch (error) {
        if (!(error instanceof ConnectionError)) throw error;
        if (error.mayHaveApplied) tally.maybe++;
        else {
          // Refused while reconnecting (nothing sent): pause so the run spans reconnects.
          tally.notApplied++;
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return tally;
}

describe.skipIf(!standalone || standalone.external)("faults on a standalone server (through a proxy we control)", () => {
  let proxy: FaultProxy;
  let raw: Redis;

  beforeAll(async () => {
    proxy = await FaultProxy.start(standalone!.path ? { path: standalone!.path } : { port: Number(new URL(standalone!.url!).port) }, rng(9));
    raw = standalone!.path ? new Redis({ path: standalone!.path }) : new Redis(standalone!.url!);
  });
  afterAll(async () => {
    await proxy.stop();
    raw.disconnect();
  });

  // On the driver the run selects (test/support/driver-database.ts): reconnecting every 5 ms,
  // the same timeouts (node-redis 6: `rejectInFlight`, so the timeout covers a command already sent).
  const open = (prefix: string, extra: { commandTimeout?: number } = {}) =>
    driverDatabase({ port: proxy.port }, { prefix, connectTimeout: 1000, commandTimeout: extra.commandTimeout ?? 2000, reconnectDelay: 5 });

  const increments: Array<[string, (db: Database, run: number) => Promise<() => Promise<unknown>>, (prefix: string, run: number) => Promise<number>]> = [
    ["hash.incr", async (db, run) => () => db.hash<number>("h", { codec: codecs.integer }).incr(`f${run}`, 1), async (prefix, run) => Number(await raw.hget(`${prefix}:h`, `f${run}`))],
    [
      "model.incr",
      async (db, run) => {
        FaultCounter.use(db);
        const counter = await whenConnected(() => FaultCounter.create({ id: `c${run}`, n: 0 }));
        return () => counter.incr("n", 1);
      },
      async (_prefix, run) => (await FaultCounter.get(`c${run}`)).n,
    ],
    ["cache.incr", async (db, run) => () => db.cache({ namespace: "c" }).incr(`k${run}`, 1), async (prefix, run) => {
      // Found by pattern, not built: the test does not depend on the cache's key layout beyond the prefix.
      const [key, ...more] = await raw.keys(`${prefix}:*k${run}`);
      expect(more).toEqual([]);
      return Number(await raw.get(key!));
    }],
  ];

  for (const [name, setup, read] of increments) {
    it(`${name}: ${RUNS} runs of ${CALLS} calls while replies are lost: never applied more often than called (exactly once, or reported "may have applied")`, async () => {
      const prefix = `fault-${name.replace(".", "-")}`;
      const db = open(prefix);
      let cuts = 0;
      const totals: Tally & { overCounts: number } = { ok: 0, maybe: 0, notApplied: 0, overCounts: 0 };
      try {
        for (let run = 0; run < RUNS; run++) {
          const increment = await setup(db, run);
          proxy.cuts = 0;
          proxy.loseReplies(0.02);
          const tally = await hammer(increment);
          proxy.loseReplies(0);
          cuts += proxy.cuts;
          const value = await whenConnected(() => read(prefix, run));
          totals.ok += tally.ok;
          totals.maybe += tally.maybe;
          totals.notApplied += tally.notApplied;
          if (value > tally.ok + tally.maybe) totals.overCounts++;
          // Every resolved call applied once; a "may have applied" one at most once; nothing twice.
          expect(value, `${name} run ${run}: ${JSON.stringify(tally)}`).toBeGreaterThanOrEqual(tally.ok);
          expect(value, `${name} run ${run}: ${JSON.stringify(tally)}`).toBeLessThanOrEqual(tally.ok + tally.maybe);
        }
        expect(cuts).toBeGreaterThan(RUNS);
        console.log(`[faults ${name}] runs=${RUNS} calls=${RUNS * CALLS} connections-cut=${cuts} resolved=${totals.ok} may-have-applied=${totals.maybe} not-applied=${totals.notApplied} over-counted-runs=${totals.overCounts}`);
      } finally {
        proxy.loseReplies(0);
        const keys = await raw.keys(`${prefix}:*`);
        const tagged = await raw.keys(`{${prefix}:*`);
        if (keys.length + tagged.length > 0) await raw.unlink(...keys, ...tagged);
        await closeDatabase(db);
      }
    }, 120_000);
  }

  // ioredis auto-pipelining returns its own promises (not the queued commands'): the watch then wraps each call.
  it.each([false, true])("calls whose connection closes before their replies settle at once as \"may have applied\" (not at their command timeout), script calls too (ioredis auto-pipelining: %s)", async (enableAutoPipelining) => {
    // An ioredis client of the caller's (ioredis's default maxRetriesPerRequest: it does not flush
    // its queue at the first reconnect, and drops the lost commands unsettled when it is ready).
    const given = driver !== "ioredis" ? undefined : new Redis({ host: "127.0.0.1", port: proxy.port, retryStrategy: () => 5, autoResendUnfulfilledCommands: false, commandTimeout: 4000, enableAutoPipelining });
    given?.on("error", () => undefined);
    const db = given ? new Database(given, { prefix: "fault-lost" }) : open("fault-lost", { commandTimeout: 4000 });
    const hash = db.hash<string>("h");
    const script = db.script({ name: "lostScript", keys: 1, lua: "return redis.call('HLEN', KEYS[1])", parse: Number });
    try {
      await whenConnected(() => hash.set("f", "v"));
      expect(await script(["h"])).toBe(1); // loaded: the lost call below is an EVALSHA
      proxy.blackhole(true);
      const calls = [hash.get("f"), hash.set("g", "w"), script(["h"])].map((p) => p.then(() => "resolved", (e: unknown) => e));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      proxy.blackhole(false);
      proxy.cutAll();
      const outcomes = await Promise.all(calls);
      expect(Date.now() - started).toBeLessThan(2000);
      for (const [i, outcome] of outcomes.entries()) {
        expect(outcome, `call ${i}`).toBeInstanceOf(ConnectionError);
        expect((outcome as ConnectionError).mayHaveApplied, `call ${i}`).toBe(true);
      }
      // The client reconnects and the Database keeps working. (With auto-pipelining, ioredis's first
      // call after the reconnect waits for its command timeout: so before issue 16's changes too.)
      expect(await whenConnected(() => hash.get("f"))).toBe("v");
    } finally {
      proxy.blackhole(false);
      await raw.del("fault-lost:h");
      await db.close();
      given?.disconnect();
    }
  }, 20_000);

  // node-redis 5's command timeout covers only commands not yet written (it has no
  // `rejectInFlight`): a plain call written to a silent server waits for the connection to close.
  const noInFlightTimeout = driver === "node-redis" && nodeRedisMajor === 5;
  it.skipIf(noInFlightTimeout)(`a blocking pop settles within its timeout plus the command timeout when the server goes silent, without an unhandled error event${noInFlightTimeout ? " (not on node-redis 5: its command timeout does not cover a command already written)" : ""}`, async () => {
    const errors = vi.spyOn(console, "error");
    const db = open("fault-silent", { commandTimeout: 500 });
    const list = db.list<string>("q");
    try {
      expect(await list.shiftBlocking(0.1)).toBeUndefined(); // a healthy dedicated connection, now pooled
      proxy.blackhole(true);
      const started = Date.now();
      const error = await list.shiftBlocking(1).catch((e: unknown) => e);
      const took = Date.now() - started;
      expect(error).toBeInstanceOf(ConnectionError);
      expect(took).toBeGreaterThanOrEqual(1000);
      expect(took).toBeLessThan(1000 + 500 + 1000);
      const plain = Date.now();
      await expect(list.size()).rejects.toBeInstanceOf(ConnectionError);
      expect(Date.now() - plain).toBeLessThan(500 + 1000);
      proxy.blackhole(false);
      proxy.cutAll();
      // The connection that missed its deadline was closed, not pooled: the next pop gets the element.
      await raw.rpush("fault-silent:q", "a");
      expect(await list.shiftBlocking(2)).toBe("a");
      expect(errors.mock.calls.filter((c) => String(c[0]).includes("Unhandled error event"))).toEqual([]);
    } finally {
      proxy.blackhole(false);
      errors.mockRestore();
      await raw.del("fault-silent:q");
      await closeDatabase(db);
    }
  }, 20_000);
});

describe.skipIf(!cluster || cluster.external)("blocking pops on a cluster whose command timeout is shorter than the pop", () => {
  it("popBlocking(2) with a 1 s cluster commandTimeout waits 2 s, and an element pushed after it reaches the next consumer", async () => {
    const client = new Cluster(cluster!.nodes, { retryDelayOnFailover: 0, redisOptions: { autoResendUnfulfilledCommands: false, commandTimeout: 1000 } });
    const db = new Database(client as unknown as ClientLike, { prefix: "fault-cluster" });
    const list = db.list<string>("q");
    try {
      const started = Date.now();
      expect(await list.popBlocking(2)).toBeUndefined();
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      await list.push("after");
      expect(await list.popBlocking(1)).toBe("after");
      expect(await list.size()).toBe(0);
    } finally {
      await list.clear();
      await db.close();
      client.disconnect();
    }
  }, 20_000);
});

describe.skipIf(!standalone)("clients that would break narwhal's guarantees are refused", () => {
  const where = () => (standalone!.path ? { path: standalone!.path } : { host: new URL(standalone!.url!).hostname, port: Number(new URL(standalone!.url!).port) });

  it("an ioredis client that resends unanswered commands (the default) or has a keyPrefix", () => {
    const resending = new Redis({ ...where(), lazyConnect: true });
    const prefixed = new Redis({ ...where(), lazyConnect: true, keyPrefix: "p:", autoResendUnfulfilledCommands: false });
    try {
      expect(() => new Database(resending as unknown as ClientLike)).toThrow(/autoResendUnfulfilledCommands: false/);
      expect(() => new Database(prefixed as unknown as ClientLike)).toThrow(/prefix/);
      expect(() => new Database({ ...where(), keyPrefix: "p:" })).toThrow(ValidationError);
    } finally {
      resending.disconnect();
      prefixed.disconnect();
    }
  });

  it.skipIf(!cluster)("a Cluster that re-routes a command whose connection closed, unless made by createCluster", async () => {
    const resending = new Cluster(cluster?.nodes ?? [], { lazyConnect: true });
    const safe = createCluster(cluster?.nodes ?? [], { lazyConnect: true });
    try {
      expect(() => new Database(resending as unknown as ClientLike)).toThrow(/retryDelayOnFailover: 0/);
      const db = new Database(safe as unknown as ClientLike, { prefix: "fault-safe" });
      await db.close();
    } finally {
      resending.disconnect();
      safe.disconnect();
    }
  });
});
