/**
 * One invalidation feed for every synced namespace of a Database: the local cache tier's
 * coherence mechanism (src/cache/coherence.ts: one tracking connection, one per master on
 * Cluster, `CLIENT TRACKING on REDIRECT <id> BCAST PREFIX {<prefix>:sync:` +
 * `SUBSCRIBE __redis__:invalidate`), shared by all namespaces on one client and prefix, so a
 * process with a thousand conversation namespaces still opens one connection per server. Each
 * invalidation of a namespace's meta key (`…}:m`, written by every write, and gone when the
 * namespace expires or is deleted) or a flush is routed to that namespace's mirrors.
 */
import type { ClientLike } from "../client";
import { Coherence } from "../cache/coherence";
import type { CoherenceObserver, CoherenceState } from "../cache/coherence";

/** A mirror as the hub sees it. */
export interface HubMember {
  /** Its namespace's hash tag `{<prefix>:sync:<name>}`. */
  readonly tag: string;
  /** Something in its namespace changed (or everything: a flush). */
  invalidated(): void;
  /** The invalidation feed changed state (`up`: every change is reported from now on). */
  changed(state: CoherenceState): void;
  /** The client's connection is back (`ready`): journaled writes can be replayed. */
  reconnected(): void;
}

interface HubHost {
  readonly client: ClientLike;
  readonly isCluster: boolean;
}

const hubs = new WeakMap<ClientLike, Map<string, SyncHub>>();

export class SyncHub implements CoherenceObserver {
  readonly coherence: Coherence;
  /** The error that made the feed unavailable (a server refusing CLIENT TRACKING), if any. */
  lastError: Error | undefined;
  private readonly members = new Map<string, Set<HubMember>>();
  /** One `ready` listener per hub, not per namespace (a process may open thousands). */
  private readonly onReady = () => {
    for (const set of this.members.values()) for (const m of set) m.reconnected();
  };

  private constructor(
    private readonly host: HubHost,
    readonly prefix: string,
  ) {
    this.coherence = new Coherence({ client: host.client, isCluster: host.isCluster }, prefix, (error) => (this.lastError = error));
    this.coherence.observers.add(this);
    host.client.on("ready", this.onReady);
  }

  /** The hub of `host`'s client for `prefix` (a new one when the last was closed). */
  static of(host: HubHost, prefix: string): SyncHub {
    let byPrefix = hubs.get(host.client);
    if (!byPrefix) hubs.set(host.client, (byPrefix = new Map()));
    let hub = byPrefix.get(prefix);
    if (!hub || hub.coherence.state === "closed") byPrefix.set(prefix, (hub = new SyncHub(host, prefix)));
    return hub;
  }

  /** True while every change is reported. */
  get up(): boolean {
    return this.coherence.state === "up";
  }

  join(member: HubMember): void {
    let set = this.members.get(member.tag);
    if (!set) this.members.set(member.tag, (set = new Set()));
    set.add(member);
    this.coherence.start();
  }

  /** Removes `member`; the feed closes with its last member. */
  leave(member: HubMember): void {
    const set = this.members.get(member.tag);
    set?.delete(member);
    if (set?.size === 0) this.members.delete(member.tag);
    if (this.members.size > 0) return;
    this.coherence.close();
    (this.host.client as unknown as { off?: (event: string, listener: () => void) => void }).off?.("ready", this.onReady);
  }

  invalidated(key: string | null): void {
    if (key === null) {
      for (const set of this.members.values()) for (const m of set) m.invalidated();
      return;
    }
    if (!key.endsWith("}:m")) return;
    const set = this.members.get(key.slice(0, -2));
    if (set) for (const m of set) m.invalidated();
  }

  changed(state: CoherenceState): void {
    for (const set of this.members.values()) for (const m of set) m.changed(state);
  }
}
