/**
 * Compiles a query expression into the plan the query script evaluates (pure: no I/O).
 * Validates every value against its field's kind and checks that an index answers each
 * operator (ValidationError naming the field otherwise). Keys come from `ModelKeys`.
 */
import { ValidationError } from "../../errors";
import type { ValidationIssue } from "../../errors";
import type { ModelKeys } from "../../model-keys";
import { requireWellFormed } from "../../validate";
import { checkValue, encodeValue, scoreOf } from "../fields";
import { requireIndex } from "../indexes";
import type { FieldMeta, ModelMeta } from "../metadata";
import type { QueryNode } from "./expr";

/** A node of the plan sent to model-query.lua (see its header). */
export type PlanNode =
  | { o: "all" }
  | { o: "none" }
  | { o: "set"; k: string }
  | { o: "uniq"; k: string; v: string }
  | { o: "pk"; v: string }
  | { o: "range"; k: string; min: string; max: string }
  | { o: "prefix"; k: string; p: string }
  | { o: "match"; k: string[]; t: string; f: string }
  | { o: "and" | "or"; c: PlanNode[] }
  | { o: "not"; c: PlanNode };

/** How a page is ordered. */
export interface PlanOrder {
  by: "pk" | "range" | "lex" | "score";
  k?: string;
  desc: boolean;
}

function fieldOf(meta: ModelMeta, name: string): FieldMeta {
  const f = meta.fields.get(name);
  if (!f || f.codec !== undefined || ["list", "set", "hash", "zset"].includes(f.kind)) {
    throw new ValidationError({ path: name, message: `${meta.name} has no stored field "${name}"` });
  }
  return f;
}

function value(meta: ModelMeta, f: FieldMeta, v: unknown): unknown {
  const issue: ValidationIssue | undefined = v === null || v === undefined ? { path: f.name, message: "cannot compare with null/undefined" } : checkValue(f, v);
  if (issue) throw new ValidationError({ path: issue.path, message: `${meta.name} query: ${issue.message}` });
  return v;
}

function scoreArg(n: number, exclusive: boolean): string {
  return `${exclusive ? "(" : ""}${n}`;
}

function eq(meta: ModelMeta, keys: ModelKeys, f: FieldMeta, v: unknown): PlanNode {
  const enc = encodeValue(f.kind, value(meta, f, v));
  switch (requireIndex(meta.name, f, "eq")) {
    case "pk":
      return { o: "pk", v: enc };
    case "set":
      return { o: "set", k: keys.eq(f.name, enc) };
    case "zset": {
      const s = String(scoreOf(f.kind, v));
      return { o: "range", k: keys.range(f.name), min: s, max: s };
    }
    default:
      return { o: "uniq", k: keys.unique(f.name), v: enc };
  }
}

/** Compiles `node` (undefined = every record). */
export function planQuery(meta: ModelMeta, keys: ModelKeys, node: QueryNode | undefined): PlanNode {
  if (node === undefined) return { o: "all" };
  switch (node.op) {
    case "eq":
      return eq(meta, keys, fieldOf(meta, node.field), node.value);
    case "ne":
      return { o: "not", c: eq(meta, keys, fieldOf(meta, node.field), node.value) };
    case "in": {
      const f = fieldOf(meta, node.field);
      if (!Array.isArray(node.values)) throw new ValidationError({ path: f.name, message: "in() takes an array of values" });
      if (node.values.length === 0) {
        requireIndex(meta.name, f, "eq");
        return { o: "none" };
      }
      const children = node.values.map((v) => eq(meta, keys, f, v));
      return children.length === 1 ? children[0]! : { o: "or", c: children };
    }
    case "range": {
      const f = fieldOf(meta, node.field);
      requireIndex(meta.name, f, "range");
      const min = node.min === undefined ? "-inf" : scoreArg(scoreOf(f.kind, value(meta, f, node.min)), node.minExclusive);
      const max = node.max === undefined ? "+inf" : scoreArg(scoreOf(f.kind, value(meta, f, node.max)), node.maxExclusive);
      return { o: "range", k: keys.range(f.name), min, max };
    }
    case "startsWith": {
      const f = fieldOf(meta, node.field);
      requireIndex(meta.name, f, "prefix");
      if (typeof node.prefix !== "string") throw new ValidationError({ path: f.name, message: "startsWith() takes a string" });
      return { o: "prefix", k: keys.lex(f.name), p: requireWellFormed(f.name, node.prefix) };
    }
    case "match": {
      const f = fieldOf(meta, node.field);
      requireIndex(meta.name, f, "match");
      if (typeof node.text !== "string") throw new ValidationError({ path: f.name, message: "match() takes a string" });
      requireWellFormed(f.name, node.text);
      const terms = f.fullText!.queryTerms(node.text);
      if (terms.length === 0) throw new ValidationError({ path: f.name, message: `match(${JSON.stringify(node.text)}) has no searchable word` });
      return { o: "match", k: terms.map((t) => keys.postings(f.name, t)), t: keys.tokens(f.name), f: f.name };
    }
    case "and":
    case "or": {
      if (node.children.length === 0) throw new ValidationError({ path: node.op, message: "needs at least one expression" });
      const children = node.children.flatMap((c) => {
        const p = planQuery(meta, keys, c);
        return p.o === node.op ? (p as { c: PlanNode[] }).c : [p];
      });
      return children.length === 1 ? children[0]! : { o: node.op, c: children };
    }
    case "not":
      return { o: "not", c: planQuery(meta, keys, node.child) };
  }
}

/** True when the plan contains a full-text match (so relevance order is available). */
export function hasMatch(plan: PlanNode): boolean {
  if (plan.o === "match") return true;
  if (plan.o === "and" || plan.o === "or") return plan.c.some(hasMatch);
  return false;
}

/** Compiles `orderBy` (undefined = relevance when the query has a match, else pk order). */
export function planOrder(meta: ModelMeta, keys: ModelKeys, plan: PlanNode, field: string | undefined, desc: boolean): PlanOrder {
  if (field === undefined) return hasMatch(plan) ? { by: "score", desc: true } : { by: "pk", desc };
  const f = fieldOf(meta, field);
  switch (requireIndex(meta.name, f, "order")) {
    case "pk":
      return { by: "pk", desc };
    case "zset":
      return { by: "range", k: keys.range(f.name), desc };
    default:
      return { by: "lex", k: keys.lex(f.name), desc };
  }
}
