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

/** A string. */
export function requireString(path: string, value: unknown): string {
  if (typeof value !== "string") fail(path, `must be a string, got ${describe(value)}`);
  return value;
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
