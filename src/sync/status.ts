/** What a synced namespace reports about itself: `status()` and `close()`. */

/** What `status()` reports. */
export interface SyncedStatus {
  /** True while writes are sent to Redis (the client has a connection). */
  readonly connected: boolean;
  /** True while the mirror may miss changes of other processes (invalidations cannot be received, or not re-read since). */
  readonly stale: boolean;
  /** Writes not yet confirmed by Redis (journaled or in flight). */
  readonly pending: number;
  /** Age in ms of the oldest journaled write (0: none). */
  readonly oldestPendingMs: number;
  /** Writes dropped by `overflow: "drop-oldest"` since the namespace was opened. */
  readonly dropped: number;
  /** The last error not thrown to a caller (a failed replay, a write through `values`), if any. */
  readonly lastError: Error | undefined;
}

/** What `close()` could not do. */
export interface SyncedCloseReport {
  /** Writes that were not confirmed by Redis before closing. */
  readonly unsent: number;
  /** The journal file that keeps them (replayed by the next process that opens the namespace with it), or undefined: they are lost. */
  readonly journalPath: string | undefined;
}
