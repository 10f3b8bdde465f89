/**
 * Options, settings and decisions of the rate limiters (rate-limiter.ts on Redis,
 * rate-limit-local.ts in-process). Both compute in whole microseconds with the same formulas,
 * so, given the same times, they make the same decisions.
 */
import { ScriptError, ValidationError } from "../errors";
import type { CoordinationErrorHook } from "./options";
import { durationMs, integer } from "./options";

/**
 * - `"sliding-window"`: at most `limit` units in ANY window of `windowMs` (an exact log: one
 *   entry per unit, so memory grows with `limit`; up to 100,000).
 * - `"token-bucket"`: a bucket of `burst` tokens (default `limit`) that gains `limit` tokens at
 *   every multiple of `windowMs` on the server clock; bursts up to `burst`.
 * - `"gcra"`: one unit every `windowMs / limit` on average, at most `burst` (default `limit`) at
 *   once; smooth, one number of state per key.
 */
export type RateLimitAlgorithm = "sliding-window" | "token-bucket" | "gcra";

/** Options of `db.rateLimiter(name, options)` and `new LocalRateLimiter(options)`. */
export interface LocalRateLimiterOptions {
  /** Units allowed per window (per refill for the token bucket). An integer ≥ 1. */
  readonly limit: number;
  /** The window (refill period) in ms; > 0, µs precision. */
  readonly windowMs: number;
  /** Default `"sliding-window"`. */
  readonly algorithm?: RateLimitAlgorithm;
  /** Token bucket and GCRA: the most units allowed at once; default `limit`. */
  readonly burst?: number;
  /** The clock, in ms since the epoch (fractions allowed); default `Date.now`. For tests and simulations. */
  readonly now?: () => number;
  /** In-process only: most keys kept (the oldest is forgotten first, as if idle); default 10,000. */
  readonly maxKeys?: number;
}

/** Options of `db.rateLimiter(name, options)`. */
export interface RateLimiterOptions extends Omit<LocalRateLimiterOptions, "now" | "maxKeys"> {
  /**
   * When Redis cannot be reached (down, or no reply within `timeoutMs`): `false` (default)
   * rejects with the ConnectionError; `true` / `"allow"` allows the call; `"local"` decides with
   * an in-process limiter of the same algorithm (per process, so N processes allow up to N×).
   * Either way the error goes to `onError`. Error replies (e.g. WRONGTYPE) always reject.
   */
  readonly failOpen?: boolean | "allow" | "local";
  /** Bound of each call in ms (its one round trip); default 1,000. */
  readonly timeoutMs?: number;
  /** Told about every Redis failure a fail-open call absorbed. */
  readonly onError?: CoordinationErrorHook;
  /** The clock of the in-process fallback (`failOpen: "local"`), in ms; default `Date.now`. */
  readonly fallbackNow?: () => number;
}

/** The outcome of `consume` / `peek`. */
export interface RateLimitDecision {
  /** True when the units were (or, for `peek`, would be) granted. */
  readonly allowed: boolean;
  /** The most units available at once: `limit` (sliding window) or `burst`. */
  readonly limit: number;
  /** Units still available now, after this call. */
  readonly remaining: number;
  /** Ms until every unit is available again (0: all are). */
  readonly resetMs: number;
  /**
   * 0 when allowed; otherwise ms after which the same call is allowed, if nobody else consumes
   * meanwhile (rounded up: a retry then is allowed).
   */
  readonly retryAfterMs: number;
  /** When the decision was made, ms since the epoch on the deciding clock (the Redis server's, µs precision). */
  readonly at: number;
  /** Who decided: Redis, the in-process fallback, or nobody (fail-open allowed it). */
  readonly source: "redis" | "local" | "fail-open";
}

/** Checked settings, durations in µs. */
export interface RateLimitSettings {
  readonly algorithm: RateLimitAlgorithm;
  readonly limit: number;
  readonly windowUs: number;
  readonly burst: number;
}

/** A decision in µs, as the scripts return it. */
export interface RawDecision {
  readonly allowed: boolean;
  readonly remaining: number;
  readonly resetUs: number;
  readonly retryUs: number;
  readonly nowUs: number;
}

const ALGORITHMS: readonly RateLimitAlgorithm[] = ["sliding-window", "token-bucket", "gcra"];

/** Checks limiter options. */
export function rateLimitSettings(options: LocalRateLimiterOptions): RateLimitSettings {
  if (typeof options !== "object" || options === null) throw new ValidationError({ path: "options", message: "must be an object with limit and windowMs" });
  const algorithm = options.algorithm ?? "sliding-window";
  if (!ALGORITHMS.includes(algorithm)) throw new ValidationError({ path: "algorithm", message: `must be one of ${ALGORITHMS.join(", ")}, got ${String(algorithm)}` });
  const limit = integer("limit", options.limit, 1, algorithm === "sliding-window" ? 100_000 : 1_000_000_000);
  if (options.windowMs === undefined) throw new ValidationError({ path: "windowMs", message: "is required (the window in ms)" });
  const windowMs = durationMs("windowMs", options.windowMs, 0);
  const windowUs = Math.round(windowMs * 1000);
  if (windowUs < 1 || windowUs > 1e13) throw new ValidationError({ path: "windowMs", message: `must be between 0.001 ms and 10^10 ms, got ${windowMs}` });
  if (algorithm === "sliding-window" && options.burst !== undefined) {
    throw new ValidationError({ path: "burst", message: "applies to token-bucket and gcra only (a sliding window allows `limit` per window)" });
  }
  const burst = integer("burst", options.burst, 1, 1_000_000_000, limit);
  return { algorithm, limit, windowUs, burst };
}

/** The most units one call may ask for. */
export function capacity(settings: RateLimitSettings): number {
  return settings.algorithm === "sliding-window" ? settings.limit : settings.burst;
}

/** Checks a rate-limited key and a cost. */
export function checkCall(settings: RateLimitSettings, key: unknown, cost: unknown): number {
  if (typeof key !== "string" || key === "") throw new ValidationError({ path: "key", message: "must be a non-empty string" });
  return integer("cost", cost, 1, capacity(settings));
}

/** Parses a script's `{allowed, remaining, reset µs, retry µs, now µs}` reply. */
export function parseRaw(script: string): (reply: unknown) => RawDecision {
  return (reply) => {
    if (!Array.isArray(reply) || reply.length !== 5) throw new ScriptError(script, `unexpected reply ${JSON.stringify(reply)}`);
    const [allowed, remaining, resetUs, retryUs, nowUs] = reply.map(Number) as [number, number, number, number, number];
    return { allowed: allowed === 1, remaining, resetUs, retryUs, nowUs };
  };
}

/** A raw decision as the public type. */
export function toDecision(raw: RawDecision, settings: RateLimitSettings, source: RateLimitDecision["source"]): RateLimitDecision {
  return {
    allowed: raw.allowed,
    limit: capacity(settings),
    remaining: raw.remaining,
    resetMs: Math.ceil(raw.resetUs / 1000),
    retryAfterMs: Math.ceil(raw.retryUs / 1000),
    at: raw.nowUs / 1000,
    source,
  };
}
