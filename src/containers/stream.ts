/**
 * `RStream<V>`: a Redis stream, an append-only log of entries `{ id, fields }` with values
 * through a codec: add, ranges, reads (blocking ones on a dedicated connection), a live tail,
 * trimming, and consumer groups ({@link RStreamGroup}).
 */
import type { Raw } from "../codec";
import { ValidationError } from "../errors";
import { toArray, toInteger } from "../reply";
import { requireNonEmpty, requireString } from "../validate";
import { Container } from "./container";
import { RStreamGroup } from "./stream-group";
import type { StreamGroupOptions } from "./stream-group";
import { blockArg, countArg, flatMap, parseEntry, requireStreamId, text, trimArgs } from "./stream-types";
import type { StreamAddOptions, StreamEntry, StreamFields, StreamInfo, StreamRangeOptions, StreamReadOptions, StreamTailOptions, StreamTrimOptions } from "./stream-types";

/** A Redis stream whose field values pass through a codec. Field names are strings. */
export class RStream<V = string> extends Container<V> {
  /** @internal Encodes fields as XADD arguments. */
  encodeFields(fields: StreamFields<V>): Raw[] {
    if (fields === null || typeof fields !== "object") throw new ValidationError({ path: "fields", message: "must be a record, a Map or [field, value] pairs" });
    const pairs = fields instanceof Map || Symbol.iterator in Object(fields) ? [...(fields as Iterable<readonly [string, V]>)] : Object.entries(fields as Record<string, V>);
    requireNonEmpty("fields", pairs);
    const args: Raw[] = [];
    pairs.forEach(([field, value], i) => args.push(requireString(`fields[${i}]`, field), this.encode(value)));
    return args;
  }

  /** @internal Decodes an entries reply. */
  decodeEntries(reply: unknown): Array<StreamEntry<V>> {
    const out: Array<StreamEntry<V>> = [];
    for (const raw of toArray(reply)) {
      const e = parseEntry(raw, (v) => this.decode(v));
      if (e) out.push(e);
    }
    return out;
  }

  /**
   * Appends an entry; resolves its ID. With `maxLen`/`minId` the stream is trimmed in the same
   * command. Resolves `undefined` only with `noMkStream` when the stream does not exist. XADD.
   */
  add(fields: StreamFields<V>, options: StreamAddOptions = {}): Promise<string | undefined> {
    return this.guard(() => {
      const args: Array<Raw | number> = [];
      if (options.noMkStream) args.push("NOMKSTREAM");
      args.push(...trimArgs(options, false));
      args.push(options.id === undefined ? "*" : requireStreamId("id", options.id, ["<ms>-*"]));
      args.push(...this.encodeFields(fields));
      return this.command("xadd", args, (r) => (r === null || r === undefined ? undefined : text(r)));
    });
  }

  /** Entries with `start ≤ id ≤ end` (`"-"`/`"+"`: the ends; default the whole stream), oldest first. XRANGE. */
  range(start = "-", end = "+", options: StreamRangeOptions = {}): Promise<Array<StreamEntry<V>>> {
    return this.rangeCommand("xrange", () => [this.bound("start", start, options.startExclusive), this.bound("end", end, options.endExclusive)], options);
  }

  /** Like {@link range} but newest first; note the order of the bounds: `end` (the newest) first. XREVRANGE. */
  revRange(end = "+", start = "-", options: StreamRangeOptions = {}): Promise<Array<StreamEntry<V>>> {
    return this.rangeCommand("xrevrange", () => [this.bound("end", end, options.endExclusive), this.bound("start", start, options.startExclusive)], options);
  }

  private bound(path: string, id: string, exclusive: boolean | undefined): string {
    const s = requireStreamId(path, id, ["-", "+"]);
    if (!exclusive) return s;
    if (s === "-" || s === "+") throw new ValidationError({ path, message: `"${s}" cannot be exclusive` });
    return `(${s}`;
  }

  private rangeCommand(name: "xrange" | "xrevrange", bounds: () => string[], options: StreamRangeOptions): Promise<Array<StreamEntry<V>>> {
    return this.guard(() => {
      const args: Array<string | number> = bounds();
      const count = countArg("count", options.count);
      if (count !== undefined) args.push("COUNT", count);
      return this.command(name, args, (r) => this.decodeEntries(r), this.codec.binary);
    });
  }

