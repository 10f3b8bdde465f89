/**
 * `db.lock(name)`: a distributed mutual-exclusion lock with fencing tokens. Every call is one
 * script (SET NX PX semantics, compare-and-delete release, extend by token) on keys sharing the
 * hash tag `{<prefix>:lock:<name>}`, so it runs unchanged on Redis Cluster and the embedded
 * engine. Waiters are woken by the release (pub/sub, notifier.ts) and by the holder's ttl end.
 *
 * Guarantees, in the single-Redis model (one standalone server, or the master of the lock's
 * slot; a failover that loses the last writes can lose a lock, as with every Redis lock):
 * - at most one token holds the lock at any time (SET NX with a ttl, ownership by random token);
 * - a holder learns it may have lost the lock (`handle.lost`) before the lock can expire on the
 *   server, measured from when its acquire/extend was sent (lease.ts);
 * - the fencing token grows with every acquisition, so a resource that checks it refuses a
 *   holder that lost the lock without noticing;
 * - `acquire()` settles within its wait bound, and never leaves the caller unaware of a lock it
 *   may hold (acquire.ts).
 */
import { randomUUID } from "node:crypto";
import { libraryScript } from "../lua/registry";
import { toInteger } from "../reply";
import { ScriptError } from "../errors";
import { acquireLoop } from "./acquire";
import type { AttemptResult } from "./acquire";
import { LockTimeoutError } from "./errors";
import type { CoordinationHost } from "./host";
import { runCommand, runScript } from "./host";
import type { LeaseOps, LockHandle } from "./lease";
import { keepAlive, Lease } from "./lease";
import { notifierFor } from "./notifier";
import type { AcquireOptions, DistributedLockOptions, LockSettings } from "./options";
import { durationMs, lockSettings, report } from "./options";

/** A new random token for one acquisition (122 random bits; randomUUID draws from a cached entropy pool). */
export function newToken(): string {
  return randomUUID();
}

/** Parses `{1, fence}` / `{0, ms until the holder's ttl ends}`. */
export function parseAttempt(script: string): (reply: unknown) => AttemptResult {
  return (reply) => {
    if (!Array.isArray(reply) || reply.length !== 2) throw new ScriptError(script, `unexpected reply ${JSON.stringify(reply)}`);
    const acquired = Number(reply[0]) === 1;
    return { acquired, fence: acquired ? Number(reply[1]) : 0, retryInMs: acquired ? 0 : Number(reply[1]) };
  };
}

const flag = (reply: unknown) => Number(reply) === 1;

/** Builds and runs one acquisition: handle, background release of an unknown outcome, wake-ups. */
export interface Acquirer {
  readonly name: string;
  readonly channel: string;
  readonly settings: LockSettings;
  readonly ops: LeaseOps;
  attempt(token: string, timeoutMs: number): Promise<AttemptResult>;
}

/** `acquire()` of a lock or semaphore: waits (acquire.ts) and wraps the winning attempt in a handle. */
export async function acquireWith(host: CoordinationHost, acquirer: Acquirer, options: AcquireOptions = {}): Promise<LockHandle> {
  const waitMs = durationMs("waitMs", options.waitMs, acquirer.settings.waitMs, true);
  const token = newToken();
  const { fence, sentAt } = await acquireLoop({
    host,
    name: acquirer.name,
    channel: acquirer.channel,
    settings: acquirer.settings,
    waitMs,
    signal: options.signal,
    attempt: (ms) => acquirer.attempt(token, ms),
    abandon: () => {
      acquirer.ops.release(token, acquirer.settings.timeoutMs).catch(() => undefined);
    },
  });
  return new Lease(acquirer.ops, token, fence, sentAt);
}

/**
 * `using()` of a lock or semaphore: acquires, runs `fn` while extending in the background,
 * releases. Rejects with `LockLostError` when the lock was lost before `fn` settled.
 */
export async function usingWith<T>(
  host: CoordinationHost,
  acquirer: Acquirer,
  fn: (signal: AbortSignal, handle: LockHandle) => Promise<T> | T,
  options: AcquireOptions = {},
): Promise<T> {
  const handle = (await acquireWith(host, acquirer, options)) as Lease;
  const stop = keepAlive(handle, acquirer.settings.ttlMs, acquirer.settings.onError);
  const signal = options.signal ? AbortSignal.any([handle.lost, options.signal]) : handle.lost;
  try {
    const result = await fn(signal, handle);
    if (handle.lost.aborted) throw handle.lost.reason;
    return result;
  } finally {
    stop();
    await handle.release().catch((error: unknown) => report(acquirer.settings.onError, error as Error, { operation: "release", name: acquirer.name }));
  }
}

