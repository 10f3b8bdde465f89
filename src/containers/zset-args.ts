/**
 * Option parsing of RZSet's ZADD and ZUNIONSTORE/ZINTERSTORE: validates incompatible flags
 * and weights before anything is sent, and builds the Redis arguments.
 */
import { ValidationError } from "../errors";
import { requireFinite } from "../validate";

/** Options of `RZSet.add`. */
export interface ZAddOptions {
  /** Only add new members; never update existing ones (NX). Not with `xx`, `gt` or `lt`. */
  readonly nx?: boolean;
  /** Only update existing members; never add (XX). Not with `nx`. */
  readonly xx?: boolean;
  /** Only update when the new score is greater than the current one (GT); new members are still added. Not with `lt` or `nx`. */
  readonly gt?: boolean;
  /** Only update when the new score is less than the current one (LT); new members are still added. Not with `gt` or `nx`. */
  readonly lt?: boolean;
  /** Resolve the number of members added or whose score changed, instead of added only (CH). */
  readonly ch?: boolean;
}

/** Options of `RZSet.unionStore` / `RZSet.interStore`. */
export interface ZStoreOptions {
  /** One finite multiplier per source (this set first, then `others` in order); default all 1. */
  readonly weights?: readonly number[];
  /** How the scores of a member present in several sources combine; default `"sum"`. */
  readonly aggregate?: "sum" | "min" | "max";
}

/** ZADD flags for `options`; throws {@link ValidationError} for incompatible combinations. */
export function addFlags(options: ZAddOptions): string[] {
  if (options === null || typeof options !== "object") throw new ValidationError({ path: "options", message: "must be an object" });
  const { nx, xx, gt, lt, ch } = options;
  const clash = (a: string, b: string) => new ValidationError({ path: "options", message: `${a} and ${b} cannot be combined` });
  if (nx && xx) throw clash("nx", "xx");
  if (nx && gt) throw clash("nx", "gt");
  if (nx && lt) throw clash("nx", "lt");
  if (gt && lt) throw clash("gt", "lt");
  const flags: string[] = [];
  if (nx) flags.push("NX");
  if (xx) flags.push("XX");
  if (gt) flags.push("GT");
  if (lt) flags.push("LT");
  if (ch) flags.push("CH");
  return flags;
}

/** `numkeys key… [WEIGHTS w…] [AGGREGATE …]` for ZUNIONSTORE/ZINTERSTORE. */
export function storeArgs(sources: readonly string[], options: ZStoreOptions): Array<string | number> {
  const args: Array<string | number> = [sources.length, ...sources];
  if (options.weights !== undefined) {
    if (!Array.isArray(options.weights) || options.weights.length !== sources.length) {
      throw new ValidationError({ path: "weights", message: `needs exactly ${sources.length} weights (this set first, then each of others)` });
    }
    args.push("WEIGHTS", ...options.weights.map((w, i) => String(requireFinite(`weights[${i}]`, w))));
  }
  if (options.aggregate !== undefined) {
    if (!["sum", "min", "max"].includes(options.aggregate)) {
      throw new ValidationError({ path: "aggregate", message: `must be "sum", "min" or "max", got ${JSON.stringify(options.aggregate)}` });
    }
    args.push("AGGREGATE", options.aggregate.toUpperCase());
  }
  return args;
}
