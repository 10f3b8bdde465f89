/**
 * Wake-ups of waiters (see notifier.ts): each waiter's flag, and the waiters of one channel in
 * this process, of which a release wakes ONE, the longest-waiting, so a release costs one attempt
 * per process instead of one per waiter, and the waiters of one process are served in order.
 */
/** A waiter's wake-up flag: a notification that arrives while nobody waits is kept for the next wait. */
export class Wakeup {
  private flag = false;
  private woken = false;
  private wake: (() => void) | undefined;

  /** True when a notification arrived that no wait has consumed yet. */
  get pending(): boolean {
    return this.flag;
  }

  /** True from a notification until the waiter waits again (it is acting on it meanwhile). */
  get busy(): boolean {
    return this.woken;
  }

  fire(): void {
    this.woken = true;
    if (this.wake) this.wake();
    else this.flag = true;
  }

  wait(ms: number, signal?: AbortSignal): Promise<void> {
    this.woken = this.flag;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.flag) {
      this.flag = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.wake = undefined;
      };
      const onAbort = () => {
        done();
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        done();
        resolve();
      }, Math.max(0, ms));
      this.wake = () => {
        done();
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/** The waiters of one channel in this process, longest-waiting first. */
export class Waiters {
  private readonly set = new Set<Wakeup>();

  get size(): number {
    return this.set.size;
  }

  add(wakeup: Wakeup): void {
    this.set.add(wakeup);
  }

  /** Removes a waiter; a notification it had not consumed goes to the next one. */
  remove(wakeup: Wakeup): void {
    if (this.set.delete(wakeup) && wakeup.pending) this.wakeOne();
  }

  /**
   * Wakes the longest-waiting waiter not already acting on a notification (it stays first until
   * it leaves: first come, first served), so two releases at once wake two waiters.
   */
  wakeOne(): void {
    for (const wakeup of this.set) {
      if (!wakeup.busy) {
        wakeup.fire();
        return;
      }
    }
    this.set.values().next().value?.fire();
  }
}
