/**
 * Deadlines for Redis calls without a timer per call. Arming and clearing a `setTimeout` for
 * every cache hit costs a libuv timer start/stop each time when calls are sequential (a few
 * µs of CPU per hit); instead, pending calls are kept in a set that one shared, unref'd
 * interval checks every {@link RESOLUTION_MS} ms while any call is pending. A deadline thus
 * fires between `ms` and `ms + RESOLUTION_MS` after it was set (never before `ms`).
 */

/** How often pending deadlines are checked. */
export const RESOLUTION_MS = 10;

/** A pending deadline. */
export interface Deadline {
  readonly at: number;
  readonly fire: () => void;
}

const pending = new Set<Deadline>();
let interval: ReturnType<typeof setInterval> | undefined;

function check(): void {
  const now = Date.now();
  for (const d of pending) {
    if (d.at <= now) {
      pending.delete(d);
      d.fire();
    }
  }
  if (pending.size === 0 && interval !== undefined) {
    clearInterval(interval);
    interval = undefined;
  }
}

/** Calls `fire` in `ms` milliseconds (± the resolution) unless {@link clearDeadline} came first. */
export function setDeadline(ms: number, fire: () => void): Deadline {
  // A real clock read per call (tens of ns): a clock cached by the interval would be stale
  // after the event loop was blocked, and deadlines set then would fire early.
  const d: Deadline = { at: Date.now() + ms, fire };
  pending.add(d);
  if (interval === undefined) {
    interval = setInterval(check, RESOLUTION_MS);
    interval.unref?.();
  }
  return d;
}

/** Cancels a deadline (no-op when it already fired). */
export function clearDeadline(d: Deadline): void {
  pending.delete(d);
}
