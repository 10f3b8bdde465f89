/**
 * Keeps one mirror coherent with Redis: re-reads what changed (one `sync-pull` script) when the
 * invalidation feed reports a change of the namespace, and tracks whether the mirror may be
 * stale.
 *
 * - Pulls are coalesced: at most one in flight, plus one more after it when asked meanwhile (so
 *   a caller that asks after a change always gets a pull that started after that change).
 * - While the feed is not `up` the mirror is marked stale: changes of other processes may be
 *   missed. When the feed is `up` again the whole namespace is re-read (not only what came
 *   after the last version seen): a Redis that restarted without persistence, or a replica
 *   promoted behind its master, may hand out versions the mirror has already seen for other
 *   values, and only a full read catches that. The mirror is fresh again once a pull that
 *   started while the feed was up finishes with the feed still up and not restarted meanwhile.
 */
import type { CoordinationHost } from "../coordination/host";
import { runScript } from "../coordination/host";
import { libraryScript } from "../lua/registry";
import type { CoherenceState } from "../cache/coherence";
import type { SyncHub } from "./hub";
import type { Mirror } from "./mirror";
import { parsePullReply } from "./wire";

/** What the reader needs from its namespace. */
export interface ReaderContext {
  readonly host: CoordinationHost;
  /** KEYS of `sync-pull`: data, versions, meta. */
  readonly keys: readonly [string, string, string];
  readonly mirror: Mirror;
  readonly hub: SyncHub;
  readonly timeoutMs: number;
  /** The visible values of `keys` changed because of what Redis holds. */
  changed(keys: readonly string[]): void;
}

/** Ms between two attempts of a pull that failed while the feed was up. */
const RETRY_MS = 100;

export class MirrorReader {
  /** True while the mirror may miss changes of other processes. */
  stale = true;
  /** Set by `close()`: no more pulls are started. */
  closed = false;
  private feedGeneration = 0;
  private pulling: Promise<void> | undefined;
  private again = false;
  /** The next pull reads the whole namespace. */
  private fullNext = false;

  constructor(private readonly ctx: ReaderContext) {}

  /** Resolves once the feed is up (or refused), or after `ms`. */
  async waitForFeed(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    const { coherence } = this.ctx.hub;
    while (coherence.state !== "up" && coherence.state !== "unavailable" && coherence.state !== "closed" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** The feed changed state: stale while not up; a full re-read once it is up again. */
  feedChanged(state: CoherenceState): void {
    this.feedGeneration++;
    if (state !== "up") {
      this.stale = true;
      return;
    }
    this.fullNext = true;
    this.pullSoon();
  }

  /** Re-reads what changed; rejects (ConnectionError) when Redis does not answer within `timeout`. */
  pull(): Promise<void> {
    if (this.pulling) {
      this.again = true;
      return this.pulling;
    }
    this.pulling = (async () => {
      try {
        do {
          this.again = false;
          await this.pullOnce();
        } while (this.again && !this.closed);
      } finally {
        this.pulling = undefined;
      }
    })();
    return this.pulling;
  }

  /** Pulls in the background; on failure the mirror is stale and the pull is retried (at once when the feed comes back). */
  pullSoon(): void {
    if (this.closed) return;
    this.pull().catch(() => {
      this.stale = true;
      if (this.closed || !this.ctx.hub.up) return; // feedChanged("up") pulls again
      setTimeout(() => this.pullSoon(), RETRY_MS).unref?.();
    });
  }

  private async pullOnce(): Promise<void> {
    const { ctx } = this;
    const generation = this.feedGeneration;
    const wasUp = ctx.hub.up;
    const full = this.fullNext;
    this.fullNext = false;
    let pulled;
    try {
      pulled = await runScript(ctx.host, libraryScript("sync-pull"), ctx.keys, [full ? 0 : ctx.mirror.seen, ctx.mirror.epoch], parsePullReply, ctx.timeoutMs);
    } catch (error) {
      if (full) this.fullNext = true;
      throw error;
    }
    ctx.changed(ctx.mirror.applyPull(pulled));
    if (wasUp && ctx.hub.up && generation === this.feedGeneration) this.stale = false;
  }
}
