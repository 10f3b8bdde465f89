/**
 * Field kinds: how each kind validates a JavaScript value, encodes it into the record hash
 * (one string per field; `null` = the field is absent from the hash) and decodes it back.
 * Range kinds (integer, float, date) also give the sorted-set score used by range indexes.
 */
import type { ValidationIssue } from "../errors";
import { isWellFormed } from "../validate";

/** Every field kind. */
export type FieldKind =
  | "id"
  | "text"
  | "integer"
  | "float"
  | "boolean"
  | "date"
  | "json"
  | "uuid"
  | "bytes"
  | "enum"
  | "list"
  | "set"
  | "hash"
  | "zset";

/** Kinds whose value is a container bound to the record rather than a stored value. */
export const CONTAINER_KINDS: ReadonlySet<FieldKind> = new Set(["list", "set", "hash", "zset"]);
/** Kinds with a numeric score: `index` gives them a range index (and equality through it). */
export const RANGE_KINDS: ReadonlySet<FieldKind> = new Set(["integer", "float", "date"]);
/** Kinds whose `index` is an equality set. */
export const EQUALITY_KINDS: ReadonlySet<FieldKind> = new Set(["text", "boolean", "enum", "uuid", "id"]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What {@link checkValue} needs to know about a field. */
export interface KindInfo {
  readonly name: string;
  readonly kind: FieldKind;
  readonly values?: readonly string[];
  readonly auto?: "uuid" | "increment";
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return "an invalid Date";
  return typeof value;
}

/** The issue of a string with a lone surrogate (the rule of `requireWellFormed` in validate.ts). */
function illFormed(field: KindInfo): ValidationIssue {
  return {
    path: field.name,
    message: "must not contain a lone UTF-16 surrogate (UTF-8 cannot carry it: Redis would store U+FFFD, so distinct values would collide)",
  };
}

/**
 * Returns the problem with a non-null `value` for `field`, or undefined when it is valid.
 * Strings (ids, text, enum, uuid) must be well-formed UTF-16: they become record keys, index
 * keys, unique claims and query arguments, where a lone surrogate would turn into U+FFFD.
 */
export function checkValue(field: KindInfo, value: unknown): ValidationIssue | undefined {
  // JSON escapes lone surrogates (`"\ud800"`), so json fields keep any string.
  if (typeof value === "string" && field.kind !== "json" && !isWellFormed(value)) return illFormed(field);
  const bad = (expected: string): ValidationIssue => ({ path: field.name, message: `must be ${expected}, got ${describe(value)}` });
  switch (field.kind) {
    case "id":
      if (field.auto === "increment") return Number.isSafeInteger(value) && (value as number) > 0 ? undefined : bad("a positive integer");
      if (typeof value !== "string" || value === "") return bad("a non-empty string");
      if (value.includes("\0")) return { path: field.name, message: "must not contain NUL characters" };
      return undefined;
    case "text":
      return typeof value === "string" ? undefined : bad("a string");
    case "uuid":
      return typeof value === "string" && UUID.test(value) ? undefined : bad("a uuid string");
    case "enum":
      return typeof value === "string" && (field.values ?? []).includes(value) ? undefined : bad(`one of ${(field.values ?? []).map((v) => JSON.stringify(v)).join(", ")}`);
    case "integer":
      return Number.isSafeInteger(value) ? undefined : bad("a safe integer");
    case "float":
      return typeof value === "number" && Number.isFinite(value) ? undefined : bad("a finite number");
    case "boolean":
      return typeof value === "boolean" ? undefined : bad("a boolean");
    case "date":
      return value instanceof Date && Number.isFinite(value.getTime()) ? undefined : bad("a valid Date");
    case "bytes":
      return value instanceof Uint8Array ? undefined : bad("a Buffer or Uint8Array");
    case "json":
      try {
        return JSON.stringify(value) === undefined ? bad("a JSON value") : undefined;
      } catch (error) {
        return { path: field.name, message: `must be JSON-serializable (${(error as Error).message})` };
      }
    default:
      return { path: field.name, message: "is a container field and cannot be assigned" };
  }
}

/** Encodes a valid non-null value as the string stored in the record hash. */
export function encodeValue(kind: FieldKind, value: unknown): string {
  switch (kind) {
    case "integer":
    case "float":
      return Object.is(value, -0) ? "-0" : String(value);
    case "id":
      return String(value);
    case "boolean":
      return value ? "1" : "0";
    case "date":
      return String((value as Date).getTime());
    case "json":
      return JSON.stringify(value);
    case "bytes":
      return Buffer.from(value as Uint8Array).toString("base64");
    default:
      return value as string;
  }
}

/** Decodes a stored string back into the field's JavaScript value. */
export function decodeValue(field: KindInfo, raw: string): unknown {
  switch (field.kind) {
    case "id":
      return field.auto === "increment" ? Number(raw) : raw;
    case "integer":
    case "float":
      return Number(raw);
    case "boolean":
      return raw === "1";
    case "date":
      return new Date(Number(raw));
    case "json":
      return JSON.parse(raw) as unknown;
    case "bytes":
      return Buffer.from(raw, "base64");
    default:
      return raw;
  }
}

/** The sorted-set score of a range-kind value (what the range index stores). */
export function scoreOf(kind: FieldKind, value: unknown): number {
  return kind === "date" ? (value as Date).getTime() : (value as number);
}

/** The kind `@field()` infers from a `design:type` constructor, or undefined (Object → json: see metadata.ts for unannotated fields). */
export function kindFromDesignType(designType: unknown): FieldKind | undefined {
  switch (designType) {
    case String:
      return "text";
    case Number:
      return "float";
    case Boolean:
      return "boolean";
    case Date:
      return "date";
    case Buffer:
    case Uint8Array:
      return "bytes";
    case Object:
    case Array:
      return "json";
    default:
      return undefined;
  }
}