/** A distributed lock named `name`. Open it with `db.lock(name, options)`. */
export class Lock {
  /** Key holding the current holder's token. */
  readonly key: string;
  /** Key of the fencing counter (never expires). */
  readonly fenceKey: string;
  private readonly acquirer: Acquirer;

  /** @internal Use `db.lock(name, options)`. */
  constructor(
    private readonly host: CoordinationHost,
    /** The lock's name. */
    readonly name: string,
    options: DistributedLockOptions = {},
  ) {
    const keys = host.keys.lock(name);
    const settings = lockSettings(options);
    this.key = keys.owner;
    this.fenceKey = keys.fence;
    const notifier = () => notifierFor(host);
    const acquireScript = libraryScript("lock-acquire");
    const ops: LeaseOps = {
      name,
      ttlMs: settings.ttlMs,
      timeoutMs: settings.timeoutMs,
      extend: (token, ttlMs, timeoutMs) => runScript(host, libraryScript("lock-extend"), [keys.owner], [token, ttlMs], flag, timeoutMs),
      release: async (token, timeoutMs) => {
        const publish = notifier().publishes;
        const released = await runScript(host, libraryScript("lock-release"), [keys.owner], [token, publish ? keys.channel : ""], flag, timeoutMs);
        if (released && !publish) notifier().notify(keys.channel);
        return released;
      },
    };
    this.acquirer = {
      name,
      channel: keys.channel,
      settings,
      ops,
      attempt: (token, timeoutMs) =>
        runScript(host, acquireScript, [keys.owner, keys.fence], [token, settings.ttlMs], parseAttempt(acquireScript.name), timeoutMs),
    };
  }

  /** The lock's ttl in ms (how long it outlives a holder that stopped extending it). */
  get ttlMs(): number {
    return this.acquirer.settings.ttlMs;
  }

  /**
   * Acquires the lock, waiting up to `waitMs` while others hold it: one `lock-acquire` script
   * per attempt, each bounded by `timeoutMs` (so the call settles within `waitMs + timeoutMs`
   * even when Redis is silent); waiters are woken by releases and by the holder's ttl end. Resolves with a
   * handle (its `fencingToken` larger than any before). Rejects with `LockTimeoutError` when
   * the wait ends, the signal's reason on abort, or `ConnectionError` when Redis could not be
   * reached (`mayHaveApplied: true` when an attempt's outcome is unknown; a release by token
   * was then sent, and the lock frees itself after its ttl anyway).
   */
  acquire(options: AcquireOptions = {}): Promise<LockHandle> {
    return acquireWith(this.host, this.acquirer, options);
  }

  /** One attempt (`lock-acquire`, bounded by `timeoutMs`): the handle, or undefined when the lock is held. */
  async tryAcquire(options: Omit<AcquireOptions, "waitMs"> = {}): Promise<LockHandle | undefined> {
    try {
      return await this.acquire({ ...options, waitMs: 0 });
    } catch (error) {
      if (error instanceof LockTimeoutError) return undefined;
      throw error;
    }
  }

  /**
   * Runs `fn` holding the lock: acquires (as {@link acquire}), extends it every third of its ttl
   * while `fn` runs, and releases it when `fn` settles. `fn` gets an AbortSignal that fires when
   * the lock is lost (or `options.signal` aborts): stop touching the resource then. Resolves
   * with `fn`'s result; rejects with `LockLostError` if the lock was lost before `fn` settled.
   */
  using<T>(fn: (signal: AbortSignal, handle: LockHandle) => Promise<T> | T, options: AcquireOptions = {}): Promise<T> {
    return usingWith(this.host, this.acquirer, fn, options);
  }

  /** True when someone holds the lock now (EXISTS). */
  isLocked(): Promise<boolean> {
    return runCommand(this.host, "exists", [this.key], [this.key], (reply) => toInteger(reply) === 1, this.acquirer.settings.timeoutMs);
  }
}
