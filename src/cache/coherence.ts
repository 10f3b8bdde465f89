/**
 * What keeps a Cache's local tier coherent with Redis, and wakes lock waiters: the Cache's
 * invalidation connections (tracking-connection.ts; one, or one per master on Cluster), the
 * local stores they evict from, the reads in flight, and the rule that no local copy is ever
 * served while Redis might have changed it unreported:
 *
 * - Only while `up` (every invalidation connection live, tracking on) are copies stored or
 *   served. When any of them drops, or the cluster's masters change, every store is emptied
 *   and the tier is bypassed until all are up again.
 * - A read may store its value only if it began while up, in the same generation (bumped by
 *   every down, up and flush), and no invalidation of its key arrived while it was in flight
 *   (the reply and the invalidation travel on different connections, in either order).
 * - Writes through this Cache evict at once (and spoil reads in flight); so do tags.
 * - A server that refuses CLIENT TRACKING (a proxy, a managed Redis) or a cluster that reads
 *   from replicas makes the tier `unavailable`: reported once through `onError`, and the cache
 *   runs without it.
 */
import type { ClientLike } from "../client";
import { CommandError } from "../errors";
import { emit, EVENTS } from "./events";
import type { LocalStore } from "./local-store";
import { TrackingConnection, type SubscribingClient } from "./tracking-connection";
import { openInvalidationConnection, type ClusterLike } from "./invalidation-connection";
import { KeyWaiters, type KeyWait } from "./key-waiters";

export interface CoherenceOwner {
  readonly client: ClientLike;
  readonly isCluster: boolean;
}

/** A read in flight whose value may be stored locally if nothing spoiled it. */
export interface ReadTicket {
  readonly key: string;
  readonly generation: number;
  spoiled: boolean;
}

export type CoherenceState = "idle" | "starting" | "up" | "down" | "unavailable" | "closed";

/**
 * Told of every invalidation and change of state, for users other than local stores (the
 * synced mirrors of src/sync/ keep their values through a `down` and re-read on `up`).
 */
export interface CoherenceObserver {
  /** An invalidation of `key` (null: FLUSHALL/FLUSHDB, every key). */
  invalidated(key: string | null): void;
  /** The state changed to `state`. */
  changed(state: CoherenceState): void;
}

const byClient = new WeakMap<ClientLike, Set<Coherence>>();
/** The started Coherences of each owner (a Database), closed with it by {@link closeCoherencesOf}. */
const byOwner = new WeakMap<object, Set<Coherence>>();

/** Closes the invalidation connections opened for `owner` (`Database.close()`: a client passed in stays open, its connections must not). */
export function closeCoherencesOf(owner: object): void {
  const set = byOwner.get(owner);
  if (!set) return;
  byOwner.delete(owner);
  for (const c of set) c.close();
}

export class Coherence {
  state: CoherenceState = "idle";
  generation = 0;
  readonly stores = new Set<LocalStore<unknown>>();
  /** Told of invalidations and state changes (see {@link CoherenceObserver}). */
  readonly observers = new Set<CoherenceObserver>();
  private readonly reads = new Map<string, Set<ReadTicket>>();
  private readonly waiters = new KeyWaiters();
  private readonly connections = new Map<string, TrackingConnection>();
  /** Removes the listeners {@link start} put on a Cluster client. */
  private detach: (() => void) | undefined;

  constructor(
    private readonly owner: CoherenceOwner,
    /** The BCAST prefix: `<prefix>:<namespace>:`. */
    readonly prefix: string,
    private readonly report: (error: Error) => void,
  ) {}

  /** True while local copies may be stored and served. */
  get up(): boolean {
    return this.state === "up";
  }

