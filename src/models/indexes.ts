/**
 * Which index answers which query operator, per field. The key layout itself lives in
 * src/model-keys.ts (`ModelKeys`); the Lua scripts maintain these indexes on every write.
 *
 * | declared                         | index                         | operators            |
 * |----------------------------------|-------------------------------|----------------------|
 * | `@field.id()`                    | record key + `o` order zset   | eq, ne, in, orderBy  |
 * | text/enum/uuid/boolean + `index` | `i:<f>:<v>` sets              | eq, ne, in           |
 * | text + `index` or `sortable`     | `x:<f>` lex zset              | startsWith, orderBy  |
 * | integer/float/date + `index`/`sortable` | `z:<f>` zset           | eq, ne, in, gt, gte, lt, lte, between, orderBy |
 * | any scalar + `unique`            | `u:<f>` hash                  | eq, ne, in           |
 * | text + `fullText`                | `f:<f>:<term>` postings       | match (BM25 order)   |
 */
import { ValidationError } from "../errors";
import type { FieldMeta } from "./metadata";

/** The query capabilities of one field. */
export type Capability = "eq" | "range" | "prefix" | "match" | "order";

/** Which index (if any) answers `capability` on `field`. */
export function indexFor(field: FieldMeta, capability: Capability): "pk" | "set" | "zset" | "lex" | "unique" | "fulltext" | undefined {
  switch (capability) {
    case "eq":
      if (field.kind === "id") return "pk";
      if (field.eqIndex) return "set";
      if (field.rangeIndex) return "zset";
      if (field.unique) return "unique";
      return undefined;
    case "range":
      return field.rangeIndex ? "zset" : undefined;
    case "prefix":
      return field.lexIndex ? "lex" : undefined;
    case "match":
      return field.fullText ? "fulltext" : undefined;
    case "order":
      if (field.kind === "id") return "pk";
      if (field.rangeIndex) return "zset";
      if (field.lexIndex) return "lex";
      return undefined;
  }
}

const FIX: Record<Capability, string> = {
  eq: "declare it with { index: true } (or { unique: true })",
  range: "range operators need an integer, float or date field declared with { index: true }",
  prefix: "startsWith needs a text field declared with { index: true }",
  match: "match needs a text field declared with { fullText: true }",
  order: "orderBy needs the pk, or an integer/float/date/text field declared with { index: true } or { sortable: true }",
};

/** Like {@link indexFor} but throws a ValidationError naming the field and the fix. */
export function requireIndex(model: string, field: FieldMeta, capability: Capability): NonNullable<ReturnType<typeof indexFor>> {
  const index = indexFor(field, capability);
  if (!index) throw new ValidationError({ path: field.name, message: `${model}.${field.name} has no index for this query: ${FIX[capability]}` });
  return index;
}
