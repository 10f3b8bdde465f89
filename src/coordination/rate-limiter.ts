/**
 * `db.rateLimiter(name, options)`: sliding-window, token-bucket or GCRA limits per key, decided
 * by ONE script per call that reads the Redis server's own clock (TIME): client clocks, however
 * skewed, never enter a decision. Each limited key's state lives under its own hash tag
 * `{<prefix>:rl:<name>:<key>}`, so keys spread over a cluster's slots. When Redis cannot be
 * reached, `failOpen` chooses: reject (default), allow, or decide in-process.
 */
import { ConnectionError, ValidationError } from "../errors";
import { libraryScript } from "../lua/registry";
import type { CoordinationHost } from "./host";
import { isDown, runCommand, runScript } from "./host";
import { durationMs, report } from "./options";
import type { CoordinationErrorHook } from "./options";
import { LocalRateLimiter } from "./rate-limit-local";
import type { RateLimitAlgorithm, RateLimitDecision, RateLimiterOptions, RateLimitSettings } from "./rate-limit-types";
import { capacity, checkCall, parseRaw, rateLimitSettings, toDecision } from "./rate-limit-types";

const SCRIPTS = {
  "sliding-window": "rate-limit-sliding-window",
  "token-bucket": "rate-limit-token-bucket",
  gcra: "rate-limit-gcra",
} as const;
const SUFFIX = { "sliding-window": "sw", "token-bucket": "tb", gcra: "gcra" } as const;

export const DEFAULT_RATE_LIMIT_TIMEOUT_MS = 1000;

/** A rate limiter on Redis. Open it with `db.rateLimiter(name, options)`. */
export class RateLimiter {
  readonly settings: RateLimitSettings;
  private readonly failOpen: false | "allow" | "local";
  private readonly timeoutMs: number;
  private readonly onError: CoordinationErrorHook | undefined;
  private readonly fallback: LocalRateLimiter | undefined;

  /** @internal Use `db.rateLimiter(name, options)`. */
  constructor(
    private readonly host: CoordinationHost,
    /** The limiter's name (a key segment: limiters of different names never share state). */
    readonly name: string,
    options: RateLimiterOptions,
  ) {
    this.settings = rateLimitSettings(options);
    host.keys.rateLimit(name, "k", "sw"); // checks the name now
    const failOpen = options.failOpen ?? false;
    if (![false, true, "allow", "local"].includes(failOpen)) throw new ValidationError({ path: "failOpen", message: `must be false, true, "allow" or "local", got ${String(failOpen)}` });
    this.failOpen = failOpen === true ? "allow" : failOpen;
    this.timeoutMs = durationMs("timeoutMs", options.timeoutMs, DEFAULT_RATE_LIMIT_TIMEOUT_MS);
    this.onError = options.onError;
    this.fallback = this.failOpen === "local" ? new LocalRateLimiter({ ...options, now: options.fallbackNow }) : undefined;
  }

  get algorithm(): RateLimitAlgorithm {
    return this.settings.algorithm;
  }

  /** The Redis key holding `key`'s state under this limiter's algorithm. */
  keyOf(key: string): string {
    return this.host.keys.rateLimit(this.name, key, SUFFIX[this.settings.algorithm]);
  }

  /**
   * Takes `cost` units (default 1) for `key` if the limit allows it; a denied call takes nothing.
   * One script (`rate-limit-sliding-window` / `rate-limit-token-bucket` / `rate-limit-gcra`),
   * settling within `timeoutMs`.
   */
  consume(key: string, cost = 1): Promise<RateLimitDecision> {
    return this.decide(key, cost, true);
  }

  /** Whether `consume(key, cost)` would be allowed now, without taking anything (the same script, read-only mode). */
  peek(key: string, cost = 1): Promise<RateLimitDecision> {
    return this.decide(key, cost, false);
  }

  /** Forgets `key`: all its units are available again (UNLINK; also clears the in-process fallback's state). */
  async reset(key: string): Promise<void> {
    checkCall(this.settings, key, 1);
    this.fallback?.reset(key);
    const redisKey = this.keyOf(key);
    try {
      await runCommand(this.host, "unlink", [redisKey], [redisKey], () => undefined, this.timeoutMs);
    } catch (error) {
      if (!(error instanceof ConnectionError) || !this.failOpen) throw error;
      report(this.onError, error, { operation: "reset", name: this.name, key });
    }
  }

  private async decide(key: string, cost: number, consume: boolean): Promise<RateLimitDecision> {
    const units = checkCall(this.settings, key, cost);
    const redisKey = this.keyOf(key);
    const operation = consume ? "consume" : "peek";
    if (this.failOpen && isDown(this.host)) {
      return this.fail(new ConnectionError(this.host.describeServer(), `${operation}: not connected (client status "${this.host.client.status}")`), key, units, consume);
    }
    const s = this.settings;
    const script = libraryScript(SCRIPTS[s.algorithm]);
    const args =
      s.algorithm === "sliding-window" ? [s.limit, s.windowUs, units, consume ? 1 : 0] : [s.limit, s.windowUs, s.burst, units, consume ? 1 : 0];
    try {
      const raw = await runScript(this.host, script, [redisKey], args, parseRaw(script.name), this.timeoutMs);
      return toDecision(raw, s, "redis");
    } catch (error) {
      if (!(error instanceof ConnectionError) || !this.failOpen) throw error;
      return this.fail(error, key, units, consume);
    }
  }

  /** The fail-open decision, after reporting `error`. */
  private fail(error: ConnectionError, key: string, cost: number, consume: boolean): RateLimitDecision {
    report(this.onError, error, { operation: consume ? "consume" : "peek", name: this.name, key });
    if (this.fallback) return consume ? this.fallback.consume(key, cost) : this.fallback.peek(key, cost);
    const limit = capacity(this.settings);
    return { allowed: true, limit, remaining: limit - cost, resetMs: 0, retryAfterMs: 0, at: Date.now(), source: "fail-open" };
  }
}
