/**
 * `db.synced(name)`: a namespace of keys shared by every process that opens it, read locally
 * and synchronously from a mirror, written through to Redis, and kept working while Redis is
 * down. See the README section "Synced" for the guarantees in plain words.
 *
 * Storage (keys.ts `synced`): a hash of values, a zset of versions (one per field, assigned by
 * Redis from a per-namespace counter at each write), the counter and epoch, and the recent
 * operation ids, all under the hash tag `{<prefix>:sync:<name>}`.
 *
 * **Conflict rule, per key.** Redis orders the writes it applies; the write with the later
 * version wins. A write sent while connected always applies (the last writer wins). A write
 * that waited in the journal (made while Redis was down or slower than `timeout`) carries the
 * version of the key it was based on, and applies only if nobody else wrote the key since;
 * otherwise it loses to that newer write (the mirror then shows Redis's value, `settled`
 * reports the key in `lost`), unless `merge` is given: it is then called with both values and
 * its result is written. Several offline writes of one key by one process chain: each applies
 * if the one before it did and nothing came between.
 *
 * **Journal.** Writes not confirmed by Redis wait in a journal bounded by `maxPending`
 * (journal.ts: reject or drop the oldest beyond it, never silently), optionally persisted to
 * a file (journal-file.ts), replayed in order and idempotently (sync-writer.ts). What each
 * write expects of the key it changes is decided in field-writes.ts.
 */
import { randomBytes } from "node:crypto";
import type { CoordinationHost } from "../coordination/host";
import { withDeadline } from "../coordination/host";
import { ValidationError } from "../errors";
import type { SyncedEvents } from "./events";
import { SyncedEmitter } from "./events";
import { SyncHub } from "./hub";
import type { HubMember } from "./hub";
import { Journal } from "./journal";
import { JournalFile } from "./journal-file";
import { Mirror } from "./mirror";
import type { ResolvedSyncedOptions, SyncedOptions } from "./options";
import { resolveSyncedOptions } from "./options";
import type { SyncedCloseReport, SyncedStatus } from "./status";
import { MirrorReader } from "./reader";
import { SyncWriter } from "./sync-writer";
import { valuesProxy } from "./values-proxy";
import type { Operation, Outcome } from "./wire";
import { fieldWrites } from "./field-writes";

/** A key of a synced namespace of shape `T`. */
export type SyncedKey<T> = keyof T & string;

/**
 * A synced namespace (`db.synced(name, options)`): `get` is synchronous from the local mirror;
 * `set`/`update`/`delete` are one `sync-write` script each (EVALSHA), or journaled while Redis
 * is unreachable; the mirror re-reads with the `sync-pull` script when CLIENT TRACKING reports
 * a change. The conflict rule and the journal are described at the top of this file.
 */
export class Synced<T extends object = Record<string, unknown>> {
  /** The namespace's hash tag `{<prefix>:sync:<name>}`. */
  readonly tag: string;
  /** Attribute-style access: `mem.values.theme` reads the mirror, `mem.values.theme = "x"` writes (errors: `status().lastError`, `error` event). */
  readonly values: Partial<T>;
  private readonly options: ResolvedSyncedOptions<T>;
  private readonly keyList: readonly string[];
  private readonly journal: Journal;
  private readonly mirror: Mirror;
  private readonly writer: SyncWriter;
  private readonly reader: MirrorReader;
  private readonly hub: SyncHub;
  private readonly member: HubMember;
  private readonly events = new SyncedEmitter<T>();
  private seq = 0;
  private loaded: Promise<void> | undefined;
  private lastError: Error | undefined;
  private closed: SyncedCloseReport | undefined;

