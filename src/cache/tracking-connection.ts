/**
 * One invalidation connection: a connection of its own to one Redis server (one per master on
 * Cluster) that asks Redis to broadcast every change of a key under the cache's prefix to it,
 * and listens:
 *
 *   CLIENT ID → CLIENT SETNAME narwhal-tracking
 *             + CLIENT TRACKING on REDIRECT <its own id> BCAST PREFIX <prefix>:<namespace>:
 *             + SUBSCRIBE __redis__:invalidate
 *
 * It speaks RESP2 (`protocol: 2`): ioredis 6 drops RESP3 invalidation pushes, while a RESP2
 * redirect target in pub/sub mode gets each invalidation as a message on
 * `__redis__:invalidate` (the keys, or null for FLUSHALL/FLUSHDB). BCAST, not the default
 * mode, so reads may run on any connection (the Database's, any cluster node's): Redis reports
 * every change of the prefix, whoever made it and whoever read the key.
 *
 * It never reconnects by itself (ioredis's reconnect would come back without tracking): when it
 * closes, it reports `down` at once and a new connection is opened (0 ms, then 25 ms doubling
 * to 2 s while attempts fail). An error reply to the setup (a proxy or a managed Redis that
 * refuses CLIENT TRACKING, an ACL) is `refused`: the caller stops trying. Its socket is unref'd:
 * it never keeps the process alive.
 */
import type { InvalidationClient } from "../client";

export const INVALIDATE_CHANNEL = "__redis__:invalidate";
export const TRACKING_CONNECTION_NAME = "narwhal-tracking";

/**
 * What an invalidation connection needs of its client: an ioredis Redis or a MemoryClient (a
 * duplicate of the Database's client), or narwhal's own Resp2Connection
 * (ClientLike.invalidationConnection, for drivers whose connections cannot receive invalidations).
 */
export type SubscribingClient = InvalidationClient;

export interface TrackingEvents {
  /** Tracking is on and the subscription live: changes made from now on are reported. */
  up(connection: TrackingConnection): void;
  /** The connection closed or failed: changes may go unreported until the next `up`. */
  down(connection: TrackingConnection, error: unknown): void;
  /** The server refused the setup (error reply): no further attempts. */
  refused(connection: TrackingConnection, error: Error): void;
  /** An invalidation message: the keys (Buffers), or null for a flush. */
  message(keys: readonly Buffer[] | null): void;
}

const isReplyError = (e: unknown) => e instanceof Error && (e.name === "ReplyError" || /^(ERR|NOPERM|NOAUTH|WRONGPASS)\b/.test(e.message));

export class TrackingConnection {
  private current: SubscribingClient | undefined;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** True between `up` and the next `down`. */
  live = false;
  /** CLIENT ID of the current connection once known (tests kill it with CLIENT KILL ID). */
  id: number | undefined;

  constructor(
    /** Opens a new connection to this connection's server. */
    private readonly open: () => SubscribingClient,
    private readonly prefix: string,
    private readonly events: TrackingEvents,
  ) {}

  start(): void {
    if (!this.closed && !this.current && this.timer === undefined) this.connect();
  }

  /** The connection's client (tests: CLIENT KILL by id). */
  get client(): SubscribingClient | undefined {
    return this.current;
  }


  /**
   * PING on the live connection (allowed in RESP2 pub/sub mode). Redis answers it behind every
   * invalidation it queued on this connection before reading it, so when it resolves `true`
   * those have been handed to `message`. `false`: not live, or the connection failed first.
   */
  ping(): Promise<boolean> {
    const c = this.current;
    if (!this.live || c === undefined) return Promise.resolve(false);
    return c.call("ping").then(
      () => this.live && this.current === c,
      () => false,
    );
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const c = this.current;
    this.current = undefined;
    this.live = false;
    c?.disconnect();
  }

  private connect(): void {
    let conn: SubscribingClient;
    try {
      conn = this.open();
    } catch (error) {
      this.retry(error);
      return;
    }
    this.current = conn;
    let over = false;
    const lost = (error: unknown) => {
      if (over) return;
      over = true;
      const wasLive = this.live;
      this.live = false;
      this.id = undefined;
      if (this.current === conn) this.current = undefined;
      conn.disconnect();
      if (wasLive || !this.closed) this.events.down(this, error);
      this.retry(error);
    };
    let lastError: unknown;
    conn.on("error", (e: unknown) => (lastError = e));
    conn.on("close", () => lost(lastError ?? new Error("invalidation connection closed")));
    conn.on("end", () => lost(lastError ?? new Error("invalidation connection ended")));
    conn.on("connect", () => {
      const stream = (conn as { stream?: { unref?: () => void; once?: (e: string, f: () => void) => void } }).stream;
      stream?.unref?.();
      // The server's FIN is read (`end`) an event-loop turn or two before ioredis reports `close`:
      // changes made after it are not reported to us, so stop serving local copies at once.
      stream?.once?.("end", () => lost(new Error("invalidation connection closed by the server")));
    });
    conn.on("messageBuffer", (channel: unknown, message: unknown) => {
      if (over || !this.live || String(channel) !== INVALIDATE_CHANNEL) return;
      this.events.message(message === null || message === undefined ? null : Array.isArray(message) ? (message as Buffer[]) : [message as Buffer]);
    });
    const ready = conn.status === "ready" ? Promise.resolve() : new Promise<void>((resolve) => conn.on("ready", () => resolve()));
    ready
      .then(async () => {
        const id = await conn.call("client", "id");
        if (over) return;
        this.id = Number(id);
        const named = conn.call("client", "setname", TRACKING_CONNECTION_NAME);
        const tracking = conn.call("client", "tracking", "on", "redirect", String(id), "bcast", "prefix", this.prefix);
        const subscribed = conn.subscribe(INVALIDATE_CHANNEL);
        await Promise.all([named, tracking, subscribed]);
        if (over || this.closed) return;
        this.attempts = 0;
        this.live = true;
        this.events.up(this);
      })
      .catch((error: unknown) => {
        if (over) return;
        if (isReplyError(error)) {
          over = true;
          this.closed = true;
          this.current = undefined;
          conn.disconnect();
          this.events.refused(this, error as Error);
        } else lost(error);
      });
  }

  private retry(_error: unknown): void {
    if (this.closed) return;
    const delay = this.attempts === 0 ? 0 : Math.min(2000, 25 * 2 ** (this.attempts - 1));
    this.attempts++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) this.connect();
    }, delay);
    this.timer.unref?.();
  }
}
