/**
 * `Model`: the base class of every model. Field values are plain own properties of the
 * instance (decorators only record metadata, so class-field initialisers work as defaults).
 * Every method issues ONE script (one round trip): save/create (model-save.lua),
 * delete (model-delete.lua), get/find/getMany/exists/reload (model-get.lua),
 * incr (model-incr.lua), expire/ttl (model-expire.lua), queries (model-query.lua). The
 * class-level operations the statics share with `Model.in(scope)` are in model-access.ts.
 */
import { scriptCmd } from "../command";
import type { Database } from "../database";
import type { Scope } from "../scope";
import { NotFoundError, ValidationError } from "../errors";
import { toInteger } from "../reply";
import { requireFinite } from "../validate";
import { bind, contextIn } from "./binding";
import { buildModelMeta } from "./metadata";
import type { ModelContext } from "./binding";
import { decodeValue } from "./fields";
import type { Query } from "./query/builder";
import { applyDefaults, bindContainers, encodeAll, generatePk, hydrate, rowObject, saveArgs, setState, stateOf, validate } from "./record";
import { modelScript } from "./scripts";
import type { Bag, Internal } from "./model-access";
import { buildQuery, createWith, ctxOf, findMany, getRows, guarded, pkArg } from "./model-access";
import type { CreateData, CreateOptions, ModelClass, ModelHandle, NumericKeys, PrimaryKey, QueryFn, RecordData } from "./model-types";

/** Base class of models: extend it, decorate with `@model()` and `@field.<kind>()`. */
export class Model {
  /** Binds this model (and subclasses) to `db`; `Model.use(db)` binds every model. */
  static use(db: Database | null): void {
    bind(this, db ?? undefined, this === Model);
  }

  /** Creates a record. One script. `UniqueConstraintError` for a taken unique value or existing pk (unless `upsert`). */
  static async create<T extends Model>(this: ModelClass<T>, data: CreateData<T>, options: CreateOptions = {}): Promise<T> {
    return createWith(ctxOf(this), this, data, options);
  }

  /**
   * The model's operations sent through `scope`, e.g. the `tx` of `db.transaction()`: each
   * call queues ONE script into the MULTI/pipeline and its promise settles after EXEC, so
   * return the promises instead of awaiting them inside the callback. Every script stays
   * atomic on its own; Redis does not roll back a MULTI, so a unique violation fails only that
   * call (and the transaction reports it), while invalid input aborts the whole transaction.
   */
  static in<T extends Model>(this: ModelClass<T>, scope: Scope): ModelHandle<T> {
    const cls = this;
    const ctx = () => contextIn(cls, scope);
    // The transaction reports failures itself (like containers' queued commands): a promise the
    // callback did not return must not become an unhandled rejection.
    const q = <R>(promise: Promise<R>): Promise<R> => {
      promise.catch(() => undefined);
      return promise;
    };
    return {
      create: (data, options = {}) => q(createWith(ctx(), cls, data, options)),
      find: (pk) => q(findMany(ctx(), cls, [pk]).then((rows) => rows[0])),
      getMany: (pks) => q(findMany(ctx(), cls, pks)),
      exists: (pk) => q(findMany(ctx(), cls, [pk]).then((rows) => rows[0] !== undefined)),
      save: (record) => q((record as unknown as Internal).write(stateOf(record)?.persisted ? "update" : "create", ctx()).then(() => record)),
      delete: (record) => q((record as unknown as Internal).deleteIn(ctx())),
      incr: (record, field, by = 1) => q((record as unknown as Internal).incrIn(field as string, by, ctx())),
      query: (fn) => buildQuery(cls, fn, ctx),
      count: (fn) => q(buildQuery(cls, fn, ctx).count()),
    };
  }

  /** The record with primary key `pk`; `NotFoundError` when missing or expired. One script. */
  static async get<T extends Model>(this: ModelClass<T>, pk: PrimaryKey): Promise<T> {
    const found = await (this as unknown as typeof Model).find.call(this, pk);
    if (!found) throw new NotFoundError(`${ctxOf(this).meta.name} ${JSON.stringify(pk)} not found`);
    return found as T;
  }

