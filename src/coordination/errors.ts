/**
 * The coordination primitives' own errors (codes `LOCK_TIMEOUT`, `LOCK_LOST`). Connection
 * failures stay {@link ConnectionError}s, with `mayHaveApplied` telling whether a write may have
 * run; bad options stay {@link ValidationError}s.
 */
import { NarwhalError } from "../errors";

/**
 * `acquire()` waited its whole `waitMs` while the lock (or every slot of the semaphore) stayed
 * held by others. Nothing is held by the caller.
 */
export class LockTimeoutError extends NarwhalError {
  /** The lock or semaphore name. */
  readonly lock: string;
  /** How long the caller waited, in ms. */
  readonly waitedMs: number;

  constructor(lock: string, waitedMs: number) {
    super("LOCK_TIMEOUT", `"${lock}" is held by others: not acquired within ${waitedMs} ms`);
    this.lock = lock;
    this.waitedMs = waitedMs;
  }
}

/**
 * The holder no longer holds the lock (or semaphore slot): its ttl ran out before an extend
 * reached Redis, or an extend found it expired or taken. The handle's `lost` signal carries it.
 */
export class LockLostError extends NarwhalError {
  /** The lock or semaphore name. */
  readonly lock: string;

  constructor(lock: string, why: string) {
    super("LOCK_LOST", `"${lock}" was lost: ${why}`);
    this.lock = lock;
  }
}
