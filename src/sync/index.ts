/** Synced namespaces: `db.synced(name)` (see synced.ts). */
export { Synced } from "./synced";
export type { SyncedKey } from "./synced";
export type { SyncedStatus, SyncedCloseReport } from "./status";
export type { SyncedOptions, SyncedJournalOptions, SyncMerge } from "./options";
export type { SyncOverflow } from "./journal";
export type { SyncedChange, SyncedSettled, SyncedDrop, SyncedEvents } from "./events";
export { SyncJournalFullError } from "./errors";
