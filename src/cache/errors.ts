/** The cache's own error: a memoized computation that did not answer in time. */
import { NarwhalError } from "../errors";

/** `hardTimeoutMs` elapsed before the function answered and no stale value could be served. Code `CACHE_TIMEOUT`. */
export class CacheTimeoutError extends NarwhalError {
  /** The Redis key of the entry being computed. */
  readonly key: string;

  constructor(key: string, ms: number) {
    super("CACHE_TIMEOUT", `the cached function did not answer within its hardTimeoutMs of ${ms} ms (key ${key}), and no stale value was available`);
    this.name = "CacheTimeoutError";
    this.key = key;
  }
}
