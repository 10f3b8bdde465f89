/**
 * A local store bound to the coherence of its Cache: copies are served only while coherent,
 * and a read's value is kept only if nothing spoiled the read (see coherence.ts).
 */
import type { Coherence, ReadTicket } from "./coherence";
import type { Envelope } from "./envelope";
import type { LocalStore } from "./local-store";
import { EVENTS } from "./events";
import type { CacheStats } from "./stats";

export class LocalTier<V> {
  constructor(
    readonly store: LocalStore<V>,
    readonly coherence: Coherence,
  ) {
    coherence.stores.add(store as LocalStore<unknown>);
    coherence.start();
  }

  /** The local copy of `key` while coherent (the hit path). */
  get(key: string): Envelope<V> | undefined {
    if (this.coherence.state !== "up") return undefined;
    return this.store.get(key)?.envelope;
  }

  /** A local hit of the raw API: the copy, counted (hits, localHits) and published on `narwhal:cache:hit`. */
  hit(key: string, counters: CacheStats): Envelope<V> | undefined {
    const entry = this.get(key);
    if (entry === undefined) return undefined;
    counters.hits++;
    counters.localHits++;
    if (EVENTS.hit.hasSubscribers) EVENTS.hit.publish({ key, tier: "local", status: "hit" });
    return entry;
  }

  /** Starts a read whose value may be kept (undefined while not coherent). */
  begin(key: string): ReadTicket | undefined {
    return this.coherence.begin(key);
  }

  /** Ends a read: keeps `envelope` until `expiresAt` (epoch ms; undefined = no Redis expiry) if nothing spoiled it. */
  keep(ticket: ReadTicket | undefined, envelope: Envelope<V> | undefined, expiresAt: number | undefined): void {
    if (ticket === undefined) return;
    if (this.coherence.finish(ticket) && envelope !== undefined) this.store.set(ticket.key, envelope, expiresAt);
  }

  /**
   * Reads `redisKey` with `read` (GET) and `pttl` (PTTL, sent in the same round trip: raw
   * entries do not carry their expiry) and keeps the value until its Redis expiry if nothing
   * spoiled the read. Without coherence, just `read`.
   */
  readThrough(redisKey: string, read: () => Promise<Envelope<V> | undefined>, pttl: () => Promise<number>): Promise<Envelope<V> | undefined> {
    const ticket = this.begin(redisKey);
    if (ticket === undefined) return read();
    const sentAt = Date.now();
    const ttl = pttl();
    return read().then(
      async (entry) => {
        const ms = await ttl;
        this.keep(ticket, entry, entry?.expiresAt ?? (ms >= 0 ? sentAt + ms : ms === -1 ? undefined : 0));
        return entry;
      },
      (error: unknown) => {
        this.abandon(ticket);
        throw error;
      },
    );
  }

  /** Ends a read that failed. */
  abandon(ticket: ReadTicket | undefined): void {
    if (ticket !== undefined) this.coherence.finish(ticket);
  }
}
