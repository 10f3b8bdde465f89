/**
 * The memoization flow shared by `wrap()`, `@cached`, `getOrSet` and `wrapMany`: for one Redis
 * key, a local copy or one GET decides between
 *
 * - fresh (`hit`; past `eagerRefresh` of its ttl, one background refresh starts),
 * - stale within `staleTtl` (returned at once, one background refresh),
 * - stale within `grace` (the factory runs, with `softTimeoutMs`/`hardTimeoutMs`, and its failure
 *   returns the stale value and backs off for `graceBackoff`),
 * - missing (the factory runs: in-process single flight, and with `lock` one computation per
 *   cluster, waiters woken by the entry's invalidation or the lock's release, not by polling).
 *
 * Factory runs (foreground or background) are single-flighted per key, so a background
 * continuation after a soft timeout is joined, not duplicated. Every background promise is
 * handled: errors go to `onError` and the `narwhal:cache:*` channels, never to
 * `unhandledRejection`. The factory-run side (store, timeouts, grace, locks) is in memo-run.ts.
 */
import { CodecError, ValidationError } from "../errors";
import type { Cache } from "./cache";
import type { Envelope } from "./envelope";
import { decodeEnvelope } from "./envelope";
import { EVENTS } from "./events";
import type { Context } from "./factory-context";
import type { LocalTier } from "./local-tier";
import type { CacheErrorHook } from "./options";
import { SingleFlight } from "./single-flight";
import { MemoRun } from "./memo-run";

/** What a call learned: the value, and how it got it. */
export interface Outcome<T> {
  readonly value: T;
  readonly status: "hit" | "stale" | "miss";
  readonly writtenAt?: number;
  readonly freshUntil?: number;
}

/** One call's work: how to compute the value and which tags to record it under. */
export interface Job<T> {
  factory(ctx: Context<T>): T | Promise<T>;
  tags(): readonly string[] | undefined;
}

/** Resolved options of one memoized function (wrap-spec.ts builds them). */
export interface MemoSpec<T> {
  readonly name: string | undefined;
  readonly fixedTtl: number | undefined;
  readonly ttlOf: ((value: T) => number) | undefined;
  readonly staleMs: number;
  readonly graceMs: number;
  readonly backoffMs: number;
  readonly softTimeout: number | undefined;
  readonly hardTimeout: number | undefined;
  readonly eager: number | undefined;
  readonly jitter: number;
  readonly negativeTtlMs: number | undefined;
  readonly isNegative: (value: T) => boolean;
  readonly lock: { readonly ttl: number; readonly wait: number } | undefined;
  readonly failOpen: boolean;
  readonly timeout: number | undefined;
  readonly onError: CacheErrorHook | undefined;
  readonly tier: LocalTier<T> | undefined;
  readonly lockKeyOf: (redisKey: string) => string;
}

export class Memo<T> {
  private readonly flights = new SingleFlight<Outcome<T>>();
  /** @internal */
  readonly runs: MemoRun<T>;

  constructor(
    readonly cache: Cache<T>,
    readonly spec: MemoSpec<T>,
  ) {
    this.runs = new MemoRun(this);
  }

  /** Counts and reports an absorbed error; rethrows it unless failOpen (ValidationErrors always propagate). */
  absorb(error: unknown, operation: string, key: string): void {
    if (error instanceof ValidationError) throw error;
    const err = this.report(error, operation, key);
    if (!this.spec.failOpen) throw err;
  }

  report(error: unknown, operation: string, key: string): Error {
    return this.cache.report(error, { operation, key, ...(this.spec.name === undefined ? {} : { name: this.spec.name }) }, this.spec.onError);
  }

  /** The local copy of `key` when it is fresh and not due for an eager refresh (the local hit path), else undefined. */
  localFresh(key: string): Envelope<T> | undefined {
    const tier = this.spec.tier;
    if (tier === undefined) return undefined;
    const entry = tier.get(key);
    if (entry === undefined) return undefined;
    const fresh = entry.freshUntil;
    if (fresh !== undefined && Date.now() >= fresh) return undefined;
    if (this.eagerDue(entry)) return undefined;
    const counters = this.cache.counters;
    counters.hits++;
    counters.localHits++;
    if (EVENTS.hit.hasSubscribers) EVENTS.hit.publish({ key, name: this.spec.name, tier: "local", status: "hit" });
    return entry;
  }

  /** True when a fresh entry is past `eagerRefresh` of its ttl. */
  eagerDue(entry: Envelope<T>): boolean {
    const eager = this.spec.eager;
    if (eager === undefined || entry.writtenAt === undefined || entry.freshUntil === undefined) return false;
    return Date.now() >= entry.writtenAt + eager * (entry.freshUntil - entry.writtenAt);
  }

  /** The flight in progress for `key`, if any (single flight). */
  join(key: string): Promise<Outcome<T>> | undefined {
    return this.flights.join(key);
  }