  /** @internal Use `db.synced(name, options)`. */
  constructor(
    private readonly host: CoordinationHost,
    /** The namespace's name. */
    readonly name: string,
    options: SyncedOptions<T> = {},
  ) {
    const keys = host.keys.synced(name);
    this.tag = keys.tag;
    this.keyList = [keys.data, keys.versions, keys.meta, keys.ops, keys.opTimes];
    this.options = resolveSyncedOptions(options);
    const file = this.options.path === undefined ? undefined : new JournalFile(this.options.path);
    this.journal = new Journal(name, this.options.maxPending, this.options.overflow, file);
    this.mirror = new Mirror((raw, key) => this.decode(raw, key));
    this.writer = new SyncWriter({
      host,
      keys: this.keyList,
      journal: this.journal,
      timeoutMs: this.options.timeoutMs,
      ttlMs: this.options.ttlMs,
      retentionMs: this.options.retentionMs,
      batchSize: this.options.batchSize,
      settled: (op, outcome, replayed) => this.settled(op, outcome, replayed),
      reverted: (op) => this.changed(this.mirror.settle(op, undefined), "remote"),
      failed: (error) => this.fail(error),
    });
    // Writes a crashed process journaled: shown at once, replayed first.
    const restored = file?.load() ?? [];
    this.journal.restore(restored);
    for (const op of restored) {
      this.mirror.stage(op);
      this.seq = Math.max(this.seq, op.seq + 1);
    }
    this.values = valuesProxy<Partial<T>>(this.mirror.visible, (key, value) => {
      const op = this.stage([[key, value]]);
      if (op) this.writer.submit(op).catch((error: unknown) => this.fail(error as Error));
    });
    this.hub = SyncHub.of(host, host.keys.syncedPrefix());
    this.reader = new MirrorReader({ host, keys: [keys.data, keys.versions, keys.meta], mirror: this.mirror, hub: this.hub, timeoutMs: this.options.timeoutMs, changed: (k) => this.changed(k, "remote") });
    this.member = {
      tag: this.tag,
      invalidated: () => this.reader.pullSoon(),
      changed: (state) => {
        this.reader.feedChanged(state);
        if (state === "up") this.writer.kick(true);
      },
      // The client is back: replay at once (the invalidation feed may take longer to come back).
      reconnected: () => this.writer.kick(true),
    };
    this.hub.join(this.member);
    if (restored.length > 0) this.writer.kick(true);
  }

  /**
   * Resolves once the mirror holds the namespace: waits up to `timeout` for the invalidation
   * feed, then loads everything (one `sync-pull` script: HGETALL-like). When Redis is
   * unreachable it resolves anyway, with `status().stale` true; the load happens on reconnect.
   */
  ready(): Promise<void> {
    this.loaded ??= (async () => {
      await this.reader.waitForFeed(this.options.timeoutMs);
      await this.reader.pull().catch(() => undefined);
    })();
    return this.loaded;
  }

  /** The value of `key` from the mirror, synchronously (undefined: absent). */
  get<K extends SyncedKey<T>>(key: K): T[K] | undefined;
  /** With `{ fresh: true }`: re-reads what changed from Redis first (one `sync-pull`); rejects with ConnectionError when Redis does not answer within `timeout`. */
  get<K extends SyncedKey<T>>(key: K, options: { readonly fresh: true }): Promise<T[K] | undefined>;
  get<K extends SyncedKey<T>>(key: K, options?: { readonly fresh: true }): T[K] | undefined | Promise<T[K] | undefined> {
    if (options === undefined) return this.mirror.visible.get(key) as T[K] | undefined;
    return this.reader.pull().then(() => this.mirror.visible.get(key) as T[K] | undefined);
  }

  /** True when the mirror holds `key`. */
  has(key: SyncedKey<T>): boolean {
    return this.mirror.visible.has(key);
  }

  /** The mirror's keys. */
  keys(): Array<SyncedKey<T>> {
    return [...this.mirror.visible.keys()] as Array<SyncedKey<T>>;
  }

  /** A plain object copy of the mirror. */
  toObject(): Partial<T> {
    return Object.fromEntries(this.mirror.visible) as Partial<T>;
  }

  /**
   * Sets `key`: the mirror shows it at once; one `sync-write` script (one round trip) when
   * connected, else the journal. Resolves when Redis confirmed it or it is journaled (at most
   * `timeout`). Rejects with ValidationError/CodecError for a bad value, SyncJournalFullError
   * when the journal is full (`overflow: "reject"`), ScriptError when Redis refused the script.
   */
  set<K extends SyncedKey<T>>(key: K, value: T[K]): Promise<void> {
    if (value === undefined) return Promise.reject(new ValidationError({ path: "value", message: "must not be undefined (use delete())" }));
    return this.write([[key, value]]);
  }

  /** Sets several keys in one operation (one `sync-write`); a key whose value is undefined is deleted. Shallow: each key's value is replaced. */
  update(values: Partial<T>): Promise<void> {
    if (typeof values !== "object" || values === null) return Promise.reject(new ValidationError({ path: "values", message: "must be an object" }));
    return this.write(Object.entries(values));
  }

  /** Deletes keys in one operation (one `sync-write`). */
  delete(...keys: Array<SyncedKey<T>>): Promise<void> {
    return this.write(keys.map((k) => [k, undefined]));
  }

  /** Listens to `change`, `settled`, `drop` or `error` (see events.ts). */
  on<E extends keyof SyncedEvents<T>>(event: E, listener: SyncedEvents<T>[E]): this {
    this.events.on(event, listener);
    return this;
  }

