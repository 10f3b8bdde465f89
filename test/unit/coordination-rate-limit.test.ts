/**
 * The in-process rate limiter (the `failOpen: "local"` fallback, and the twin the Redis scripts
 * are checked against) against oracles over SIMULATED time: random arrivals and costs on an
 * injected clock. Bounds: in any window at most `limit` units (sliding window); in any interval
 * at most `burst` + the refills it contains (token bucket) or `burst` + its length / T (GCRA).
 * The sliding window must also decide exactly as a naive log would. `retryAfterMs` must be
 * honest (a retry then is allowed) and tight (1 ms earlier is not).
 */
import { describe, expect, it } from "vitest";
import { LocalRateLimiter, ValidationError } from "../../src/index";
import type { RateLimitAlgorithm } from "../../src/index";
import { intervalExcess, slidingExcess } from "../support/coordination";
import type { Grant } from "../support/coordination";
import { rng } from "../support/random";

interface Config {
  readonly algorithm: RateLimitAlgorithm;
  readonly limit: number;
  readonly windowMs: number;
  readonly burst?: number;
}

const CONFIGS: Config[] = [
  { algorithm: "sliding-window", limit: 5, windowMs: 1000 },
  { algorithm: "sliding-window", limit: 1, windowMs: 0.25 },
  { algorithm: "sliding-window", limit: 40, windowMs: 60_000 },
  { algorithm: "token-bucket", limit: 3, windowMs: 1000, burst: 7 },
  { algorithm: "token-bucket", limit: 10, windowMs: 333.333 },
  { algorithm: "gcra", limit: 3, windowMs: 1000 },
  { algorithm: "gcra", limit: 7, windowMs: 100, burst: 2 },
  { algorithm: "gcra", limit: 1000, windowMs: 1000, burst: 50 },
];

/** The bound of each algorithm, in µs: → the largest excess of granted units (≤ 0 when it holds). */
function excess(config: Config, grants: Grant[]): number {
  const windowUs = Math.round(config.windowMs * 1000);
  const burst = config.burst ?? config.limit;
  if (config.algorithm === "sliding-window") return slidingExcess(grants, windowUs, config.limit);
  if (config.algorithm === "token-bucket") {
    return intervalExcess(grants, (a, b) => burst + config.limit * (Math.floor(b / windowUs) - Math.floor(a / windowUs)));
  }
  const interval = windowUs / config.limit;
  return intervalExcess(grants, (a, b) => burst + (b - a + 1) / interval + 1e-9);
}

describe("LocalRateLimiter against oracles on simulated time", () => {
  for (const config of CONFIGS) {
    it(`${config.algorithm} limit ${config.limit} / ${config.windowMs} ms${config.burst ? `, burst ${config.burst}` : ""}`, () => {
      const random = rng(config.limit * 1000 + Math.round(config.windowMs));
      const windowUs = Math.round(config.windowMs * 1000);
      let nowUs = 1_700_000_000_000_000 + Math.floor(random() * 1e9);
      const limiter = new LocalRateLimiter({ ...config, now: () => nowUs / 1000 });
      const capacity = config.algorithm === "sliding-window" ? config.limit : (config.burst ?? config.limit);
      const grants: Grant[] = [];
      const naive: Grant[] = [];
      let denied = 0;
      let retries = 0;
      for (let i = 0; i < 3000; i++) {
        // Bursts and lulls: mostly short gaps, sometimes a long one.
        const scale = random() < 0.05 ? windowUs * 2 : windowUs / (config.limit * (0.5 + random() * 2));
        nowUs += Math.max(1, Math.floor(-Math.log(1 - random()) * scale));
        const cost = 1 + Math.floor(random() * Math.min(3, capacity));
        const key = random() < 0.9 ? "a" : "b"; // a second key must not disturb the first
        const peek = limiter.peek(key, cost);
        const d = limiter.consume(key, cost);
        expect(peek.allowed).toBe(d.allowed);
        expect(d.at).toBe(nowUs / 1000);
        if (key !== "a") continue;
        if (config.algorithm === "sliding-window") {
          const used = naive.filter((g) => g.atUs > nowUs - windowUs).reduce((n, g) => n + g.cost, 0);
          expect(d.allowed).toBe(used + cost <= config.limit);
          expect(d.remaining).toBe(config.limit - used - (d.allowed ? cost : 0));
          if (d.allowed) naive.push({ atUs: nowUs, cost });
        }
        expect(d.remaining).toBeGreaterThanOrEqual(0);
        expect(d.remaining).toBeLessThanOrEqual(capacity);
        if (d.allowed) {
          expect(d.retryAfterMs).toBe(0);
          grants.push({ atUs: nowUs, cost });
          continue;
        }
        denied++;
        expect(d.retryAfterMs).toBeGreaterThan(0);
        expect(d.resetMs).toBeGreaterThanOrEqual(d.retryAfterMs);
        if (random() < 0.3) {
          // Tight: one ms earlier it is still denied. Honest: at retryAfterMs it is allowed.
          const at = nowUs;
          nowUs = at + (d.retryAfterMs - 1) * 1000;
          expect(limiter.peek("a", cost).allowed).toBe(false);
          nowUs = at + d.retryAfterMs * 1000;
          const retry = limiter.consume("a", cost);
          expect(retry.allowed).toBe(true);
          grants.push({ atUs: nowUs, cost });
          if (config.algorithm === "sliding-window") naive.push({ atUs: nowUs, cost });
          retries++;
        }
      }
      const worst = excess(config, grants);
      console.log(`[local ${config.algorithm} ${config.limit}/${config.windowMs}ms] grants=${grants.length} denied=${denied} honest retries=${retries} worst excess over the bound=${worst.toFixed(3)}`);
      expect(worst).toBeLessThanOrEqual(0);
      expect(denied).toBeGreaterThan(0);
      expect(grants.length).toBeGreaterThan(100);
    });
  }

  it("a full window back after reset; keys are independent; the oldest keys are forgotten past maxKeys", () => {
    let now = 1_000_000;
    const limiter = new LocalRateLimiter({ limit: 2, windowMs: 1000, now: () => now, maxKeys: 2 });
    expect([limiter.consume("a"), limiter.consume("a"), limiter.consume("a")].map((d) => d.allowed)).toEqual([true, true, false]);
    limiter.reset("a");
    expect(limiter.consume("a").allowed).toBe(true);
    limiter.consume("b");
    limiter.consume("c"); // "a" is now the least recently written of three: forgotten
    expect(limiter.peek("a", 2).allowed).toBe(true);
    now += 1;
    expect(limiter.consume("c").remaining).toBe(0);
  });

  it("bad options and calls are ValidationErrors naming the argument", () => {
    expect(() => new LocalRateLimiter({ limit: 0, windowMs: 1 })).toThrow(/limit/);
    expect(() => new LocalRateLimiter({ limit: 1, windowMs: 0 })).toThrow(/windowMs/);
    expect(() => new LocalRateLimiter({ limit: 1 } as never)).toThrow(/windowMs/);
    expect(() => new LocalRateLimiter({ limit: 1, windowMs: 1, algorithm: "fixed" as never })).toThrow(/algorithm/);
    expect(() => new LocalRateLimiter({ limit: 1, windowMs: 1, burst: 2 })).toThrow(/burst/);
    const limiter = new LocalRateLimiter({ limit: 3, windowMs: 1000, algorithm: "gcra", burst: 2 });
    expect(() => limiter.consume("k", 3)).toThrow(ValidationError);
    expect(() => limiter.consume("k", 0)).toThrow(/cost/);
    expect(() => limiter.consume("", 1)).toThrow(/key/);
  });
});
