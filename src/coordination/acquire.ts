/**
 * The wait of `acquire()`, shared by the lock and the semaphore. Every attempt is one script
 * with the SAME token, so attempting again is idempotent: an attempt whose reply was lost is
 * settled by the next one (which finds the token already holding, or not). Between attempts
 * the waiter sleeps until a release notification (notifier.ts), the holder's ttl end (the
 * script says when), or a poll (every `pollMs` when notifications flow, else backing off from
 * 5 ms up to `pollMs`), whichever comes first, never past its wait bound.
 *
 * When the wait ends while the outcome of an attempt is unknown (reply lost, no reply in time,
 * aborted mid-flight), the caller may hold the lock without knowing it: a release by token is
 * sent (safe: it deletes only this token's hold, and travels after the attempt on the same
 * connection), and the caller gets a ConnectionError with `mayHaveApplied: true`. Without it,
 * a lock held by nobody would stay taken until its ttl ends.
 */
import { ConnectionError } from "../errors";
import { LockTimeoutError } from "./errors";
import type { CoordinationHost } from "./host";
import type { Listening } from "./notifier";
import { notifierFor } from "./notifier";
import type { LockSettings } from "./options";

/** What one attempt found. */
export interface AttemptResult {
  readonly acquired: boolean;
  /** The fencing token, when acquired. */
  readonly fence: number;
  /** When not acquired: ms until the holder's ttl ends (-1: unknown). */
  readonly retryInMs: number;
}

export interface AcquireSpec {
  readonly host: CoordinationHost;
  readonly name: string;
  readonly channel: string;
  readonly settings: LockSettings;
  readonly waitMs: number;
  readonly signal: AbortSignal | undefined;
  /** One attempt with this acquisition's token, bounded by `timeoutMs`. */
  attempt(timeoutMs: number): Promise<AttemptResult>;
  /** Releases this acquisition's token in the background (the outcome of an attempt is unknown). */
  abandon(): void;
}

/** Rejects with the signal's reason when it aborts first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return abortable(new Promise<void>((resolve) => setTimeout(resolve, ms)), signal);
}

/**
 * Attempts until acquired; no attempt starts after `waitMs`, and each is bounded by `timeoutMs`,
 * so the call settles within `waitMs + timeoutMs` whatever Redis does (within `waitMs` and a
 * round trip when Redis answers). → the fencing token and when the winning attempt was sent.
 */
export async function acquireLoop(spec: AcquireSpec): Promise<{ fence: number; sentAt: number }> {
  const { settings, signal, waitMs } = spec;
  const waitEnd = performance.now() + waitMs;
  const notifier = notifierFor(spec.host);
  let listening: Listening | undefined;
  let notified = false;
  // Others of this process already wait: queue behind them (they are woken first) instead of
  // jumping the line. An attempt still comes first when the wait is 0.
  let queued = waitMs > 0 && notifier.waiting(spec.channel) > 0;
  let uncertain = false;
  let failure: ConnectionError | undefined;
  try {
    for (let round = 0; ; round++) {
      if (signal?.aborted) throw signal.reason;
      if (queued) {
        queued = false;
        listening = notifier.listen(spec.channel);
        const current = listening;
        void current.ready.then((ok) => {
          notified = ok;
        });
        await current.wait(Math.min(settings.pollMs, waitEnd - performance.now()), signal);
      }
      const sentAt = performance.now();
      let result: AttemptResult | undefined;
      try {
        result = await abortable(spec.attempt(settings.timeoutMs), signal);
      } catch (error) {
        if (signal?.aborted && error === signal.reason) {
          uncertain = true; // the attempt is still in flight and may apply
          throw error;
        }
        if (!(error instanceof ConnectionError)) throw error;
        failure = error;
        uncertain ||= error.mayHaveApplied;
      }
      if (result) {
        if (result.acquired) return { fence: result.fence, sentAt };
        // A definite answer with our token: whatever an earlier attempt did, we do not hold it now.
        uncertain = false;
        failure = undefined;
      }
      const left = waitEnd - performance.now();
      if (left <= 0) break;
      if (!listening && result) {
        // Contended: listen for releases. Once the subscription is live the notifier wakes us
        // for one more attempt (a release may have come before it).
        const current = notifier.listen(spec.channel);
        listening = current;
        void current.ready.then((ok) => {
          notified = ok;
        });
      }
      // Woken by releases: poll only as a fallback (lost notifications). Otherwise back off from 5 ms.
      const backoff = (notified ? settings.pollMs : Math.min(settings.pollMs, 5 * 2 ** Math.min(round, 12))) * (0.5 + Math.random() / 2);
      const holderEnds = result && result.retryInMs >= 0 ? result.retryInMs + 1 : Number.POSITIVE_INFINITY;
      const delay = Math.min(left, holderEnds, backoff);
      await (listening ? listening.wait(delay, signal) : sleep(delay, signal));
    }
  } catch (error) {
    if (uncertain) spec.abandon();
    throw error;
  } finally {
    listening?.close();
  }
  if (uncertain) {
    spec.abandon();
    throw new ConnectionError(
      spec.host.describeServer(),
      `acquire "${spec.name}": the outcome of the last attempt is unknown; a release by token was sent, and the lock frees itself after its ttl (${settings.ttlMs} ms) anyway`,
      { mayHaveApplied: true, cause: failure },
    );
  }
  if (failure) throw failure;
  throw new LockTimeoutError(spec.name, waitMs);
}
