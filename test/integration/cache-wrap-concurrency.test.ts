/**
 * Cache.wrap under concurrency across processes and time: stale-while-revalidate (one
 * background refresh while the stale value is served) and computation locks (two Database
 * instances standing for two processes compute once; a waiter gives up after its timeout; a
 * foreign lock is never deleted). The rest of wrap and @cached is in cache-wrap.test.ts.
 */
import { expect, it } from "vitest";
import { Database } from "../../src/database";
import { describeBackends } from "../support/backends";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describeBackends("Cache.wrap: stale-while-revalidate and locks", (ctx) => {
  it("stale-while-revalidate: the stale value is served while one background refresh runs", async () => {
    const { db, raw } = ctx();
    const cache = db.cache({ namespace: "w10" });
    let calls = 0;
    let gate = deferred<void>();
    const f = cache.wrap(
      async () => {
        calls++;
        if (calls > 1) await gate.promise;
        return `v${calls}`;
      },
      { name: "f", ttl: 0.2, staleTtl: 30 },
    );
    expect(await f()).toBe("v1");
    const pttl = Number(await raw.call("pttl", f.key()));
    expect(pttl).toBeGreaterThan(29_000); // Redis TTL = ttl + staleTtl
    await sleep(250);
    expect(await f.peek()).toEqual({ value: "v1", stale: true });
    const during = await Promise.all(Array.from({ length: 20 }, () => f()));
    expect(during.every((v) => v === "v1")).toBe(true);
    await sleep(20);
    expect(await f()).toBe("v1"); // refresh still running (gated)
    expect(calls).toBe(2); // exactly one refresh
    gate.resolve();
    for (let i = 0; i < 50 && (await f.peek())?.value !== "v2"; i++) await sleep(10);
    expect(await f()).toBe("v2");
    expect(calls).toBe(2);
    expect(cache.stats().stale).toBeGreaterThanOrEqual(2); // the 20 concurrent calls shared one lookup
    gate = deferred<void>();
    gate.resolve();
  });

  it("lock: two Database instances (two 'processes') compute once", async () => {
    const { db, backend, prefix, raw } = ctx();
    const db2 = new Database(backend.client(), { prefix });
    try {
      let calls = 0;
      const seenLock: unknown[] = [];
      const make = (d: Database) =>
        d.cache({ namespace: "w11" }).wrap(
          async (id: number) => {
            calls++;
            seenLock.push(await raw.call("exists", lockKey));
            await sleep(150);
            return { id, calls };
          },
          { name: "slow", ttl: 60, lock: { ttl: 5, wait: 5 } },
        );
      const a = make(db);
      const b = make(db2);
      const lockKey = `${prefix}:w11:#lock:slow:${a.key(7).split(":").pop()}`;
      const results = await Promise.all([a(7), b(7), a(7), b(7)]);
      expect(calls).toBe(1);
      expect(seenLock).toEqual([1]);
      expect(results.every((r) => r.id === 7 && r.calls === 1)).toBe(true);
      // Released by compare-and-delete, in the background once the value is stored (callers do not wait for it).
      for (const since = Date.now(); Number(await raw.call("exists", lockKey)) !== 0 && Date.now() - since < 2000; ) await sleep(5);
      expect(await raw.call("exists", lockKey)).toBe(0);
    } finally {
      await db2.close();
      db2.client.disconnect();
    }
  });

  it("lock: a waiter computes itself after the wait timeout; a foreign lock is never deleted", async () => {
    const { db, raw, prefix } = ctx();
    const cache = db.cache({ namespace: "w12" });
    let calls = 0;
    const f = cache.wrap(async () => ++calls, { name: "f", lock: { ttl: 10, wait: 0.2 } });
    const lockKey = `${prefix}:w12:#lock:f:${f.key().split(":").pop()}`;
    await raw.call("set", lockKey, "someone-else", "PX", 10000);
    const started = Date.now();
    expect(await f()).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(await raw.call("get", lockKey)).toBe("someone-else");
  });
});
