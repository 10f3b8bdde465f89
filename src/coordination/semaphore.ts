/**
 * `db.semaphore(name, { limit })`: at most `limit` holders at once, each with the same handle as
 * a lock (token, fencing token, `lost`, `extend`, `release`). Every call is one run of the
 * `semaphore` script on keys sharing the hash tag `{<prefix>:sem:<name>}`. Holders are scored by
 * their expiry on the SERVER's clock (TIME): no client clock is trusted, a holder that dies frees
 * its slot when its ttl ends, and an expired slot is never extended or silently taken back.
 */
import { libraryScript } from "../lua/registry";
import { toInteger } from "../reply";
import type { CoordinationHost } from "./host";
import { runScript } from "./host";
import type { Acquirer } from "./lock";
import { acquireWith, parseAttempt, usingWith } from "./lock";
import { LockTimeoutError } from "./errors";
import type { LeaseOps, LockHandle } from "./lease";
import { notifierFor } from "./notifier";
import type { AcquireOptions, SemaphoreOptions } from "./options";
import { integer, lockSettings } from "./options";

const flag = (reply: unknown) => Number(reply) === 1;

/** A distributed counting semaphore. Open it with `db.semaphore(name, { limit })`. */
export class Semaphore {
  /** How many holders at once. */
  readonly limit: number;
  /** Key of the holders zset (token → expiry in server µs). */
  readonly key: string;
  private readonly keys: readonly string[];
  private readonly acquirer: Acquirer;

  /** @internal Use `db.semaphore(name, options)`. */
  constructor(
    private readonly host: CoordinationHost,
    /** The semaphore's name. */
    readonly name: string,
    options: SemaphoreOptions,
  ) {
    const k = host.keys.semaphore(name);
    const settings = lockSettings(options);
    this.limit = integer("limit", options.limit, 1, 1_000_000);
    this.key = k.holders;
    this.keys = [k.holders, k.fences, k.fence];
    const script = libraryScript("semaphore");
    const call = <T>(op: string, token: string, ttlMs: number, channel: string, parse: (reply: unknown) => T, timeoutMs: number) =>
      runScript(host, script, this.keys, [op, token, ttlMs, this.limit, channel], parse, timeoutMs);
    const ops: LeaseOps = {
      name,
      ttlMs: settings.ttlMs,
      timeoutMs: settings.timeoutMs,
      extend: (token, ttlMs, timeoutMs) => call("extend", token, ttlMs, "", flag, timeoutMs),
      release: async (token, timeoutMs) => {
        const notifier = notifierFor(host);
        const released = await call("release", token, 0, notifier.publishes ? k.channel : "", flag, timeoutMs);
        if (released && !notifier.publishes) notifier.notify(k.channel);
        return released;
      },
    };
    this.acquirer = {
      name,
      channel: k.channel,
      settings,
      ops,
      attempt: (token, timeoutMs) => call("acquire", token, settings.ttlMs, "", parseAttempt(script.name), timeoutMs),
    };
  }

  /**
   * Takes a slot, waiting up to `waitMs` while all `limit` are held: one `semaphore` script per
   * attempt; waiters are woken by releases and by the first holder's ttl end. Same outcomes as
   * `Lock.acquire()` (LockTimeoutError, abort, ConnectionError with `mayHaveApplied`).
   */
  acquire(options: AcquireOptions = {}): Promise<LockHandle> {
    return acquireWith(this.host, this.acquirer, options);
  }

  /** One attempt: the handle, or undefined when every slot is held. */
  async tryAcquire(options: Omit<AcquireOptions, "waitMs"> = {}): Promise<LockHandle | undefined> {
    try {
      return await this.acquire({ ...options, waitMs: 0 });
    } catch (error) {
      if (error instanceof LockTimeoutError) return undefined;
      throw error;
    }
  }

  /** Runs `fn` holding a slot, extending it in the background, and releases it (see `Lock.using`). */
  using<T>(fn: (signal: AbortSignal, handle: LockHandle) => Promise<T> | T, options: AcquireOptions = {}): Promise<T> {
    return usingWith(this.host, this.acquirer, fn, options);
  }

  /** How many slots are held now, expired ones excluded (`semaphore` script, op "count"). */
  holders(): Promise<number> {
    return runScript(this.host, libraryScript("semaphore"), this.keys, ["count", "", 0, this.limit, ""], toInteger, this.acquirer.settings.timeoutMs);
  }
}
