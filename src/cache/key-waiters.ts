/**
 * The callbacks waiting for a key to be invalidated: lock waiters of memo.ts that sleep until
 * the lock's key changes instead of polling. coherence.ts owns one set per Cache and wakes it
 * from the invalidations of its tracking connections (and wakes all of it on any change of
 * state, so that no waiter sleeps through a lost invalidation).
 */

type Waiter = () => void;

/** One registration of {@link KeyWaiters.waitFor}. */
export interface KeyWait {
  /** Settles at the first wake-up (or at the timer of `wait`). */
  readonly promise: Promise<void>;
  /** Arms a timer of `ms` and resolves at the first of it and a wake-up, then unregisters. */
  wait(ms: number): Promise<void>;
  /** Unregisters without waiting. */
  cancel(): void;
}

/** Waiters by key. */
export class KeyWaiters {
  private readonly byKey = new Map<string, Set<Waiter>>();

  /** Wakes the waiters of `key` (an invalidation of it). */
  wake(key: string): void {
    const set = this.byKey.get(key);
    if (set) for (const wake of set) wake();
  }

  /** Wakes every waiter (a flush, or a change of state). */
  wakeAll(): void {
    for (const set of this.byKey.values()) for (const wake of set) wake();
  }

  /**
   * Resolves at the next invalidation of one of `keys` (a write, a delete, a lock release), a
   * change of state, or after `ms`. Register BEFORE checking what you wait for.
   */
  waitFor(keys: readonly string[]): KeyWait {
    let wake!: Waiter;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    for (const key of keys) {
      let set = this.byKey.get(key);
      if (!set) this.byKey.set(key, (set = new Set()));
      set.add(wake);
    }
    const cancel = () => {
      if (timer !== undefined) clearTimeout(timer);
      for (const key of keys) {
        const set = this.byKey.get(key);
        set?.delete(wake);
        if (set?.size === 0) this.byKey.delete(key);
      }
    };
    return {
      promise,
      wait: (ms) => {
        timer = setTimeout(wake, ms);
        return promise.finally(cancel);
      },
      cancel,
    };
  }
}