  /** The record with primary key `pk`, or undefined. One script. */
  static async find<T extends Model>(this: ModelClass<T>, pk: PrimaryKey): Promise<T | undefined> {
    return (await findMany(ctxOf(this), this, [pk]))[0];
  }

  /** The records of `pks`, in order (undefined for missing ones). One script. */
  static async getMany<T extends Model>(this: ModelClass<T>, pks: readonly PrimaryKey[]): Promise<Array<T | undefined>> {
    return findMany(ctxOf(this), this, pks);
  }

  /** True when a live record has primary key `pk`. One script. */
  static async exists<T extends Model>(this: ModelClass<T>, pk: PrimaryKey): Promise<boolean> {
    const ctx = ctxOf(this);
    const [row] = await getRows(ctx, [pkArg(ctx, pk)]);
    return Boolean(row);
  }

  /** A query: `User.query(q => q.age.gte(30)).orderBy("age").limit(10).toArray()`. No argument = every record. */
  static query<T extends Model>(this: ModelClass<T>, fn?: QueryFn<T>): Query<T> {
    return buildQuery(this, fn);
  }

  /** Number of records matching `fn` (all when omitted). One script. */
  static count<T extends Model>(this: ModelClass<T>, fn?: QueryFn<T>): Promise<number> {
    return buildQuery(this, fn).count();
  }

  /** The first record matching `fn` in pk order (relevance for `match`), or undefined. One script. */
  static first<T extends Model>(this: ModelClass<T>, fn?: QueryFn<T>): Promise<T | undefined> {
    return buildQuery(this, fn).first();
  }

  /** Deletes every record matching `fn`; resolves how many. One script per 500 records. */
  static deleteMany<T extends Model>(this: ModelClass<T>, fn: QueryFn<T>): Promise<number> {
    if (typeof fn !== "function") return Promise.reject(new ValidationError({ path: "query", message: "deleteMany needs a query (use query().deleteAll() to delete everything)" }));
    return buildQuery(this, fn).deleteAll();
  }

  /** @internal */
  private async write(mode: "create" | "upsert" | "update", ctx: ModelContext): Promise<void> {
    const self = this as unknown as Bag;
    const pkName = ctx.meta.pk.name;
    if (mode !== "update") {
      applyDefaults(ctx.meta.scalars, self);
      if (self[pkName] === undefined || self[pkName] === null) self[pkName] = generatePk(ctx.meta.pk);
    }
    const issues = validate(ctx, self);
    // executor.fail: inside a transaction, bad input also aborts the whole MULTI (nothing is sent).
    if (issues.length > 0) return ctx.db.executor.fail(new ValidationError(issues));
    const state = stateOf(this);
    const encoded = encodeAll(ctx, self);
    const pk = encoded.get(pkName) ?? "";
    if (mode === "update" && state && state.snapshot.get(pkName) !== pk) {
      return ctx.db.executor.fail(new ValidationError({ path: pkName, message: "the primary key of a saved record cannot change (create a new record instead)" }));
    }
    const ttl = mode === "update" || ctx.meta.ttl === undefined ? "" : String(Math.ceil(ctx.meta.ttl * 1000));
    const args = [ctx.keys.base, ctx.meta.schema, mode, pk, ttl, ...saveArgs(ctx, self, encoded, mode === "update" ? state?.snapshot : undefined)];
    const stored = await ctx.db.executor.run(scriptCmd(modelScript("model-save"), [ctx.keys.all], args, String));
    if (pk === "") {
      self[pkName] = decodeValue(ctx.meta.pk, stored);
      encoded.set(pkName, stored);
    }
    setState(this, { persisted: true, snapshot: encoded });
    if (mode !== "update") bindContainers(ctx, this, stored);
  }

  /**
   * Writes this record. One script: a new instance is created (`UniqueConstraintError` if
   * the pk exists); a loaded one sends only the fields changed since it was read, and the
   * script diffs every index against the STORED values (`NotFoundError` if it was deleted).
   */
  async save(): Promise<this> {
    await this.write(stateOf(this)?.persisted ? "update" : "create", ctxOf(this.constructor));
    return this;
  }

  /** Deletes the record, its index entries, unique claims and container fields. Resolves false when it did not exist. One script. */
  async delete(): Promise<boolean> {
    return this.deleteIn(ctxOf(this.constructor));
  }

