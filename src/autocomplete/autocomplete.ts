/**
 * The autocomplete engine's I/O: validation, encoding, and the Lua scripts that do the work
 * (text folding is in ./text.ts, pure; the scripts' headers hold the details).
 *
 * Layout: every key of index `name` shares the hash tag `{<prefix>:ac:<name>}` (one cluster
 * slot), so each method is ONE round trip (one script or one command). K = list capacity
 * (`PREFIX_LIST_CAPACITY`, 32), T = K × `PAIR_THRESHOLD_FACTOR` (256), see ./options.ts:
 *
 * | key | type | content |
 * |---|---|---|
 * | `<tag>:d` | hash | item key `type\0id` → record `score\0folded words\0title\0data` |
 * | `<tag>:w` | hash | the lexical trie: for the root `""` and every split prefix, a flag (1 split, 2 pair-common) then the characters that follow it |
 * | `<tag>:l:<b>` | zset (listpack) | a bucket of the trie: `word\0score\0folded words\0key` for every word whose shortest unsplit prefix is `b` (at most K), or equal to `b` minus its final `$` |
 * | `<tag>:n` | hash | split prefix → entries under it (past T it becomes pair-common) |
 * | `<tag>:p:<prefix>` | zset (listpack) | split prefix: its best K items in search order (score `-s`, member `rank folded\0key`), plus a header naming the best one left out once it overflowed |
 * | `<tag>:q:<a> <b>` | zset (listpack) | the same for the items having a word starting with `a` and another with `b` (both pair-common) |
 * | `<tag>:x` | zset | "wide" items (more than 6 different 2-character prefixes): in no pair list, read whole next to one |
 * | `<tag>:b` | zset | stored boosts: `i\0<id>` / `t\0<type>` → factor |
 * | `<tag>:g`, `<tag>:a:<g>:…` | strings | the write generation, and answers cached by searches for 10 minutes under it |
 *
 * Work per search is bounded by the layout: a word without a list has at most K entries (one
 * bucket), one that is not pair-common at most T; the top of a split prefix, or of two
 * pair-common ones, is the first page of one list. Compared with the walrus layout and
 * RediSearch in bench/autocomplete.bench.ts and the README.
 */
import { codecs } from "../codec";
import type { Codec } from "../codec";
import type { Arg, Command } from "../command";
import { cmd, scriptCmd } from "../command";
import { TransactionError } from "../errors";
import { localOptions } from "../cache/local-store";
import { LocalAnswers } from "./local-answers";
import { libraryScript } from "../lua/registry";
import { toArray, toInteger, toScanPage } from "../reply";
import { searchEntries, searchReply } from "./answer";
import { searchArgs } from "./search-args";
import { stopwordSet } from "./text";
import type { TextOptions } from "./text";
import { writeInBatches } from "./add-many";
import { decodeEntry, encodeItem, itemKey } from "./items";
import { checkCapacity, checkPairThreshold, checkFactor, checkId, checkType, invalid } from "./options";
import type { AddManyOptions, AutocompleteContext, AutocompleteEntry, AutocompleteItem, AutocompleteOptions, BoostTarget, SearchOptions } from "./options";


/**
 * A search-as-you-type index over titles with scores (see the module doc for the layout).
 * Open one with `db.autocomplete<Data>(name)`. Every method is one round trip except
 * `addMany` (pipelined batches), `clear` (a few chunked scripts) and iteration (HSCAN pages).
 */
export class Autocomplete<Data = unknown> {
  /** The hash tag shared by every key of this index. */
  readonly tag: string;
  private readonly codec: Codec<Data>;
  private readonly text: TextOptions;
  private readonly k: { d: string; w: string; b: string };
  private readonly capacity: number;
  private readonly pairThreshold: number;
  private readonly local: LocalAnswers | undefined;

  /** @internal Use `db.autocomplete(name)`. */
  constructor(
    private readonly ctx: AutocompleteContext,
    /** The index name. */
    readonly name: string,
    options: AutocompleteOptions<Data> = {},
  ) {
    if (typeof name !== "string" || name === "" || /[{}]/.test(name)) invalid("name", 'must be a non-empty string without "{" or "}"');
    this.codec = options.codec ?? codecs.json<Data>();
    if (this.codec.binary) invalid("codec", "must be a text codec (binary codecs are not supported for autocomplete data)");
    this.text = options.stopwords ? { stopwords: stopwordSet(options.stopwords) } : {};
    this.capacity = checkCapacity(options.listCapacity);
    this.pairThreshold = checkPairThreshold(options.pairThreshold, this.capacity);
    this.tag = ctx.keys.autocompleteTag(name);
    this.k = { d: ctx.keys.tagged(this.tag, "d"), w: ctx.keys.tagged(this.tag, "w"), b: ctx.keys.tagged(this.tag, "b") };
    if (options.onError !== undefined && typeof options.onError !== "function") invalid("onError", "must be a function");
    const onError = options.onError;
    this.local = localOptions("local", options.local) && new LocalAnswers(ctx, ctx.keys.tagged(this.tag, "g"), options.local, (error) => onError?.(error));
  }

