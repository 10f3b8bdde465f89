/**
 * Clients blocked in BLPOP/BRPOP/BLMOVE/BZPOPMIN…: waiters per (db, key), served in FIFO
 * order when a push makes a key ready (after the command, EXEC or script that pushed),
 * or answered with nil when their timeout fires.
 */
import type { Keyspace } from "./keyspace";
import type { Reply } from "./protocol";

interface Waiter {
  readonly owner: object;
  readonly db: Keyspace;
  readonly keys: readonly string[];
  /** Tries to serve from `key`; undefined when it still cannot. */
  readonly serve: (key: string) => Reply | undefined;
  readonly resolve: (reply: Reply) => void;
  timer?: NodeJS.Timeout;
}

export class Blocking {
  /** Runs a waiter's serve on behalf of its owner (the engine makes it the tracking's current client, as Redis's current_client). */
  constructor(private readonly asOwner: <T>(owner: object, serve: () => T) => T = (_owner, serve) => serve()) {}

  private readonly waiters = new Map<Keyspace, Map<string, Waiter[]>>();
  private readonly readyKeys: Array<{ db: Keyspace; key: string }> = [];

  /** Blocks until `serve` answers for one of `keys`, or `timeoutMs` (0 = forever) passes (→ `onTimeout`). */
  block(owner: object, db: Keyspace, keys: readonly string[], timeoutMs: number, serve: (key: string) => Reply | undefined, onTimeout: Reply): Promise<Reply> {
    return new Promise<Reply>((resolve) => {
      const waiter: Waiter = { owner, db, keys, serve, resolve };
      let byKey = this.waiters.get(db);
      if (!byKey) this.waiters.set(db, (byKey = new Map()));
      for (const key of new Set(keys)) {
        const list = byKey.get(key);
        if (list) list.push(waiter);
        else byKey.set(key, [waiter]);
      }
      if (timeoutMs > 0) {
        waiter.timer = setTimeout(() => {
          this.remove(waiter);
          resolve(onTimeout);
        }, timeoutMs);
      }
    });
  }

  /** Records that `key` may serve waiters (cheap when nobody waits). */
  signal(db: Keyspace, key: string): void {
    if (this.waiters.get(db)?.has(key)) this.readyKeys.push({ db, key });
  }

  /** Serves waiters of every ready key. Call after each top-level command. */
  serveReady(): void {
    while (this.readyKeys.length > 0) {
      const { db, key } = this.readyKeys.shift()!;
      const list = this.waiters.get(db)?.get(key);
      if (!list) continue;
      for (const waiter of [...list]) {
        const reply = this.asOwner(waiter.owner, () => waiter.serve(key));
        // Not servable by this key (yet): the next waiter may be (another type, another stream ID).
        if (reply === undefined) continue;
        this.remove(waiter);
        if (waiter.timer) clearTimeout(waiter.timer);
        waiter.resolve(reply);
      }
    }
  }

  /** Unblocks every waiter of `owner` (a closed connection, CLIENT UNBLOCK) with `reply`; false when it waited for nothing. */
  cancel(owner: object, reply: Reply): boolean {
    let found = false;
    for (const byKey of [...this.waiters.values()]) {
      for (const list of [...byKey.values()]) {
        for (const waiter of list.filter((w) => w.owner === owner)) {
          found = true;
          this.remove(waiter);
          if (waiter.timer) clearTimeout(waiter.timer);
          waiter.resolve(reply);
        }
      }
    }
    return found;
  }

  /** Number of blocked clients. */
  get blockedCount(): number {
    const all = new Set<Waiter>();
    for (const byKey of this.waiters.values()) for (const list of byKey.values()) for (const w of list) all.add(w);
    return all.size;
  }

  private remove(waiter: Waiter): void {
    const byKey = this.waiters.get(waiter.db);
    if (!byKey) return;
    for (const key of waiter.keys) {
      const list = byKey.get(key);
      if (!list) continue;
      const i = list.indexOf(waiter);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) byKey.delete(key);
    }
  }
}
