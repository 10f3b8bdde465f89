/**
 * Fail-open against a Redis that is down, unreachable or slow. These tests run on a private
 * redis-server of their own (started and stopped here) and on a closed loopback port; they
 * never touch the shared test servers. On the driver the run selects (test/support/driver-database.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/database";
import { ConnectionError } from "../../src/errors";
import { closeDatabase, driverDatabase } from "../support/driver-database";
import { freePort, hasRedisServer, startStandalone } from "../support/servers";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TIMEOUT = 150;
// The deadline plus scheduling slack on a loaded 2-core machine.
const BOUND = TIMEOUT + 600;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

const closeDb = closeDatabase;

describe.skipIf(!hasRedisServer())("Cache fail-open [private redis-server]", () => {
  let server: Awaited<ReturnType<typeof startStandalone>> | undefined;
  let db: Database;
  afterAll(async () => {
    if (db) await closeDb(db);
    await server?.stop();
  });
  beforeAll(async () => {
    server = await startStandalone();
    db = driverDatabase({ port: server.port }, { prefix: "fo", connectTimeout: 500 });
  });

  it("slow Redis (CLIENT PAUSE): calls return computed values within the timeout and onError fires", async () => {
    const errors: Error[] = [];
    const cache = db.cache({ namespace: "slow", onError: (e) => errors.push(e) });
    let calls = 0;
    const f = cache.wrap(async (id: number) => ({ id, n: ++calls }), { name: "f", ttl: 60, timeoutMs: TIMEOUT });
    expect(await f(1)).toEqual({ id: 1, n: 1 });
    expect(await f(1)).toEqual({ id: 1, n: 1 });
    const admin = db.client.duplicate();
    await admin.call("client", "pause", 2000, "ALL");
    try {
      const [value, ms] = await timed(() => f(1));
      expect(value).toEqual({ id: 1, n: 2 });
      expect(ms).toBeLessThan(BOUND);
      expect(errors[0]).toBeInstanceOf(ConnectionError);
      expect(errors[0]!.message).toMatch(/no reply within 150 ms/);
      const closed = cache.wrap(async () => 1, { name: "closed", timeoutMs: TIMEOUT, failOpen: false });
      const [error, ms2] = await timed(() => closed().then(() => undefined, (e: unknown) => e));
      expect(error).toBeInstanceOf(ConnectionError);
      expect(ms2).toBeLessThan(BOUND);
      // The raw API honours its own `timeout` too (and rejects: failOpen is off by default there).
      const rawApi = db.cache({ namespace: "slow", timeoutMs: TIMEOUT });
      const [rawError, ms3] = await timed(() => rawApi.get("x").then(() => undefined, (e: unknown) => e));
      expect(rawError).toBeInstanceOf(ConnectionError);
      expect(ms3).toBeLessThan(BOUND);
    } finally {
      await admin.call("client", "unpause").catch(() => undefined);
      admin.disconnect();
    }
    await sleep(50);
    expect(await f(2)).toEqual({ id: 2, n: 3 });
    expect(await f(2)).toEqual({ id: 2, n: 3 }); // cached again once Redis answers
  });

  it("Redis stopped: failOpen returns computed values within the timeout, onError fires, nothing throws", async () => {
    const errors: Array<[string, string]> = [];
    const cache = db.cache({ namespace: "down", onError: (e, info) => errors.push([info.operation, e.name]) });
    let calls = 0;
    const f = cache.wrap(async (id: number) => `${id}#${++calls}`, { name: "f", ttl: 60, timeoutMs: TIMEOUT, lock: true, tags: (id) => [`t${id}`] });
    expect(await f(1)).toBe("1#1");
    expect(await f(1)).toBe("1#1");
    await server!.stop();
    server = undefined;
    for (let i = 0; i < 10; i++) {
      const [value, ms] = await timed(() => f(1));
      expect(value).toBe(`1#${i + 2}`);
      expect(ms).toBeLessThan(BOUND);
    }
    expect(errors.length).toBeGreaterThanOrEqual(10);
    expect(errors.every(([, name]) => name === "ConnectionError")).toBe(true);
    expect(cache.stats().errors).toBe(errors.length);
    // invalidate/peek absorb too; the raw API (failOpen false by default) rejects.
    expect(await f.invalidate(1)).toBe(false);
    expect(await f.peek(1)).toBeUndefined();
    await expect(cache.get("x")).rejects.toBeInstanceOf(ConnectionError);
    const closed = cache.wrap(async () => 1, { name: "closed", timeoutMs: TIMEOUT, failOpen: false });
    await expect(closed()).rejects.toBeInstanceOf(ConnectionError);
  });
});

describe("Cache fail-open [closed port]", () => {
  it("a Database pointed at a closed port: computed values within the timeout, onError told", async () => {
    const port = await freePort();
    const db = driverDatabase({ port }, { prefix: "closed", connectTimeout: 300 });
    try {
      const errors: string[] = [];
      const cache = db.cache({ onError: (e, info) => errors.push(`${info.operation}:${e.name}`) });
      let calls = 0;
      const f = cache.wrap(async (x: string) => x.toUpperCase() + ++calls, { name: "f", timeoutMs: TIMEOUT });
      for (let i = 1; i <= 5; i++) {
        const [value, ms] = await timed(() => f("a"));
        expect(value).toBe(`A${i}`);
        expect(ms).toBeLessThan(BOUND);
      }
      expect(errors.length).toBeGreaterThanOrEqual(5);
      expect(errors[0]).toMatch(/^get:ConnectionError$/);
    } finally {
      await closeDb(db);
    }
  });
});