  /**
   * Where the local answer tier stands: `up` (answers served from memory), `starting`/`down`
   * (bypassed until its invalidation connection is back), `unavailable` (the server refused
   * tracking), `closed`, or `off` (no `local` option).
   */
  get localState(): "off" | "starting" | "up" | "down" | "unavailable" | "closed" {
    const s = this.local?.state ?? "idle";
    return s === "idle" ? "off" : s;
  }

  /**
   * Resolves once every change of the index Redis made before the call is reflected in the
   * local answer tier (one PING on its invalidation connection; nothing to do without one):
   * for a reader that heard of a write through a channel of its own (see `Cache.sync`).
   */
  sync(): Promise<void> {
    return this.local?.sync() ?? Promise.resolve();
  }

  /** Closes the local answer tier's invalidation connection (it also closes with the Database's client). */
  close(): void {
    this.local?.close();
  }

  /** The key of the prefix list of `prefix` (folded), for inspection. */
  prefixListKey(prefix: string): string {
    return this.ctx.keys.tagged(this.tag, "p", prefix);
  }

  /** The key of the lexical bucket `b` (a folded prefix, or a word then "$"), for inspection. */
  bucketKey(b: string): string {
    return this.ctx.keys.tagged(this.tag, "l", b);
  }

  /** The key of the pair list of two folded prefixes, for inspection. */
  pairListKey(a: string, b: string): string {
    // byte order of the UTF-8 text, as the scripts compare
    return this.ctx.keys.tagged(this.tag, "q", Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0 ? `${a} ${b}` : `${b} ${a}`);
  }

  /** The item hash, lexical index and boost keys, for inspection. */
  get keys(): { readonly items: string; readonly words: string; readonly boosts: string } {
    return { items: this.k.d, words: this.k.w, boosts: this.k.b };
  }

  private fail<T>(build: () => Promise<T>): Promise<T> {
    try {
      return build();
    } catch (error) {
      return this.ctx.executor.fail(error);
    }
  }

  private changing<T>(command: Command<T>): Promise<T> {
    const local = this.local;
    if (local === undefined) return this.ctx.executor.run(command);
    local.changed();
    return this.ctx.executor.run(command).finally(() => local.changed());
  }

  private write(ops: Arg[]): Command<number[]> {
    return scriptCmd(
      libraryScript("autocomplete-write"),
      [this.k.d, this.k.w, this.k.b],
      [this.tag, this.capacity, this.pairThreshold, ...ops],
      (r) => toArray(r).map((x) => toInteger(x)),
    );
  }

  /**
   * Adds or replaces an item (upsert). A changed title moves the item to its new words; an
   * unchanged title only updates score and data. Resolves true when the item is new.
   * One script (autocomplete-write).
   */
  add(item: AutocompleteItem<Data>): Promise<boolean> {
    return this.fail(() => this.changing(this.write(encodeItem(item, this.codec, this.text))).then((r) => r[0] === 1));
  }

  /**
   * Adds many items (any iterable or async iterable), `batchSize` items per script call with
   * up to 4 calls in flight. Every item is validated before its batch is sent; a bad item
   * rejects the call (earlier batches stay written). Resolves with the number of items written.
   */
  async addMany(items: Iterable<AutocompleteItem<Data>> | AsyncIterable<AutocompleteItem<Data>>, options: AddManyOptions = {}): Promise<number> {
    this.assertDirect("addMany");
    return writeInBatches(items, (item, index) => encodeItem(item, this.codec, this.text, `items[${index}]`), (ops) => this.changing(this.write(ops)), options);
  }

  /** Removes an item; resolves true when it existed. One script (autocomplete-write). */
  remove(id: string, type?: string): Promise<boolean> {
    return this.fail(() => this.changing(this.write(["R", itemKey(id, type)])).then((r) => r[0] === 1));
  }

  /** True when the item exists. HEXISTS. */
  has(id: string, type?: string): Promise<boolean> {
    return this.fail(() => this.ctx.executor.run(cmd("hexists", [this.k.d], [this.k.d, itemKey(id, type)], (r) => toInteger(r) === 1)));
  }

  /** The stored item, or undefined. HGET. */
  get(id: string, type?: string): Promise<AutocompleteEntry<Data> | undefined> {
    return this.fail(() => {
      const key = itemKey(id, type);
      return this.ctx.executor.run(cmd("hget", [this.k.d], [this.k.d, key], (r) => (r === null || r === undefined ? undefined : this.entry(key, String(r)))));
    });
  }

