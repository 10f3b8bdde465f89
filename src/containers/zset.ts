/**
 * `RZSet<M>`: a Redis sorted set as an async sorted map from members to scores. Rank
 * ranges follow `Array.prototype.slice`; score bounds are numbers (`±Infinity` allowed) with
 * inclusive/exclusive flags; lex bounds are strings. See ranges.ts for the translations.
 */
import type { Raw } from "../codec";
import { ValidationError } from "../errors";
import { toArray, toInteger, toNumber, toOptionalNumber, toPairs } from "../reply";
import { requireIntegerAtLeast, requireNonEmpty, requireScore, scoreArg } from "../validate";
import { Container } from "./container";
import type { BoundOptions, LimitOptions } from "./ranges";
import { inclusiveRange, lexBounds, limitArgs, prefixBounds, scoreBounds } from "./ranges";
import { addFlags, storeArgs } from "./zset-args";
import type { ZAddOptions, ZStoreOptions } from "./zset-args";

export type { ZAddOptions, ZStoreOptions } from "./zset-args";

/** A member and its score. */
export type ScoredMember<M> = [member: M, score: number];

/** Options of {@link RZSet.slice}. */
export interface ZSliceOptions {
  /** Ranks counted from the highest score (ZRANGE … REV). */
  readonly reverse?: boolean;
  /** Resolve `[member, score]` pairs instead of members. */
  readonly withScores?: boolean;
}

/** Options of {@link RZSet.rangeByScore}. */
export interface ZScoreRangeOptions extends BoundOptions, LimitOptions {
  /** Highest score first (ZRANGE … BYSCORE REV); `min`/`max` keep their meaning. */
  readonly reverse?: boolean;
  /** Resolve `[member, score]` pairs instead of members. */
  readonly withScores?: boolean;
}

/** Options of {@link RZSet.rangeByLex} and {@link RZSet.rangeByPrefix}. */
export interface ZLexRangeOptions extends BoundOptions, LimitOptions {
  /** Highest member first (ZRANGE … BYLEX REV); `min`/`max` keep their meaning. */
  readonly reverse?: boolean;
}

/** Options of {@link RZSet.entries}. */
export interface ZIterateOptions {
  /** Members fetched per ZRANGE round trip; default 1000. */
  readonly pageSize?: number;
  /** Highest score first. */
  readonly reverse?: boolean;
}

/** Selects the `[member, score]` overload of a range method. */
export type WithScores = { readonly withScores: true };
/** Selects the members-only overload of a range method (the default). */
export type WithoutScores = { readonly withScores?: false };

/** A Redis sorted set whose members pass through a codec (which must be canonical). */
export class RZSet<M = string> extends Container<M> {
  private members(reply: unknown): M[] {
    return toArray(reply).map((m) => this.decode(m));
  }

  private scored(reply: unknown): Array<ScoredMember<M>> {
    return toPairs(reply).map(([m, s]) => [this.decode(m), toNumber(s)]);
  }

  /**
   * Adds one member with its score, or many `[member, score]` entries (an iterable or a
   * `Map`) in one round trip. Options: `nx` (only add new members), `xx` (only update
   * existing ones), `gt`/`lt` (only update when the new score is greater/less), `ch`
   * (count changed scores too). Resolves how many members were added (or changed, with
   * `ch`). Scores may be `±Infinity`, never NaN. ZADD.
   */
  add(member: M, score: number, options?: ZAddOptions): Promise<number>;
  add(entries: Iterable<readonly [M, number]> | Map<M, number>, options?: ZAddOptions): Promise<number>;
  add(first: M | Iterable<readonly [M, number]> | Map<M, number>, second?: number | ZAddOptions, third?: ZAddOptions): Promise<number> {
    return this.guard(() => {
      if (typeof second === "number") {
        const args: Raw[] = third === undefined ? [] : addFlags(third);
        args.push(scoreArg(requireScore("score", second)), this.encodeMember("member", first as M));
        return this.command("zadd", args, toInteger);
      }
      if (first === null || typeof first !== "object" || !(Symbol.iterator in first)) {
        throw new ValidationError({ path: "score", message: "add(member, score) needs a score; add(entries) needs an iterable of [member, score]" });
      }
      const args: Raw[] = second === undefined ? [] : addFlags(second);
      let i = 0;
      for (const entry of first as Iterable<readonly [M, number]>) {
        if (!Array.isArray(entry)) throw new ValidationError({ path: `entries[${i}]`, message: "must be a [member, score] pair" });
        const score = entry[1];
        // The path string is only built for a bad score (bulk adds are hot).
        if (typeof score !== "number" || Number.isNaN(score)) requireScore(`entries[${i}][1]`, score);
        args.push(scoreArg(score), this.encodeMember(`entries[${i}][0]`, entry[0] as M));
        i++;
      }
      if (i === 0) throw new ValidationError({ path: "entries", message: "needs at least one item" });
      return this.command("zadd", args, toInteger);
    });
  }

