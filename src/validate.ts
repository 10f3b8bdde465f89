/**
 * Argument checks shared by every public method. Each throws {@link ValidationError} naming
 * the argument, before anything is sent to Redis.
 */
import { ValidationError } from "./errors";

function fail(path: string, message: string): never {
  throw new ValidationError({ path, message });
}

/** A safe integer (indexes, counts). */
export function requireInteger(path: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) fail(path, `must be an integer, got ${describe(value)}`);
  return value;
}

/** An integer ≥ `min`. */
export function requireIntegerAtLeast(path: string, value: unknown, min: number): number {
  const n = requireInteger(path, value);
  if (n < min) fail(path, `must be ≥ ${min}, got ${n}`);
  return n;
}

/** A finite number (increments, weights). */
export function requireFinite(path: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(path, `must be a finite number, got ${describe(value)}`);
  return value;
}

/** A sorted-set score or bound: any number but NaN (`±Infinity` allowed). */
export function requireScore(path: string, value: unknown): number {
  if (typeof value !== "number" || Number.isNaN(value)) fail(path, `must be a number (±Infinity allowed), got ${describe(value)}`);
  return value;
}

/** A non-empty array. */
export function requireNonEmpty<T>(path: string, values: readonly T[]): readonly T[] {
  if (!Array.isArray(values) || values.length === 0) fail(path, "needs at least one item");
  return values;
}

/**
 * True when `s` is well-formed UTF-16: no lone surrogate (a high surrogate not followed by a
 * low one, or a low one not preceded by a high one). Exactly the strings UTF-8 can carry.
 */
export function isWellFormed(s: string): boolean {
  // String#isWellFormed is Node ≥ 20 (the ES2024 lib is not enabled, hence the cast).
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/**
 * THE rule for every string that names or finds something in Redis (key and container
 * names, hash fields, members given as strings, model ids and indexed/unique/query values,
 * autocomplete ids and types, cache keys, names and tags): it must be well-formed UTF-16.
 * Redis receives UTF-8, which cannot carry a lone surrogate: ioredis would send U+FFFD, so
 * `"a\uD800"`, `"a\uDC00"` and `"a\uFFFD"` would all name the same thing. Refused with a
 * {@link ValidationError} naming `path`, before anything is sent.
 */
export function requireWellFormed(path: string, value: string): string {
  if (!isWellFormed(value)) {
    fail(path, `must not contain a lone UTF-16 surrogate (UTF-8 cannot carry it: Redis would store U+FFFD, so distinct strings would collide), got ${describe(value)}`);
  }
  return value;
}

/** A string that can cross the wire unchanged (well-formed: see {@link requireWellFormed}). */
export function requireString(path: string, value: unknown): string {
  if (typeof value !== "string") fail(path, `must be a string, got ${describe(value)}`);
  return requireWellFormed(path, value);
}

/** A timeout or TTL in seconds: finite and > 0. */
export function requirePositiveSeconds(path: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) fail(path, `must be a positive number of seconds, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  return value === null ? "null" : typeof value;
}

/** Formats a score for ZADD/ZINCRBY: JavaScript's `Infinity` is Redis's `+inf`. */
export function scoreArg(value: number): string {
  if (value === Infinity) return "+inf";
  if (value === -Infinity) return "-inf";
  return String(value);
}

/** Formats a score range bound: `(5` when exclusive. */
export function boundArg(value: number, exclusive: boolean): string {
  return exclusive ? `(${scoreArg(value)}` : scoreArg(value);
}
