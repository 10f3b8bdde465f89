/**
 * `RStreamGroup<V>`: a consumer group of a stream. Reads deliver each entry to one consumer
 * and keep it pending until acked; `consume()` is a work-queue loop with at-least-once
 * delivery: it re-reads its own pending entries first, claims entries that other (dead)
 * consumers left idle for `claimIdleMs`, and moves entries delivered more than
 * `maxDeliveries` times to a dead-letter stream.
 */
import type { Raw } from "../codec";
import { scriptCmd } from "../command";
import type { Command } from "../command";
import { CommandError, TransactionError } from "../errors";
import { libraryScript } from "../lua/registry";
import { toArray, toInteger } from "../reply";
import { requireIntegerAtLeast, requireNonEmpty, requireString } from "../validate";
import type { Context } from "./container";
import type { RStream } from "./stream";
import { consumeLoop } from "./stream-consume";
import type { ConsumeOptions, GroupMessage } from "./stream-consume";
import { blockArg, countArg, flatMap, intOrNull, parseEntry, requireStreamId, text } from "./stream-types";
import type { StreamEntry } from "./stream-types";
import type { StreamGroupOptions, StreamMessage, PendingSummary, PendingEntry, ConsumerInfo, GroupInfo, GroupReadOptions } from "./stream-group-types";

export type { ConsumeOptions } from "./stream-consume";
export type { StreamGroupOptions, StreamMessage, PendingSummary, PendingEntry, ConsumerInfo, GroupInfo, GroupReadOptions } from "./stream-group-types";

/** A consumer group of an {@link RStream}. */
export class RStreamGroup<V = string> {
  readonly name: string;
  private readonly startAt: string;
  private readonly mkStream: boolean;

  /** @internal Use `stream.group(name)`. */
  constructor(
    readonly stream: RStream<V>,
    private readonly ctx: Context,
    name: string,
    options: StreamGroupOptions,
  ) {
    this.name = requireString("name", name);
    this.startAt = requireStreamId("startAt", options.startAt ?? "$", ["$"]);
    this.mkStream = options.mkStream ?? true;
  }

  private get key(): string {
    return this.stream.key;
  }

  /** Sends `name args…` (XGROUP/XINFO: the key is among `args`). */
  private run<T>(name: string, args: Array<Raw | number>, parse: (r: unknown) => T, binary = false): Promise<T> {
    return this.ctx.executor.run({ name, keys: [this.key], args, parse, binary });
  }

  /** Sends `name key args…`. */
  private onKey<T>(name: string, args: Array<Raw | number>, parse: (r: unknown) => T, binary = false): Promise<T> {
    return this.run(name, [this.key, ...args], parse, binary);
  }

  private guard<T>(build: () => Promise<T>): Promise<T> {
    try {
      return build();
    } catch (error) {
      return this.ctx.executor.fail(error);
    }
  }

  /** @internal A message of this group. */
  message(entry: StreamEntry<V>, deliveries: number | undefined): StreamMessage<V> {
    return { ...entry, deliveries, ack: () => this.ack(entry.id).then((n) => n === 1) };
  }

  /** Creates the group (and the stream, unless `mkStream: false`); false when it already exists. XGROUP CREATE. */
  create(): Promise<boolean> {
    const args: Array<string> = ["CREATE", this.key, this.name, this.startAt];
    if (this.mkStream) args.push("MKSTREAM");
    return this.run("xgroup", args, () => true).catch((error: unknown) => {
      if (error instanceof CommandError && /BUSYGROUP/.test(error.message)) return false;
      throw error;
    });
  }

  /** Deletes the group, its consumers and pending entries; false when it did not exist. XGROUP DESTROY. */
  destroy(): Promise<boolean> {
    return this.run("xgroup", ["DESTROY", this.key, this.name], (r) => toInteger(r) === 1);
  }

  /** Moves the group's last-delivered ID (`"$"`: the stream's last ID). XGROUP SETID. */
  setId(id: string, options: { readonly entriesRead?: number } = {}): Promise<void> {
    return this.guard(() => {
      const args: Array<string | number> = ["SETID", this.key, this.name, requireStreamId("id", id, ["$"])];
      if (options.entriesRead !== undefined) args.push("ENTRIESREAD", requireIntegerAtLeast("entriesRead", options.entriesRead, 0));
      return this.run("xgroup", args, () => undefined);
    });
  }

  /** Creates a consumer; false when it exists. XGROUP CREATECONSUMER. */
  createConsumer(consumer: string): Promise<boolean> {
    return this.guard(() => this.run("xgroup", ["CREATECONSUMER", this.key, this.name, requireString("consumer", consumer)], (r) => toInteger(r) === 1));
  }

