/**
 * Coordination primitives: Lock, Semaphore, RateLimiter (and its in-process twin), Counter.
 * The factories are on `Database` (`db.lock()`, `db.semaphore()`, `db.rateLimiter()`, `db.counter()`).
 */
export { Lock } from "./lock";
export { Semaphore } from "./semaphore";
export { RateLimiter } from "./rate-limiter";
export { LocalRateLimiter } from "./rate-limit-local";
export { Counter } from "./counter";
export { LockLostError, LockTimeoutError } from "./errors";
export type { CounterOptions } from "./counter";
export type { LockHandle } from "./lease";
export type { AcquireOptions, CoordinationErrorHook, CoordinationErrorInfo, DistributedLockOptions, SemaphoreOptions } from "./options";
export type { LocalRateLimiterOptions, RateLimitAlgorithm, RateLimitDecision, RateLimiterOptions } from "./rate-limit-types";
