/**
 * The class-level operations of {@link Model} that its statics and `Model.in(scope)` share,
 * each given the context (database or scope, metadata, keys) to run in: primary-key encoding,
 * lookups (model-get.lua), create (model-save.lua) and query building.
 */
import { scriptCmd } from "../command";
import { ValidationError } from "../errors";
import { toArray } from "../reply";
import { contextOf } from "./binding";
import type { ModelContext } from "./binding";
import { checkValue, encodeValue } from "./fields";
import { Expr, queryRefs } from "./query/expr";
import type { QueryRefs } from "./query/expr";
import { Query } from "./query/builder";
import { hydrate, rowObject } from "./record";
import { modelScript } from "./scripts";
import type { Model } from "./model";
import type { CreateData, CreateOptions, ModelClass, PrimaryKey, QueryFn } from "./model-types";

/** A record seen as the bag of own properties its fields are. */
export type Bag = Record<string, unknown>;

/** The context (database, metadata, keys) a model class is bound to. */
export function ctxOf(cls: object): ModelContext {
  return contextOf(cls as abstract new () => object);
}

/** The encoded primary key `pk`; ValidationError naming the pk field (non-empty, no NUL, well-formed; or a positive integer). */
export function pkArg(ctx: ModelContext, pk: unknown): string {
  const f = ctx.meta.pk;
  const issue = pk === undefined || pk === null ? { message: "is required" } : checkValue(f, pk);
  if (issue) throw new ValidationError({ path: f.name, message: `${ctx.meta.name} primary key ${issue.message}` });
  return encodeValue("id", pk);
}

/** Runs `build` (validation, then one script); bad input rejects through the executor, so it also aborts an enclosing transaction. */
export function guarded<T>(ctx: ModelContext, build: () => Promise<T>): Promise<T> {
  try {
    return build();
  } catch (error) {
    return ctx.db.executor.fail(error);
  }
}

/** The rows of `pks` (nil for missing or expired ones). One model-get.lua. */
export function getRows(ctx: ModelContext, pks: string[]): Promise<unknown[]> {
  return ctx.db.executor.run(scriptCmd(modelScript("model-get"), [ctx.keys.all], [ctx.keys.base, ...pks], toArray));
}

/** The field references a query callback receives. */
function refs<T>(ctx: ModelContext): QueryRefs<T> {
  return queryRefs<T>(ctx.meta.scalars.map((f) => f.name));
}

/** The query of `fn` (every record without one); ValidationError when `fn` returns no expression. */
export function buildQuery<T extends Model>(cls: ModelClass<T>, fn: QueryFn<T> | undefined, ctx: () => ModelContext = () => ctxOf(cls)): Query<T> {
  let expr: Expr | undefined;
  if (fn !== undefined) {
    expr = fn(refs<T>(ctx()));
    if (!(expr instanceof Expr)) throw new ValidationError({ path: "query", message: "the query function must return an expression (q.field.op(…))" });
  }
  return new Query<T>(ctx, cls, expr);
}

/** The records of `pks`, in order (undefined when missing). One model-get.lua. */
export async function findMany<T extends Model>(ctx: ModelContext, cls: ModelClass<T>, pks: readonly PrimaryKey[]): Promise<Array<T | undefined>> {
  if (!Array.isArray(pks)) return ctx.db.executor.fail(new ValidationError({ path: "pks", message: "must be an array" }));
  if (pks.length === 0) return [];
  let args: string[];
  try {
    args = pks.map((pk) => pkArg(ctx, pk));
  } catch (error) {
    return ctx.db.executor.fail(error);
  }
  const rows = await getRows(ctx, args);
  return rows.map((row) => (row ? hydrate(ctx, cls, rowObject(row)) : undefined));
}

/** The private instance methods the module's functions call. */
export interface Internal {
  write(mode: "create" | "upsert" | "update", ctx: ModelContext): Promise<void>;
  deleteIn(ctx: ModelContext): Promise<boolean>;
  incrIn(field: string, by: number, ctx: ModelContext): Promise<number>;
}

/** Creates a record of `cls` from `data` (stored fields only): validates, then one model-save.lua. */
export async function createWith<T extends Model>(ctx: ModelContext, cls: ModelClass<T>, data: CreateData<T>, options: CreateOptions): Promise<T> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return ctx.db.executor.fail(new ValidationError({ path: "data", message: "must be an object" }));
  const instance = new cls();
  const bag = instance as unknown as Bag;
  const issues = [];
  for (const key of Object.keys(data)) {
    const f = ctx.meta.fields.get(key);
    if (!f || ["list", "set", "hash", "zset"].includes(f.kind)) issues.push({ path: key, message: `is not a stored field of ${ctx.meta.name}` });
  }
  if (issues.length > 0) return ctx.db.executor.fail(new ValidationError(issues));
  for (const f of ctx.meta.scalars) {
    if (Object.prototype.hasOwnProperty.call(data, f.name)) bag[f.name] = (data as Bag)[f.name];
  }
  await (instance as unknown as Internal).write(options.upsert ? "upsert" : "create", ctx);
  return instance;
}
