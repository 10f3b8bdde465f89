/** Options of `db.synced(name, options)`, checked once (a bad option is a ValidationError naming it). */
import type { Codec } from "../codec";
import { codecs } from "../codec";
import { durationMs, integer } from "../coordination/options";
import { ValidationError } from "../errors";
import type { SyncOverflow } from "./journal";

/** The journal of writes not yet confirmed by Redis. */
export interface SyncedJournalOptions {
  /**
   * A file that keeps journaled writes across a crash of the process (JSON lines, appended
   * before the write resolves; one process per file). Default: memory only.
   */
  readonly path?: string;
  /** The most writes pending at once, journaled or in flight (default 10,000). */
  readonly maxPending?: number;
  /** Beyond `maxPending`: refuse the write with `SyncJournalFullError` (default) or drop the oldest journaled write. */
  readonly overflow?: SyncOverflow;
}

/**
 * Resolves a journaled write that lost to a newer write of another process (see the conflict
 * rule on `Synced`): called with this process's value and Redis's, it returns the value to
 * write (undefined: delete the key), which is written as a new write.
 */
export type SyncMerge<T> = <K extends keyof T & string>(key: K, local: T[K] | undefined, remote: T[K] | undefined) => T[K] | undefined;

/** Options of `db.synced(name, options)`. */
export interface SyncedOptions<T> {
  /** Ms a write or read may wait for Redis before the write is journaled or the read fails (default 500). */
  readonly timeout?: number;
  /** Seconds the namespace lives after its last write (every write restarts it); default: forever. */
  readonly ttl?: number;
  /** The journal (see {@link SyncedJournalOptions}). */
  readonly journal?: SyncedJournalOptions;
  /** Resolves conflicts of journaled writes instead of letting the newer remote write win. */
  readonly merge?: SyncMerge<T>;
  /** Encodes values (default `codecs.json()`; must produce strings). */
  readonly codec?: Codec<unknown>;
  /** Ms Redis remembers an operation id (a replay later than this could apply twice); default 24 h. */
  readonly opRetentionMs?: number;
  /** Operations per replay script call (default 100). */
  readonly batchSize?: number;
}

export interface ResolvedSyncedOptions<T> {
  readonly timeoutMs: number;
  readonly ttlMs: number;
  readonly path: string | undefined;
  readonly maxPending: number;
  readonly overflow: SyncOverflow;
  readonly merge: SyncMerge<T> | undefined;
  readonly codec: Codec<unknown>;
  readonly retentionMs: number;
  readonly batchSize: number;
}

export function resolveSyncedOptions<T>(options: SyncedOptions<T>): ResolvedSyncedOptions<T> {
  const journal = options.journal ?? {};
  if (journal.path !== undefined && (typeof journal.path !== "string" || journal.path === "")) throw new ValidationError({ path: "journal.path", message: "must be a non-empty file path" });
  if (journal.overflow !== undefined && journal.overflow !== "reject" && journal.overflow !== "drop-oldest") {
    throw new ValidationError({ path: "journal.overflow", message: `must be "reject" or "drop-oldest", got ${JSON.stringify(journal.overflow)}` });
  }
  if (options.merge !== undefined && typeof options.merge !== "function") throw new ValidationError({ path: "merge", message: "must be a function" });
  const codec = options.codec ?? codecs.json();
  if (codec.binary) throw new ValidationError({ path: "codec", message: `must encode to strings (${codec.name} is binary)` });
  return {
    timeoutMs: durationMs("timeout", options.timeout, 500),
    ttlMs: Math.round(durationMs("ttl", options.ttl, 0, true) * 1000),
    path: journal.path,
    maxPending: integer("journal.maxPending", journal.maxPending, 1, Number.MAX_SAFE_INTEGER, 10_000),
    overflow: journal.overflow ?? "reject",
    merge: options.merge,
    codec,
    retentionMs: durationMs("opRetentionMs", options.opRetentionMs, 24 * 3600 * 1000),
    batchSize: integer("batchSize", options.batchSize, 1, 10_000, 100),
  };
}
