/**
 * Lock and Semaphore (issue 14): the raw Redis state of every method, ownership by token,
 * fencing tokens, waiting (woken by the release, bounded by waitMs, abortable), `lost`,
 * `extend`, `using`, and the semaphore's server-clock expiry. All three backends.
 */
import { expect, it } from "vitest";
import { LockLostError, LockTimeoutError, ValidationError } from "../../src/index";
import { describeBackends } from "../support/backends";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeBackends("coordination: lock", (ctx) => {
  it("acquire writes the token with a ttl, a growing fencing token; release deletes only its own token", async () => {
    const { db, raw, prefix } = ctx();
    const lock = db.lock("orders:42", { ttlMs: 5000 });
    expect(lock.key).toBe(`{${prefix}:lock:orders:42}:o`);
    expect(lock.fenceKey).toBe(`{${prefix}:lock:orders:42}:f`);
    const a = await lock.acquire();
    expect(await raw.call("get", lock.key)).toBe(a.token);
    const pttl = Number(await raw.call("pttl", lock.key));
    expect(pttl).toBeGreaterThan(4000);
    expect(pttl).toBeLessThanOrEqual(5000);
    expect(Number(await raw.call("get", lock.fenceKey))).toBe(a.fencingToken);
    expect(await lock.isLocked()).toBe(true);
    expect(await lock.tryAcquire()).toBeUndefined();
    expect(await a.release()).toBe(true);
    expect(await raw.call("exists", lock.key)).toBe(0);
    expect(await a.release()).toBe(false);
    const b = await lock.acquire();
    expect(b.fencingToken).toBe(a.fencingToken + 1);
    expect(b.token).not.toBe(a.token);
    // Someone else's token (here: written by hand) is never released nor extended by b.
    await raw.call("set", lock.key, "intruder", "PX", 5000);
    expect(await b.release()).toBe(false);
    expect(await raw.call("get", lock.key)).toBe("intruder");
    await raw.call("del", lock.key);
    expect(Number(await raw.call("get", lock.fenceKey))).toBe(b.fencingToken);
  });

  it("names are encoded inside the hash tag; bad options are ValidationErrors naming the option", async () => {
    const { db, prefix } = ctx();
    expect(db.lock("a}b%{c").key).toBe(`{${prefix}:lock:a%7Db%25%7Bc}:o`);
    expect(() => db.lock("")).toThrow(ValidationError);
    expect(() => db.lock("x", { ttlMs: 0 })).toThrow(/ttlMs/);
    expect(() => db.lock("x", { ttlMs: 1.5 })).toThrow(/ttlMs/);
    expect(() => db.lock("x", { waitMs: -1 })).toThrow(/waitMs/);
    expect(() => db.semaphore("x", { limit: 0 })).toThrow(/limit/);
  });

  it("a waiter is woken by the release, not by polling", async () => {
    const { db } = ctx();
    const lock = db.lock("wake", { ttlMs: 10_000, pollMs: 5000, waitMs: 5000 });
    const holder = await lock.acquire();
    const started = performance.now();
    const waiting = lock.acquire();
    await sleep(300);
    const releasedAt = performance.now();
    await holder.release();
    const next = await waiting;
    const latency = performance.now() - releasedAt;
    console.log(`[lock wake-up ${ctx().backend.name}] waited ${(releasedAt - started).toFixed(0)} ms, acquired ${latency.toFixed(1)} ms after the release (poll 5000 ms, holder ttl 10 s)`);
    expect(latency).toBeLessThan(250);
    expect(next.fencingToken).toBe(holder.fencingToken + 1);
    await next.release();
  });

  it("a waiter retries when the holder's ttl ends; acquire never waits past waitMs", async () => {
    const { db } = ctx();
    const lock = db.lock("expiry", { ttlMs: 300, pollMs: 5000 });
    const holder = await lock.acquire(); // never released
    const t0 = performance.now();
    const next = await lock.acquire({ waitMs: 3000 });
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThan(200);
    expect(waited).toBeLessThan(900);
    expect(holder.lost.aborted).toBe(true);
    const t1 = performance.now();
    const error = await lock.acquire({ waitMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as LockTimeoutError).code).toBe("LOCK_TIMEOUT");
    expect(performance.now() - t1).toBeLessThan(600);
    await next.release();
  });

  it("acquire is abortable; an aborted wait holds nothing", async () => {
    const { db, raw } = ctx();
    const lock = db.lock("abort", { ttlMs: 5000 });
    const holder = await lock.acquire();
    const controller = new AbortController();
    const waiting = lock.acquire({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error("caller gave up")), 50);
    await expect(waiting).rejects.toThrow("caller gave up");
    expect(await raw.call("get", lock.key)).toBe(holder.token);
    await holder.release();
    await expect(lock.acquire({ signal: AbortSignal.abort(new Error("already")) })).rejects.toThrow("already");
    expect(await raw.call("exists", lock.key)).toBe(0);
  });

  it("lost fires when the ttl runs out without an extend; extend restarts the ttl; extending a lost lock fails", async () => {
    const { db, raw } = ctx();
    const lock = db.lock("lease", { ttlMs: 400 });
    const h = await lock.acquire();
    await sleep(100);
    const extendedAt = performance.now();
    await h.extend(800);
    expect(Number(await raw.call("pttl", lock.key))).toBeGreaterThan(600);
    await sleep(450); // past the first ttl
    expect(h.lost.aborted).toBe(false);
    const firedAt = await new Promise<number>((resolve) => h.lost.addEventListener("abort", () => resolve(performance.now())));
    // The lease counts from when the extend was sent, less the drift margin (1% + 2 ms).
    expect(firedAt - extendedAt).toBeGreaterThan(700);
    expect(firedAt - extendedAt).toBeLessThanOrEqual(800);
    expect(h.lost.reason).toBeInstanceOf(LockLostError);
    expect(h.held).toBe(false);
    await expect(h.extend()).rejects.toBeInstanceOf(LockLostError);
    // An extend that finds the lock taken fires `lost` at once.
    const g = await lock.acquire({ waitMs: 1000 });
    await raw.call("set", lock.key, "thief", "PX", 1000);
    await expect(g.extend()).rejects.toThrow(/expired or taken/);
    expect(g.lost.aborted).toBe(true);
    await raw.call("del", lock.key);
  });

  it("using() extends in the background while fn runs longer than the ttl, then releases", async () => {
    const { db, raw } = ctx();
    const lock = db.lock("using", { ttlMs: 150 });
    const result = await lock.using(async (signal, handle) => {
      expect(await raw.call("get", lock.key)).toBe(handle.token);
      await sleep(400);
      expect(signal.aborted).toBe(false);
      return handle.fencingToken;
    });
    expect(typeof result).toBe("number");
    expect(await raw.call("exists", lock.key)).toBe(0);
    // A lock lost inside fn makes using() reject, even when fn resolves.
    const lost = lock.using(async (signal) => {
      await raw.call("set", lock.key, "thief", "PX", 2000);
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      return "done";
    });
    await expect(lost).rejects.toBeInstanceOf(LockLostError);
    expect(await raw.call("get", lock.key)).toBe("thief");
    await raw.call("del", lock.key);
  });
});

