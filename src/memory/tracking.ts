/**
 * Client-side caching support (Redis 7.0's CLIENT TRACKING) for the embedded engine: the
 * table of keys each tracking client read, the broadcast prefixes, and the invalidation
 * messages, rendered by each client's own endpoint (RESP server connection or MemoryClient).
 *
 * What Redis 7.0 does, and so what this does:
 * - Default mode: a read-only command run by a tracking client (also inside MULTI or a
 *   script it called) remembers its keys; the next change of such a key (write, expiry,
 *   deletion, eviction) sends ONE invalidation naming it and forgets it. OPTIN: only reads
 *   right after `CLIENT CACHING yes`; OPTOUT: all reads except right after `CLIENT CACHING no`.
 * - BCAST: nothing is remembered; every change of a key under one of the client's prefixes
 *   ("" = every key) is sent, batched per prefix, keys sorted and deduplicated, once the
 *   current work is done (Redis: before the event loop sleeps; here: at the next microtask).
 * - NOLOOP: changes made by the tracking client itself are not reported to it.
 * - REDIRECT id: messages go to that client instead: as a push (`>2 invalidate [keys]`) when it
 *   speaks RESP3, as a `message` on `__redis__:invalidate` when it speaks RESP2 and is in
 *   pub/sub mode, and nowhere otherwise. A redirect target that disconnected silently breaks
 *   the stream (RESP3 clients get `tracking-redir-broken`).
 * - FLUSHALL / FLUSHDB send a null invalidation to every tracking client and empty the table.
 *
 * Messages are queued while a command (or a MULTI, a script) runs and delivered at the next
 * microtask, so no client code ever runs inside the engine, and an invalidation never precedes
 * the reply of the command that caused it. Keys evicted before a command runs (maxmemory) are
 * the exception, as in Redis: {@link Tracking.sendBeforeReply} writes them ahead of its reply.
 */
import { Buffer } from "node:buffer";
import type { Session } from "./protocol";
import { limitTable } from "./tracking-limit";

/** How a client receives what the engine pushes to it; attached by the RESP connection or the MemoryClient. */
export interface ClientEndpoint {
  /** An invalidation: the keys (latin1 identities as Buffers), or null for a flush. `redirected`: on behalf of another client. */
  invalidate(keys: readonly Buffer[] | null, redirected: boolean): void;
  /** RESP3 only: the redirect target of this client disconnected. */
  redirectBroken?(id: number): void;
  /** CLIENT KILL: closes the connection. */
  kill(): void;
  /** CLIENT KILL of the calling client itself: closes once this command's reply is sent (Redis's CLOSE_AFTER_REPLY); kill() when absent. */
  killAfterReply?(): void;
  /** `ip:port` (CLIENT KILL ADDR, CLIENT LIST). */
  readonly address?: string;
  /** The server's `ip:port` this client connected to (CLIENT KILL LADDR). */
  readonly localAddress?: string;
  /** True while subscribed to a channel or pattern. */
  readonly subscribed?: boolean;
  /** True when invalidate() only appends to an ordered output and runs no client code, so the engine may call it mid-command. */
  readonly inline?: boolean;
}

/** One client's tracking settings (CLIENT TRACKING ON …). */
export interface TrackingState {
  readonly session: Session;
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING yes/no was given for the next command. */
  caching: boolean;
  brokenRedirect: boolean;
  readonly prefixes: Set<string>;
}

interface Prefix {
  readonly clients: Set<TrackingState>;
  /** Keys changed since the last delivery → the session that changed them (null: expiry). */
  keys: Map<string, Session | null>;
}

/** A message queued for a client: keys, or null (flush). */
type Pending = string[] | null;

export class Tracking {
  /** Open sessions by id (CLIENT KILL, REDIRECT targets), with their endpoints once attached. */
  readonly sessions = new Map<number, { readonly session: Session; endpoint?: ClientEndpoint }>();
  /** Sessions with tracking on. */
  private readonly clients = new Map<number, TrackingState>();
  /** Default mode: key → ids of the clients that read it. */
  private readonly table = new Map<string, Set<number>>();
  /** BCAST: prefix → subscribed clients and the keys changed meanwhile. */
  private readonly prefixTable = new Map<string, Prefix>();
  private readonly queued = new Map<TrackingState, Pending[]>();
  private scheduled = false;
  /** The session whose command is running (NOLOOP). */
  current: Session | undefined;
  /** `tracking-table-max-keys` (Redis's default: a million; 0: no limit). */
  maxKeys = 1_000_000;
  /** The unblocked client being served ({@link servedAs}): its own invalidations wait for its reply. */
  private servedId: number | undefined;
  private readonly afterReply = new Map<TrackingState, Pending[]>();
  /** Runs of {@link limitKeys} that ended still over the limit: each one tries harder. */
  private overLimitRuns = 0;

