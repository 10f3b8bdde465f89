/**
 * `RSet<V>`: a Redis set as an async `Set<V>`, with Redis's set algebra.
 */
import type { Raw } from "../codec";
import { cmd } from "../command";
import { ValidationError } from "../errors";
import { toArray, toBoolean, toInteger } from "../reply";
import { requireIntegerAtLeast, requireNonEmpty, requireString } from "../validate";
import { Container } from "./container";

/** Options of {@link RSet.values}. */
export interface SetScanOptions {
  /** Only members whose encoded form matches this glob pattern (SSCAN MATCH; see `escapeGlob`). */
  readonly match?: string;
  /** Work hint per SSCAN call (COUNT); default Redis's 10. */
  readonly count?: number;
}

/** Options of {@link RSet.random}. */
export interface SetRandomOptions {
  /**
   * `true` (default): at most `count` distinct members. `false`: exactly `count` members,
   * possibly repeated (SRANDMEMBER with a negative count), unless the set is empty.
   */
  readonly distinct?: boolean;
}

/** Another set given to set algebra: an `RSet`, or the name of one in the same Database. */
export type SetRef<V> = RSet<V> | string;

/** A Redis set whose members pass through a codec. The codec must be canonical (equal values, equal bytes). */
export class RSet<V = string> extends Container<V> {
  /** Adds members; resolves how many were not there yet. Needs at least one member. SADD. */
  add(...members: V[]): Promise<number> {
    return this.guard(() => this.command("sadd", this.encodeAll("members", members), toInteger));
  }

  /** Removes members; resolves how many were there. Needs at least one (`clear()` removes the key). SREM. */
  delete(...members: V[]): Promise<number> {
    return this.guard(() => this.command("srem", this.encodeAll("members", members), toInteger));
  }

  /** True when `member` is in the set. SISMEMBER. */
  has(member: V): Promise<boolean> {
    return this.guard(() => this.command("sismember", [this.encodeMember("member", member)], toBoolean));
  }

  /** For each of `members`, whether it is in the set, in one round trip; `[]` for none. SMISMEMBER. */
  hasMany(members: readonly V[]): Promise<boolean[]> {
    return this.guard(() => {
      if (!Array.isArray(members)) throw new ValidationError({ path: "members", message: "must be an array" });
      if (members.length === 0) return Promise.resolve([]);
      return this.command("smismember", members.map((m, i) => this.encodeMember(`members[${i}]`, m)), (r) => toArray(r).map(toBoolean));
    });
  }

  /** Number of members. SCARD. */
  size(): Promise<number> {
    return this.command("scard", [], toInteger);
  }

  /** Removes and resolves a random member (`undefined` when empty). SPOP. */
  pop(): Promise<V | undefined>;
  /** Removes and resolves up to `count` random distinct members. SPOP with a count. */
  pop(count: number): Promise<V[]>;
  pop(count?: number): Promise<V | undefined | V[]> {
    if (count === undefined) return this.command("spop", [], (r) => this.decodeOptional(r), this.codec.binary);
    return this.guard(() => this.command("spop", [requireIntegerAtLeast("count", count, 0)], (r) => this.decodeList(r), this.codec.binary));
  }

  /** A random member, not removed (`undefined` when empty). SRANDMEMBER. */
  random(): Promise<V | undefined>;
  /** Up to `count` random distinct members, or exactly `count` with `{ distinct: false }`. SRANDMEMBER with a count. */
  random(count: number, options?: SetRandomOptions): Promise<V[]>;
  random(count?: number, options: SetRandomOptions = {}): Promise<V | undefined | V[]> {
    if (count === undefined) return this.command("srandmember", [], (r) => this.decodeOptional(r), this.codec.binary);
    return this.guard(() => {
      const n = requireIntegerAtLeast("count", count, 0);
      // SRANDMEMBER's sign picks the mode; -0 would read as 0 either way.
      const arg = options.distinct === false && n > 0 ? -n : n;
      return this.command("srandmember", [arg], (r) => this.decodeList(r), this.codec.binary);
    });
  }

  /** Every member, as a JS `Set`. SMEMBERS (use `for await` for large sets). */
  members(): Promise<Set<V>> {
    return this.command("smembers", [], (r) => this.decodeSet(r), this.codec.binary);
  }