  /** Deletes a consumer; resolves how many entries it still had pending (they are dropped). XGROUP DELCONSUMER. */
  deleteConsumer(consumer: string): Promise<number> {
    return this.guard(() => this.run("xgroup", ["DELCONSUMER", this.key, this.name, requireString("consumer", consumer)], toInteger));
  }

  /** @internal The XREADGROUP command of {@link read}. */
  readCommand(consumer: string, options: GroupReadOptions): Command<Array<StreamMessage<V>>> {
    const count = countArg("count", options.count);
    const block = blockArg("block", options.block);
    const args: Array<string | number> = ["GROUP", this.name, requireString("consumer", consumer)];
    if (count !== undefined) args.push("COUNT", count);
    if (block !== undefined) args.push("BLOCK", block);
    if (options.noAck) args.push("NOACK");
    const history = options.history === undefined ? undefined : requireStreamId("history", options.history);
    args.push("STREAMS", this.key, history ?? ">");
    const parse = (r: unknown): Array<StreamMessage<V>> => {
      if (r === null || r === undefined) return [];
      return toArray(toArray(toArray(r)[0])[1]).flatMap((raw) => {
        const e = parseEntry(raw, (v) => this.stream.codec.decode(v));
        return e ? [this.message(e, history === undefined ? 1 : undefined)] : [];
      });
    };
    return { name: "xreadgroup", keys: [this.key], args, parse, binary: this.stream.codec.binary };
  }

  /**
   * Delivers new entries to `consumer` (or, with `history`, its own pending ones again). With
   * `block`, waits on a dedicated connection. XREADGROUP GROUP g c [COUNT] [BLOCK] [NOACK] STREAMS key >|id.
   */
  read(consumer: string, options: GroupReadOptions = {}): Promise<Array<StreamMessage<V>>> {
    return this.guard(() => {
      const command = this.readCommand(consumer, options);
      if (options.block === undefined) return this.ctx.executor.run(command);
      if (this.ctx.executor.batched) throw new TransactionError("RStreamGroup.read() with block runs on a dedicated connection and cannot join a transaction or pipeline");
      return this.ctx.withDedicatedConnection((executor) => executor.run(command), options.block / 1000);
    });
  }

  /** Acknowledges entries; resolves how many were pending. XACK. */
  ack(...ids: string[]): Promise<number> {
    return this.guard(() => this.onKey("xack", [this.name, ...requireNonEmpty("ids", ids).map((id, i) => requireStreamId(`ids[${i}]`, id))], toInteger));
  }

  /** How many entries are pending, their ID range and who holds them. XPENDING key group. */
  pending(): Promise<PendingSummary> {
    return this.onKey("xpending", [this.name], (r) => {
      const [count, smallest, greatest, consumers] = toArray(r);
      return {
        count: toInteger(count),
        smallestId: smallest === null || smallest === undefined ? undefined : text(smallest),
        greatestId: greatest === null || greatest === undefined ? undefined : text(greatest),
        consumers: toArray(consumers).map((c) => {
          const [name, n] = toArray(c);
          return { name: text(name), pending: toInteger(n) };
        }),
      };
    });
  }

  /** Pending entries in ID order (default the first 100), optionally of one consumer and idle at least `minIdleMs`. XPENDING … IDLE start end count [consumer]. */
  pendingEntries(options: { start?: string; end?: string; count?: number; consumer?: string; minIdleMs?: number } = {}): Promise<PendingEntry[]> {
    return this.guard(() => {
      const args: Array<string | number> = [this.name];
      if (options.minIdleMs !== undefined) args.push("IDLE", requireIntegerAtLeast("minIdleMs", options.minIdleMs, 0));
      args.push(requireStreamId("start", options.start ?? "-", ["-", "+"]), requireStreamId("end", options.end ?? "+", ["-", "+"]), countArg("count", options.count) ?? 100);
      if (options.consumer !== undefined) args.push(requireString("consumer", options.consumer));
      return this.onKey("xpending", args, (r) =>
        toArray(r).map((row) => {
          const [id, consumer, idle, deliveries] = toArray(row);
          return { id: text(id), consumer: text(consumer), idleMs: toInteger(idle), deliveries: toInteger(deliveries) };
        }),
      );
    });
  }

