/**
 * The bounded journal of one synced namespace: the writes not yet confirmed by Redis, in the
 * order they were made, replayed in that order (sync-writer.ts).
 *
 * The bound, `maxPending`, counts every write not yet confirmed: the journaled ones and the ones
 * in flight to Redis (each of which comes back to the journal if its reply does not arrive), so
 * the journal can never hold more than `maxPending`. A write beyond the bound is refused with a
 * {@link SyncJournalFullError} (`overflow: "reject"`, the default) or makes room by dropping the
 * oldest journaled write not being replayed (`overflow: "drop-oldest"`): the mirror then shows
 * Redis's value again for its keys, `status().dropped` counts it and a `drop` event names it.
 * Never silent either way.
 */
import { SyncJournalFullError } from "./errors";
import type { JournalFile } from "./journal-file";
import type { Operation } from "./wire";

/** What to do with a write beyond `maxPending`. */
export type SyncOverflow = "reject" | "drop-oldest";

export class Journal {
  /** Journaled operations, by `seq`. */
  private readonly ops: Operation[] = [];
  /** Ids of operations in a replay batch now (never dropped). */
  private readonly sending = new Set<string>();
  /** Writes in flight outside the journal (each may come back into it). */
  private reserved = 0;
  /** Operations dropped by `overflow: "drop-oldest"`. */
  dropped = 0;
  /** The most the journal ever held (tests assert it never exceeds the bound). */
  highWater = 0;

  constructor(
    private readonly namespace: string,
    readonly maxPending: number,
    readonly overflow: SyncOverflow,
    private readonly file: JournalFile | undefined,
  ) {}

  /** Journaled operations. */
  get size(): number {
    return this.ops.length;
  }

  /** Writes not yet confirmed: journaled plus in flight. */
  get pending(): number {
    return this.ops.length + this.reserved;
  }

  /** Epoch ms of the oldest journaled operation. */
  oldestAt(): number | undefined {
    let oldest: number | undefined;
    for (const op of this.ops) if (oldest === undefined || op.at < oldest) oldest = op.at;
    return oldest;
  }

  /** The journaled operations, oldest first (a copy). */
  list(): Operation[] {
    return [...this.ops];
  }

  /**
   * Makes room for one more pending write and counts it as in flight: returns the operation
   * dropped to make room, if any. Throws {@link SyncJournalFullError} when the write is refused.
   */
  admit(): Operation | undefined {
    let victim: Operation | undefined;
    if (this.pending >= this.maxPending) {
      if (this.overflow === "reject") throw new SyncJournalFullError(this.namespace, this.maxPending);
      victim = this.ops.find((op) => !this.sending.has(op.id));
      if (!victim) throw new SyncJournalFullError(this.namespace, this.maxPending, ", none of them droppable (all in flight)");
      this.drop(victim);
    }
    this.reserved++;
    return victim;
  }

  /** A write admitted by {@link admit} was confirmed or failed: no longer in flight. */
  release(): void {
    this.reserved--;
  }

  /** Journals an operation admitted by {@link admit} (no longer in flight), persisted before this returns. */
  add(op: Operation): void {
    this.reserved--;
    this.insert(op);
    this.file?.append(op);
  }

  /** Puts back operations loaded from the file (not appended again). */
  restore(ops: readonly Operation[]): void {
    for (const op of ops) this.insert(op);
  }

  private insert(op: Operation): void {
    let at = this.ops.length;
    while (at > 0 && this.ops[at - 1]!.seq > op.seq) at--;
    this.ops.splice(at, 0, op);
    this.highWater = Math.max(this.highWater, this.pending);
  }

  /** The oldest `n` operations, marked as being replayed until {@link settle} or {@link unmark}. */
  take(n: number): Operation[] {
    const batch = this.ops.slice(0, n);
    for (const op of batch) this.sending.add(op.id);
    return batch;
  }

  /** A replay batch failed: its operations stay, first in line. */
  unmark(ops: readonly Operation[]): void {
    for (const op of ops) this.sending.delete(op.id);
  }

  /** Operations confirmed by Redis (applied, lost, or already applied): out of the journal. */
  settle(ops: readonly Operation[]): void {
    const ids = new Set(ops.map((op) => op.id));
    for (const id of ids) this.sending.delete(id);
    for (let i = this.ops.length - 1; i >= 0; i--) if (ids.has(this.ops[i]!.id)) this.ops.splice(i, 1);
    this.file?.finish([...ids], () => this.ops);
  }

  /** Drops `victim`: later writes chained to it (see wire.ts `Expectation`) take over its expectations. */
  private drop(victim: Operation): void {
    this.dropped++;
    for (const op of this.ops) {
      for (const f of op.fields) {
        if (f.expect.kind !== "after" || f.expect.op !== victim.id) continue;
        const mine = victim.fields.find((v) => v.field === f.field);
        if (mine) f.expect = mine.expect;
      }
    }
    const index = this.ops.indexOf(victim);
    this.ops.splice(index, 1);
    this.file?.finish([victim.id], () => this.ops);
  }
}