  /** True when some client has tracking on: every hook returns at once otherwise. */
  get active(): boolean {
    return this.clients.size > 0;
  }

  /** INFO stats `tracking_total_keys`, `tracking_total_items` (key × reader pairs), `tracking_total_prefixes`. */
  counts(): { keys: number; items: number; prefixes: number } {
    let items = 0;
    for (const ids of this.table.values()) items += ids.size;
    return { keys: this.table.size, items, prefixes: this.prefixTable.size };
  }

  open(session: Session): void {
    this.sessions.set(session.id, { session });
  }

  attach(session: Session, endpoint: ClientEndpoint): void {
    const entry = this.sessions.get(session.id);
    if (entry) entry.endpoint = endpoint;
  }

  close(session: Session): void {
    this.sessions.delete(session.id);
    this.disable(session);
  }

  /** The tracking settings of a session (by id: a script's commands run on a copy of its caller's session). */
  state(session: Session): TrackingState | undefined {
    return this.clients.get(session.id);
  }

  /** CLIENT TRACKING ON with already validated options (see client-command.ts). */
  enable(session: Session, options: { redirect: number; bcast: boolean; optin: boolean; optout: boolean; noloop: boolean; prefixes: readonly string[] }): void {
    let state = this.state(session);
    if (!state) {
      state = { session, redirect: 0, bcast: false, optin: false, optout: false, noloop: false, caching: false, brokenRedirect: false, prefixes: new Set() };
      this.clients.set(session.id, state);
    }
    state.redirect = options.redirect;
    state.brokenRedirect = false;
    state.bcast = options.bcast;
    state.optin = options.optin;
    state.optout = options.optout;
    state.noloop = options.noloop;
    if (options.bcast) {
      const prefixes = options.prefixes.length === 0 ? [""] : options.prefixes;
      for (const p of prefixes) {
        if (state.prefixes.has(p)) continue;
        state.prefixes.add(p);
        let entry = this.prefixTable.get(p);
        if (!entry) this.prefixTable.set(p, (entry = { clients: new Set(), keys: new Map() }));
        entry.clients.add(state);
      }
    }
  }

  /** CLIENT TRACKING OFF (and a closing connection). */
  disable(session: Session): void {
    const state = this.state(session);
    if (!state) return;
    for (const p of state.prefixes) {
      const entry = this.prefixTable.get(p);
      entry?.clients.delete(state);
      if (entry && entry.clients.size === 0) this.prefixTable.delete(p);
    }
    this.clients.delete(session.id);
    this.queued.delete(state);
  }

  /** After a read-only command: remember its keys for the (default-mode) tracking client. */
  remember(session: Session, keys: readonly Buffer[]): void {
    const state = this.state(session);
    if (!state || state.bcast) return;
    if ((state.optin && !state.caching) || (state.optout && state.caching)) return;
    for (const k of keys) {
      const key = k.toString("latin1");
      let ids = this.table.get(key);
      if (!ids) this.table.set(key, (ids = new Set()));
      ids.add(session.id);
    }
  }

  /** After any top-level command but CLIENT: CLIENT CACHING applies to one command (or one MULTI). */
  commandDone(session: Session, inMulti: boolean): void {
    if (inMulti) return;
    const state = this.state(session);
    if (state) state.caching = false;
  }

  /** A key changed (signalModifiedKey). `expired`: deleted by expiry, no client did it. */
  modified(key: string, expired: boolean): void {
    const by = expired ? null : this.current ?? null;
    if (this.prefixTable.size > 0) {
      for (const [prefix, entry] of this.prefixTable) if (key.startsWith(prefix)) entry.keys.set(key, by);
      this.schedule();
    }
    this.modifiedInTable(key);
  }

