/**
 * The factories shared by a `Database` and by the handle a transaction or pipeline
 * callback receives: containers opened through a scope send their commands through the
 * scope's executor, which is how they join a MULTI.
 */
import type { Codec } from "./codec";
import { codecs } from "./codec";
import type { Executor } from "./command";
import type { Context, ContainerOptions } from "./containers/container";
import { RHash } from "./containers/hash";
import { RHyperLogLog } from "./containers/hyperloglog";
import { RSet } from "./containers/set";
import { RList } from "./containers/list";
import { RZSet } from "./containers/zset";
import { RStream } from "./containers/stream";
import { RBitmap } from "./containers/bitmap";
import { RBitField } from "./containers/bitfield";
import { RBloomFilter } from "./containers/bloom";
import type { BloomFilterOptions } from "./containers/bloom";
import type { KeySpace } from "./keys";

/** The string codec, typed for a container whose value type the caller chose. */
function defaultCodec<V>(): Codec<V> {
  return codecs.string as unknown as Codec<V>;
}

/** Everything that opens containers: a Database, or a transaction/pipeline handle. */
export abstract class Scope implements Context {
  /** @internal */
  abstract readonly executor: Executor;
  /** The key builder (prefix) of this scope's Database. */
  abstract readonly keys: KeySpace;

  /** @internal */
  abstract withDedicatedConnection<T>(fn: (executor: Executor) => Promise<T>, blockSeconds: number): Promise<T>;

  /** @internal Applies the Database prefix to a user key name. */
  prefixKey(name: string): string {
    return this.keys.container(name);
  }

  /** A Redis hash at `<prefix>:<name>` whose values pass through `codec` (default: strings). */
  hash<V = string>(name: string, options: ContainerOptions<V> = {}): RHash<V> {
    return new RHash(this, name, options.codec ?? defaultCodec<V>());
  }

  /** A Redis set at `<prefix>:<name>` whose members pass through `codec` (default: strings; it must be canonical). */
  set<V = string>(name: string, options: ContainerOptions<V> = {}): RSet<V> {
    return new RSet(this, name, options.codec ?? defaultCodec<V>());
  }

  /** A HyperLogLog at `<prefix>:<name>` counting values encoded by `codec` (default: strings; it must be canonical). */
  hyperLogLog<V = string>(name: string, options: ContainerOptions<V> = {}): RHyperLogLog<V> {
    return new RHyperLogLog(this, name, options.codec ?? defaultCodec<V>());
  }

  /** A Redis list at `<prefix>:<name>` whose elements pass through `codec` (default: strings). */
  list<V = string>(name: string, options: ContainerOptions<V> = {}): RList<V> {
    return new RList(this, name, options.codec ?? defaultCodec<V>());
  }

  /**
   * A Redis sorted set at `<prefix>:<name>` whose members pass through `codec` (default:
   * strings). The codec must be canonical (equal members encode to equal bytes).
   */
  zset<M = string>(name: string, options: ContainerOptions<M> = {}): RZSet<M> {
    return new RZSet(this, name, options.codec ?? defaultCodec<M>());
  }

  /** A Redis stream at `<prefix>:<name>` whose entry values pass through `codec` (default: strings); consumer groups via `.group(name)`. */
  stream<V = string>(name: string, options: ContainerOptions<V> = {}): RStream<V> {
    return new RStream(this, name, options.codec ?? defaultCodec<V>());
  }

  /** A bitmap (a string addressed by bit: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP) at `<prefix>:<name>`. */
  bitmap(name: string): RBitmap {
    return new RBitmap(this, name, codecs.string);
  }

  /** Integer fields of any width at any bit offset (BITFIELD) of the string at `<prefix>:<name>`. */
  bitField(name: string): RBitField {
    return new RBitField(this, name, codecs.string);
  }

  /** A Bloom filter at `<prefix>:<name>` sized for `capacity` members at `errorRate` false positives; one script per call. */
  bloomFilter<V = string>(name: string, options: BloomFilterOptions<V>): RBloomFilter<V> {
    return new RBloomFilter(this, name, options.codec ?? defaultCodec<V>(), options);
  }
}
