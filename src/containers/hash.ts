/**
 * `RHash<V>`: a Redis hash as an async `Map<string, V>`.
 */
import type { Raw } from "../codec";
import { codecs } from "../codec";
import { toArray, toBoolean, toInteger, toNumber, toPairs } from "../reply";
import { requireFinite, requireInteger, requireIntegerAtLeast, requireNonEmpty, requireString } from "../validate";
import { CodecError, CommandError, ValidationError } from "../errors";
import { Container } from "./container";
import { cmd } from "../command";

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
    // Written out (no guard/command closures): the most frequent call of all.
    try {
      requireString("field", field);
    } catch (error) {
      return this.ctx.executor.fail(error);
    }
    return this.run(cmd("hget", this.keyList, [this.key, field], this.optionalValue, this.codec.binary));
  }

  /** Sets `field`; true when the field is new. HSET. */
  set(field: string, value: V): Promise<boolean> {
    let raw: Raw;
    try {
      requireString("field", field);
      raw = this.encode(value);
    } catch (error) {
      return this.ctx.executor.fail(error);
    }
    return this.run(cmd("hset", this.keyList, [this.key, field, raw], toBoolean));
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

  /**
   * Adds `by` (default 1) to a numeric field (absent = 0) and resolves the new value. The
   * command follows the hash's codec, never the value of `by`, so a field is always
   * incremented the same way:
   * - `codecs.integer`: HINCRBY. `by` must be a safe integer (else `ValidationError`); a
   *   stored value that is not an integer (written by something else) rejects with a
   *   `CodecError` and is left unchanged.
   * - `codecs.number`: HINCRBYFLOAT, for any finite `by` (integers and fractions alike, so a
   *   field holding `1.5` can still be incremented by 1); a stored value that is not a
   *   finite number rejects with a `CodecError`.
   * - any other codec (the default `codecs.string` included): `ValidationError`, since the
   *   result could not be read back through the codec; open the hash with
   *   `{ codec: codecs.integer }` or `{ codec: codecs.number }`.
   */
  incr(field: string, by = 1): Promise<number> {
    return this.guard(() => {
      requireString("field", field);
      let sent: Promise<number>;
      if (this.codec === (codecs.integer as unknown)) {
        sent = this.command("hincrby", [field, requireInteger("by", by)], toInteger);
      } else if (this.codec === (codecs.number as unknown)) {
        sent = this.command("hincrbyfloat", [field, String(requireFinite("by", by))], toNumber);
      } else {
        throw new ValidationError({ path: "codec", message: `incr needs a hash opened with { codec: codecs.integer } (HINCRBY) or { codec: codecs.number } (HINCRBYFLOAT), not the ${this.codec.name} codec` });
      }
      const codec = this.codec.name;
      const observed = sent.catch((error: unknown) => {
        if (error instanceof CommandError && /not an integer|not a (?:valid )?float/i.test(error.message)) {
          throw new CodecError(codec, `field ${JSON.stringify(field)} of ${this.key} does not hold ${codec === "integer" ? "an integer" : "a finite number"}, so it cannot be incremented (${error.message})`, { cause: error });
        }
        throw error;
      });
      // A rejection nobody awaits (e.g. inside a transaction the caller did not return) must not crash the process.
      observed.catch(() => undefined);
      return observed;
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

  /**
   * The whole hash as a plain object. A field named `__proto__` is an own data property like
   * any other (never the object's prototype): the object is built with `Object.fromEntries`.
   * HGETALL.
   */
  toObject(): Promise<Record<string, V>> {
    const parse = (r: unknown): Record<string, V> => Object.fromEntries(toPairs(r).map(([f, v]) => [fieldName(f), this.decode(v)]));
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
    if (options.match !== undefined) requireString("match", options.match);
    for await (const page of this.scanPages("hscan", options.match, options.count)) {
      for (const [f, v] of toPairs(page)) yield [fieldName(f), this.decode(v)];
    }
  }

  /** `for await (const [field, value] of hash)`: same as {@link entries}. */
  [Symbol.asyncIterator](): AsyncGenerator<[string, V]> {
    return this.entries();
  }
}