  /** The score of `member`, or `undefined` when it is absent. ZSCORE. */
  score(member: M): Promise<number | undefined> {
    return this.guard(() => this.command("zscore", [this.encodeMember("member", member)], toOptionalNumber));
  }

  /** Adds `by` (default 1; `±Infinity` allowed, NaN not) to the score of `member` (absent = 0) and resolves the new score. ZINCRBY. */
  incr(member: M, by = 1): Promise<number> {
    return this.guard(() => this.command("zincrby", [scoreArg(requireScore("by", by)), this.encodeMember("member", member)], toNumber));
  }

  /** The 0-based rank of `member` by ascending score (or descending with `reverse`), or `undefined` when absent. ZRANK / ZREVRANK. */
  rank(member: M, options: { readonly reverse?: boolean } = {}): Promise<number | undefined> {
    return this.guard(() =>
      this.command(options.reverse ? "zrevrank" : "zrank", [this.encodeMember("member", member)], (r) => (r === null || r === undefined ? undefined : toInteger(r))),
    );
  }

  /** Removes members; resolves how many existed. Needs at least one member (`clear()` removes the key). ZREM. */
  delete(...members: M[]): Promise<number> {
    return this.guard(() => this.command("zrem", requireNonEmpty("members", members).map((m, i) => this.encodeMember(`members[${i}]`, m)), toInteger));
  }

  /** True when `member` is in the set. ZSCORE. */
  has(member: M): Promise<boolean> {
    return this.guard(() => this.command("zscore", [this.encodeMember("member", member)], (r) => r !== null && r !== undefined));
  }

  /** Number of members. ZCARD. */
  size(): Promise<number> {
    return this.command("zcard", [], toInteger);
  }

  /** Number of members with a score between `min` and `max` (inclusive unless `minExclusive`/`maxExclusive`); default: all. ZCOUNT. */
  count(min = -Infinity, max = Infinity, options: BoundOptions = {}): Promise<number> {
    return this.guard(() => this.command("zcount", scoreBounds(min, max, options), toInteger));
  }

  /**
   * Members by rank from `start` up to (not including) `end`, with `Array.prototype.slice`
   * semantics (negative ranks count from the end, out of range clamps, `slice()` is every
   * member), lowest score first or, with `reverse`, highest first. ZRANGE (REV) [WITHSCORES].
   */
  slice(start?: number, end?: number, options?: ZSliceOptions & WithoutScores): Promise<M[]>;
  slice(start: number | undefined, end: number | undefined, options: ZSliceOptions & WithScores): Promise<Array<ScoredMember<M>>>;
  slice(start?: number, end?: number, options?: ZSliceOptions): Promise<M[] | Array<ScoredMember<M>>>;
  slice(start?: number, end?: number, options: ZSliceOptions = {}): Promise<M[] | Array<ScoredMember<M>>> {
    return this.guard(() => {
      const args: Array<string | number> = inclusiveRange(start, end);
      if (options.reverse) args.push("REV");
      return this.range(args, options.withScores === true);
    });
  }

  private range(args: Array<string | number | Buffer>, withScores: boolean): Promise<M[] | Array<ScoredMember<M>>> {
    if (withScores) return this.command("zrange", [...args, "WITHSCORES"], (r) => this.scored(r), this.codec.binary);
    return this.command("zrange", args, (r) => this.members(r), this.codec.binary);
  }

