/**
 * Range arguments shared by the ordered containers (RList, RZSet): JavaScript's
 * `Array.prototype.slice` indexes turned into Redis's inclusive index ranges, and score or
 * lex bounds turned into Redis's bound syntax (`(5`, `+inf`, `[abc`, `-`, `+`), so no raw
 * Redis bound string ever appears in the public API.
 */
import { ValidationError } from "../errors";
import { boundArg, requireInteger, requireIntegerAtLeast, requireScore, requireString } from "../validate";

/**
 * Converts `Array.prototype.slice(start, end)` arguments into the inclusive `[first, last]`
 * of LRANGE / LTRIM / ZRANGE / ZREMRANGEBYRANK, without knowing the length.
 *
 * Redis resolves a negative index as `len + i` and clamps the same way `slice` does, so
 * `start` maps unchanged; only the exclusive `end` needs care: `end - 1` for every non-zero
 * `end` (`slice(0, -1)` → `0 -2`), no end → `-1`, and `end === 0` (always empty) → `1 0`,
 * a range Redis treats as empty (LTRIM with it empties the list, as `slice(x, 0)` is empty).
 */
export function inclusiveRange(start: number | undefined, end: number | undefined, names: [string, string] = ["start", "end"]): [number, number] {
  const first = start === undefined ? 0 : requireInteger(names[0], start);
  if (end === undefined) return [first, -1];
  const last = requireInteger(names[1], end);
  if (last === 0) return [1, 0];
  return [first, last - 1];
}

/** Inclusive/exclusive flags of a score or lex range. */
export interface BoundOptions {
  /** Exclude members whose score (or value, for lex ranges) equals `min`. */
  readonly minExclusive?: boolean;
  /** Exclude members whose score (or value, for lex ranges) equals `max`. */
  readonly maxExclusive?: boolean;
}

/** Paging of a score or lex range (ZRANGE … LIMIT offset count). */
export interface LimitOptions {
  /** Skip this many matching members first (default 0). */
  readonly offset?: number;
  /** Return at most this many members (default: all). */
  readonly count?: number;
}

/** Formats a score bound: `-inf`, `+inf`, `5` or `(5`. NaN → ValidationError naming `path`. */
export function scoreBound(path: string, value: number, exclusive: boolean | undefined): string {
  return boundArg(requireScore(path, value), exclusive === true);
}

/** Both bounds of a score range, min first. */
export function scoreBounds(min: number, max: number, options: BoundOptions): [string, string] {
  return [scoreBound("min", min, options.minExclusive), scoreBound("max", max, options.maxExclusive)];
}

/**
 * Formats a lex bound: `undefined` is the unbounded `-` (for min) or `+` (for max);
 * a string becomes `[s` or `(s`. The string is compared as its UTF-8 bytes (any Unicode).
 */
export function lexBound(path: string, value: string | undefined, exclusive: boolean | undefined, side: "min" | "max"): string {
  if (value === undefined) {
    if (exclusive) throw new ValidationError({ path, message: "an unbounded lex bound cannot be exclusive" });
    return side === "min" ? "-" : "+";
  }
  return (exclusive ? "(" : "[") + requireString(path, value);
}

/** Both bounds of a lex range, min first. */
export function lexBounds(min: string | undefined, max: string | undefined, options: BoundOptions): [string, string] {
  return [lexBound("min", min, options.minExclusive, "min"), lexBound("max", max, options.maxExclusive, "max")];
}

/**
 * The bounds of "every string starting with `prefix`": `[prefix` up to `[prefix` followed by
 * the raw byte 0xFF. UTF-8 never contains 0xFF, so that upper bound sorts after every
 * UTF-8 continuation of the prefix; it must be sent as a Buffer, because the JavaScript
 * string `"\xff"` would go out as the two bytes C3 BF and miss e.g. `prefix + "ā"` or CJK.
 */
export function prefixBounds(prefix: string): [Buffer, Buffer] {
  requireString("prefix", prefix);
  const head = Buffer.from(`[${prefix}`, "utf8");
  return [head, Buffer.concat([head, Buffer.from([0xff])])];
}

/** `LIMIT offset count` arguments, or none. `count` alone means offset 0; `offset` alone means no count limit. */
export function limitArgs(options: LimitOptions): Array<string | number> {
  const { offset, count } = options;
  if (offset === undefined && count === undefined) return [];
  const o = offset === undefined ? 0 : requireIntegerAtLeast("offset", offset, 0);
  const c = count === undefined ? -1 : requireIntegerAtLeast("count", count, 0);
  return ["LIMIT", o, c];
}
