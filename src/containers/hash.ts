/**
 * `RHash<V>`: a Redis hash as an async `Map<string, V>`.
 */
import type { Raw } from "../codec";
import { toArray, toBoolean, toInteger, toNumber, toPairs } from "../reply";
import { requireFinite, requireIntegerAtLeast, requireNonEmpty, requireString } from "../validate";
import { ValidationError } from "../errors";
import { Container } from "./container";

/** Options of {@link RHash.entries}. */
export interface HashScanOptions {
  /** Only fields matching this glob pattern (HSCAN MATCH). */
  readonly match?: string;
  /** Work hint per HSCAN call (COUNT); default Redis's 10. */
  readonly count?: number;
}

function fieldName(raw: unknown): string {
  return Buffer.isBuffer(raw) ? raw.toString("utf8") : String(raw);
}

/** A Redis hash whose values pass through a codec. Field names are strings. */
export class RHash<V = string> extends Container<V> {
  /** The value of `field`, or `undefined`. HGET. */
  get(field: string): Promise<V | undefined> {
    return this.guard(() => this.command("hget", [requireString("field", field)], (r) => this.decodeOptional(r), this.codec.binary));
  }

  /** Sets `field`; true when the field is new. HSET. */
  set(field: string, value: V): Promise<boolean> {
    return this.guard(() => this.command("hset", [requireString("field", field), this.encode(value)], toBoolean));
  }

  /** Sets `field` only when it does not exist yet; true when it was set. HSETNX. */
  setIfAbsent(field: string, value: V): Promise<boolean> {
    return this.guard(() => this.command("hsetnx", [requireString("field", field), this.encode(value)], toBoolean));
  }

  /** True when `field` exists. HEXISTS. */
  has(field: string): Promise<boolean> {
    return this.guard(() => this.command("hexists", [requireString("field", field)], toBoolean));
  }

  /** Removes fields; resolves how many existed. Needs at least one field (`clear()` removes the key). HDEL. */
  delete(...fields: string[]): Promise<number> {
    return this.guard(() => {
      requireNonEmpty("fields", fields).forEach((f, i) => requireString(`fields[${i}]`, f));
      return this.command("hdel", fields, toInteger);
    });
  }

  /** Number of fields. HLEN. */
  size(): Promise<number> {
    return this.command("hlen", [], toInteger);
  }

  /** Values of `fields` in order (`undefined` for missing ones), in one round trip; `[]` for no fields. HMGET. */
  getMany(fields: readonly string[]): Promise<Array<V | undefined>> {
    return this.guard(() => {
      if (!Array.isArray(fields)) throw new ValidationError({ path: "fields", message: "must be an array" });
      if (fields.length === 0) return Promise.resolve([]);
      fields.forEach((f, i) => requireString(`fields[${i}]`, f));
      return this.command("hmget", fields, (r) => toArray(r).map((v) => this.decodeOptional(v)), this.codec.binary);
    });
  }

  /** Sets many fields in one round trip; resolves how many were new. Needs at least one field. HSET. */
  update(values: Record<string, V> | Map<string, V> | Iterable<readonly [string, V]>): Promise<number> {
    return this.guard(() => {
      const entries: Array<readonly [string, V]> =
        values instanceof Map || Symbol.iterator in Object(values)
          ? [...(values as Iterable<readonly [string, V]>)]
          : Object.entries(values as Record<string, V>);
      requireNonEmpty("values", entries);
      const args: Raw[] = [];
      for (const [field, value] of entries) args.push(requireString("field", field), this.encode(value));
      return this.command("hset", args, toInteger);
    });
  }

  /** Adds `by` (default 1) to a numeric field and resolves the new value. HINCRBY for integers, HINCRBYFLOAT otherwise. */
  incr(field: string, by = 1): Promise<number> {
    return this.guard(() => {
      requireString("field", field);
      requireFinite("by", by);
      return Number.isSafeInteger(by)
        ? this.command("hincrby", [field, by], toInteger)
        : this.command("hincrbyfloat", [field, String(by)], toNumber);
    });
  }

  /** Every field name. HKEYS. */
  keys(): Promise<string[]> {
    return this.command("hkeys", [], (r) => toArray(r).map(fieldName), this.codec.binary);
  }

  /** Every value. HVALS. */
  values(): Promise<V[]> {
    return this.command("hvals", [], (r) => toArray(r).map((v) => this.decode(v)), this.codec.binary);
  }

  /** The whole hash as an object without a prototype (so a field named `__proto__` is plain data). HGETALL. */
  toObject(): Promise<Record<string, V>> {
    const parse = (r: unknown) => {
      const out = Object.create(null) as Record<string, V>;
      for (const [f, v] of toPairs(r)) out[fieldName(f)] = this.decode(v);
      return out;
    };
    return this.command("hgetall", [], parse, this.codec.binary);
  }

  /** The whole hash as a `Map`. HGETALL. */
  toMap(): Promise<Map<string, V>> {
    return this.command("hgetall", [], (r) => new Map(toPairs(r).map(([f, v]) => [fieldName(f), this.decode(v)])), this.codec.binary);
  }

  /**
   * Iterates `[field, value]` pairs with HSCAN, a page per round trip. SCAN's guarantees
   * apply: a field present for the whole iteration is returned at least once (possibly more
   * than once if the hash is resized meanwhile); fields added or removed during the
   * iteration may or may not be returned. Not available inside a transaction.
   */
  async *entries(options: HashScanOptions = {}): AsyncGenerator<[string, V]> {
    if (options.count !== undefined) requireIntegerAtLeast("count", options.count, 1);
    for await (const page of this.scanPages("hscan", options.match, options.count)) {
      for (const [f, v] of toPairs(page)) yield [fieldName(f), this.decode(v)];
    }
  }

  /** `for await (const [field, value] of hash)`: same as {@link entries}. */
  [Symbol.asyncIterator](): AsyncGenerator<[string, V]> {
    return this.entries();
  }
}