  /**
   * Members with a score between `min` and `max` (numbers, `±Infinity` allowed; inclusive
   * unless `minExclusive`/`maxExclusive`), lowest first or, with `reverse`, highest first;
   * `offset`/`count` page the result. ZRANGE … BYSCORE [REV] [LIMIT] [WITHSCORES].
   */
  rangeByScore(min: number, max: number, options?: ZScoreRangeOptions & WithoutScores): Promise<M[]>;
  rangeByScore(min: number, max: number, options: ZScoreRangeOptions & WithScores): Promise<Array<ScoredMember<M>>>;
  rangeByScore(min: number, max: number, options?: ZScoreRangeOptions): Promise<M[] | Array<ScoredMember<M>>>;
  rangeByScore(min: number, max: number, options: ZScoreRangeOptions = {}): Promise<M[] | Array<ScoredMember<M>>> {
    return this.guard(() => {
      const [lo, hi] = scoreBounds(min, max, options);
      const args: Array<string | number> = options.reverse ? [hi, lo, "BYSCORE", "REV"] : [lo, hi, "BYSCORE"];
      args.push(...limitArgs(options));
      return this.range(args, options.withScores === true);
    });
  }

  /**
   * Members between the strings `min` and `max` in byte order (inclusive unless
   * `minExclusive`/`maxExclusive`; `undefined` = unbounded), for members that share one
   * score. Any Unicode works: bounds are compared as UTF-8 bytes, like the string codec's
   * members. ZRANGE … BYLEX [REV] [LIMIT].
   */
  rangeByLex(min?: string, max?: string, options: ZLexRangeOptions = {}): Promise<M[]> {
    return this.guard(() => {
      const [lo, hi] = lexBounds(min, max, options);
      const args: Array<string | number> = options.reverse ? [hi, lo, "BYLEX", "REV"] : [lo, hi, "BYLEX"];
      args.push(...limitArgs(options));
      return this.command("zrange", args, (r) => this.members(r), this.codec.binary);
    });
  }

  /**
   * Members that start with `prefix` (same-score members, byte order), e.g. for
   * search-as-you-type. The upper bound is `prefix` + the raw byte 0xFF, sent as bytes, so
   * every Unicode continuation matches. ZRANGE … BYLEX [REV] [LIMIT].
   */
  rangeByPrefix(prefix: string, options: Omit<ZLexRangeOptions, keyof BoundOptions> = {}): Promise<M[]> {
    return this.guard(() => {
      const [lo, hi] = prefixBounds(prefix);
      const args: Array<string | number | Buffer> = options.reverse ? [hi, lo, "BYLEX", "REV"] : [lo, hi, "BYLEX"];
      args.push(...limitArgs(options));
      return this.command("zrange", args, (r) => this.members(r), this.codec.binary);
    });
  }

  /** Removes and resolves the member with the lowest score, or `undefined` when empty. ZPOPMIN. */
  popMin(): Promise<ScoredMember<M> | undefined>;
  /** Removes and resolves up to `count` members with the lowest scores, lowest first. ZPOPMIN count. */
  popMin(count: number): Promise<Array<ScoredMember<M>>>;
  popMin(count?: number): Promise<ScoredMember<M> | undefined | Array<ScoredMember<M>>> {
    return this.pop("zpopmin", count);
  }

  /** Removes and resolves the member with the highest score, or `undefined` when empty. ZPOPMAX. */
  popMax(): Promise<ScoredMember<M> | undefined>;
  /** Removes and resolves up to `count` members with the highest scores, highest first. ZPOPMAX count. */
  popMax(count: number): Promise<Array<ScoredMember<M>>>;
  popMax(count?: number): Promise<ScoredMember<M> | undefined | Array<ScoredMember<M>>> {
    return this.pop("zpopmax", count);
  }

  private pop(name: "zpopmin" | "zpopmax", count: number | undefined): Promise<ScoredMember<M> | undefined | Array<ScoredMember<M>>> {
    return this.guard<ScoredMember<M> | undefined | Array<ScoredMember<M>>>(() => {
      if (count === undefined) return this.command(name, [], (r) => this.scored(r)[0], this.codec.binary);
      return this.command(name, [requireIntegerAtLeast("count", count, 0)], (r) => this.scored(r), this.codec.binary);
    });
  }