  /** One call for `key`: joins the flight in progress, or starts one. */
  call(key: string, job: Job<T>): Promise<Outcome<T>> {
    return this.flights.join(key) ?? this.flights.start(key, this.flight(key, job));
  }

  /**
   * One flight, as a single promise: a hit resolves it straight from the local copy or the GET
   * reply callback (no async frames on the hit path); everything else continues in MemoRun.
   */
  private flight(key: string, job: Job<T>): Promise<Outcome<T>> {
    return new Promise<Outcome<T>>((resolve, reject) => {
      const settle = (result: Outcome<T> | Promise<Outcome<T>>) => {
        if (!(result instanceof Promise)) {
          this.flights.end(key);
          resolve(result);
          return;
        }
        result.then(
          (outcome) => {
            this.flights.end(key);
            resolve(outcome);
          },
          (error: unknown) => {
            this.flights.end(key);
            reject(error);
          },
        );
      };
      const { tier, failOpen, timeout } = this.spec;
      const { wire, codec, counters } = this.cache;
      const local = tier?.get(key);
      if (local !== undefined) {
        settle(Promise.resolve().then(() => this.onEntry(key, local, job, "local")));
        return;
      }
      if (failOpen && wire.down) {
        this.report(wire.notConnected(), "get", key);
        counters.misses++;
        settle(this.runs.compute(key, job, { write: false }));
        return;
      }
      const ticket = tier?.begin(key);
      wire.get(
        key,
        timeout,
        (raw) => {
          let entry: Envelope<T> | undefined;
          try {
            entry = decodeEnvelope(codec, raw);
          } catch (error) {
            tier?.abandon(ticket);
            settle(this.afterReadError(key, job, error));
            return;
          }
          tier?.keep(ticket, entry, entry?.expiresAt);
          try {
            settle(this.onEntry(key, entry, job, "redis"));
          } catch (error) {
            settle(Promise.reject(error));
          }
        },
        (error) => {
          tier?.abandon(ticket);
          settle(this.afterReadError(key, job, error));
        },
      );
    });
  }

  /** Decides what an entry (or a miss) means; see the module comment. */
  onEntry(key: string, entry: Envelope<T> | undefined, job: Job<T>, tier: "local" | "redis"): Outcome<T> | Promise<Outcome<T>> {
    const counters = this.cache.counters;
    const { name, staleMs, graceMs } = this.spec;
    if (entry === undefined) {
      counters.misses++;
      if (EVENTS.miss.hasSubscribers) EVENTS.miss.publish({ key, name });
      return this.miss(key, job);
    }
    const now = Date.now();
    const fresh = entry.freshUntil;
    if (fresh === undefined || now < fresh) {
      counters.hits++;
      if (tier === "local") counters.localHits++;
      if (EVENTS.hit.hasSubscribers) EVENTS.hit.publish({ key, name, tier, status: "hit" });
      if (this.eagerDue(entry)) this.runs.refresh(key, job, entry, "eager");
      return outcome(entry, "hit");
    }
    if (now < fresh + staleMs) {
      counters.hits++;
      counters.stale++;
      if (EVENTS.stale.hasSubscribers) EVENTS.stale.publish({ key, name, reason: "swr" });
      this.runs.refresh(key, job, entry, "stale");
      return outcome(entry, "stale");
    }
    if (now < fresh + graceMs) {
      if (this.runs.backingOff(key, now)) {
        counters.hits++;
        counters.stale++;
        if (EVENTS.stale.hasSubscribers) EVENTS.stale.publish({ key, name, reason: "backoff" });
        return outcome(entry, "stale");
      }
      counters.misses++;
      return this.runs.compute(key, job, { write: true, stale: entry });
    }
    counters.misses++;
    if (EVENTS.miss.hasSubscribers) EVENTS.miss.publish({ key, name });
    return this.miss(key, job);
  }

  private miss(key: string, job: Job<T>): Promise<Outcome<T>> {
    return this.spec.lock ? this.runs.computeLocked(key, job, this.spec.lock) : this.runs.compute(key, job, { write: true });
  }

  /** After a failed GET: absorb (failOpen) or rethrow, then compute; undecodable bytes are overwritten. */
  private afterReadError(key: string, job: Job<T>, error: unknown): Promise<Outcome<T>> {
    try {
      this.absorb(error, error instanceof CodecError ? "decode" : "get", key);
    } catch (thrown) {
      return Promise.reject(thrown);
    }
    this.cache.counters.misses++;
    // After a Redis failure the write is skipped (it would wait for Redis again).
    return this.runs.compute(key, job, { write: error instanceof CodecError });
  }
}

/** An outcome from an entry. */
export function outcome<T>(entry: Envelope<T>, status: Outcome<T>["status"]): Outcome<T> {
  return { value: entry.value, status, writtenAt: entry.writtenAt, freshUntil: entry.freshUntil };
}