  /**
   * Entries with IDs greater than `after` (default `"0-0"`), oldest first. With `block`, waits up
   * to that many ms for one to arrive (on a dedicated connection; not inside a transaction).
   * XREAD [COUNT n] [BLOCK ms] STREAMS key id.
   */
  read(options: StreamReadOptions = {}): Promise<Array<StreamEntry<V>>> {
    return this.guard(() => {
      const after = requireStreamId("after", options.after ?? "0-0", ["$"]);
      const count = countArg("count", options.count);
      const block = blockArg("block", options.block);
      const args: Array<string | number> = [];
      if (count !== undefined) args.push("COUNT", count);
      if (block !== undefined) args.push("BLOCK", block);
      args.push("STREAMS", this.key, after);
      const parse = (r: unknown) => (r === null || r === undefined ? [] : this.decodeEntries(toArray(toArray(r)[0])[1]));
      const command = { name: "xread", keys: [this.key], args, parse, binary: this.codec.binary };
      if (block === undefined) return this.run(command);
      this.assertNotBatched("read");
      return this.ctx.withDedicatedConnection((executor) => executor.run(command), block / 1000);
    });
  }

  /**
   * Follows the stream: yields every entry added after `from` (default: after the current last
   * one), waiting for new ones with blocking XREADs on a dedicated connection, until `signal`
   * aborts or the loop is left. `from: "$"` is first resolved to the current last entry's ID
   * (XREVRANGE … COUNT 1), so nothing added between two waits is missed.
   */
  async *tail(options: StreamTailOptions = {}): AsyncGenerator<StreamEntry<V>> {
    this.assertNotBatched("tail");
    let after = requireStreamId("from", options.from ?? "$", ["$"]);
    const count = countArg("count", options.count) ?? 100;
    const block = blockArg("block", options.block) ?? 5000;
    if (after === "$") after = (await this.revRange("+", "-", { count: 1 }))[0]?.id ?? "0-0";
    while (!options.signal?.aborted) {
      const entries = await this.read({ after, count, block });
      for (const e of entries) {
        yield e;
        after = e.id;
      }
    }
  }

  /** Trims the stream (`maxLen` or `minId`, optionally `approximate`); resolves how many entries were removed. XTRIM. */
  trim(options: StreamTrimOptions): Promise<number> {
    return this.guard(() => this.command("xtrim", trimArgs(options, true), toInteger));
  }

  /** Removes entries by ID; resolves how many existed. XDEL. */
  delete(...ids: string[]): Promise<number> {
    return this.guard(() => this.command("xdel", requireNonEmpty("ids", ids).map((id, i) => requireStreamId(`ids[${i}]`, id)), toInteger));
  }

  /** Number of entries (0 when the key does not exist). XLEN. */
  size(): Promise<number> {
    return this.command("xlen", [], toInteger);
  }

  /** Length, IDs and counters of the stream, and its first and last entries. Rejects when the stream does not exist. XINFO STREAM. */
  info(): Promise<StreamInfo<V>> {
    return this.guard(() =>
      this.run({
        name: "xinfo",
        keys: [this.key],
        args: ["STREAM", this.key],
        binary: this.codec.binary,
        parse: (r) => {
          const m = flatMap(r);
          const entry = (raw: unknown) => (raw === null || raw === undefined ? undefined : parseEntry(raw, (v) => this.decode(v)));
          return {
            length: toInteger(m["length"]),
            radixTreeKeys: toInteger(m["radix-tree-keys"]),
            radixTreeNodes: toInteger(m["radix-tree-nodes"]),
            lastGeneratedId: text(m["last-generated-id"]),
            maxDeletedEntryId: text(m["max-deleted-entry-id"]),
            entriesAdded: toInteger(m["entries-added"]),
            recordedFirstEntryId: text(m["recorded-first-entry-id"]),
            groups: toInteger(m["groups"]),
            firstEntry: entry(m["first-entry"]),
            lastEntry: entry(m["last-entry"]),
          };
        },
      }),
    );
  }

  /** A consumer group of this stream (no command is sent until one of its methods is called). */
  group(name: string, options: StreamGroupOptions = {}): RStreamGroup<V> {
    return new RStreamGroup(this, this.ctx, name, options);
  }

  /** Iterates every entry, oldest first, one XRANGE page per round trip (entries added meanwhile are included). */
  async *entries(pageSize = 1000): AsyncGenerator<StreamEntry<V>> {
    this.assertNotBatched("entries");
    let start = "-";
    let exclusive = false;
    for (;;) {
      const page = await this.range(start, "+", { count: pageSize, startExclusive: exclusive });
      yield* page;
      if (page.length < pageSize) return;
      start = page[page.length - 1]!.id;
      exclusive = true;
    }
  }

  /** `for await (const entry of stream)`: same as {@link entries}. */
  [Symbol.asyncIterator](): AsyncGenerator<StreamEntry<V>> {
    return this.entries();
  }
}