  /**
   * Takes over pending entries (of any consumer) idle at least `minIdleMs` (default 0); resolves
   * the ones claimed (entries deleted from the stream are dropped from the PEL). XCLAIM.
   */
  claim(consumer: string, ids: readonly string[], options: { minIdleMs?: number; idleMs?: number; retryCount?: number; force?: boolean } = {}): Promise<Array<StreamMessage<V>>> {
    return this.guard(() => {
      const args: Array<string | number> = [this.name, requireString("consumer", consumer), requireIntegerAtLeast("minIdleMs", options.minIdleMs ?? 0, 0)];
      args.push(...requireNonEmpty("ids", ids).map((id, i) => requireStreamId(`ids[${i}]`, id)));
      if (options.idleMs !== undefined) args.push("IDLE", requireIntegerAtLeast("idleMs", options.idleMs, 0));
      if (options.retryCount !== undefined) args.push("RETRYCOUNT", requireIntegerAtLeast("retryCount", options.retryCount, 0));
      if (options.force) args.push("FORCE");
      return this.onKey("xclaim", args, (r) => this.stream.decodeEntries(r).map((e) => this.message(e, undefined)), this.stream.codec.binary);
    });
  }

  /**
   * Claims up to `count` (default 100) entries idle at least `minIdleMs`, scanning the PEL from
   * `start` (default `"0-0"`); `next` is where to continue (`"0-0"`: done). Entries deleted from the
   * stream are dropped from the PEL and listed in `deletedIds`. XAUTOCLAIM.
   */
  autoClaim(consumer: string, options: { minIdleMs: number; start?: string; count?: number }): Promise<{ next: string; messages: Array<StreamMessage<V>>; deletedIds: string[] }> {
    return this.guard(() => {
      const args: Array<string | number> = [this.name, requireString("consumer", consumer), requireIntegerAtLeast("minIdleMs", options.minIdleMs, 0)];
      args.push(requireStreamId("start", options.start ?? "0-0"), "COUNT", countArg("count", options.count) ?? 100);
      return this.onKey(
        "xautoclaim",
        args,
        (r) => {
          const [next, entries, deleted] = toArray(r);
          return { next: text(next), messages: this.stream.decodeEntries(entries).map((e) => this.message(e, undefined)), deletedIds: toArray(deleted).map(text) };
        },
        this.stream.codec.binary,
      );
    });
  }

  /** @internal One step of `consume`: the `stream-group-claim` script (claim idle entries, or re-read own pending ones) with delivery counts. */
  take(mode: "idle" | "own", consumer: string, minIdleMs: number, cursor: string, count: number): Promise<{ next: string; entries: Array<{ entry: StreamEntry<V>; raw: Raw[]; deliveries: number }> }> {
    const parse = (r: unknown) => {
      const [next, rows] = toArray(r);
      const entries = toArray(rows).map((row) => {
        const [id, flat, deliveries] = toArray(row);
        const entry = parseEntry([id, flat], (v) => this.stream.codec.decode(v))!;
        return { entry, raw: toArray(flat) as Raw[], deliveries: toInteger(deliveries) };
      });
      return { next: text(next), entries };
    };
    return this.ctx.executor.run(scriptCmd(libraryScript("stream-group-claim"), [this.key], [this.name, consumer, mode, minIdleMs, cursor, count], parse, this.stream.codec.binary));
  }

  /** The consumers, with their pending counts and idle times. XINFO CONSUMERS. */
  consumers(): Promise<ConsumerInfo[]> {
    return this.run("xinfo", ["CONSUMERS", this.key, this.name], (r) =>
      toArray(r).map((raw) => {
        const m = flatMap(raw);
        return { name: text(m["name"]), pending: toInteger(m["pending"]), idleMs: toInteger(m["idle"]) };
      }),
    );
  }

  /** This group's counters (undefined when it does not exist). XINFO GROUPS. */
  info(): Promise<GroupInfo | undefined> {
    return this.run("xinfo", ["GROUPS", this.key], (r) => {
      for (const raw of toArray(r)) {
        const m = flatMap(raw);
        if (text(m["name"]) !== this.name) continue;
        return {
          name: this.name,
          consumers: toInteger(m["consumers"]),
          pending: toInteger(m["pending"]),
          lastDeliveredId: text(m["last-delivered-id"]),
          entriesRead: intOrNull(m["entries-read"]),
          lag: intOrNull(m["lag"]),
        };
      }
      return undefined;
    });
  }

  /** The work-queue loop: see {@link ConsumeOptions}. Not available inside a transaction or pipeline. */
  consume(consumer: string, options: ConsumeOptions<V> = {}): AsyncGenerator<GroupMessage<V>> {
    return consumeLoop(this, this.ctx, requireString("consumer", consumer), options);
  }
}
