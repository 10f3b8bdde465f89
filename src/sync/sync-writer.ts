/**
 * Sends a synced namespace's writes: at once while connected (one `sync-write` script call per
 * write: one round trip), else into the journal, which is replayed in order, in batches of
 * `batchSize` operations per script call, whenever Redis is reachable again.
 *
 * - A write sent while connected is unconditional (the last writer wins). If its reply does
 *   not come within `timeout`, or the connection drops (it may or may not have run), it joins
 *   the journal at its place in the order, with the same operation id: Redis records every
 *   operation id (for `opRetentionMs`), so replaying one that did run returns its recorded
 *   outcome and applies nothing (house rule 13: never applied twice).
 * - A replayed write is conditional: each field applies only if no other write of it came
 *   after the version the write was based on (see wire.ts `Expectation`).
 * - While anything is journaled or being replayed, new writes go to the journal too, and a
 *   replay waits for writes in flight to settle, so writes reach Redis in the order they were made.
 * - A server that refuses commands for a while (LOADING after a restart, BUSY, CLUSTERDOWN,
 *   TRYAGAIN, MASTERDOWN, READONLY during a failover) counts as unreachable: the write is
 *   journaled. Any other script error rejects the write and undoes it locally.
 */
import { libraryScript } from "../lua/registry";
import { ConnectionError, ScriptError } from "../errors";
import type { CoordinationHost } from "../coordination/host";
import { isDown, runScript } from "../coordination/host";
import type { Journal } from "./journal";
import type { Operation, Outcome } from "./wire";
import { parseWriteReply, writeArgs } from "./wire";

/** What the writer needs from its namespace. */
export interface WriterContext {
  readonly host: CoordinationHost;
  /** KEYS of `sync-write`: data, versions, meta, ops, op times. */
  readonly keys: readonly string[];
  readonly journal: Journal;
  readonly timeoutMs: number;
  readonly ttlMs: number;
  readonly retentionMs: number;
  readonly batchSize: number;
  /** Redis confirmed `op` (`replayed`: from the journal). */
  settled(op: Operation, outcome: Outcome, replayed: boolean): void;
  /** `op` failed with a script error: undo it locally. */
  reverted(op: Operation): void;
  /** A replay failed with an error other than a connection failure (reported, retried later). */
  failed(error: Error): void;
}

/** Error replies of a server that is unavailable for a while (the script did not run): treated like a lost connection. */
const UNAVAILABLE = /^(LOADING|BUSY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY)\b/;

/** True when `error` means "Redis cannot take this write now" rather than "this write is wrong". */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  if (!(error instanceof ScriptError)) return false;
  const cause = (error as { cause?: unknown }).cause;
  return UNAVAILABLE.test(cause instanceof Error ? cause.message : error.message);
}

/** Longest wait between two replay attempts while Redis is unreachable (the client's `ready` also starts one). */
const MAX_RETRY_MS = 250;

export class SyncWriter {
  private readonly inflight = new Set<Promise<void>>();
  private draining: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryMs = 0;
  private closed = false;

  constructor(private readonly ctx: WriterContext) {}

  /** True while the client has a connection (a write is sent rather than journaled). */
  get connected(): boolean {
    return !isDown(this.ctx.host);
  }

  /** Sends or journals `op` (admitted to the journal's bound by the caller); resolves once Redis confirmed it or it is journaled. */
  submit(op: Operation): Promise<void> {
    const { ctx } = this;
    if (this.closed || !this.connected || ctx.journal.size > 0 || this.draining) {
      ctx.journal.add(op);
      this.kick();
      return Promise.resolve();
    }
    const sent = runScript(ctx.host, libraryScript("sync-write"), ctx.keys, writeArgs([op], ctx.ttlMs, ctx.retentionMs, false), (r) => parseWriteReply(r, 1), ctx.timeoutMs).then(
      ([outcome]) => {
        ctx.journal.release();
        ctx.settled(op, outcome!, false);
      },
      (error: unknown) => {
        if (!isUnavailable(error)) {
          ctx.journal.release();
          ctx.reverted(op);
          throw error;
        }
        // Not sent, or sent with its reply lost: journaled with its id (a replay never applies it twice).
        ctx.journal.add(op);
        this.kick();
      },
    );
    const tracked = sent.catch(() => undefined);
    this.inflight.add(tracked);
    void tracked.then(() => this.inflight.delete(tracked));
    return sent;
  }

  /** Replays the journal soon (now when `now`); retried with a backoff up to 250 ms while it fails. */
  kick(now = false): void {
    if (this.closed || this.ctx.journal.size === 0 || this.draining) return;
    if (now && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().then(
        () => (this.retryMs = 0),
        () => {
          this.retryMs = Math.min(MAX_RETRY_MS, Math.max(25, this.retryMs * 2));
          this.kick();
        },
      );
    }, now ? 0 : this.retryMs);
    this.timer.unref?.();
  }

  /** Replays the journal now; resolves when it is empty, rejects with the error that stopped it (then it is retried later). */
  flush(): Promise<void> {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  /** Writes in flight settled (each confirmed or journaled). */
  async settledInflight(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  private async drain(): Promise<void> {
    const { ctx } = this;
    await this.settledInflight();
    while (ctx.journal.size > 0) {
      if (!this.connected) throw new ConnectionError(ctx.host.describeServer(), `${ctx.journal.size} journaled writes not sent: not connected`);
      const batch = ctx.journal.take(ctx.batchSize);
      let outcomes: Outcome[];
      try {
        outcomes = await runScript(ctx.host, libraryScript("sync-write"), ctx.keys, writeArgs(batch, ctx.ttlMs, ctx.retentionMs, true), (r) => parseWriteReply(r, batch.length), ctx.timeoutMs);
      } catch (error) {
        ctx.journal.unmark(batch);
        if (!isUnavailable(error)) ctx.failed(error as Error);
        throw error;
      }
      ctx.journal.settle(batch);
      batch.forEach((op, i) => ctx.settled(op, outcomes[i]!, true));
    }
  }

  /** Stops replaying (the journal stays as it is). */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
