/**
 * Redis's `client-output-buffer-limit <class> <hard> <soft> <soft-seconds>` for `narwhal
 * serve`: a client whose pending output reaches the hard limit, or stays at or above the
 * soft limit for soft-seconds, is disconnected (checked whenever output is added, as Redis's
 * checkClientOutputBufferLimits). Defaults as Redis 7.0: `normal 0 0 0`, `pubsub 32mb 8mb 60`.
 */

export interface OutputLimit {
  /** Bytes; 0 means no limit. */
  readonly hard: number;
  readonly soft: number;
  readonly softSeconds: number;
}

export interface OutputLimits {
  readonly normal: OutputLimit;
  readonly pubsub: OutputLimit;
}

export const DEFAULT_OUTPUT_LIMITS: OutputLimits = {
  normal: { hard: 0, soft: 0, softSeconds: 0 },
  pubsub: { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 },
};

/**
 * The most a single batch of replies may take when no hard limit applies: past this a reply
 * would not fit a Node buffer anyway (or would double the process), so the client is closed
 * as if a limit were set. Redis has no such cap and grows until the kernel kills it.
 */
export const UNLIMITED_REPLY_CAP = 512 * 1024 * 1024;

/** Redis's memtoull: `123`, `1k` (1000), `1kb` (1024), `1m`, `1mb`, `1g`, `1gb`, case-insensitive. */
export function parseMemory(text: string): number | undefined {
  const m = /^(\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? "b").toLowerCase();
  const mul = { b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 }[unit]!;
  return Number(m[1]) * mul;
}

/**
 * Parses a `client-output-buffer-limit` value: one or more `<class> <hard> <soft> <seconds>`
 * groups (`normal`, `pubsub`; `replica`/`slave` accepted and ignored, there are no replicas).
 * Classes not named keep `base`'s limits. Throws an Error naming the bad part.
 */
export function parseOutputLimits(text: string, base: OutputLimits = DEFAULT_OUTPUT_LIMITS): OutputLimits {
  const words = text.trim().split(/\s+/);
  if (words.length === 0 || words.length % 4 !== 0) throw new Error("client-output-buffer-limit: expected groups of <class> <hard> <soft> <soft-seconds>");
  const out: { normal: OutputLimit; pubsub: OutputLimit } = { ...base };
  for (let i = 0; i < words.length; i += 4) {
    const cls = words[i]!.toLowerCase();
    const hard = parseMemory(words[i + 1]!);
    const soft = parseMemory(words[i + 2]!);
    const softSeconds = Number(words[i + 3]);
    if (hard === undefined || soft === undefined || !/^\d+$/.test(words[i + 3]!)) {
      throw new Error(`client-output-buffer-limit: bad limits for class ${JSON.stringify(words[i])}`);
    }
    const limit = { hard, soft, softSeconds };
    if (cls === "normal") out.normal = limit;
    else if (cls === "pubsub") out.pubsub = limit;
    else if (cls !== "replica" && cls !== "slave") throw new Error(`client-output-buffer-limit: unknown class ${JSON.stringify(words[i])}`);
  }
  return out;
}

/** Per-client state of the soft limit (when the client went over it). */
export class OutputLimitCheck {
  private softSince: number | undefined;

  /** True when `pending` bytes break `limit` now (the caller closes the client). `now`: the clock, read only over the soft limit. */
  exceeded(limit: OutputLimit, pending: number, now: () => number = Date.now): boolean {
    if (limit.hard > 0 && pending >= limit.hard) return true;
    if (limit.soft > 0 && pending >= limit.soft) {
      // The clock is read only here: every flush checks the limit, and a clock read costs more than the rest.
      const at = now();
      if (this.softSince === undefined) this.softSince = at;
      else if (at - this.softSince >= limit.softSeconds * 1000) return true;
      return false;
    }
    this.softSince = undefined;
    return false;
  }
}