  /** Number of items. HLEN. */
  size(): Promise<number> {
    return this.ctx.executor.run(cmd("hlen", [this.k.d], [this.k.d], toInteger));
  }

  /**
   * Deletes the whole index (items, words, prefix lists and stored boosts). Every key is known
   * from the lexical index, so no SCAN/KEYS: autocomplete-clear runs in chunks of 2,000 words
   * (one round trip each) so Redis never blocks for long.
   */
  async clear(): Promise<void> {
    this.assertDirect("clear");
    const script = libraryScript("autocomplete-clear");
    for (;;) {
      const left = await this.changing(scriptCmd(script, [this.k.d, this.k.w, this.k.b], [this.tag, 2000], toInteger));
      if (left === 0) return;
    }
  }

  /**
   * Stores a boost: every search multiplies the score of the id's items (or of every item of
   * the type) by `factor`. Setting it again replaces it (boosts never compound); factor 1
   * removes it. Stored boosts outlive the items they name; `clear()` removes them.
   * One script (autocomplete-boost): ZADD (ZREM for factor 1) and INCR of the generation.
   */
  boost(target: BoostTarget, factor: number): Promise<void> {
    return this.fail(() => {
      const f = checkFactor("factor", factor);
      let member: string;
      if (typeof target === "string") member = `i\0${checkId(target)}`;
      else if (typeof target === "object" && target !== null && "id" in target) member = `i\0${checkId(target.id)}`;
      else if (typeof target === "object" && target !== null && "type" in target) member = `t\0${checkType(target.type)}`;
      else invalid("target", "must be an id, { id } or { type }");
      // One script: the boost and a move of the generation (cached answers never outlive it).
      return this.changing(scriptCmd(libraryScript("autocomplete-boost"), [this.k.b, this.ctx.keys.tagged(this.tag, "g")], [member, String(f)], () => undefined));
    });
  }

  /**
   * The best matches of `phrase`, best first: every word of the phrase must be the prefix of a
   * word of the title (case and diacritics folded). Ranked by score × boosts, then exact-word
   * matches, then earlier word positions, then title. An empty or punctuation-only phrase
   * resolves to `[]`. Any string is accepted as a phrase: a lone UTF-16 surrogate (e.g. input
   * cut in the middle of an emoji) separates words like punctuation, and nothing derived from
   * it is sent (ids, types and titles, which are stored, refuse it). One script (autocomplete-search).
   */
  search(phrase: string, options: SearchOptions = {}): Promise<Array<AutocompleteEntry<Data>>> {
    return this.fail(() => {
      const parsed = searchArgs(this.tag, phrase, options, this.text);
      if (parsed === undefined) return Promise.resolve([]);
      const { args, offset, limit } = parsed;
      const local = this.ctx.executor.batched ? undefined : this.local;
      const query = local && JSON.stringify(args);
      const kept = query === undefined ? undefined : local!.get(query);
      if (kept !== undefined) return Promise.resolve(kept.map(([key, record]) => this.entry(key, record)));
      const ticket = local?.begin();
      const searched = this.ctx.executor.run(
        scriptCmd(
          libraryScript("autocomplete-search"),
          [this.k.d, this.k.w, this.k.b],
          args,
          (reply) => {
            if (ticket === undefined) return searchEntries(reply, offset, limit, this.toEntry);
            const pairs = searchReply(reply, offset, limit);
            local!.finish(ticket, query!, pairs);
            return pairs.map(([key, record]) => this.entry(key, record));
          },
        ),
      );
      if (ticket === undefined) return searched;
      return searched.catch((error: unknown) => {
        local!.finish(ticket, query!, undefined);
        throw error;
      });
    });
  }

  /**
   * Every item, in no particular order (HSCAN pages): an item present for the whole iteration
   * is returned at least once (possibly twice if the hash is resized meanwhile); items added or
   * removed meanwhile may or may not appear.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<AutocompleteEntry<Data>> {
    this.assertDirect("iterate");
    let cursor = "0";
    do {
      const page = await this.ctx.executor.run(cmd("hscan", [this.k.d], [this.k.d, cursor, "COUNT", 500], toScanPage));
      cursor = page.cursor;
      for (let i = 0; i + 1 < page.items.length; i += 2) yield this.entry(String(page.items[i]), String(page.items[i + 1]));
    } while (cursor !== "0");
  }

  private assertDirect(method: string): void {
    if (this.ctx.executor.batched) throw new TransactionError(`Autocomplete.${method}() cannot join a transaction or pipeline`);
  }

  /** {@link entry} bound once (a search's reply parser passes it on; no closure per search). */
  private readonly toEntry = (key: string, record: string): AutocompleteEntry<Data> => this.entry(key, record);

  private entry(key: string, record: string): AutocompleteEntry<Data> {
    return decodeEntry(this.codec, key, record);
  }
}
