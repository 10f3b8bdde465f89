/**
 * The subscriber connection of a GLIDE adapter: GLIDE allows pub/sub only on RESP3 and delivers
 * messages to a callback given when the client is created, so SUBSCRIBE runs on a RESP3 client
 * of its own (same addresses, credentials, TLS), with GLIDE's dynamic `subscribe`/`unsubscribe`
 * (GLIDE 2.x; it resubscribes by itself after a reconnect). Used by narwhal's coordination
 * waiters (coordination/subscriber.ts); never for CLIENT TRACKING (glide-invalidation.ts says why).
 */
import type { GlideClientClass, GlideConfig, GlideNative } from "./glide-shape";

/** GLIDE's `ProtocolVersion.RESP3`. */
const PROTOCOL_RESP3 = 0;
/** ms GLIDE waits for a (un)subscription to be confirmed when the configuration names no `requestTimeout`. */
const DEFAULT_CONFIRM_MS = 5000;

interface GlidePubSub extends GlideNative {
  subscribe(channels: Iterable<string>, timeoutMs: number): Promise<void>;
  unsubscribe(channels: Iterable<string>, timeoutMs: number): Promise<void>;
}

interface PubSubMessage {
  readonly channel: string | Buffer;
  readonly message: string | Buffer;
}

export class GlideSubscriber {
  private readonly client: Promise<GlidePubSub>;
  private closed = false;
  private readonly confirmMs: number;

  constructor(clientClass: GlideClientClass, config: GlideConfig, onMessage: (channel: string, message: string) => void) {
    this.confirmMs = config.requestTimeout ?? DEFAULT_CONFIRM_MS;
    const callback = (msg: PubSubMessage) => onMessage(String(msg.channel), String(msg.message));
    this.client = clientClass.createClient({ ...config, protocol: PROTOCOL_RESP3, pubsubSubscriptions: { channelsAndPatterns: {}, callback } }).then((c) => {
      if (this.closed) c.close();
      return c as GlidePubSub;
    });
    // Observed here: a failed creation rejects each subscribe() instead.
    this.client.catch(() => undefined);
  }

  /** SUBSCRIBE `channels`; resolves once GLIDE has them confirmed. */
  async subscribe(channels: readonly string[]): Promise<number> {
    const client = await this.client;
    await client.subscribe(new Set(channels), this.confirmMs);
    return channels.length;
  }

  /** UNSUBSCRIBE `channels`. */
  async unsubscribe(channels: readonly string[]): Promise<number> {
    const client = await this.client;
    await client.unsubscribe(new Set(channels), this.confirmMs);
    return channels.length;
  }

  close(): void {
    this.closed = true;
    this.client.then((c) => c.close(), () => undefined);
  }
}
