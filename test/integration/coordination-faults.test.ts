/**
 * Coordination primitives under faults we inject on a standalone server through a proxy
 * (test/support/fault-proxy.ts): every call settles within its bound when Redis goes silent
 * or is down; `using()` learns it lost the lock when Redis goes silent mid-work; rate limiters
 * fail open as configured; and locks stay exclusive while replies are lost (an acquire whose
 * reply was lost is settled by retrying with the same token, or released by token).
 * Standalone only: the proxy fronts one server (the cluster and memory suites cover the rest).
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { closeDatabase, driverDatabase } from "../support/driver-database";
import { driver } from "../support/driver-env";
import { ConnectionError, LockLostError, LockTimeoutError } from "../../src/index";
import { FaultProxy } from "../support/fault-proxy";
import { FencedResource } from "../support/coordination";
import { rng } from "../support/random";

const standalone = inject("standalone");
const SLACK = 250; // event-loop and timer slack on a busy 2-core machine
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!standalone || standalone.external)("coordination under faults (standalone, through a proxy)", () => {
  let proxy: FaultProxy;
  let raw: Redis;

  beforeAll(async () => {
    proxy = await FaultProxy.start(standalone!.path ? { path: standalone!.path } : { port: Number(new URL(standalone!.url!).port) }, rng(14));
    raw = standalone!.path ? new Redis({ path: standalone!.path }) : new Redis(standalone!.url!);
  });
  afterAll(async () => {
    await proxy.stop();
    raw.disconnect();
  });

  // On the driver the run selects (test/support/driver-database.ts).
  const open = (prefix: string, port = proxy.port) => driverDatabase({ port }, { prefix, connectTimeout: 1000, commandTimeout: 2000, reconnectDelay: 5 });

  /** Runs `call`, checks it settled within `bound` ms (+ slack); → its outcome and duration. */
  async function within<T>(label: string, bound: number, call: () => Promise<T>, log: string[]): Promise<{ value?: T; error?: unknown }> {
    const started = performance.now();
    const outcome: { value?: T; error?: unknown } = await call().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    const took = performance.now() - started;
    log.push(`${label}: ${took.toFixed(0)} ms (bound ${bound}) → ${outcome.error ? (outcome.error as Error).constructor.name : "ok"}`);
    expect(took, label).toBeLessThan(bound + SLACK);
    return outcome;
  }

  it("Redis silent: every lock, semaphore, rate limiter and counter call settles within its bound", async () => {
    const prefix = "coord-silent";
    const db = open(prefix);
    const errors: string[] = [];
    const onError = (e: Error, info: { operation: string }) => errors.push(`${info.operation}: ${e.message}`);
    const opts = { ttlMs: 600, timeoutMs: 300, waitMs: 200 };
    const lock = db.lock("l", opts);
    const sem = db.semaphore("s", { ...opts, ttlMs: 5000, limit: 1 });
    const rl = (failOpen: false | true | "local") => db.rateLimiter("r", { limit: 3, windowMs: 60_000, timeoutMs: 300, failOpen, onError });
    const counter = db.counter("c", { timeoutMs: 300 });
    const log: string[] = [];
    try {
      const held = await lock.acquire();
      const slot = await sem.acquire();
      const lostAt = new Promise<number>((resolve) => held.lost.addEventListener("abort", () => resolve(performance.now())));
      const acquiredAt = performance.now();
      proxy.blackhole(true);
      expect((await within("handle.extend", 300, () => held.extend(), log)).error).toBeInstanceOf(ConnectionError);
      const acquire = await within("lock.acquire (waitMs 200 + timeoutMs 300)", 500, () => lock.acquire(), log);
      expect(acquire.error).toBeInstanceOf(ConnectionError);
      expect((acquire.error as ConnectionError).mayHaveApplied).toBe(true);
      expect((await within("lock.tryAcquire", 300, () => lock.tryAcquire(), log)).error).toBeInstanceOf(ConnectionError);
      expect((await within("lock.isLocked", 300, () => lock.isLocked(), log)).error).toBeInstanceOf(ConnectionError);
      expect((await within("lock.using", 500, () => lock.using(() => 1), log)).error).toBeInstanceOf(ConnectionError);
      expect((await within("semaphore.acquire", 500, () => sem.acquire(), log)).error).toBeInstanceOf(ConnectionError);
      expect((await within("semaphore handle.extend", 300, () => slot.extend(), log)).error).toBeInstanceOf(ConnectionError);
      expect((await within("semaphore.holders", 300, () => sem.holders(), log)).error).toBeInstanceOf(ConnectionError);
      // The holder is told it lost the lock when its lease ends, though no extend got through.
      expect((await lostAt) - acquiredAt).toBeLessThan(600);
      expect(held.lost.reason).toBeInstanceOf(LockLostError);
      expect((await within("handle.release", 300, () => held.release(), log)).error).toBeInstanceOf(ConnectionError);
      expect((await within("semaphore handle.release", 300, () => slot.release(), log)).error).toBeInstanceOf(ConnectionError);
      expect((await within("rateLimiter.consume (failOpen false)", 300, () => rl(false).consume("u"), log)).error).toBeInstanceOf(ConnectionError);
      expect((await within("rateLimiter.reset (failOpen false)", 300, () => rl(false).reset("u"), log)).error).toBeInstanceOf(ConnectionError);
      const allowed = await within("rateLimiter.consume (failOpen true)", 300, () => rl(true).consume("u"), log);
      expect(allowed.value).toMatchObject({ allowed: true, source: "fail-open" });
      const local = rl("local");
      const decisions = await within("4 × rateLimiter.consume (failOpen local), concurrent", 300, () => Promise.all([1, 2, 3, 4].map(() => local.consume("u"))), log);
      expect(decisions.value!.map((d) => [d.allowed, d.source])).toEqual([[true, "local"], [true, "local"], [true, "local"], [false, "local"]]);
      expect(errors.filter((e) => e.startsWith("consume")).length).toBe(5);
      const incr = await within("counter.incr", 300, () => counter.incr(), log);
      expect(incr.error).toBeInstanceOf(ConnectionError);
      // Written into the silent connection: may have applied. (On GLIDE the client already counts
      // as down after the earlier timeouts, glide.ts: the call is refused, "not sent", not applied.)
      const refused = /not sent/.test((incr.error as Error).message);
      expect(refused && driver !== "glide").toBe(false);
      expect((incr.error as ConnectionError).mayHaveApplied).toBe(!refused);
      expect((await within("counter.get", 300, () => counter.get(), log)).error).toBeInstanceOf(ConnectionError);
      console.log(`[coordination silent]\n  ${log.join("\n  ")}`);
    } finally {
      proxy.blackhole(false);
      proxy.cutAll();
      await closeDatabase(db);
    }
    // Back to normal: the lock (never released: its release was lost) frees itself after its ttl.
    const again = open(prefix);
    try {
      const next = await again.lock("l", { waitMs: 2000 }).acquire();
      expect(next.fencingToken).toBeGreaterThan(1);
      await next.release();
    } finally {
      await closeDatabase(again);
      const keys = [...(await raw.keys(`${prefix}:*`)), ...(await raw.keys(`{${prefix}:*`))];
      if (keys.length > 0) await raw.unlink(...keys);
    }
  }, 30_000);

  it("Redis goes silent while using() runs: fn's signal fires within the ttl, and using() rejects within ttl + timeoutMs", async () => {
    const db = open("coord-silent-using");
    const errors: string[] = [];
    const lock = db.lock("u", { ttlMs: 300, timeoutMs: 200, onError: (e, info) => errors.push(info.operation) });
    try {
      const started = performance.now();
      let abortedAfter = 0;
      const result = await lock
        .using(async (signal) => {
          proxy.blackhole(true);
          await new Promise((resolve) => signal.addEventListener("abort", resolve));
          abortedAfter = performance.now() - started;
          return "finished";
        })
        .catch((e: unknown) => e);
      const took = performance.now() - started;
      console.log(`[coordination silent using] signal after ${abortedAfter.toFixed(0)} ms (ttl 300), using() settled after ${took.toFixed(0)} ms; reported: ${errors.join(", ")}`);
      expect(result).toBeInstanceOf(LockLostError);
      expect(abortedAfter).toBeLessThan(300);
      expect(took).toBeLessThan(300 + 200 + SLACK);
      expect(errors).toContain("release");
    } finally {
      proxy.blackhole(false);
      proxy.cutAll();
      await closeDatabase(db);
      await raw.del("{coord-silent-using:lock:u}:o", "{coord-silent-using:lock:u}:f");
    }
  }, 20_000);

  // GLIDE retries a refused connect until its connectionTimeout before its createClient fails, so
  // a GLIDE client is "connecting" (not known down) for that long; on ioredis and node-redis the
  // refused connect is reported at once.
  const slowRefusal = driver === "glide";
  it(`Redis down (nothing listening): calls settle within their bounds; a fail-open limiter does not even wait${slowRefusal ? " (GLIDE: once its first connect has failed, after its connectionTimeout; until then the client is connecting, not known down)" : ""}`, async () => {
    const closed = await FaultProxy.start({ port: 1 }); // a port that refuses
    const port = closed.port;
    await closed.stop();
    const db = open("coord-down", port);
    const log: string[] = [];
    try {
      const lock = db.lock("l", { waitMs: 300, timeoutMs: 300 });
      expect((await within("lock.acquire", 600, () => lock.acquire(), log)).error).toBeInstanceOf(ConnectionError);
      expect((await within("counter.incr", 2000, () => db.counter("c", { timeoutMs: 300 }).incr(), log)).error).toBeInstanceOf(ConnectionError);
      await sleep(50);
      for (const until = Date.now() + 2000; slowRefusal && db.client.status === "connecting" && Date.now() < until; ) await sleep(20);
      const rl = db.rateLimiter("r", { limit: 1, windowMs: 1000, failOpen: true });
      const d = await within("rateLimiter.consume (failOpen true, client reconnecting)", 20, () => rl.consume("u"), log);
      expect(d.value).toMatchObject({ allowed: true, source: "fail-open" });
      console.log(`[coordination down]\n  ${log.join("\n  ")}`);
    } finally {
      db.client.disconnect();
      await closeDatabase(db);
    }
  }, 20_000);

  it("locks stay exclusive while replies are lost; no lock outlives its ttl", async () => {
    const prefix = "coord-lossy";
    const dbs = Array.from({ length: 4 }, () => open(prefix));
    const resource = new FencedResource();
    const outcomes = { sections: 0, acquireFailed: 0, acquireMaybe: 0, timeouts: 0, releaseFailed: 0 };
    proxy.cuts = 0;
    try {
      proxy.loseReplies(0.08);
      await Promise.all(
        dbs.map(async (db) => {
          const lock = db.lock("lossy", { ttlMs: 300, waitMs: 3000, timeoutMs: 500 });
          for (let i = 0; i < 25; i++) {
            let handle;
            try {
              handle = await lock.acquire();
            } catch (error) {
              if (error instanceof LockTimeoutError) outcomes.timeouts++;
              else if (error instanceof ConnectionError) {
                outcomes.acquireFailed++;
                if (error.mayHaveApplied) outcomes.acquireMaybe++;
              } else throw error;
              continue;
            }
            const section = resource.enter(handle.fencingToken, () => !handle.held);
            await sleep(1);
            if (section) resource.commit(section);
            outcomes.sections++;
            await handle.release().catch(() => outcomes.releaseFailed++);
          }
        }),
      );
    } finally {
      proxy.loseReplies(0);
      await Promise.all(dbs.map(closeDatabase));
    }
    console.log(`[coordination lossy] connections cut ${proxy.cuts}:`, outcomes, resource.stats);
    expect(proxy.cuts).toBeGreaterThan(0);
    expect(resource.stats.liveOverlaps).toBe(0);
    expect(outcomes.sections).toBeGreaterThan(50);
    await sleep(350);
    expect(await raw.exists(`{${prefix}:lock:lossy}:o`)).toBe(0);
    await raw.del(`{${prefix}:lock:lossy}:f`);
  }, 60_000);
});
