/**
 * How waiters learn that a lock or semaphore slot was released, so they retry at once instead
 * of polling: on Redis, the release script PUBLISHes on the lock's channel and a subscriber
 * connection (subscriber.ts) wakes the waiters of this process; on the embedded engine, whose
 * clients all live in this process, the releasing call wakes them directly. Either way a lost
 * notification only costs latency: waiters also retry when the holder's ttl ends, and poll.
 */
import type { Engine } from "../memory/engine";
import type { CoordinationHost } from "./host";
import { memoryEngine } from "./host";
import { PubSubNotifier } from "./subscriber";
import { Waiters, Wakeup } from "./wakeup";

/** One waiter's subscription to a channel. */
export interface Listening {
  /** Resolves true once notifications flow, false when they cannot (the waiter then polls). Never rejects. */
  readonly ready: Promise<boolean>;
  /**
   * Resolves after a notification (one that arrived since the previous wait counts), or after
   * `ms`; rejects with the signal's reason when it aborts.
   */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  /** Stops listening. */
  close(): void;
}

/** Where waiters listen and releasers notify. */
export interface Notifier {
  /** True when the release scripts must PUBLISH (a Redis server); false: call {@link notify} after a release. */
  readonly publishes: boolean;
  listen(channel: string): Listening;
  /** How many of this process's acquire() calls wait on `channel` now. */
  waiting(channel: string): number;
  /** Wakes this process's waiters on `channel` (the embedded engine). */
  notify(channel: string): void;
}

/** Waiters of clients of one embedded engine, woken in-process. */
class LocalNotifier implements Notifier {
  readonly publishes = false;
  private readonly channels = new Map<string, Waiters>();

  listen(channel: string): Listening {
    let waiters = this.channels.get(channel);
    if (!waiters) this.channels.set(channel, (waiters = new Waiters()));
    const wakeup = new Wakeup();
    waiters.add(wakeup);
    return {
      ready: Promise.resolve(true),
      wait: (ms, signal) => wakeup.wait(ms, signal),
      close: () => {
        waiters.remove(wakeup);
        if (waiters.size === 0 && this.channels.get(channel) === waiters) this.channels.delete(channel);
      },
    };
  }

  waiting(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }

  notify(channel: string): void {
    this.channels.get(channel)?.wakeOne();
  }
}

const byEngine = new WeakMap<Engine, LocalNotifier>();
const byHost = new WeakMap<CoordinationHost, Notifier>();

/** The notifier of `host`: one per embedded engine (shared by its clients), one subscriber per Database otherwise. */
export function notifierFor(host: CoordinationHost): Notifier {
  let notifier = byHost.get(host);
  if (notifier) return notifier;
  const engine = memoryEngine(host);
  if (engine) {
    let local = byEngine.get(engine);
    if (!local) byEngine.set(engine, (local = new LocalNotifier()));
    notifier = local;
  } else {
    notifier = new PubSubNotifier(host);
  }
  byHost.set(host, notifier);
  return notifier;
}
