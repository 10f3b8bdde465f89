/** The events of a synced namespace, and a small typed emitter for them. */

/** A key of the namespace changed as this process sees it. */
export interface SyncedChange<T> {
  readonly key: keyof T & string;
  /** The new value; undefined when the key was deleted. */
  readonly value: T[keyof T] | undefined;
  /** `local`: a write of this process (shown at once); `remote`: what Redis holds (another writer, a lost conflict, a dropped or failed write). */
  readonly source: "local" | "remote";
}

/** Redis confirmed one operation (a `set`, `update` or `delete`). */
export interface SyncedSettled {
  /** The operation id. */
  readonly id: string;
  readonly keys: readonly string[];
  /** What it wrote: each key with its value (undefined: a delete). */
  readonly entries: ReadonlyArray<readonly [string, unknown]>;
  /** The version it was applied at; 0 when none of its keys applied. */
  readonly version: number;
  /** Keys that lost to a newer write (see the conflict rule). */
  readonly lost: readonly string[];
  /** True when Redis had already applied it before (a replay after a lost reply): not applied again. */
  readonly duplicate: boolean;
  /** True when it was replayed from the journal. */
  readonly replayed: boolean;
}

/**
 * A journaled write dropped by `overflow: "drop-oldest"`: it is not replayed. (A write that
 * was sent while connected and journaled because its reply was lost may have applied anyway;
 * the mirror then shows it once it re-reads.)
 */
export interface SyncedDrop {
  readonly id: string;
  readonly keys: readonly string[];
}

export interface SyncedEvents<T> {
  change: (change: SyncedChange<T>) => void;
  settled: (settled: SyncedSettled) => void;
  drop: (drop: SyncedDrop) => void;
  /** A write that failed for good (a script error: undone locally) or a replay that failed with something other than a lost connection (retried). */
  error: (error: Error) => void;
}

export class SyncedEmitter<T> {
  private readonly listeners = new Map<keyof SyncedEvents<T>, Set<(arg: never) => void>>();

  on<E extends keyof SyncedEvents<T>>(event: E, listener: SyncedEvents<T>[E]): void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (arg: never) => void);
  }

  off<E extends keyof SyncedEvents<T>>(event: E, listener: SyncedEvents<T>[E]): void {
    this.listeners.get(event)?.delete(listener as (arg: never) => void);
  }

  has(event: keyof SyncedEvents<T>): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  /** Calls the listeners of `event`; a listener that throws does not stop the others (its error is rethrown asynchronously). */
  emit<E extends keyof SyncedEvents<T>>(event: E, arg: Parameters<SyncedEvents<T>[E]>[0]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as (a: typeof arg) => void)(arg);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
