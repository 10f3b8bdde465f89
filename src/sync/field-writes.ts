/**
 * The fields of one synced write, as the `sync-write` script receives them: each key checked
 * and its value encoded (undefined: a delete), with what the write expects of the key (the
 * conflict rule of synced.ts): to follow this process's still pending write of the key, or
 * else the version the mirror last saw from Redis.
 */
import type { Codec } from "../codec";
import { ValidationError } from "../errors";
import { requireWellFormed } from "../validate";
import type { Mirror } from "./mirror";
import type { Expectation, FieldWrite } from "./wire";

/** `entries` as field writes, first occurrence of a key only. Throws ValidationError for an empty or ill-formed key. */
export function fieldWrites(entries: ReadonlyArray<readonly [string, unknown]>, codec: Codec<unknown>, mirror: Mirror): FieldWrite[] {
  const fields: FieldWrite[] = [];
  const seen = new Set<string>();
  for (const [key, value] of entries) {
    if (typeof key !== "string" || key === "") throw new ValidationError({ path: "key", message: "must be a non-empty string" });
    requireWellFormed("key", key);
    if (seen.has(key)) continue;
    seen.add(key);
    const deleted = value === undefined;
    const raw = deleted ? "" : String(codec.encode(value));
    const previous = mirror.lastOp(key);
    const expect: Expectation = previous !== undefined ? { kind: "after", op: previous } : { kind: "version", version: mirror.remoteVersion(key) };
    fields.push({ field: key, deleted, raw, expect });
  }
  return fields;
}
