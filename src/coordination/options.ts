/**
 * Options of the lock and the semaphore, their defaults, and the checks shared by every
 * coordination primitive. All durations are milliseconds (`…Ms`).
 */
import { ValidationError } from "../errors";

/** What an `onError` hook is told besides the error. */
export interface CoordinationErrorInfo {
  /** What failed: `"extend"` (background, in `using`), `"release"`, `"consume"`, `"peek"`, `"reset"`. */
  readonly operation: string;
  /** The lock, semaphore or rate limiter name. */
  readonly name: string;
  /** The rate-limited key, for a rate limiter. */
  readonly key?: string;
}

/** Told about errors a primitive absorbed (a background extend, a fail-open rate limit). Exceptions it throws are ignored. */
export type CoordinationErrorHook = (error: Error, info: CoordinationErrorInfo) => void;

/** Options of `db.lock(name, options)`. */
export interface DistributedLockOptions {
  /** How long the lock outlives a holder that stops extending it (crashed, partitioned); default 10,000. */
  readonly ttlMs?: number;
  /** How long `acquire()` waits for a held lock before `LockTimeoutError`; default 10,000. 0 = one attempt. */
  readonly waitMs?: number;
  /**
   * Longest pause between two attempts of a waiter that was not woken (the fallback when a
   * release notification is lost); default 200. Waiters also retry when the holder's ttl ends.
   */
  readonly pollMs?: number;
  /** Bound of each round trip (extend, release, one attempt of a zero-wait acquire); default 2,000. */
  readonly timeoutMs?: number;
  /** Told about failures absorbed in the background (an extend by `using()` that will be retried, a release after `using()`). */
  readonly onError?: CoordinationErrorHook;
}

/** Options of `db.semaphore(name, options)`: a lock's options plus the number of slots. */
export interface SemaphoreOptions extends DistributedLockOptions {
  /** How many holders at once (an integer ≥ 1). Every client of one semaphore must use the same limit. */
  readonly limit: number;
}

/** Options of one `acquire()` / `using()` call. */
export interface AcquireOptions {
  /** Aborts the wait: `acquire()` rejects with the signal's reason and holds nothing. */
  readonly signal?: AbortSignal;
  /** Overrides the lock's `waitMs` for this call. */
  readonly waitMs?: number;
}

export const DEFAULT_TTL_MS = 10_000;
export const DEFAULT_WAIT_MS = 10_000;
export const DEFAULT_POLL_MS = 200;
export const DEFAULT_TIMEOUT_MS = 2_000;

/** A duration in ms: finite and > 0 (or ≥ 0 with `allowZero`); `undefined` → `fallback`. */
export function durationMs(path: string, value: unknown, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ValidationError({ path, message: `must be a finite number of milliseconds ${allowZero ? "≥ 0" : "> 0"}, got ${String(value)}` });
  }
  return value;
}

/** A whole number of milliseconds ≥ 1, as PX and PEXPIRE want it. */
export function wholeMs(path: string, value: unknown, fallback: number): number {
  const ms = durationMs(path, value, fallback);
  if (!Number.isInteger(ms)) throw new ValidationError({ path, message: `must be a whole number of milliseconds, got ${ms}` });
  return ms;
}

/** An integer in [min, max]; `undefined` → `fallback` (required when there is none). */
export function integer(path: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError({ path, message: `must be an integer in [${min}, ${max}], got ${String(value)}` });
  }
  return value;
}

/** Calls a user hook, ignoring anything it throws. */
export function report(hook: CoordinationErrorHook | undefined, error: Error, info: CoordinationErrorInfo): void {
  if (!hook) return;
  try {
    hook(error, info);
  } catch {
    // A logging hook must never break the call it reports on.
  }
}

/** The checked settings of a lock or semaphore. */
export interface LockSettings {
  readonly ttlMs: number;
  readonly waitMs: number;
  readonly pollMs: number;
  readonly timeoutMs: number;
  readonly onError: CoordinationErrorHook | undefined;
}

/** Checks a lock's (or semaphore's) options and fills in the defaults. */
export function lockSettings(options: DistributedLockOptions): LockSettings {
  if (typeof options !== "object" || options === null) throw new ValidationError({ path: "options", message: "must be an object" });
  if (options.onError !== undefined && typeof options.onError !== "function") throw new ValidationError({ path: "onError", message: "must be a function" });
  return {
    ttlMs: wholeMs("ttlMs", options.ttlMs, DEFAULT_TTL_MS),
    waitMs: durationMs("waitMs", options.waitMs, DEFAULT_WAIT_MS, true),
    pollMs: durationMs("pollMs", options.pollMs, DEFAULT_POLL_MS),
    timeoutMs: durationMs("timeoutMs", options.timeoutMs, DEFAULT_TIMEOUT_MS),
    onError: options.onError,
  };
}
