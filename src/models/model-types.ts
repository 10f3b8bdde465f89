/** The public types of the `Model` API (its data, options, class and query callback shapes). */
import type { Model } from "./model";
import type { Query } from "./query/builder";
import type { DataKeys, Expr, QueryRefs } from "./query/expr";

/** The stored fields of a record, as `toJSON()` returns them (containers and methods left out; optional fields stay optional). */
export type RecordData<T> = Pick<T, DataKeys<T>>;
/** The data `create()` accepts: any subset of the stored fields. */
export type CreateData<T> = { [K in DataKeys<T>]?: T[K] | null };
/** Numeric fields (for `incr`). */
export type NumericKeys<T> = { [K in DataKeys<T>]: NonNullable<T[K]> extends number ? K : never }[DataKeys<T>];
/** A primary-key value. */
export type PrimaryKey = string | number;
/** Options of `create()`. */
export interface CreateOptions {
  /** Overwrite an existing record with the same pk instead of failing (indexes are diffed: nothing stale remains). */
  readonly upsert?: boolean;
}
/** A model class (its constructor) producing `T`. */
export type ModelClass<T extends Model> = new () => T;
/** What `query(q => …)` takes. */
export type QueryFn<T> = (q: QueryRefs<T>) => Expr;

/** `User.in(tx)`: the model's one-script operations, sent through a transaction or pipeline handle. */
export interface ModelHandle<T extends Model> {
  create(data: CreateData<T>, options?: CreateOptions): Promise<T>;
  find(pk: PrimaryKey): Promise<T | undefined>;
  getMany(pks: readonly PrimaryKey[]): Promise<Array<T | undefined>>;
  exists(pk: PrimaryKey): Promise<boolean>;
  save(record: T): Promise<T>;
  delete(record: T): Promise<boolean>;
  incr(record: T, field: NumericKeys<T>, by?: number): Promise<number>;
  /** Only its one-script terminals (toArray, first, count, ids) can join a transaction. */
  query(fn?: QueryFn<T>): Query<T>;
  count(fn?: QueryFn<T>): Promise<number>;
}
