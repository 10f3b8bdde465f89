/** Types of {@link RStreamGroup}: its options, messages, and the shapes of XPENDING and XINFO answers. */
import type { StreamEntry } from "./stream-types";

/** Options of {@link RStream.group}. */
export interface StreamGroupOptions {
  /** Where a new group starts: `"$"` (default: only entries added later) or an ID (`"0"`: the whole stream). */
  readonly startAt?: string;
  /** Create the stream when it does not exist (default true). */
  readonly mkStream?: boolean;
}

/** An entry delivered to a consumer. */
export interface StreamMessage<V> extends StreamEntry<V> {
  /** How many times it was delivered (1 for a first delivery); undefined where Redis does not say (XCLAIM, history reads). */
  readonly deliveries: number | undefined;
  /** Acknowledges it: it leaves the group's pending entries and is never delivered again. XACK. */
  ack(): Promise<boolean>;
}

/** XPENDING summary. */
export interface PendingSummary {
  readonly count: number;
  readonly smallestId: string | undefined;
  readonly greatestId: string | undefined;
  readonly consumers: ReadonlyArray<{ readonly name: string; readonly pending: number }>;
}

/** One pending entry (XPENDING extended form). */
export interface PendingEntry {
  readonly id: string;
  readonly consumer: string;
  readonly idleMs: number;
  readonly deliveries: number;
}

/** One consumer (XINFO CONSUMERS). */
export interface ConsumerInfo {
  readonly name: string;
  readonly pending: number;
  readonly idleMs: number;
}

/** XINFO GROUPS entry of this group. */
export interface GroupInfo {
  readonly name: string;
  readonly consumers: number;
  readonly pending: number;
  readonly lastDeliveredId: string;
  readonly entriesRead: number | null;
  readonly lag: number | null;
}

/** Options of {@link RStreamGroup.read}. */
export interface GroupReadOptions {
  /** At most this many entries. */
  readonly count?: number;
  /** Wait up to this many ms for new entries (0 = forever), on a dedicated connection. */
  readonly block?: number;
  /** Do not track the entries as pending (they need no ack). */
  readonly noAck?: boolean;
  /** Re-read this consumer's own pending entries with IDs greater than this one, instead of new entries. */
  readonly history?: string;
}
