/**
 * `LocalRateLimiter`: the three algorithms in process memory, with an injectable clock. It is
 * the fallback of `failOpen: "local"` and a limiter of its own for single-process use. It
 * mirrors the Lua scripts formula for formula (whole µs, the same roundings), so given the
 * same times it makes the same decisions as Redis (pinned by the coordination tests).
 */
import type { LocalRateLimiterOptions, RateLimitDecision, RateLimitSettings, RawDecision } from "./rate-limit-types";
import { checkCall, rateLimitSettings, toDecision } from "./rate-limit-types";
import { integer } from "./options";

interface SlidingState {
  kind: "sw";
  /** µs of each unit in the window, oldest first, from `head` on. */
  stamps: number[];
  head: number;
}
interface BucketState {
  kind: "tb";
  tokens: number;
  period: number;
}
interface GcraState {
  kind: "gcra";
  tat: number;
}
type State = SlidingState | BucketState | GcraState;

/** One sliding-window decision (rate-limit-sliding-window.lua). */
function sliding(s: RateLimitSettings, state: SlidingState, time: number, cost: number, consume: boolean): RawDecision {
  const { limit, windowUs: window } = s;
  let now = time;
  const live = () => state.stamps.length - state.head;
  if (live() > 0 && now <= state.stamps[state.stamps.length - 1]!) now = state.stamps[state.stamps.length - 1]! + 1;
  while (live() > 0 && state.stamps[state.head]! <= now - window) state.head++;
  if (state.head > 1024 && state.head * 2 > state.stamps.length) {
    state.stamps = state.stamps.slice(state.head);
    state.head = 0;
  }
  let count = live();
  if (count + cost <= limit) {
    let last: number | undefined;
    if (consume) {
      for (let i = 0; i < cost; i++) state.stamps.push(now);
      count += cost;
      last = now;
    } else if (count > 0) last = state.stamps[state.stamps.length - 1]!;
    return { allowed: true, remaining: limit - count, resetUs: last === undefined ? 0 : last + window - now, retryUs: 0, nowUs: now };
  }
  const k = count + cost - limit;
  const retry = state.stamps[state.head + k - 1]! + window - now;
  const reset = state.stamps[state.stamps.length - 1]! + window - now;
  return { allowed: false, remaining: limit - count, resetUs: reset, retryUs: retry, nowUs: now };
}

/** One token-bucket decision (rate-limit-token-bucket.lua). */
function bucket(s: RateLimitSettings, state: BucketState | undefined, time: number, cost: number, consume: boolean): { raw: RawDecision; next: BucketState } {
  const { limit, windowUs: window, burst } = s;
  let now = time;
  let period = Math.floor(now / window);
  let tokens = state?.tokens ?? burst;
  const last = state?.period ?? period;
  if (period < last) period = last;
  if (now < period * window) now = period * window;
  tokens = Math.min(burst, tokens + (period - last) * limit);
  const until = (missing: number) => (missing <= 0 ? 0 : (period + Math.ceil(missing / limit)) * window - now);
  if (tokens >= cost) {
    if (consume) tokens -= cost;
    const next = consume ? { kind: "tb" as const, tokens, period } : (state ?? { kind: "tb" as const, tokens, period });
    return { raw: { allowed: true, remaining: tokens, resetUs: until(burst - tokens), retryUs: 0, nowUs: now }, next };
  }
  return { raw: { allowed: false, remaining: tokens, resetUs: until(burst - tokens), retryUs: until(cost - tokens), nowUs: now }, next: state ?? { kind: "tb", tokens: burst, period } };
}

/** One GCRA decision (rate-limit-gcra.lua). */
function gcra(s: RateLimitSettings, state: GcraState | undefined, now: number, cost: number, consume: boolean): { raw: RawDecision; tat: number | undefined } {
  const interval = s.windowUs / s.limit;
  const tau = s.burst * interval + 1;
  let tat = state?.tat ?? now;
  if (tat < now) tat = now;
  const ahead = tat - now + cost * interval;
  const remaining = (at: number) => Math.max(0, Math.floor((tau - (at - now)) / interval));
  if (ahead <= tau) {
    if (consume) tat = Math.ceil(tat + cost * interval);
    return { raw: { allowed: true, remaining: remaining(tat), resetUs: tat - now, retryUs: 0, nowUs: now }, tat: consume ? tat : state?.tat };
  }
  return { raw: { allowed: false, remaining: remaining(tat), resetUs: tat - now, retryUs: Math.ceil(ahead - tau + 1e-6), nowUs: now }, tat: state?.tat };
}

/** A rate limiter in this process's memory (see the module comment). */
export class LocalRateLimiter {
  readonly settings: RateLimitSettings;
  private readonly now: () => number;
  private readonly maxKeys: number;
  private readonly states = new Map<string, State>();

  constructor(options: LocalRateLimiterOptions) {
    this.settings = rateLimitSettings(options);
    this.now = options.now ?? Date.now;
    this.maxKeys = integer("maxKeys", options.maxKeys, 1, Number.MAX_SAFE_INTEGER, 10_000);
  }

  /** Takes `cost` units for `key` if available. */
  consume(key: string, cost = 1): RateLimitDecision {
    return this.decide(key, cost, true);
  }

  /** Whether `consume(key, cost)` would be allowed now, without taking anything. */
  peek(key: string, cost = 1): RateLimitDecision {
    return this.decide(key, cost, false);
  }

  /** Forgets `key` (all its units are available again). */
  reset(key: string): void {
    this.states.delete(key);
  }

  private decide(key: string, cost: number, consume: boolean): RateLimitDecision {
    const units = checkCall(this.settings, key, cost);
    const time = Math.round(this.now() * 1000);
    const s = this.settings;
    const state = this.states.get(key);
    let raw: RawDecision;
    let next: State | undefined;
    if (s.algorithm === "sliding-window") {
      next = state?.kind === "sw" ? state : { kind: "sw", stamps: [], head: 0 };
      raw = sliding(s, next, time, units, consume);
    } else if (s.algorithm === "token-bucket") {
      const r = bucket(s, state?.kind === "tb" ? state : undefined, time, units, consume);
      raw = r.raw;
      next = r.next;
    } else {
      const r = gcra(s, state?.kind === "gcra" ? state : undefined, time, units, consume);
      raw = r.raw;
      next = r.tat === undefined ? undefined : { kind: "gcra", tat: r.tat };
    }
    if (next && consume) {
      // Most recently written last: the first key in the map is the one idle longest.
      this.states.delete(key);
      this.states.set(key, next);
      if (this.states.size > this.maxKeys) this.states.delete(this.states.keys().next().value as string);
    }
    return toDecision(raw, s, "local");
  }
}
