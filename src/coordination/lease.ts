/**
 * The handle of a held lock or semaphore slot: its token, its fencing token, `extend`,
 * `release`, and `lost`, an AbortSignal that fires as soon as the holder can no longer be sure
 * it holds the lock. The handle keeps a local lease: the lock's ttl, counted from when the
 * acquire (or the last extend) was SENT, less a drift margin. Redis started that ttl no earlier
 * than the send, so the lease ends before the lock can expire on the server, and `lost` fires
 * before anyone else can acquire it. An extend that finds the lock gone fires `lost` at once.
 */
import { ConnectionError } from "../errors";
import { LockLostError } from "./errors";
import type { CoordinationErrorHook } from "./options";
import { report, wholeMs } from "./options";

/** A held lock or semaphore slot. */
export interface LockHandle {
  /** The lock's (or semaphore's) name. */
  readonly name: string;
  /** This acquisition's random token: the value stored in Redis, compared by `extend` and `release`. */
  readonly token: string;
  /**
   * Grows with every acquisition of this lock (semaphore): give it to the resource you protect,
   * which refuses a token lower than one it has already seen, so a holder that lost the lock
   * (paused, partitioned) cannot write after the next holder did.
   */
  readonly fencingToken: number;
  /**
   * Aborts (reason: a `LockLostError`) when the lease ends without a successful extend, or an
   * extend finds the lock expired or taken. Stop touching the resource when it fires. Never
   * fires after `release()`. It fires from a timer, which cannot run while other code runs;
   * `held` (and reading `lost` through the handle) checks the clock, so it is exact at any time.
   */
  readonly lost: AbortSignal;
  /** True until released or lost (checked against the clock at every read). */
  readonly held: boolean;
  /**
   * Restarts the ttl (`ttlMs`, default the lock's) if this token still holds the lock: one
   * script (`lock-extend` / `semaphore`), retried within the lock's `timeoutMs` when a reply is
   * lost (extending is idempotent). Rejects with `LockLostError` (and fires `lost`) when the lock
   * is gone, with `ConnectionError` when Redis could not be reached in time (the lease keeps
   * running down; `lost` fires when it ends).
   */
  extend(ttlMs?: number): Promise<void>;
  /**
   * Releases the lock if this token still holds it (compare-and-delete, one script, retried
   * within `timeoutMs` when a reply is lost: idempotent) and wakes the waiters. Resolves true
   * when released, false when it had already expired or been taken (or was released before).
   * Rejects with `ConnectionError` when Redis could not be reached: the lock then frees itself
   * when its ttl ends.
   */
  release(): Promise<boolean>;
}

/** The Redis side of a handle, provided by the lock or the semaphore. */
export interface LeaseOps {
  readonly name: string;
  readonly ttlMs: number;
  readonly timeoutMs: number;
  /** One extend round trip, bounded by `timeoutMs`: true when still held. */
  extend(token: string, ttlMs: number, timeoutMs: number): Promise<boolean>;
  /** One release round trip, bounded by `timeoutMs`: true when released. */
  release(token: string, timeoutMs: number): Promise<boolean>;
}

/** Margin for clock-rate differences between this process and Redis (as Redlock: 1% + 2 ms). */
export function driftMs(ttlMs: number): number {
  return ttlMs * 0.01 + 2;
}

/**
 * Runs an idempotent call until it gets a reply, within `timeoutMs` in all: retried after a
 * ConnectionError (20 ms, 40 ms, … apart). → its reply, and whether an earlier attempt may have
 * applied. The last ConnectionError when time ran out.
 */
export async function retryIdempotent<T>(call: (timeoutMs: number) => Promise<T>, timeoutMs: number): Promise<{ value: T; uncertain: boolean }> {
  const end = performance.now() + timeoutMs;
  let uncertain = false;
  for (let attempt = 0; ; attempt++) {
    try {
      return { value: await call(Math.max(1, end - performance.now())), uncertain };
    } catch (error) {
      if (!(error instanceof ConnectionError)) throw error;
      uncertain ||= error.mayHaveApplied;
      const pause = Math.min(20 * 2 ** attempt, 200);
      if (performance.now() + pause >= end) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

export class Lease implements LockHandle {
  /** Created when `lost` is first read (an AbortController costs more than the rest of a handle). */
  private controller: AbortController | undefined;
  /** Why the lock was lost, once it was. */
  private lostReason: LockLostError | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` at which the lease ends (the timer fires then, or `held`/`lost` notice first). */
  private deadline = 0;
  private released = false;

  constructor(
    private readonly ops: LeaseOps,
    readonly token: string,
    readonly fencingToken: number,
    /** `performance.now()` when the successful acquire was sent. */
    sentAt: number,
  ) {
    this.arm(sentAt, ops.ttlMs);
  }

  get name(): string {
    return this.ops.name;
  }

  get lost(): AbortSignal {
    this.checkLease();
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.lostReason) this.controller.abort(this.lostReason);
    }
    return this.controller.signal;
  }

  get held(): boolean {
    this.checkLease();
    return !this.released && !this.lostReason;
  }

  /**
   * Fires `lost` now if the lease has ended: a timer cannot run while other code does (say, the
   * continuation of another holder's acquire in this very process), so readers check the clock.
   */
  private checkLease(): void {
    if (!this.released && !this.lostReason && performance.now() >= this.deadline) this.lose(`its ttl ran out before an extend reached Redis`);
  }

  async extend(ttlMs?: number): Promise<void> {
    const ttl = wholeMs("ttlMs", ttlMs, this.ops.ttlMs);
    if (this.lostReason) throw this.lostReason;
    if (this.released) throw new LockLostError(this.name, "it was released");
    const sentAt = performance.now();
    const { value: held } = await retryIdempotent((ms) => this.ops.extend(this.token, ttl, ms), this.ops.timeoutMs);
    if (!held) this.lose("an extend found it expired or taken");
    if (this.lostReason) throw this.lostReason;
    if (!this.released) this.arm(sentAt, ttl);
  }

  async release(): Promise<boolean> {
    if (this.released) return false;
    this.released = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const { value, uncertain } = await retryIdempotent((ms) => this.ops.release(this.token, ms), this.ops.timeoutMs);
    // A first attempt whose reply was lost may have been the one that released it.
    return value || uncertain;
  }

  /** Fires `lost` (once, and never after a release). */
  lose(why: string): void {
    if (this.released || this.lostReason) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.lostReason = new LockLostError(this.name, why);
    this.controller?.abort(this.lostReason);
  }

  private arm(sentAt: number, ttlMs: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.deadline = sentAt + ttlMs - driftMs(ttlMs);
    const left = this.deadline - performance.now();
    this.timer = setTimeout(() => this.lose(`its ttl (${ttlMs} ms) ran out before an extend reached Redis`), Math.max(0, left));
    this.timer.unref?.();
  }
}

/**
 * Extends `handle` every third of its ttl until stopped or lost (for `using()`). A failed extend
 * is reported to `onError` and retried sooner; if none succeeds before the lease ends, `lost` fires.
 */
export function keepAlive(handle: Lease, ttlMs: number, onError: CoordinationErrorHook | undefined): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (ms: number) => {
    if (stopped || !handle.held) return;
    timer = setTimeout(tick, ms);
    timer.unref?.();
  };
  const tick = () => {
    handle.extend().then(
      () => schedule(ttlMs / 3),
      (error: unknown) => {
        if (stopped || error instanceof LockLostError) return;
        report(onError, error as Error, { operation: "extend", name: handle.name });
        schedule(Math.max(1, ttlMs / 10));
      },
    );
  };
  schedule(ttlMs / 3);
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