  private deleteIn(ctx: ModelContext): Promise<boolean> {
    return guarded(ctx, () => {
      const pk = pkArg(ctx, (this as unknown as Bag)[ctx.meta.pk.name]);
      return ctx.db.executor.run(scriptCmd(modelScript("model-delete"), [ctx.keys.all], [ctx.keys.base, ctx.meta.schema, pk], (r) => toInteger(r) === 1));
    });
  }

  /** Re-reads every field from Redis (`NotFoundError` when the record is gone). One script. */
  async reload(): Promise<this> {
    const ctx = ctxOf(this.constructor);
    const pk = pkArg(ctx, (this as unknown as Bag)[ctx.meta.pk.name]);
    const [row] = await getRows(ctx, [pk]);
    if (!row) throw new NotFoundError(`${ctx.meta.name} ${JSON.stringify(pk)} not found`);
    const fresh = hydrate(ctx, this.constructor as new () => this, rowObject(row));
    for (const f of ctx.meta.scalars) (this as unknown as Bag)[f.name] = (fresh as unknown as Bag)[f.name];
    setState(this, stateOf(fresh)!);
    return this;
  }

  /** Adds `by` to a numeric field server-side, updates its indexes, and resolves (and assigns) the new value. One script. */
  async incr(field: NumericKeys<this>, by = 1): Promise<number> {
    return this.incrIn(field as string, by, ctxOf(this.constructor));
  }

  private incrIn(field: string, by: number, ctx: ModelContext): Promise<number> {
    return guarded(ctx, () => {
      const f = ctx.meta.fields.get(field);
      if (!f || (f.kind !== "integer" && f.kind !== "float")) throw new ValidationError({ path: String(field), message: "incr needs an integer or float field" });
      requireFinite("by", by);
      if (f.kind === "integer" && !Number.isSafeInteger(by)) throw new ValidationError({ path: "by", message: "must be an integer for an integer field" });
      const pk = pkArg(ctx, (this as unknown as Bag)[ctx.meta.pk.name]);
      const args = [ctx.keys.base, ctx.meta.schema, pk, f.name, String(by), f.kind];
      return ctx.db.executor.run(scriptCmd(modelScript("model-incr"), [ctx.keys.all], args, String)).then((stored) => {
        const value = Number(stored);
        (this as unknown as Bag)[f.name] = value;
        stateOf(this)?.snapshot.set(f.name, stored);
        return value;
      });
    });
  }

  /**
   * Makes the record expire in `seconds` (ms precision), or never with `null`. Resolves
   * false when the record does not exist. An expired record is invisible to get/find/query/
   * count/first at once; it is deleted (with its indexes) by the next write or query script
   * of the model (bounded sweeps), see the README. One script.
   */
  async expire(seconds: number | null): Promise<boolean> {
    if (seconds !== null && !(typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0)) {
      throw new ValidationError({ path: "seconds", message: "must be a positive number of seconds or null" });
    }
    return (await this.ttlScript(seconds === null ? "" : String(Math.ceil(seconds * 1000)))) !== -2;
  }

  /** Seconds left to live; null without a TTL; undefined when the record does not exist. One script. */
  async ttl(): Promise<number | null | undefined> {
    const ms = await this.ttlScript("?");
    return ms === -2 ? undefined : ms === -1 ? null : ms / 1000;
  }

  private ttlScript(arg: string): Promise<number> {
    const ctx = ctxOf(this.constructor);
    const pk = pkArg(ctx, (this as unknown as Bag)[ctx.meta.pk.name]);
    return ctx.db.executor.run(scriptCmd(modelScript("model-expire"), [ctx.keys.all], [ctx.keys.base, ctx.meta.schema, pk, arg], toInteger));
  }

  /**
   * The stored fields as a plain object (containers excluded; a field holding `undefined` is
   * left out, as `JSON.stringify` would), so `JSON.stringify(record)` works. Typed from the
   * model's fields. Reads only the class's metadata: no Database binding or connection is needed.
   */
  toJSON(): RecordData<this> {
    const meta = buildModelMeta(this.constructor as abstract new () => object);
    const out: Bag = {};
    for (const f of meta.scalars) {
      const value = (this as unknown as Bag)[f.name];
      if (value !== undefined) out[f.name] = value;
    }
    return out as RecordData<this>;
  }
}