describeBackends("coordination: semaphore", (ctx) => {
  it("holds at most `limit` slots, scored by server-clock expiry, with fencing tokens; release frees one", async () => {
    const { db, raw, prefix } = ctx();
    const sem = db.semaphore("pool", { limit: 2, ttlMs: 5000 });
    expect(sem.key).toBe(`{${prefix}:sem:pool}:h`);
    const a = await sem.acquire();
    const b = await sem.acquire();
    expect(b.fencingToken).toBe(a.fencingToken + 1);
    expect(await sem.tryAcquire()).toBeUndefined();
    expect(await sem.holders()).toBe(2);
    const [timeS, timeUs] = (await raw.call("time")) as [string, string];
    const nowUs = Number(timeS) * 1e6 + Number(timeUs);
    const expiry = Number(await raw.call("zscore", sem.key, a.token));
    expect(expiry - nowUs).toBeGreaterThan(4_000_000);
    expect(expiry - nowUs).toBeLessThanOrEqual(5_000_000);
    expect(Number(await raw.call("hget", `{${prefix}:sem:pool}:t`, b.token))).toBe(b.fencingToken);
    const waiting = sem.acquire({ waitMs: 2000 });
    await sleep(50);
    expect(await a.release()).toBe(true);
    const c = await waiting;
    expect(c.fencingToken).toBe(b.fencingToken + 1);
    expect(await raw.call("zscore", sem.key, a.token)).toBeNull();
    await Promise.all([b.release(), c.release()]);
    expect(await raw.call("exists", sem.key)).toBe(0);
  });

  it("a holder that stops extending frees its slot after its ttl; it can neither extend nor release it then", async () => {
    const { db } = ctx();
    const sem = db.semaphore("ttl", { limit: 1, ttlMs: 200 });
    const dead = await sem.acquire();
    const t0 = performance.now();
    const next = await sem.acquire({ waitMs: 2000 });
    expect(await sem.tryAcquire()).toBeUndefined();
    expect(performance.now() - t0).toBeGreaterThan(120);
    expect(dead.lost.aborted).toBe(true);
    await expect(dead.extend()).rejects.toBeInstanceOf(LockLostError);
    expect(await dead.release()).toBe(false);
    await next.release();
    expect(await sem.using(() => sem.holders())).toBe(1);
    expect(await sem.holders()).toBe(0);
  });
});