  off<E extends keyof SyncedEvents<T>>(event: E, listener: SyncedEvents<T>[E]): this {
    this.events.off(event, listener);
    return this;
  }

  status(): SyncedStatus {
    const oldest = this.journal.oldestAt();
    return {
      connected: this.writer.connected,
      stale: this.reader.stale,
      pending: this.journal.pending,
      oldestPendingMs: oldest === undefined ? 0 : Date.now() - oldest,
      dropped: this.journal.dropped,
      lastError: this.lastError,
    };
  }

  /** Sends every pending write now; resolves when Redis confirmed them all, rejects (ConnectionError) when it cannot reach Redis. */
  async flush(): Promise<void> {
    await this.writer.settledInflight();
    await this.writer.flush();
  }

  /** Flushes for at most `timeout`, then stops; says what was not sent and where it is kept. */
  async close(): Promise<SyncedCloseReport> {
    if (this.closed) return this.closed;
    await withDeadline(this.flush(), this.options.timeoutMs, () => new Error("close: flush timed out")).catch(() => undefined);
    this.writer.close();
    this.reader.closed = true;
    this.hub.leave(this.member);
    this.closed = { unsent: this.journal.pending, journalPath: this.journal.pending > 0 ? this.options.path : undefined };
    return this.closed;
  }

  /** @internal The journal's high-water mark (tests: never above `maxPending`). */
  get journalHighWater(): number {
    return this.journal.highWater;
  }

  private write(entries: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
    let op: Operation | undefined;
    try {
      op = this.stage(entries);
    } catch (error) {
      return Promise.reject(error);
    }
    return op ? this.writer.submit(op) : Promise.resolve();
  }

  /** Checks, encodes and shows a write at once; admits it to the journal's bound. Synchronous: throws. */
  private stage(entries: ReadonlyArray<readonly [string, unknown]>): Operation | undefined {
    if (this.closed) throw new ValidationError({ path: "synced", message: `"${this.name}" is closed` });
    if (entries.length === 0) return undefined;
    const fields = fieldWrites(entries, this.options.codec, this.mirror);
    const dropped = this.journal.admit();
    if (dropped) {
      this.changed(this.mirror.settle(dropped, undefined), "remote");
      this.events.emit("drop", { id: dropped.id, keys: dropped.fields.map((f) => f.field) });
    }
    const op: Operation = { id: randomBytes(8).toString("hex"), seq: this.seq++, at: Date.now(), fields };
    this.changed(this.mirror.stage(op), "local");
    return op;
  }

  private settled(op: Operation, outcome: Outcome, replayed: boolean): void {
    this.changed(this.mirror.settle(op, outcome), "remote");
    if (this.events.has("settled")) {
      const entries = op.fields.map((f) => [f.field, f.deleted ? undefined : this.decode(f.raw, f.field)] as const);
      this.events.emit("settled", { id: op.id, keys: op.fields.map((f) => f.field), entries, version: outcome.version, lost: outcome.lost, duplicate: outcome.duplicate, replayed });
    }
    if (outcome.lost.length === 0) return;
    this.reader.pullSoon();
    if (this.options.merge) void this.merge(op, outcome.lost);
  }

  /** Writes `merge(key, local, remote)` for each key `op` lost (unless a later local write of the key is pending). */
  private async merge(op: Operation, lost: readonly string[]): Promise<void> {
    await this.reader.pull().catch(() => undefined);
    const entries: Array<[string, unknown]> = [];
    for (const f of op.fields) {
      if (!lost.includes(f.field) || this.mirror.lastOp(f.field) !== undefined) continue;
      const local = f.deleted ? undefined : this.decode(f.raw, f.field);
      entries.push([f.field, this.options.merge!(f.field as SyncedKey<T>, local as T[SyncedKey<T>], this.mirror.remoteValue(f.field) as T[SyncedKey<T>])]);
    }
    await this.write(entries).catch((error: unknown) => this.fail(error as Error));
  }

  private changed(keys: readonly string[], source: "local" | "remote"): void {
    if (keys.length === 0 || !this.events.has("change")) return;
    for (const key of keys) this.events.emit("change", { key: key as SyncedKey<T>, value: this.mirror.visible.get(key) as T[SyncedKey<T>] | undefined, source });
  }

  private decode(raw: string, key: string): unknown {
    try {
      return this.options.codec.decode(raw);
    } catch (error) {
      this.fail(error as Error);
      return raw;
    }
  }

  private fail(error: Error): void {
    this.lastError = error;
    this.events.emit("error", error);
  }
}
