/**
 * Pub/sub for the MemoryClient, as ioredis exposes it: `subscribe`/`psubscribe`/`unsubscribe`/
 * `punsubscribe` resolve the subscription count, `publish` the number of receivers, and
 * messages arrive as `message`/`messageBuffer` and `pmessage`/`pmessageBuffer` events, at the
 * next microtask (never inside the publisher's call). The MemoryClients of one engine share one
 * hub (the RESP server keeps its own for its connections); both receive the engine's keyspace
 * notifications (notify.ts).
 *
 * CLIENT TRACKING invalidations redirected to a subscribed MemoryClient arrive as a
 * `messageBuffer` on `__redis__:invalidate` whose message is the array of keys (null for a
 * flush), as ioredis reports them from a RESP2 connection; a MemoryClient that is not
 * subscribed drops them, as ioredis drops RESP3 invalidation pushes.
 */
import { Buffer } from "node:buffer";
import type { EventEmitter } from "node:events";
import type { Engine } from "./engine";
import { PubSubHub } from "./resp/pubsub";
import type { Subscriber } from "./resp/pubsub";

const hubs = new WeakMap<Engine, PubSubHub>();
const INVALIDATE = "__redis__:invalidate";

function hubOf(engine: Engine): PubSubHub {
  let hub = hubs.get(engine);
  if (!hub) {
    hubs.set(engine, (hub = new PubSubHub()));
    const own = hub;
    // Keyspace notifications reach the MemoryClients as PUBLISH would (the engine holds the listener as long as it lives).
    engine.addPublishListener((channel, message) => own.publish(channel, message));
  }
  return hub;
}

const toBuffer = (v: unknown): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(String(v)));

export class FacadePubSub implements Subscriber {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  private readonly hub: PubSubHub;

  constructor(
    engine: Engine,
    private readonly emitter: EventEmitter,
  ) {
    this.hub = hubOf(engine);
  }

  get subscribed(): boolean {
    return this.channels.size + this.patterns.size > 0;
  }

  /** SUBSCRIBE / PSUBSCRIBE: resolves the number of subscriptions after the last one. */
  subscribe(args: readonly unknown[], pattern: boolean): number {
    for (const name of args.flat()) {
      if (typeof name === "function") continue; // ioredis's optional callback
      this.hub.subscribe(this, toBuffer(name), pattern);
    }
    return this.channels.size + this.patterns.size;
  }

  /** UNSUBSCRIBE / PUNSUBSCRIBE (all of them without arguments). */
  unsubscribe(args: readonly unknown[], pattern: boolean): number {
    const own = pattern ? this.patterns : this.channels;
    const names = args.flat().filter((a) => typeof a !== "function");
    for (const name of names.length > 0 ? names.map(toBuffer) : [...own]) this.hub.unsubscribe(this, name, pattern);
    return this.channels.size + this.patterns.size;
  }

  publish(channel: unknown, message: unknown): number {
    return this.hub.publish(toBuffer(channel), toBuffer(message));
  }

  /** Called by the hub (`message` / `pmessage` frames). */
  deliver(frame: Buffer[]): void {
    queueMicrotask(() => {
      if (frame[0]!.toString() === "pmessage") {
        const [, pattern, channel, message] = frame as [Buffer, Buffer, Buffer, Buffer];
        this.emitter.emit("pmessage", pattern.toString(), channel.toString(), message.toString());
        this.emitter.emit("pmessageBuffer", pattern.toString(), channel, message);
      } else {
        const [, channel, message] = frame as [Buffer, Buffer, Buffer];
        this.emitter.emit("message", channel.toString(), message.toString());
        this.emitter.emit("messageBuffer", channel, message);
      }
    });
  }

  /** A CLIENT TRACKING invalidation redirected to this client (see the module comment). */
  invalidation(keys: readonly Buffer[] | null): void {
    // Already outside the engine (tracking.ts delivers at a microtask): emitted at once.
    if (!this.subscribed) return;
    this.emitter.emit("message", INVALIDATE, keys === null ? "" : keys.map(String).join(","));
    this.emitter.emit("messageBuffer", Buffer.from(INVALIDATE), keys === null ? null : [...keys]);
  }

  /** The client closed: drop every subscription. */
  close(): void {
    this.hub.remove(this);
  }
}
