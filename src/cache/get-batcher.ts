/**
 * Batches the cache's GETs. A GET requested while no other GET is waiting on Redis goes out
 * at once (a lone caller pays nothing); one requested while others are in flight is queued,
 * and everything queued in that tick is sent on `process.nextTick` as ONE `MGET` (in chunks
 * of 500 keys). Under concurrency this turns N socket writes and N Redis commands into one,
 * which is most of what a cache hit costs.
 * Standalone Redis only: on Cluster the keys of one tick rarely share a slot, so each GET
 * is sent as is.
 */
import type { ClientLike } from "../client";

/** Called with the raw reply of GET (a Buffer or null). */
export type OnReply = (reply: unknown) => void;
/** Called with the client's error. */
export type OnError = (error: unknown) => void;

interface Pending {
  readonly key: string;
  readonly resolve: OnReply;
  readonly reject: OnError;
}

const CHUNK = 500;

/** ioredis's own `getBuffer` skips the generic `call` path (command lookup, flag checks). */
type WithGetBuffer = ClientLike & { getBuffer?: (key: string) => Promise<Buffer | null> };

export class GetBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  /** GETs/MGETs sent and not answered yet. */
  private inflight = 0;
  private readonly single: (key: string) => Promise<unknown>;

  constructor(
    private readonly client: ClientLike,
    private readonly batch: boolean,
  ) {
    const c = client as WithGetBuffer;
    this.single = typeof c.getBuffer === "function" ? (key) => c.getBuffer!(key) : (key) => c.callBuffer("get", key);
  }

  /** Sends GET `key` (batched) and calls back with its raw reply (a Buffer or null). Callbacks, not a promise: this is the hit path. */
  get(key: string, resolve: OnReply, reject: OnError): void {
    if (!this.batch || (this.inflight === 0 && !this.scheduled)) {
      // Nothing else is waiting on Redis: a lone caller's GET goes out at once (no batching cost).
      this.inflight++;
      this.single(key).then(
        (reply) => {
          this.inflight--;
          resolve(reply);
        },
        (error: unknown) => {
          this.inflight--;
          reject(error);
        },
      );
      return;
    }
    // Others are in flight: queue, and send everything queued in this tick as one MGET.
    this.queue.push({ key, resolve, reject });
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    for (let start = 0; start < queue.length; start += CHUNK) {
      const chunk = queue.slice(start, start + CHUNK);
      this.inflight++;
      const sent = chunk.length === 1 ? this.single(chunk[0]!.key).then((reply) => [reply]) : this.client.callBuffer("mget", ...chunk.map((p) => p.key));
      sent.then(
        (replies) => {
          this.inflight--;
          const list = replies as unknown[];
          for (let i = 0; i < chunk.length; i++) chunk[i]!.resolve(list[i] ?? null);
        },
        (error: unknown) => {
          this.inflight--;
          for (const p of chunk) p.reject(error);
        },
      );
    }
  };
}
