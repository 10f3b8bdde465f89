/** WATCH bookkeeping shared by the engine and the transaction commands. */
import type { ClientState } from "./command";
import type { Keyspace } from "./keyspace";

export function newClientState(): ClientState {
  return { multi: null, multiError: false, dirty: false, watching: [] };
}

export function watchKey(client: ClientState, db: Keyspace, key: string, now: number): void {
  if (client.watching.some((w) => w.db === db && w.key === key)) return;
  const at = db.expires.get(key);
  client.watching.push({ db, key, expired: db.data.has(key) && at !== undefined && at <= now });
  let set = db.watched.get(key);
  if (!set) db.watched.set(key, (set = new Set()));
  set.add(client);
}

export function unwatchAll(client: ClientState): void {
  for (const { db, key } of client.watching) {
    const set = db.watched.get(key);
    set?.delete(client);
    if (set && set.size === 0) db.watched.delete(key);
  }
  client.watching.length = 0;
  client.dirty = false;
}

/** Marks clients watching `key` dirty, except where an already-expired key was merely deleted. */
export function touchWatchers(db: Keyspace, key: string): void {
  for (const client of db.watched.get(key) ?? []) {
    const entry = client.watching.find((w) => w.db === db && w.key === key);
    if (entry?.expired && !db.data.has(key)) {
      entry.expired = false;
      continue;
    }
    client.dirty = true;
  }
}

/** EXEC-time check: a watched key that was live at WATCH and is logically expired now. */
export function watchedKeyExpired(client: ClientState, now: number): boolean {
  return client.watching.some(({ db, key, expired }) => {
    if (expired) return false;
    const at = db.expires.get(key);
    return db.data.has(key) && at !== undefined && at <= now;
  });
}
