/**
 * `RList<V>`: a Redis list as an async `Array<V>`. Indexes and slices follow
 * `Array.prototype.at/slice/with` exactly; see {@link inclusiveRange} for the translation
 * to Redis's inclusive ranges.
 */
import { randomBytes } from "node:crypto";
import type { Raw } from "../codec";
import { scriptCmd } from "../command";
import { CommandError, IndexOutOfRangeError, ValidationError } from "../errors";
import { libraryScript } from "../lua/registry";
import { toArray, toInteger } from "../reply";
import { requireInteger, requireIntegerAtLeast, requireNonEmpty } from "../validate";
import { Container } from "./container";
import { inclusiveRange } from "./ranges";

/** An end of a list: `"head"` is index 0 (LEFT), `"tail"` the last index (RIGHT). */
export type ListEnd = "head" | "tail";

/** Options of {@link RList.move}. */
export interface ListMoveOptions {
  /** The end of this list to take the element from; default `"tail"`. */
  readonly from?: ListEnd;
  /** The end of the destination to put it at; default `"head"` (so the defaults are RPOPLPUSH). */
  readonly to?: ListEnd;
}

/** Options of {@link RList.values}. */
export interface ListIterateOptions {
  /** Elements fetched per LRANGE round trip; default 1000. */
  readonly pageSize?: number;
}

function side(path: string, end: ListEnd | undefined, fallback: ListEnd): "LEFT" | "RIGHT" {
  const value = end ?? fallback;
  if (value === "head") return "LEFT";
  if (value === "tail") return "RIGHT";
  throw new ValidationError({ path, message: `must be "head" or "tail", got ${JSON.stringify(value)}` });
}

function requireTimeout(path: string, seconds: unknown): number {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
    throw new ValidationError({ path, message: `must be a number of seconds ≥ 0 (0 waits forever), got ${String(seconds)}` });
  }
  return seconds;
}

/** Suppresses the unhandled-rejection report of a derived promise (the caller still sees the rejection). */
function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** A Redis list whose elements pass through a codec. */
export class RList<V = string> extends Container<V> {
  private encodeAll(path: string, values: readonly V[]): Raw[] {
    return requireNonEmpty(path, values).map((v) => this.encode(v));
  }

  private decodeAll(reply: unknown): V[] {
    return toArray(reply).map((v) => this.decode(v));
  }

  /** Appends values at the end, in order, in one round trip; resolves the new length. Needs at least one value. RPUSH. */
  push(...values: V[]): Promise<number> {
    return this.guard(() => this.command("rpush", this.encodeAll("values", values), toInteger));
  }

  /**
   * Inserts values at the start so that the list begins with them in the given order (like
   * `Array.prototype.unshift(a, b, c)` → `[a, b, c, …old]`), in one round trip; resolves
   * the new length. Needs at least one value. LPUSH (with the values reversed, since LPUSH
   * inserts them one by one).
   */
  unshift(...values: V[]): Promise<number> {
    return this.guard(() => this.command("lpush", this.encodeAll("values", values).reverse(), toInteger));
  }

  /** Removes and resolves the last element, or `undefined` when the list is empty. RPOP. */
  pop(): Promise<V | undefined> {
    return this.command("rpop", [], (r) => this.decodeOptional(r), this.codec.binary);
  }

  /** Removes and resolves the first element, or `undefined` when the list is empty. LPOP. */
  shift(): Promise<V | undefined> {
    return this.command("lpop", [], (r) => this.decodeOptional(r), this.codec.binary);
  }

  /** The element at `index` (negative counts from the end, like `Array.prototype.at`), or `undefined` when out of range. LINDEX. */
  at(index: number): Promise<V | undefined> {
    return this.guard(() => this.command("lindex", [requireInteger("index", index)], (r) => this.decodeOptional(r), this.codec.binary));
  }

  /**
   * Replaces the element at `index` (negative counts from the end, like
   * `Array.prototype.with`). Rejects with {@link IndexOutOfRangeError} when the index is out
   * of range (or the list does not exist); nothing is written then. LSET.
   */
  set(index: number, value: V): Promise<void> {
    return this.guard(() => {
      const i = requireInteger("index", index);
      const sent = this.command("lset", [i, this.encode(value)], () => undefined);
      return observed(
        sent.catch((error: unknown) => {
          if (error instanceof CommandError && /index out of range|no such key/i.test(error.message)) {
            throw new IndexOutOfRangeError("index", i);
          }
          throw error;
        }),
      );
    });
  }

  /**
   * The elements from `start` up to (not including) `end`, with `Array.prototype.slice`
   * semantics: negative indexes count from the end, out-of-range indexes clamp, and
   * `start ≥ end` gives `[]`. `slice()` is the whole list. LRANGE.
   */
  slice(start?: number, end?: number): Promise<V[]> {
    return this.guard(() => this.command("lrange", inclusiveRange(start, end), (r) => this.decodeAll(r), this.codec.binary));
  }

  /** Number of elements (0 when the key does not exist). LLEN. */
  size(): Promise<number> {
    return this.command("llen", [], toInteger);
  }

  /** Index of the first element equal to `value` (compared by encoded bytes), or -1. LPOS. */
  indexOf(value: V): Promise<number> {
    return this.guard(() => this.command("lpos", [this.encode(value)], (r) => (r === null || r === undefined ? -1 : toInteger(r))));
  }

  /** Index of the last element equal to `value`, or -1. LPOS … RANK -1. */
  lastIndexOf(value: V): Promise<number> {
    return this.guard(() => this.command("lpos", [this.encode(value), "RANK", -1], (r) => (r === null || r === undefined ? -1 : toInteger(r))));
  }