  /** Removes the members whose ranks are in `slice(start, end)` (Array semantics); resolves how many. ZREMRANGEBYRANK. */
  removeRangeByRank(start: number, end?: number): Promise<number> {
    return this.guard(() => this.command("zremrangebyrank", inclusiveRange(start, end), toInteger));
  }

  /** Removes the members with a score between `min` and `max` (inclusive unless flagged exclusive); resolves how many. ZREMRANGEBYSCORE. */
  removeRangeByScore(min: number, max: number, options: BoundOptions = {}): Promise<number> {
    return this.guard(() => this.command("zremrangebyscore", scoreBounds(min, max, options), toInteger));
  }

  /** Removes the members between the strings `min` and `max` (`undefined` = unbounded); resolves how many. ZREMRANGEBYLEX. */
  removeRangeByLex(min?: string, max?: string, options: BoundOptions = {}): Promise<number> {
    return this.guard(() => this.command("zremrangebylex", lexBounds(min, max, options), toInteger));
  }

  /**
   * Stores the union of this set and `others` in `destination` (replacing it) and resolves
   * the destination container. `weights` (one per source, this set first) multiply scores;
   * `aggregate` (`"sum"` default, `"min"`, `"max"`) combines them. On Redis Cluster every key
   * must share a slot (use a `{hash tag}`). ZUNIONSTORE.
   */
  unionStore(destination: RZSet<M> | string, others: ReadonlyArray<RZSet<M> | string>, options: ZStoreOptions = {}): Promise<RZSet<M>> {
    return this.store("zunionstore", destination, others, options);
  }

  /** Like {@link unionStore} with the intersection: only members present in every source. ZINTERSTORE. */
  interStore(destination: RZSet<M> | string, others: ReadonlyArray<RZSet<M> | string>, options: ZStoreOptions = {}): Promise<RZSet<M>> {
    return this.store("zinterstore", destination, others, options);
  }

  private store(name: string, destination: RZSet<M> | string, others: ReadonlyArray<RZSet<M> | string>, options: ZStoreOptions): Promise<RZSet<M>> {
    return this.guard(() => {
      if (typeof destination === "string") this.keyOf("destination", destination); // names the argument if the name is bad
      const target = typeof destination === "string" ? new RZSet<M>(this.ctx, destination, this.codec) : destination;
      if (!(target instanceof RZSet)) throw new ValidationError({ path: "destination", message: "must be an RZSet or a sorted set name" });
      if (!Array.isArray(others)) throw new ValidationError({ path: "others", message: "must be an array of RZSets or names" });
      const sources = [this.key, ...others.map((o, i) => this.keyOf(`others[${i}]`, o))];
      const args = [target.key, ...storeArgs(sources, options)];
      return this.run({ name, keys: [target.key, ...sources], args, parse: () => target, binary: false });
    });
  }

  /**
   * Iterates `[member, score]` in score order (ties in member byte order), one ZRANGE page
   * per round trip. Pages are taken by rank, not with ZSCAN (whose order is arbitrary), so
   * if the set changes during the iteration a member may be skipped or repeated (an
   * insertion or removal below the cursor shifts later ranks; a score change moves the
   * member); a set that does not change is read exactly once, in order. Not available
   * inside a transaction or pipeline.
   */
  async *entries(options: ZIterateOptions = {}): AsyncGenerator<ScoredMember<M>> {
    this.assertNotBatched("entries");
    const pageSize = options.pageSize === undefined ? 1000 : requireIntegerAtLeast("pageSize", options.pageSize, 1);
    for (let offset = 0; ; offset += pageSize) {
      const args: Array<string | number> = [offset, offset + pageSize - 1];
      if (options.reverse) args.push("REV");
      const page = (await this.range(args, true)) as Array<ScoredMember<M>>;
      yield* page;
      if (page.length < pageSize) return;
    }
  }

  /** `for await (const [member, score] of zset)`: same as {@link entries}. */
  [Symbol.asyncIterator](): AsyncGenerator<ScoredMember<M>> {
    return this.entries();
  }
}
