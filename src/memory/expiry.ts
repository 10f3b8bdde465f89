/**
 * Active expiry: a bounded sweep every 100 ms (unref'd, so it never keeps the process
 * alive) that deletes up to 200 expired keys per database per tick, resuming where the
 * last tick stopped. Lazy expiry (Keyspace.lookup) covers every key that is accessed. Each
 * tick also refreshes the databases' access clock (OBJECT IDLETIME).
 */
import type { Keyspace } from "./keyspace";

const INTERVAL_MS = 100;
const CHECKS_PER_TICK = 200;

export class ActiveExpiry {
  private timer: NodeJS.Timeout | undefined;
  /** Where each database's sweep resumes, with the expiry map it walks (SWAPDB swaps the maps: then it restarts). */
  private readonly cursors = new Map<Keyspace, { map: Keyspace["expires"]; it: Iterator<[string, number]> }>();

  constructor(
    private readonly dbs: readonly Keyspace[],
    private readonly now: () => number,
    /** Also run on every tick (Redis's serverCron work beside expiry: the tracking table's limit). */
    private readonly onTick: () => void = () => undefined,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.sweep();
      this.onTick();
    }, INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One bounded pass over every database. */
  sweep(): void {
    const now = this.now();
    for (const db of this.dbs) {
      db.accessClock = now;
      if (db.expires.size === 0) continue;
      const cursor = this.cursors.get(db);
      let it = cursor?.map === db.expires ? cursor.it : db.expires.entries();
      const expired: string[] = [];
      for (let i = 0; i < CHECKS_PER_TICK; i++) {
        let next = it.next();
        if (next.done) {
          it = db.expires.entries();
          next = it.next();
          if (next.done) break;
        }
        if (next.value[1] <= now) expired.push(next.value[0]);
      }
      this.cursors.set(db, { map: db.expires, it });
      for (const key of expired) db.remove(key);
      if (expired.length > 0) this.cursors.delete(db);
    }
  }
}