  /** True when some element equals `value`. LPOS. */
  includes(value: V): Promise<boolean> {
    return this.guard(() => this.command("lpos", [this.encode(value)], (r) => r !== null && r !== undefined));
  }

  /**
   * Removes elements equal to `value`; resolves how many were removed. `count` > 0 removes
   * the first `count` from the start, < 0 the last `|count|` from the end, 0 every
   * occurrence. Default 1 (like Python's `list.remove`). LREM.
   */
  remove(value: V, count = 1): Promise<number> {
    return this.guard(() => this.command("lrem", [requireInteger("count", count), this.encode(value)], toInteger));
  }

  /**
   * Removes the element at `index` (negative counts from the end) and resolves it, or
   * `undefined` when the index is out of range. Atomic: one Lua script (`list-remove-at`)
   * that marks the slot with a random tombstone and removes exactly that. EVALSHA.
   */
  removeAt(index: number): Promise<V | undefined> {
    return this.guard(() => {
      const i = requireInteger("index", index);
      const tombstone = `\u0000narwhal:tombstone:${randomBytes(16).toString("hex")}`;
      return this.run(scriptCmd(libraryScript("list-remove-at"), [this.key], [i, tombstone], (r) => this.decodeOptional(r), this.codec.binary));
    });
  }

  /** Inserts `value` before the first element equal to `pivot`; resolves the new length, or -1 when `pivot` is absent. LINSERT BEFORE. */
  insertBefore(pivot: V, value: V): Promise<number> {
    return this.insert("BEFORE", pivot, value);
  }

  /** Inserts `value` after the first element equal to `pivot`; resolves the new length, or -1 when `pivot` is absent. LINSERT AFTER. */
  insertAfter(pivot: V, value: V): Promise<number> {
    return this.insert("AFTER", pivot, value);
  }

  private insert(where: "BEFORE" | "AFTER", pivot: V, value: V): Promise<number> {
    return this.guard(() =>
      // LINSERT answers 0 for a missing key; a successful insert always gives ≥ 2.
      this.command("linsert", [where, this.encode(pivot), this.encode(value)], (r) => {
        const n = toInteger(r);
        return n <= 0 ? -1 : n;
      }),
    );
  }

  /**
   * Keeps only `slice(start, end)` (same index semantics) and drops every other element; an
   * empty result deletes the key. LTRIM.
   */
  trim(start: number, end?: number): Promise<void> {
    return this.guard(() => this.command("ltrim", inclusiveRange(start, end), () => undefined));
  }

  /**
   * Removes and resolves the last element, waiting up to `timeoutSeconds` (fractions
   * allowed; 0 waits forever) for one to arrive; `undefined` on timeout. Runs on a
   * dedicated connection so the shared one is never blocked. Not available in a
   * transaction or pipeline. BRPOP.
   */
  popBlocking(timeoutSeconds: number): Promise<V | undefined> {
    return this.blockingPop("brpop", timeoutSeconds);
  }

  /** Like {@link popBlocking} but takes the first element. BLPOP. */
  shiftBlocking(timeoutSeconds: number): Promise<V | undefined> {
    return this.blockingPop("blpop", timeoutSeconds);
  }

  private blockingPop(name: "blpop" | "brpop", timeoutSeconds: number): Promise<V | undefined> {
    return this.guard(() => {
      this.assertNotBatched(name === "blpop" ? "shiftBlocking" : "popBlocking");
      const timeout = requireTimeout("timeoutSeconds", timeoutSeconds);
      const parse = (r: unknown) => {
        if (r === null || r === undefined) return undefined;
        return this.decode(toArray(r)[1]);
      };
      return this.ctx.withDedicatedConnection(
        (executor) => executor.run({ name, keys: [this.key], args: [this.key, String(timeout)], parse, binary: this.codec.binary }),
        timeout,
      );
    });
  }

  /**
   * Atomically takes an element from one end of this list and puts it at one end of
   * `destination` (another list, or this one to rotate); resolves the element, or
   * `undefined` when this list is empty. On Redis Cluster both keys must share a slot
   * (use a `{hash tag}`). LMOVE.
   */
  move(destination: RList<V> | string, options: ListMoveOptions = {}): Promise<V | undefined> {
    return this.guard(() => {
      const target = this.keyOf("destination", destination);
      const args = [target, side("from", options.from, "tail"), side("to", options.to, "head")];
      return this.run({ name: "lmove", keys: [this.key, target], args: [this.key, ...args], parse: (r) => this.decodeOptional(r), binary: this.codec.binary });
    });
  }

  /** The whole list as an array. LRANGE 0 -1. */
  toArray(): Promise<V[]> {
    return this.slice();
  }

  /**
   * Iterates the elements in order, one LRANGE page per round trip. Pages are taken by
   * index, so if the list changes during the iteration elements may be skipped (an
   * element removed before the cursor shifts the rest left) or repeated (an element
   * inserted before the cursor shifts the rest right); a list that does not change is read
   * exactly once, in order. Not available inside a transaction or pipeline.
   */
  async *values(options: ListIterateOptions = {}): AsyncGenerator<V> {
    this.assertNotBatched("values");
    const pageSize = options.pageSize === undefined ? 1000 : requireIntegerAtLeast("pageSize", options.pageSize, 1);
    for (let offset = 0; ; offset += pageSize) {
      const page = await this.command("lrange", [offset, offset + pageSize - 1], (r) => this.decodeAll(r), this.codec.binary);
      yield* page;
      if (page.length < pageSize) return;
    }
  }

  /** `for await (const value of list)`: same as {@link values}. */
  [Symbol.asyncIterator](): AsyncGenerator<V> {
    return this.values();
  }
}
