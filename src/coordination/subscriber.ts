/**
 * Release notifications from Redis: one subscriber connection per Database, opened when a
 * waiter first needs it, SUBSCRIBEd to the channel of each lock that has waiters in this
 * process. Like narwhal's other dedicated connections it never resends a command after a
 * reconnect; ioredis re-subscribes by itself, and a notification lost meanwhile only costs a poll.
 *
 * Churn is avoided on purpose: a channel stays subscribed for a moment after its last waiter
 * left (the next contended acquire finds it live), and the connection keeps one anchor
 * subscription for its whole life, so its subscription count never drops to 0 between an
 * UNSUBSCRIBE and a SUBSCRIBE (ioredis leaves subscriber mode at 0, and a SUBSCRIBE racing that
 * exit would leave the channel subscribed on the server with its messages never delivered).
 * The connection closes a moment after its last channel is dropped, or when the client ends.
 */
import type { ClientLike } from "../client";
import { isClusterClient } from "../client";
import { SAFE_CLUSTER_OPTIONS, SAFE_REDIS_OPTIONS } from "../client-safety";
import type { CoordinationHost } from "./host";
import { withDeadline } from "./host";
import type { Listening, Notifier } from "./notifier";
import { Waiters, Wakeup } from "./wakeup";

/** A client in subscriber mode (ioredis `Redis` or `Cluster`). */
interface SubscriberClient extends ClientLike {
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
}

interface Channel {
  readonly waiters: Waiters;
  ready: Promise<boolean>;
  /** Pending unsubscribe of a channel nobody waits on. */
  idle: ReturnType<typeof setTimeout> | undefined;
}

/** How long a SUBSCRIBE may take before waiters fall back to polling. */
const SUBSCRIBE_TIMEOUT_MS = 1000;
/** How long a channel (and then the connection) stays subscribed after its last waiter left. */
const LINGER_MS = 1000;
/** Held for the connection's life: its subscription count never drops to 0. */
const ANCHOR = "narwhal:coordination:anchor";

export class PubSubNotifier implements Notifier {
  readonly publishes = true;
  private connection: SubscriberClient | undefined;
  private readonly channels = new Map<string, Channel>();
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: CoordinationHost) {
    host.client.on("end", () => this.disconnect(true));
  }

  listen(channel: string): Listening {
    if (this.idle !== undefined) clearTimeout(this.idle);
    this.idle = undefined;
    let entry = this.channels.get(channel);
    if (!entry) {
      const created: Channel = { waiters: new Waiters(), ready: Promise.resolve(false), idle: undefined };
      created.ready = this.subscribe(channel, created);
      this.channels.set(channel, (entry = created));
    }
    if (entry.idle !== undefined) clearTimeout(entry.idle);
    entry.idle = undefined;
    const wakeup = new Wakeup();
    entry.waiters.add(wakeup);
    const current = entry;
    return {
      ready: current.ready,
      wait: (ms, signal) => wakeup.wait(ms, signal),
      close: () => this.unlisten(channel, current, wakeup),
    };
  }

  waiting(channel: string): number {
    return this.channels.get(channel)?.waiters.size ?? 0;
  }

  notify(): void {
    // Redis publishes from the release script.
  }

  private subscribe(channel: string, entry: Channel): Promise<boolean> {
    if (this.host.client.status === "end") return Promise.resolve(false);
    const connection = this.connect();
    const subscribed = connection.subscribe(channel).then(() => {
      if (this.channels.get(channel) !== entry) return false;
      // Live from now on: wake a waiter for one more attempt (a release may have come before).
      entry.waiters.wakeOne();
      return true;
    });
    // Observed here too: when the deadline wins, a later rejection (a killed connection) must not go unhandled.
    subscribed.catch(() => undefined);
    return withDeadline(subscribed, SUBSCRIBE_TIMEOUT_MS, () => new Error("SUBSCRIBE timed out")).catch(() => {
      // Notifications cannot flow for now: this entry's waiters poll; a later waiter subscribes again.
      if (this.channels.get(channel) === entry && entry.waiters.size === 0) this.drop(channel, entry);
      else if (this.channels.get(channel) === entry) this.channels.delete(channel);
      return false;
    });
  }

  private unlisten(channel: string, entry: Channel, wakeup: Wakeup): void {
    entry.waiters.remove(wakeup);
    if (entry.waiters.size > 0 || this.channels.get(channel) !== entry || entry.idle !== undefined) return;
    entry.idle = setTimeout(() => this.drop(channel, entry), LINGER_MS);
    entry.idle.unref?.();
  }

  /** Unsubscribes a channel nobody waits on; closes the connection a moment after the last one. */
  private drop(channel: string, entry: Channel): void {
    if (this.channels.get(channel) !== entry || entry.waiters.size > 0) return;
    this.channels.delete(channel);
    this.connection?.unsubscribe(channel).catch(() => undefined);
    if (this.channels.size === 0) {
      this.idle = setTimeout(() => this.disconnect(false), LINGER_MS);
      this.idle.unref?.();
    }
  }

  private connect(): SubscriberClient {
    if (this.connection) return this.connection;
    const client = this.host.client;
    let connection: ClientLike;
    if (isClusterClient(client)) {
      // Cluster.duplicate(startupNodes, options): the first argument is NOT the options.
      const options = (client as unknown as { options?: { redisOptions?: Record<string, unknown> } }).options ?? {};
      connection = client.duplicate([], { ...options, ...SAFE_CLUSTER_OPTIONS, redisOptions: { ...options.redisOptions, commandTimeout: undefined, ...SAFE_REDIS_OPTIONS } });
    } else {
      // autoResubscribe off: ioredis's own resubscription after a reconnect leaves its promise
      // unobserved (an unhandled rejection when that connection is killed again at once); the
      // 'ready' handler below resubscribes with an observed promise instead.
      connection = client.duplicate({ commandTimeout: undefined, ...SAFE_REDIS_OPTIONS, autoResubscribe: false });
    }
    connection.on("error", () => undefined);
    connection.on("message", (channel: unknown) => {
      this.channels.get(String(channel))?.waiters.wakeOne();
    });
    const subscriber = connection as SubscriberClient;
    if (!isClusterClient(client)) {
      let connected = false;
      connection.on("ready", () => {
        if (!connected) {
          connected = true; // the first connection sends the SUBSCRIBEs queued below
          return;
        }
        if (this.connection !== subscriber) return;
        const channels = [...this.channels.keys()];
        subscriber.subscribe(ANCHOR, ...channels).then(
          // Live again: a release may have come while it was down, so one waiter per channel looks again.
          () => channels.forEach((channel) => this.channels.get(channel)?.waiters.wakeOne()),
          () => undefined,
        );
      });
    }
    subscriber.subscribe(ANCHOR).catch(() => undefined);
    this.connection = subscriber;
    return subscriber;
  }

  /** Closes the connection: when idle, or (`ended`) because the Database's client ended. */
  private disconnect(ended: boolean): void {
    if (this.idle !== undefined) clearTimeout(this.idle);
    this.idle = undefined;
    if (this.channels.size > 0) {
      if (!ended) return;
      for (const entry of this.channels.values()) if (entry.idle !== undefined) clearTimeout(entry.idle);
      this.channels.clear();
    }
    this.connection?.disconnect();
    this.connection = undefined;
  }
}
