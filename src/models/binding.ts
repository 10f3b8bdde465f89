/**
 * Which Database a model class uses: `User.use(db)` for one class (and its subclasses),
 * `Model.use(db)` for every model. Resolved on each call, so rebinding takes effect at once.
 */
import type { Database } from "../database";
import type { Scope } from "../scope";
import { ModelDefinitionError } from "../errors";
import { ModelKeys } from "../model-keys";
import { buildModelMeta } from "./metadata";
import type { ModelMeta } from "./metadata";

const bindings = new WeakMap<object, Database>();
let fallback: Database | undefined;

/** Binds `cls` (or, for the base class, every model) to `db`; `undefined` unbinds. */
export function bind(cls: object, db: Database | undefined, isBase: boolean): void {
  if (isBase) fallback = db;
  else if (db) bindings.set(cls, db);
  else bindings.delete(cls);
}

/** What every model operation needs: where commands go, the frozen metadata and the keys. */
export interface ModelContext {
  /** Where the model's scripts are sent: the bound Database, or a transaction/pipeline handle. */
  readonly db: Scope;
  /** Where container fields of records read through this context send their commands (the Database when bound). */
  readonly home: Scope;
  readonly meta: ModelMeta;
  readonly keys: ModelKeys;
}

const keyCache = new WeakMap<Database, WeakMap<ModelMeta, ModelKeys>>();

/** Resolves the context of a model class; throws a ModelDefinitionError when unbound. */
export function contextOf(cls: abstract new () => object): ModelContext {
  const meta = buildModelMeta(cls);
  let db: Database | undefined;
  for (let c: object | null = cls; c && !db; c = Object.getPrototypeOf(c) as object | null) db = bindings.get(c);
  db ??= fallback;
  if (!db) {
    throw new ModelDefinitionError(`${cls.name} is not bound to a Database: call ${cls.name}.use(db) or Model.use(db) first`);
  }
  let perDb = keyCache.get(db);
  if (!perDb) keyCache.set(db, (perDb = new WeakMap()));
  let keys = perDb.get(meta);
  if (!keys) perDb.set(meta, (keys = db.keys.model(meta.name)));
  return { db, home: db, meta, keys };
}

/** The context of a model class whose scripts go through `scope` (e.g. the `tx` of `db.transaction`). */
export function contextIn(cls: abstract new () => object, scope: Scope): ModelContext {
  const meta = buildModelMeta(cls);
  let home: Scope = scope;
  try {
    home = contextOf(cls).db;
  } catch {
    // Unbound: containers of records read in the transaction use the transaction's scope.
  }
  return { db: scope, home, meta, keys: scope.keys.model(meta.name) };
}