  /**
   * Members of this set or any of `others`. SUNION. Results are decoded with this set's
   * codec. On Cluster all sets must share a slot (a `{hash tag}`), else `CrossSlotError`.
   */
  union(...others: SetRef<V>[]): Promise<Set<V>> {
    return this.algebra("sunion", others);
  }

  /** Members of this set that are in every one of `others`. SINTER. Same-slot rule as {@link union}. */
  intersection(...others: SetRef<V>[]): Promise<Set<V>> {
    return this.algebra("sinter", others);
  }

  /** Members of this set that are in none of `others`. SDIFF. Same-slot rule as {@link union}. */
  difference(...others: SetRef<V>[]): Promise<Set<V>> {
    return this.algebra("sdiff", others);
  }

  /**
   * Stores the union of this set and `others` in `destination` (replacing it; an empty result
   * deletes it) and resolves the destination set. SUNIONSTORE. Same-slot rule as {@link union}.
   */
  unionStore(destination: SetRef<V>, ...others: SetRef<V>[]): Promise<RSet<V>> {
    return this.algebraStore("sunionstore", destination, others);
  }

  /** Like {@link unionStore} for the intersection. SINTERSTORE. */
  intersectionStore(destination: SetRef<V>, ...others: SetRef<V>[]): Promise<RSet<V>> {
    return this.algebraStore("sinterstore", destination, others);
  }

  /** Like {@link unionStore} for the difference (this set minus `others`). SDIFFSTORE. */
  differenceStore(destination: SetRef<V>, ...others: SetRef<V>[]): Promise<RSet<V>> {
    return this.algebraStore("sdiffstore", destination, others);
  }

  /**
   * Moves `member` from this set to `destination` atomically; true when it was here (and is
   * now there). SMOVE. Same-slot rule as {@link union}.
   */
  move(member: V, destination: SetRef<V>): Promise<boolean> {
    return this.guard(() => {
      const to = this.keyOf("destination", destination, RSet);
      return this.run(cmd("smove", [this.key, to], [this.key, to, this.encodeMember("member", member)], toBoolean));
    });
  }

  /**
   * Iterates the members with SSCAN, a page per round trip. SCAN's guarantees apply: a member
   * present for the whole iteration is returned at least once (possibly more than once if the
   * set is resized meanwhile, so dedupe if that matters); members added or removed during the
   * iteration may or may not be returned. `match` applies to the encoded member. Not
   * available inside a transaction.
   */
  async *values(options: SetScanOptions = {}): AsyncGenerator<V> {
    if (options.count !== undefined) requireIntegerAtLeast("count", options.count, 1);
    if (options.match !== undefined) requireString("match", options.match);
    for await (const page of this.scanPages("sscan", options.match, options.count)) {
      for (const raw of page) yield this.decode(raw);
    }
  }

  /** `for await (const member of set)`: same as {@link values}. */
  [Symbol.asyncIterator](): AsyncGenerator<V> {
    return this.values();
  }

  private encodeAll(path: string, members: readonly V[]): Raw[] {
    return requireNonEmpty(path, members).map((m, i) => this.encodeMember(`${path}[${i}]`, m));
  }

  private decodeList(reply: unknown): V[] {
    return toArray(reply).map((r) => this.decode(r));
  }

  private decodeSet(reply: unknown): Set<V> {
    return new Set(this.decodeList(reply));
  }

  private refKeys(others: readonly SetRef<V>[]): string[] {
    return others.map((o, i) => this.keyOf(`others[${i}]`, o, RSet));
  }

  private algebra(name: "sunion" | "sinter" | "sdiff", others: readonly SetRef<V>[]): Promise<Set<V>> {
    return this.guard(() => {
      const keys = [this.key, ...this.refKeys(others)];
      return this.run(cmd(name, keys, keys, (r) => this.decodeSet(r), this.codec.binary));
    });
  }

  private algebraStore(name: "sunionstore" | "sinterstore" | "sdiffstore", destination: SetRef<V>, others: readonly SetRef<V>[]): Promise<RSet<V>> {
    return this.guard(() => {
      const to = this.keyOf("destination", destination, RSet);
      const target = destination instanceof RSet ? destination : new RSet<V>(this.ctx, destination, this.codec);
      const keys = [to, this.key, ...this.refKeys(others)];
      return this.run(cmd(name, keys, keys, () => target));
    });
  }
}