  /** trackingInvalidateKey without the broadcast part: the clients that read `key` are told, the key is forgotten. */
  private modifiedInTable(key: string): void {
    const ids = this.table.get(key);
    if (!ids) return;
    this.table.delete(key);
    for (const id of ids) {
      const target = this.clients.get(id);
      if (!target || target.bcast) continue;
      if (target.noloop && this.current !== undefined && target.session.id === this.current.id) continue;
      this.enqueue(target, [key]);
    }
  }

  /** Redis's trackingLimitUsedSlots (before each command and on the server's cron): see tracking-limit.ts. */
  limitKeys(): void {
    this.overLimitRuns = limitTable(this.table, this.maxKeys, this.overLimitRuns, (key) => this.modifiedInTable(key));
  }

  /**
   * Serves an unblocked client's BLMOVE, BLPOP, XREADGROUP… as Redis does (current_client is
   * the receiver): NOLOOP applies to it, and an invalidation addressed to it (the key its own
   * pop or move changed) is sent after its reply (Redis's tracking_pending_keys), not before.
   */
  servedAs<T>(session: Session, serve: () => T): T {
    const previous = this.current;
    this.current = session;
    this.servedId = session.id;
    try {
      return serve();
    } finally {
      this.current = previous;
      this.servedId = undefined;
    }
  }

  /** FLUSHALL / FLUSHDB: a null invalidation to every tracking client; the table is emptied. */
  flushed(): void {
    // Emptied even with no client tracking now (trackingInvalidateKeysOnFlush): a client that turns
    // tracking back on must not inherit keys it read before the flush.
    this.table.clear();
    if (this.clients.size === 0) return;
    for (const state of this.clients.values()) {
      // FLUSHALL empties 16 databases: one null per client, as Redis sends.
      if (this.queued.get(state)?.at(-1) !== null) this.enqueue(state, null);
    }
  }

  private enqueue(state: TrackingState, message: Pending): void {
    if (state.session.id === this.servedId) {
      // The served client's reply reaches its connection through a promise chain (microtasks): send after those.
      let list = this.afterReply.get(state);
      if (!list) this.afterReply.set(state, (list = []));
      list.push(message);
      if (this.afterReply.size === 1 && list.length === 1) {
        setImmediate(() => {
          for (const [s, messages] of this.afterReply) for (const m of messages) this.push(s, m);
          this.afterReply.clear();
          this.deliver();
        });
      }
      return;
    }
    this.push(state, message);
    this.schedule();
  }

  private push(state: TrackingState, message: Pending): void {
    let list = this.queued.get(state);
    if (!list) this.queued.set(state, (list = []));
    list.push(message);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.deliver());
  }

  /**
   * Redis evicts in processCommand, before the command runs (not yet current_client's executing
   * command), and sends those invalidations at once: the per-key messages queued so far go out now
   * to endpoints that write inline (a RESP connection), ahead of the reply. BCAST waits, as Redis's.
   */
  sendBeforeReply(): void {
    for (const [state, messages] of this.queued) {
      const target = this.sessions.get(state.redirect === 0 ? state.session.id : state.redirect)?.endpoint;
      if (!target?.inline) continue;
      this.queued.delete(state);
      for (const message of messages) this.send(state, message);
    }
  }

  /** Sends everything queued: per-key and flush messages first, then the broadcasts. */
  deliver(): void {
    this.scheduled = false;
    for (const entry of this.prefixTable.values()) {
      if (entry.keys.size === 0) continue;
      const changed = entry.keys;
      entry.keys = new Map();
      const sorted = [...changed.keys()].sort(byBytes);
      for (const state of entry.clients) {
        const keys = state.noloop ? sorted.filter((k) => changed.get(k)?.id !== state.session.id) : sorted;
        if (keys.length > 0) this.push(state, keys);
      }
    }
    const queued = [...this.queued];
    this.queued.clear();
    for (const [state, messages] of queued) for (const message of messages) this.send(state, message);
  }

  private send(state: TrackingState, keys: Pending): void {
    const buffers = keys === null ? null : keys.map((k) => Buffer.from(k, "latin1"));
    if (state.redirect === 0) {
      this.sessions.get(state.session.id)?.endpoint?.invalidate(buffers, false);
      return;
    }
    const target = this.sessions.get(state.redirect)?.endpoint;
    if (!target) {
      state.brokenRedirect = true;
      this.sessions.get(state.session.id)?.endpoint?.redirectBroken?.(state.redirect);
      return;
    }
    target.invalidate(buffers, true);
  }
}

/** Byte order of latin1 identities (Redis's radix tree order). */
function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
