/**
 * `RHyperLogLog<V>`: a Redis HyperLogLog, an approximate distinct counter (standard error
 * 0.81%, at most 12 KB per key) over values encoded by a codec.
 */
import { cmd } from "../command";
import { toBoolean, toInteger } from "../reply";
import { requireNonEmpty } from "../validate";
import { Container } from "./container";

/** Another HyperLogLog: an `RHyperLogLog`, or the name of one in the same Database. */
export type HyperLogLogRef<V> = RHyperLogLog<V> | string;

/**
 * A Redis HyperLogLog. Values are counted by their encoded bytes, so the codec must be
 * canonical (equal values, equal bytes). Multi-key methods need every key in one slot on
 * Cluster (a `{hash tag}`), else `CrossSlotError`.
 */
export class RHyperLogLog<V = string> extends Container<V> {
  /** Adds values; true when the estimated count changed. Needs at least one value. PFADD. */
  add(...values: V[]): Promise<boolean> {
    return this.guard(() => this.command("pfadd", requireNonEmpty("values", values).map((v, i) => this.encodeMember(`values[${i}]`, v)), toBoolean));
  }

  /** The estimated number of distinct values added (0 when the key does not exist). PFCOUNT. */
  count(): Promise<number> {
    return this.command("pfcount", [], toInteger);
  }

  /** The estimated number of distinct values in the union of this and `others`, without storing it. PFCOUNT over several keys. */
  countUnion(...others: HyperLogLogRef<V>[]): Promise<number> {
    return this.guard(() => {
      const keys = [this.key, ...this.refKeys("others", requireNonEmpty("others", others))];
      return this.run(cmd("pfcount", keys, keys, toInteger));
    });
  }

  /** Merges `sources` into this HyperLogLog (this becomes the union of itself and them). Needs at least one source. PFMERGE. */
  merge(...sources: HyperLogLogRef<V>[]): Promise<void> {
    return this.guard(() => {
      const keys = [this.key, ...this.refKeys("sources", requireNonEmpty("sources", sources))];
      return this.run(cmd("pfmerge", keys, keys, () => undefined));
    });
  }

  private refKeys(path: string, refs: readonly HyperLogLogRef<V>[]): string[] {
    return refs.map((ref, i) => this.keyOf(`${path}[${i}]`, ref, RHyperLogLog));
  }
}
