/**
 * The factory side of memo.ts: running the factory once per key at a time (foreground or
 * background), storing its result (`0xC3` entry: written-at, fresh-until, expires-at; ttl from
 * the factory context, `negativeTtl`, `ttl()` or the options, shortened by `ttlJitter`; tags),
 * racing it against `softTimeoutMs`/`hardTimeoutMs` when a stale value or a deadline exists,
 * `grace` and its backoff, background refreshes, and the cross-process lock whose waiters
 * sleep until the entry's or the lock's invalidation (coherence.ts) instead of polling.
 */
import { CodecError } from "../errors";
import type { Envelope } from "./envelope";
import { encodeMeta } from "./envelope";
import { CacheTimeoutError } from "./errors";
import { EVENTS } from "./events";
import { Context, runWithContext } from "./factory-context";
import type { HeldLock } from "./lock";
import { pollDelay, releaseLock, tryLock } from "./lock";
import type { Job, Memo, Outcome } from "./memo";
import { outcome } from "./memo";
import { ttlMs } from "./options";

interface Run<T> {
  readonly promise: Promise<T>;
  readonly ctx: Context<T>;
}

/** Longest sleep of a lock waiter between two checks when notifications flow (a safety net, not a poll). */
const WAKE_CHECK_MS = 500;
const BACKOFF_MAX_KEYS = 10_000;

export class MemoRun<T> {
  private readonly running = new Map<string, Run<T>>();
  private readonly refreshing = new Set<string>();
  private readonly backoff = new Map<string, number>();

  constructor(private readonly memo: Memo<T>) {}

  /** True while a failed factory of `key` must not be retried (grace backoff). */
  backingOff(key: string, now: number): boolean {
    const until = this.backoff.get(key);
    if (until === undefined) return false;
    if (now < until) return true;
    this.backoff.delete(key);
    return false;
  }

  /** Runs the factory for `key` unless a run is already going (then joins it); stores the result when `write`. */
  private run(key: string, job: Job<T>, write: boolean, stale: Envelope<T> | undefined): Run<T> {
    const existing = this.running.get(key);
    if (existing) return existing;
    const ctx = new Context<T>(key, stale && { value: stale.value, age: stale.writtenAt === undefined ? undefined : (Date.now() - stale.writtenAt) / 1000 });
    const promise = (async () => {
      let value: T;
      try {
        value = await runWithContext(ctx as Context<unknown>, () => job.factory(ctx));
      } catch (error) {
        if (EVENTS.factoryError.hasSubscribers) EVENTS.factoryError.publish({ key, name: this.memo.spec.name, error });
        throw error;
      }
      this.backoff.delete(key);
      if (write && !ctx.skipped) await this.store(key, job, value, ctx);
      return value;
    })();
    const run = { promise, ctx };
    this.running.set(key, run);
    const done = () => {
      if (this.running.get(key) === run) this.running.delete(key);
    };
    promise.then(done, done);
    return run;
  }

  /** Computes (or joins the computation of) `key`, with the stale value and deadlines as fallbacks. */
  compute(key: string, job: Job<T>, options: { write: boolean; stale?: Envelope<T> }): Promise<Outcome<T>> {
    const run = this.run(key, job, options.write, options.stale);
    const { softTimeout, hardTimeout, graceMs, name } = this.memo.spec;
    const stale = options.stale;
    if (stale === undefined && hardTimeout === undefined) return run.promise.then(fresh);
    return new Promise<Outcome<T>>((resolve, reject) => {
      let done = false;
      const timers: Array<ReturnType<typeof setTimeout>> = [];
      const finish = (settle: () => void): boolean => {
        if (done) return false;
        done = true;
        for (const t of timers) clearTimeout(t);
        settle();
        return true;
      };
      const serveStale = (reason: string) => {
        this.memo.cache.counters.stale++;
        if (EVENTS.stale.hasSubscribers) EVENTS.stale.publish({ key, name, reason });
        resolve(outcome(stale!, "stale"));
      };
      if (stale !== undefined && softTimeout !== undefined) timers.push(setTimeout(() => finish(() => serveStale("soft-timeout")), softTimeout));
      if (hardTimeout !== undefined) {
        timers.push(
          setTimeout(
            () =>
              finish(() => {
                run.ctx.controller.abort(new CacheTimeoutError(key, hardTimeout));
                if (stale !== undefined) serveStale("hard-timeout");
                else reject(new CacheTimeoutError(key, hardTimeout));
              }),
            hardTimeout,
          ),
        );
      }
      run.promise.then(
        (value) => {
          finish(() => resolve(fresh(value)));
        },
        (error: unknown) => {
          if (stale !== undefined && graceMs > 0) {
            // grace: the last good value instead of the failure; the factory is not retried before graceBackoff.
            this.startBackoff(key);
            finish(() => serveStale("grace"));
            this.memo.report(error, "factory", key);
            return;
          }
          if (!finish(() => reject(error))) this.memo.report(error, "factory", key); // its caller already had a stale value
        },
      );
    });
  }

  private startBackoff(key: string): void {
    if (this.backoff.size >= BACKOFF_MAX_KEYS) this.backoff.delete(this.backoff.keys().next().value as string);
    this.backoff.set(key, Date.now() + this.memo.spec.backoffMs);
  }

