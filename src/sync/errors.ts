/** The synced namespaces' own error (code `SYNC_JOURNAL_FULL`). */
import { NarwhalError } from "../errors";

/**
 * A write was refused: Redis is unreachable (or slower than `timeout`) and the namespace's
 * journal already holds `maxPending` writes not yet confirmed by Redis, with
 * `overflow: "reject"` (the default). Nothing was written, locally or to the journal.
 */
export class SyncJournalFullError extends NarwhalError {
  /** The namespace. */
  readonly namespace: string;
  /** The bound that was reached. */
  readonly maxPending: number;

  constructor(namespace: string, maxPending: number, why = "") {
    super("SYNC_JOURNAL_FULL", `synced "${namespace}": ${maxPending} writes are pending (not yet confirmed by Redis)${why}; this write was refused`);
    this.namespace = namespace;
    this.maxPending = maxPending;
  }
}
