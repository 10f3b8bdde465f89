/**
 * The typed query DSL: `User.query(q => q.age.gte(30).and(q.name.eq("ann")))`.
 * `q` has one reference per stored field, typed by the field's TypeScript type, so an
 * operator the kind does not support is a compile error (`q.name.gt(3)`); whether the field
 * has a suitable INDEX is checked at run time by the planner (ValidationError).
 */

/** The expression tree (what the planner compiles). */
export type QueryNode =
  | { readonly op: "eq" | "ne"; readonly field: string; readonly value: unknown }
  | { readonly op: "in"; readonly field: string; readonly values: readonly unknown[] }
  | {
      readonly op: "range";
      readonly field: string;
      readonly min?: unknown;
      readonly max?: unknown;
      readonly minExclusive: boolean;
      readonly maxExclusive: boolean;
    }
  | { readonly op: "startsWith"; readonly field: string; readonly prefix: string }
  | { readonly op: "match"; readonly field: string; readonly text: string }
  | { readonly op: "and" | "or"; readonly children: readonly QueryNode[] }
  | { readonly op: "not"; readonly child: QueryNode };

/** A boolean query expression; combine with `and`, `or`, `not`. Immutable. */
export class Expr {
  /** @internal */
  constructor(readonly node: QueryNode) {}

  /** Records matching this AND every `other`. */
  and(...others: Expr[]): Expr {
    return new Expr({ op: "and", children: [this.node, ...others.map((o) => o.node)] });
  }

  /** Records matching this OR any `other`. */
  or(...others: Expr[]): Expr {
    return new Expr({ op: "or", children: [this.node, ...others.map((o) => o.node)] });
  }

  /** Records NOT matching this (records whose field is null included). */
  not(): Expr {
    return new Expr({ op: "not", child: this.node });
  }
}

/** Operators of every indexed field: equality. */
export interface EqRef<V> {
  /** Value equals `value`. */
  eq(value: V): Expr;
  /** Value differs from `value` (records whose field is null included). */
  ne(value: V): Expr;
  /** Value is one of `values` (none: matches nothing). */
  in(values: readonly V[]): Expr;
}

/** Operators of text fields (and enums, uuids). */
export interface TextRef<V extends string = string> extends EqRef<V> {
  /** Value starts with `prefix` (case-sensitive; needs `index` on the text field). */
  startsWith(prefix: string): Expr;
  /** Full-text match (needs `fullText`): records containing every word of `text`, ranked by BM25. */
  match(text: string): Expr;
}

/** Operators of integer, float and date fields (range index). */
export interface RangeRef<V extends number | Date> extends EqRef<V> {
  gt(value: V): Expr;
  gte(value: V): Expr;
  lt(value: V): Expr;
  lte(value: V): Expr;
  /** `min ≤ value ≤ max`. */
  between(min: V, max: V): Expr;
}

/** The reference type of a field whose TypeScript type is `V`. */
export type FieldRefFor<V> = [V] extends [string]
  ? TextRef<V>
  : [V] extends [number]
    ? RangeRef<number>
    : [V] extends [Date]
      ? RangeRef<Date>
      : [V] extends [boolean]
        ? EqRef<boolean>
        : never;

/** Names of the stored (data) properties of a model instance type: not methods, not containers (RHash, RList, …). */
export type DataKeys<T> = {
  [K in keyof T]-?: K extends symbol
    ? never
    : T[K] extends (...args: never[]) => unknown
      ? never
      : NonNullable<T[K]> extends { readonly key: string; clear(): Promise<boolean> }
        ? never
        : K;
}[keyof T] &
  string;

/** `q` in `query(q => …)`: one typed reference per stored field. */
export type QueryRefs<T> = { readonly [K in DataKeys<T>]: FieldRefFor<NonNullable<T[K]>> };

/** Fields usable in `orderBy()` (numbers, dates, strings; the planner checks the index). */
export type SortKeys<T> = {
  [K in DataKeys<T>]: NonNullable<T[K]> extends number | Date | string ? K : never;
}[DataKeys<T>];

/** The runtime implementation behind every typed reference. */
export class FieldRef implements TextRef<string>, RangeRef<number> {
  constructor(readonly field: string) {}

  eq(value: unknown): Expr {
    return new Expr({ op: "eq", field: this.field, value });
  }
  ne(value: unknown): Expr {
    return new Expr({ op: "ne", field: this.field, value });
  }
  in(values: readonly unknown[]): Expr {
    return new Expr({ op: "in", field: this.field, values: Array.isArray(values) ? [...values] : (values as never) });
  }
  gt(value: unknown): Expr {
    return new Expr({ op: "range", field: this.field, min: value, minExclusive: true, maxExclusive: false });
  }
  gte(value: unknown): Expr {
    return new Expr({ op: "range", field: this.field, min: value, minExclusive: false, maxExclusive: false });
  }
  lt(value: unknown): Expr {
    return new Expr({ op: "range", field: this.field, max: value, minExclusive: false, maxExclusive: true });
  }
  lte(value: unknown): Expr {
    return new Expr({ op: "range", field: this.field, max: value, minExclusive: false, maxExclusive: false });
  }
  between(min: unknown, max: unknown): Expr {
    return new Expr({ op: "range", field: this.field, min, max, minExclusive: false, maxExclusive: false });
  }
  startsWith(prefix: string): Expr {
    return new Expr({ op: "startsWith", field: this.field, prefix });
  }
  match(text: string): Expr {
    return new Expr({ op: "match", field: this.field, text });
  }
}

/** Builds `q` for a model's field names. */
export function queryRefs<T>(fields: Iterable<string>): QueryRefs<T> {
  const refs = Object.create(null) as Record<string, FieldRef>;
  for (const f of fields) refs[f] = new FieldRef(f);
  return Object.freeze(refs) as unknown as QueryRefs<T>;
}
