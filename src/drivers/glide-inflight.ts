/**
 * GLIDE refuses a request outright while a client already has `inflightRequestsLimit` (default
 * 1000) requests unanswered ("Reached maximum inflight requests"); ioredis and node-redis
 * queue them instead, and narwhal's callers (a burst of cache reads, a bulk load) rely on
 * that. The adapter therefore holds its own requests at the limit: a request past it waits,
 * in order, for one in flight to settle. A GLIDE batch is one request.
 */

/** GLIDE's default `inflightRequestsLimit`. */
export const GLIDE_DEFAULT_INFLIGHT_LIMIT = 1000;

export class InflightGate {
  private inflight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** Runs `request` now when under the limit, else once a request in flight settles (FIFO). */
  run<T>(request: () => Promise<T>): Promise<T> {
    if (this.inflight < this.limit && this.waiting.length === 0) {
      this.inflight++;
      return this.start(request);
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve)).then(() => this.start(request));
  }

  /** Requests in flight and waiting (tests, diagnostics). */
  get load(): { readonly inflight: number; readonly waiting: number } {
    return { inflight: this.inflight, waiting: this.waiting.length };
  }

  /** Sends `request` in a slot already counted in `inflight`. */
  private start<T>(request: () => Promise<T>): Promise<T> {
    let sent: Promise<T>;
    try {
      sent = request();
    } catch (error) {
      this.settle();
      return Promise.reject(error);
    }
    return sent.finally(() => this.settle());
  }

  private settle(): void {
    // The slot passes straight to the next waiter (still counted), so no request that arrives
    // meanwhile can take it and exceed the limit.
    const next = this.waiting.shift();
    if (next) next();
    else this.inflight--;
  }
}