  /** Stores a computed value with its times and tags. Errors are absorbed (failOpen) or rethrown. */
  private async store(key: string, job: Job<T>, value: T, ctx: Context<T>): Promise<void> {
    const { fixedTtl, ttlOf, staleMs, graceMs, jitter, negativeTtlMs, isNegative, timeout } = this.memo.spec;
    const cache = this.memo.cache;
    try {
      let ttl: number;
      if (ctx.ttl !== undefined) ttl = ttlMs("ctx.ttl", ctx.ttl);
      else if (negativeTtlMs !== undefined && (ctx.isNegative || isNegative(value))) ttl = negativeTtlMs;
      else ttl = ttlOf ? ttlMs("ttl()", ttlOf(value)) : fixedTtl!;
      if (ttl > 0 && jitter > 0) ttl = Math.max(1, Math.round(ttl * (1 - jitter * Math.random())));
      const now = Date.now();
      const redisTtl = ttl > 0 ? ttl + Math.max(staleMs, graceMs) : 0;
      const bytes = encodeMeta(cache.codec, value, { writtenAt: now, freshUntil: ttl > 0 ? now + ttl : 0, expiresAt: redisTtl > 0 ? now + redisTtl : 0 });
      const tags = [...(job.tags() ?? []), ...ctx.ownTags()];
      const writes: Promise<unknown>[] = [cache.write(key, value, redisTtl, undefined, bytes)];
      if (tags.length > 0) writes.push(cache.tagIndex.add(tags, key, redisTtl));
      await cache.wire.deadline(Promise.all(writes), timeout, "SET");
    } catch (error) {
      this.memo.absorb(error, error instanceof CodecError ? "encode" : "set", key);
    }
  }

  /** One background refresh of `key` per process (and per cluster: it takes the entry's lock). Never rejects. */
  refresh(key: string, job: Job<T>, stale: Envelope<T>, reason: "stale" | "eager"): void {
    if (this.refreshing.has(key) || this.running.has(key)) return;
    this.refreshing.add(key);
    if (EVENTS.refresh.hasSubscribers) EVENTS.refresh.publish({ key, name: this.memo.spec.name, reason });
    const { lock, timeout } = this.memo.spec;
    const wire = this.memo.cache.wire;
    void (async () => {
      try {
        const held = await tryLock(wire, this.memo.spec.lockKeyOf(key), lock?.ttl ?? 10_000, timeout);
        if (!held) return;
        try {
          await this.run(key, job, true, stale).promise;
        } catch (error) {
          if (this.memo.spec.graceMs > 0) this.startBackoff(key);
          this.memo.report(error, "factory", key);
        } finally {
          await releaseLock(wire, held, timeout);
        }
      } catch (error) {
        this.memo.report(error, "refresh", key);
      } finally {
        this.refreshing.delete(key);
      }
    })();
  }

  /**
   * `lock`: one computation per cluster. A caller registers for the invalidation of the entry
   * and of the lock (the holder's SET, its release, the lock's expiry), then sends SET NX and
   * GET together (one round trip: on one connection the GET runs after the SET NX, so an entry
   * written by a holder that released in between is seen). The winner computes; a waiter
   * sleeps until woken (or a safety check, or the wait's end), then GETs the entry and tries
   * the lock again only if it is still missing; waiters poll with growing delays only while
   * invalidations cannot flow. After `wait`, they compute themselves. The holder's callers get
   * the value as soon as it is stored; the lock is released after, in the background.
   */
  async computeLocked(key: string, job: Job<T>, opts: { ttl: number; wait: number }): Promise<Outcome<T>> {
    const { cache, spec } = this.memo;
    const { wire, coherence } = cache;
    const lockKey = spec.lockKeyOf(key);
    coherence.start();
    let held: HeldLock | undefined;
    try {
      const deadline = Date.now() + opts.wait;
      for (let attempt = 0; ; attempt++) {
        const watch = coherence.up ? coherence.waitFor([key, lockKey]) : undefined;
        // On Cluster the lock and the entry live on different nodes: the two run in parallel,
        // and a holder that stores and releases exactly between them costs one extra computation.
        const [locked, read] = await Promise.allSettled([tryLock(wire, lockKey, opts.ttl, spec.timeout), cache.read(key, spec.timeout)]);
        if (locked.status === "fulfilled") held = locked.value;
        if (locked.status === "rejected" || read.status === "rejected") {
          watch?.cancel();
          throw locked.status === "rejected" ? locked.reason : (read as PromiseRejectedResult).reason;
        }
        const entry = read.value;
        if (entry !== undefined) {
          watch?.cancel();
          if (held) this.releaseLater(held);
          return outcome(entry, "hit");
        }
        if (held || Date.now() >= deadline) {
          watch?.cancel();
          break;
        }
        if (watch) await watch.wait(Math.max(1, Math.min(WAKE_CHECK_MS, deadline - Date.now())));
        else await pollDelay(attempt);
        // Woken: most often by the holder's write, so look before taking the lock.
        const written = await cache.read(key, spec.timeout);
        if (written !== undefined) return outcome(written, "hit");
      }
    } catch (error) {
      if (held) this.releaseLater(held);
      this.memo.absorb(error, error instanceof CodecError ? "decode" : "lock", lockKey);
      return this.compute(key, job, { write: error instanceof CodecError });
    }
    if (!held) return this.compute(key, job, { write: true });
    const lock = held;
    const computing = this.compute(key, job, { write: true });
    computing.then(
      () => this.releaseLater(lock),
      () => this.releaseLater(lock),
    );
    return computing;
  }

  /** Releases a held lock without holding up the callers; a failure is reported, never thrown. */
  private releaseLater(lock: HeldLock): void {
    releaseLock(this.memo.cache.wire, lock, this.memo.spec.timeout).catch((error: unknown) => void this.memo.report(error, "unlock", lock.key));
  }
}

function fresh<T>(value: T): Outcome<T> {
  return { value, status: "miss", writtenAt: Date.now() };
}