  /** Opens the invalidation connections (once). */
  start(): void {
    if (this.state !== "idle") return;
    this.state = "starting";
    const client = this.owner.client;
    let set = byClient.get(client);
    if (!set) {
      byClient.set(client, (set = new Set()));
      const all = set;
      client.on("end", () => {
        for (const c of all) c.close();
        all.clear();
      });
    }
    set.add(this);
    let owned = byOwner.get(this.owner);
    if (!owned) byOwner.set(this.owner, (owned = new Set()));
    owned.add(this);
    if (client.status === "end") return this.close();
    if (!this.owner.isCluster) {
      this.add("server", () => openInvalidationConnection(client));
      return;
    }
    const cluster = client as ClusterLike;
    const scaleReads = cluster.options?.scaleReads;
    if (scaleReads !== undefined && scaleReads !== "master") {
      return this.unavailable(new CommandError("CLIENT TRACKING", `this Cluster reads from replicas (scaleReads: ${JSON.stringify(scaleReads)}), whose values may be older than an invalidation already seen; the local tier needs reads from masters`));
    }
    const reconcile = () => this.reconcile(cluster);
    const events = ["ready", "refresh", "+node", "-node"];
    for (const event of events) client.on(event, reconcile);
    // Removed on close: a client shared by many tiers, opened and closed over its life, would
    // otherwise keep every closed tier's listener (and the tier) alive.
    this.detach = () => {
      for (const event of events) client.off?.(event, reconcile);
    };
    reconcile();
  }

  /** Cluster: one invalidation connection per master; a change of masters is a `down` until all are up. */
  private reconcile(cluster: ClusterLike): void {
    if (this.state === "unavailable" || this.state === "closed") return;
    const masters = new Map<string, ClientLike>(cluster.nodes("master").map((n) => [`${n.options.host}:${n.options.port}`, n]));
    if (masters.size === 0) return;
    const same = masters.size === this.connections.size && [...masters.keys()].every((k) => this.connections.has(k));
    if (same) return;
    this.setDown("the cluster's masters changed");
    for (const [name, connection] of this.connections) {
      if (masters.has(name)) continue;
      connection.close();
      this.connections.delete(name);
    }
    for (const [name, node] of masters) {
      if (!this.connections.has(name)) this.add(name, () => openInvalidationConnection(node));
    }
  }

  private add(name: string, open: () => SubscribingClient): void {
    const connection = new TrackingConnection(open, this.prefix, {
      up: () => {
        if (this.state === "closed" || this.state === "unavailable") return;
        for (const c of this.connections.values()) if (!c.live) return;
        this.state = "up";
        this.generation++;
        emit(EVENTS.tracking, () => ({ prefix: this.prefix, state: "up" }));
        this.notify();
      },
      down: (_c, error) => this.setDown(error),
      refused: (_c, error) => this.unavailable(new CommandError("CLIENT TRACKING", `the server refused client-side caching (${error.message}); the local tier is off`, { cause: error })),
      message: (keys) => this.invalidate(keys),
    });
    this.connections.set(name, connection);
    connection.start();
  }

  /** @internal The invalidation connections: `server` ("server", or a master's "host:port") and CLIENT ID when connected (tests). */
  connectionInfo(): Array<{ readonly server: string; readonly id: number | undefined; readonly live: boolean }> {
    return [...this.connections].map(([server, c]) => ({ server, id: c.id, live: c.live }));
  }

  private setDown(reason: unknown): void {
    if (this.state === "unavailable" || this.state === "closed" || this.state === "idle") return;
    this.state = "down";
    this.flushAll();
    emit(EVENTS.tracking, () => ({ prefix: this.prefix, state: "down", reason }));
    this.notify();
  }

  private unavailable(error: Error): void {
    if (this.state === "unavailable" || this.state === "closed") return;
    this.state = "unavailable";
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
    this.flushAll();
    emit(EVENTS.tracking, () => ({ prefix: this.prefix, state: "unavailable", reason: error }));
    this.notify();
    this.report(error); // once: this state is final
  }

  private notify(): void {
    for (const o of this.observers) o.changed(this.state);
  }

  /** Empties every store, spoils every read in flight, wakes every waiter. */
  private flushAll(): void {
    this.generation++;
    for (const store of this.stores) store.clear();
    for (const tickets of this.reads.values()) for (const t of tickets) t.spoiled = true;
    this.waiters.wakeAll();
  }

