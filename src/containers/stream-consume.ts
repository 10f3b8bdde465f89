/**
 * The work-queue loop behind {@link RStreamGroup.consume}. Delivery is at least once:
 *
 * 1. the consumer's own pending entries (left by an earlier run under the same name) come first;
 * 2. with `claimIdleMs`, entries any consumer left pending that long are claimed (XAUTOCLAIM,
 *    with their delivery counts, in the `stream-group-claim` script): that is how the entries
 *    of a crashed consumer are redelivered;
 * 3. then new entries, with a blocking XREADGROUP on a dedicated connection.
 *
 * An entry acked (`message.ack()`) is never delivered again. An entry delivered more than
 * `maxDeliveries` times is not yielded: it is appended to the `deadLetter` stream (its fields
 * byte for byte) and then acked — two commands, so a crash between them can leave a second
 * copy in the dead-letter stream, never a lost entry.
 */
import type { Raw } from "../codec";
import { TransactionError, ValidationError } from "../errors";
import { requireIntegerAtLeast } from "../validate";
import type { Context } from "./container";
import { RStream } from "./stream";
import type { RStreamGroup, StreamMessage } from "./stream-group";
import { blockArg, countArg } from "./stream-types";
import type { StreamEntry } from "./stream-types";

/** A message yielded by `consume`: its delivery count is always known. */
export interface GroupMessage<V> extends StreamMessage<V> {
  readonly deliveries: number;
}

/** A dead-lettered entry, as reported to `onDeadLetter`. */
export interface DeadLetter<V> extends StreamEntry<V> {
  readonly deliveries: number;
  /** Its ID in the dead-letter stream. */
  readonly deadLetterId: string;
}

/** Options of {@link RStreamGroup.consume}. */
export interface ConsumeOptions<V> {
  /** Entries per round trip (default 10). */
  readonly count?: number;
  /** How long each read waits for new entries, in ms (default 2000; capped at `claimIdleMs`). */
  readonly block?: number;
  /** Claim entries pending (in any consumer) for at least this many ms. Unset: never claim. */
  readonly claimIdleMs?: number;
  /** Dead-letter an entry once it has been delivered more than this many times (needs `deadLetter`). */
  readonly maxDeliveries?: number;
  /** The dead-letter stream: an `RStream` (same codec) or the name of one in this Database. */
  readonly deadLetter?: RStream<V> | string;
  /** Called after an entry was dead-lettered. */
  readonly onDeadLetter?: (entry: DeadLetter<V>) => void;
  /** Create the group first when it does not exist (default true; XGROUP CREATE, BUSYGROUP ignored). */
  readonly create?: boolean;
  /** Ends the iteration (checked between round trips). */
  readonly signal?: AbortSignal;
}

interface Taken<V> {
  readonly entry: StreamEntry<V>;
  readonly raw: Raw[];
  readonly deliveries: number;
}

/** The loop (see the module comment). */
export async function* consumeLoop<V>(group: RStreamGroup<V>, ctx: Context, consumer: string, options: ConsumeOptions<V>): AsyncGenerator<GroupMessage<V>> {
  if (ctx.executor.batched) throw new TransactionError("RStreamGroup.consume() needs several round trips and cannot join a transaction or pipeline");
  const count = countArg("count", options.count) ?? 10;
  const claimIdleMs = options.claimIdleMs === undefined ? undefined : requireIntegerAtLeast("claimIdleMs", options.claimIdleMs, 0);
  const block = Math.min(blockArg("block", options.block) ?? 2000, claimIdleMs ?? Infinity) || 1;
  const maxDeliveries = options.maxDeliveries === undefined ? undefined : requireIntegerAtLeast("maxDeliveries", options.maxDeliveries, 1);
  if (maxDeliveries !== undefined && options.deadLetter === undefined) throw new ValidationError({ path: "deadLetter", message: "maxDeliveries needs a deadLetter stream" });
  const dead = options.deadLetter === undefined ? undefined : options.deadLetter instanceof RStream ? options.deadLetter : new RStream<V>(ctx, options.deadLetter, group.stream.codec);

  /** Yields what may be yielded; dead-letters the rest. */
  async function* deliver(taken: ReadonlyArray<Taken<V>>): AsyncGenerator<GroupMessage<V>> {
    for (const t of taken) {
      if (maxDeliveries !== undefined && t.deliveries > maxDeliveries && dead) {
        const deadLetterId = await ctx.executor.run({ name: "xadd", keys: [dead.key], args: [dead.key, "*", ...t.raw], parse: String, binary: false });
        await group.ack(t.entry.id);
        options.onDeadLetter?.({ ...t.entry, deliveries: t.deliveries, deadLetterId });
        continue;
      }
      yield group.message(t.entry, t.deliveries) as GroupMessage<V>;
    }
  }

  if (options.create !== false) await group.create();
  for (let cursor = "0-0"; ; ) {
    const own = await group.take("own", consumer, 0, cursor, count);
    yield* deliver(own.entries);
    if (own.next === "0-0" || options.signal?.aborted) break;
    cursor = own.next;
  }
  let claimCursor = "0-0";
  let claimAt = 0;
  while (!options.signal?.aborted) {
    if (claimIdleMs !== undefined && Date.now() >= claimAt) {
      const claimed = await group.take("idle", consumer, claimIdleMs, claimCursor, count);
      claimCursor = claimed.next;
      if (claimCursor === "0-0") claimAt = Date.now() + Math.max(10, Math.floor(claimIdleMs / 4));
      yield* deliver(claimed.entries);
      if (claimed.entries.length > 0) continue;
    }
    const fresh = await group.read(consumer, { count, block });
    for (const m of fresh) yield m as GroupMessage<V>;
  }
}
