/**
 * In-process single flight: concurrent calls for the same key share one promise, so `fn`
 * runs once however many callers miss at the same moment. The owner of a flight ends it as
 * soon as its promise settles (see `wrap.ts`), so a later call starts afresh and a
 * rejection is never reused. Kept closure-free: it sits on the cache hit path.
 */
export class SingleFlight<T = unknown> {
  private readonly flights = new Map<string, Promise<T>>();

  /** Number of keys currently in flight. */
  get size(): number {
    return this.flights.size;
  }

  /** The running flight for `key`, if any. */
  join(key: string): Promise<T> | undefined {
    return this.flights.get(key);
  }

  /** Registers `promise` as the flight for `key` and returns it. */
  start(key: string, promise: Promise<T>): Promise<T> {
    this.flights.set(key, promise);
    return promise;
  }

  /** Ends the flight for `key` (called by its owner once it settled). */
  end(key: string): void {
    this.flights.delete(key);
  }
}