  /** Starts a read whose value may be kept locally; undefined while not up (then it must not be). */
  begin(key: string): ReadTicket | undefined {
    if (this.state !== "up") return undefined;
    const ticket: ReadTicket = { key, generation: this.generation, spoiled: false };
    let set = this.reads.get(key);
    if (!set) this.reads.set(key, (set = new Set()));
    set.add(ticket);
    return ticket;
  }

  /** Ends a read: true when its value may be stored locally. */
  finish(ticket: ReadTicket): boolean {
    const set = this.reads.get(ticket.key);
    if (set) {
      set.delete(ticket);
      if (set.size === 0) this.reads.delete(ticket.key);
    }
    return !ticket.spoiled && ticket.generation === this.generation && this.state === "up";
  }

  /** Writes of this process: drop the copies, spoil reads in flight (nothing to do before the tier starts). */
  evictKeys(keys: string | readonly string[]): void {
    if (this.state === "idle") return;
    if (typeof keys === "string") this.evict(keys);
    else for (const k of keys) this.evict(k);
  }

  /** Runs a write of `keys`: local copies are dropped when it is sent and again when it is answered (a read that ran in between may have kept one). */
  evicting<T>(keys: string | readonly string[], write: () => Promise<T>): Promise<T> {
    this.evictKeys(keys);
    return write().then(
      (value) => {
        this.evictKeys(keys);
        return value;
      },
      (error: unknown) => {
        this.evictKeys(keys);
        throw error;
      },
    );
  }

  /** A write through this process: drop the copies, spoil reads in flight. */
  evict(key: string): void {
    for (const store of this.stores) store.delete(key);
    const tickets = this.reads.get(key);
    if (tickets) for (const t of tickets) t.spoiled = true;
  }

  /** An invalidation from Redis (null: FLUSHALL/FLUSHDB). */
  invalidate(keys: readonly Buffer[] | null): void {
    if (keys === null) {
      this.flushAll();
      for (const o of this.observers) o.invalidated(null);
      emit(EVENTS.invalidate, () => ({ prefix: this.prefix, keys: null }));
      return;
    }
    for (const k of keys) {
      const key = Buffer.isBuffer(k) ? k.toString("utf8") : String(k);
      this.evict(key);
      this.waiters.wake(key);
      for (const o of this.observers) o.invalidated(key);
    }
    emit(EVENTS.invalidate, () => ({ prefix: this.prefix, keys: keys.map(String) }));
  }

  /**
   * Resolves at the next invalidation of one of `keys` (a write, a delete, a lock release), a
   * change of state, or after `ms`. Register BEFORE checking what you wait for.
   */
  waitFor(keys: readonly string[]): KeyWait {
    return this.waiters.waitFor(keys);
  }

  /**
   * Resolves once every invalidation Redis queued before this call has been applied: a PING on
   * each invalidation connection, answered behind them (tracking-connection.ts `ping`). For a
   * reader that heard of another process's write on a channel of its own (IPC, an HTTP request),
   * which can arrive before Redis's invalidation. When not up there is nothing local to serve;
   * a connection that fails or stays silent for `maxMs` empties the local stores instead, so
   * nothing older than the call is served either way.
   */
  async barrier(maxMs = 1000): Promise<void> {
    if (this.state !== "up") return;
    const generation = this.generation;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const silent = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), maxMs)));
    const answered = Promise.all([...this.connections.values()].map((c) => c.ping())).then((all) => all.every(Boolean));
    const ok = await Promise.race([answered, silent]);
    clearTimeout(timer);
    if (!ok && this.generation === generation && this.state === "up") this.flushAll();
  }

  /** Closes the invalidation connections; the tier is off for good. */
  close(): void {
    byOwner.get(this.owner)?.delete(this);
    if (this.state === "closed") return;
    this.state = "closed";
    this.detach?.();
    this.detach = undefined;
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
    this.flushAll();
    this.notify();
    byClient.get(this.owner.client)?.delete(this);
  }
}
