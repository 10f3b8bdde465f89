/**
 * `@model()` and `@field.<kind>()`, and `defineModel()` for code without decorators: they
 * only RECORD what was declared ({@link buildModelMeta} in metadata.ts interprets, validates
 * and freezes it). Legacy decorators (`experimentalDecorators`) record with reflect-metadata
 * on the class; standard (TC39) decorators on `context.metadata` (the class's
 * `Symbol.metadata`); see decorator-context.ts. `@model()` and `defineModel()` trigger the
 * build so a wrong declaration fails when the class is defined.
 */
import "reflect-metadata";
import type { Codec } from "../codec";
import { isStandardContext } from "../decorator-context";
import type { StandardContext } from "../decorator-context";
import { ModelDefinitionError } from "../errors";
import { FIELDS_KEY, MODEL_KEY, buildModelMeta } from "./metadata";
import type { Model } from "./model";
import type { FieldKind } from "./fields";
import type { FullTextOptions } from "./fulltext";

export { FIELDS_KEY, MODEL_KEY };

/** Options of `@model()`. */
export interface ModelOptions {
  /** The model's name in keys (default: the class name). Letters, digits, `_`, `-`, `.`. */
  readonly name?: string;
  /** Records expire this many seconds after `create()` (see `Model.expire`). */
  readonly ttl?: number;
}

/** Options shared by every scalar field kind. */
export interface FieldOptions<V = unknown> {
  /** Equality index (text, boolean, enum, uuid); range + equality index (integer, float, date). */
  readonly index?: boolean;
  /** No two records may hold the same value; enforced atomically by the save script. */
  readonly unique?: boolean;
  /** Full-text index (text only): `true` or tokenizer options. */
  readonly fullText?: boolean | FullTextOptions;
  /** `null`/missing is a ValidationError. */
  readonly required?: boolean;
  /** Value used by `create()` when the data and the class initialiser leave it undefined. */
  readonly default?: V | (() => V);
  /** May be used in `orderBy()` (implied by `index` on integer/float/date). */
  readonly sortable?: boolean;
}

/** Options of `@field.id()`. */
export interface IdOptions {
  /** `"uuid"` (default, generated client-side) or `"increment"` (a counter, assigned by the save script). */
  readonly auto?: "uuid" | "increment";
}

/** Options of container fields. */
export interface ContainerFieldOptions<V = unknown> {
  /** Codec of the container's values (default: strings). */
  readonly codec?: Codec<V>;
}

/** One recorded `@field…()` call. */
export interface FieldDeclaration {
  readonly name: string;
  /** `undefined` for `@field()`: inferred from `designType`. */
  readonly kind: FieldKind | undefined;
  readonly options: FieldOptions & IdOptions & ContainerFieldOptions & { readonly values?: readonly string[] };
  /** `design:type` emitted by the compiler, if any (legacy decorators with `emitDecoratorMetadata` only). */
  readonly designType: unknown;
  /** How it was declared: legacy or standard decorator, or `defineModel()` (for error messages). */
  readonly via?: "legacy" | "standard" | "defineModel";
  /** What a standard decorator was applied to when it is not a plain public instance field (`"static field"`, `"method"`, …): a definition error. */
  readonly misplaced?: string;
}

/**
 * What `@field.<kind>()` returns: a decorator for both flavours (legacy `(prototype, name)`
 * and standard `(undefined, context)`), also usable as a value in `defineModel({ fields })`.
 */
export interface FieldDecorator {
  (target: object, propertyKey: string | symbol): void;
  (value: undefined, context: ClassFieldDecoratorContext): void;
}

/** What `@model()` returns: a class decorator for both flavours. */
export interface ModelDecorator {
  (target: abstract new (...args: never[]) => unknown): void;
  <C extends abstract new (...args: never[]) => unknown>(target: C, context: ClassDecoratorContext<C>): void;
}

/** The spec of a field, carried by every decorator `field.<kind>()` returns (read by `defineModel`). */
const SPEC = Symbol("narwhal:field-spec");
type FieldSpec = Pick<FieldDeclaration, "kind" | "options">;

function metadataOf(context: StandardContext, what: string): Record<PropertyKey, unknown> {
  if (context.metadata) return context.metadata;
  throw new ModelDefinitionError(
    `${what}: the decorator got no context.metadata (Symbol.metadata is missing and could not be installed). ` +
      'Fix: run `Symbol.metadata ??= Symbol.for("Symbol.metadata")` before defining models, or use defineModel().',
  );
}

function record(kind: FieldKind | undefined, options: FieldDeclaration["options"]): FieldDecorator {
  const spec: FieldSpec = { kind, options: options ?? {} };
  const decorator = (target: unknown, property: unknown): void => {
    if (isStandardContext(property)) {
      // TC39 decorator: (undefined, context). Record on the class's metadata object.
      const name = typeof property.name === "symbol" ? (property.name.description ?? "") : String(property.name);
      const misplaced =
        property.kind !== "field" ? (property.kind === "accessor" ? "accessor field" : property.kind) : property.static ? "static field" : property.private ? "private field" : undefined;
      const metadata = metadataOf(property, `@field on ${name}`);
      const own = Object.prototype.hasOwnProperty.call(metadata, FIELDS_KEY) ? (metadata[FIELDS_KEY] as FieldDeclaration[]) : [];
      metadata[FIELDS_KEY] = [...own, { name, ...spec, designType: undefined, via: "standard", ...(misplaced ? { misplaced } : {}) }];
      return;
    }
    // Legacy decorator: (prototype, name). Record with reflect-metadata on the constructor.
    const ctor = (target as { constructor: object }).constructor;
    if (typeof property !== "string") throw new TypeError("narwhal fields must have string names");
    const own: FieldDeclaration[] = Reflect.hasOwnMetadata(FIELDS_KEY, ctor) ? (Reflect.getOwnMetadata(FIELDS_KEY, ctor) as FieldDeclaration[]) : [];
    const designType = Reflect.getMetadata("design:type", target as object, property) as unknown;
    Reflect.defineMetadata(FIELDS_KEY, [...own, { name: property, ...spec, designType, via: "legacy" }], ctor);
  };
  Object.defineProperty(decorator, SPEC, { value: spec });
  return decorator as FieldDecorator;
}

/**
 * Marks a class as a model (records its options) and builds its metadata, so declaration
 * errors surface when the class is defined (standard decorators: right after the class and
 * its `Symbol.metadata` exist, through `context.addInitializer`).
 */
export function model(options: ModelOptions = {}): ModelDecorator {
  return ((target: abstract new () => object, context?: unknown): void => {
    if (isStandardContext(context)) {
      if (context.kind !== "class") throw new ModelDefinitionError(`@model() decorates a class, not a ${context.kind}`);
      metadataOf(context, `@model() on ${String(context.name)}`)[MODEL_KEY] = options;
      context.addInitializer(function (this: unknown) {
        buildModelMeta(this as abstract new () => object);
      });
      return;
    }
    Reflect.defineMetadata(MODEL_KEY, options, target);
    buildModelMeta(target);
  }) as ModelDecorator;
}

/** What `defineModel()` takes: the model options and one `field.<kind>()` per field. */
export interface ModelDefinition extends ModelOptions {
  /** Field name → `field.<kind>(options)`, e.g. `{ id: field.id(), name: field.text({ index: true }) }`. */
  readonly fields: Readonly<Record<string, FieldDecorator>>;
}

/**
 * Declares a model without decorators (plain JavaScript, or TypeScript without decorator
 * support): the same vocabulary as the decorators, recorded on the class and built at once
 * (a `ModelDefinitionError` names what is wrong). Returns the class.
 *
 * ```js
 * class User extends Model {}
 * defineModel(User, { ttl: 3600, fields: { id: field.id(), name: field.text({ index: true }), age: field.integer() } });
 * ```
 */
export function defineModel<C extends abstract new () => Model>(cls: C, definition: ModelDefinition): C {
  if (typeof cls !== "function") throw new ModelDefinitionError("defineModel(cls, { fields }) needs a class extending Model");
  const { fields, ...options } = (definition ?? {}) as ModelDefinition;
  if (typeof fields !== "object" || fields === null) throw new ModelDefinitionError(`defineModel(${cls.name}): { fields } must map field names to field.<kind>() values`);
  const own: FieldDeclaration[] = Reflect.hasOwnMetadata(FIELDS_KEY, cls) ? (Reflect.getOwnMetadata(FIELDS_KEY, cls) as FieldDeclaration[]) : [];
  const declared: FieldDeclaration[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const spec = typeof value === "function" ? ((value as unknown as Record<symbol, unknown>)[SPEC] as FieldSpec | undefined) : undefined;
    if (!spec) throw new ModelDefinitionError(`${cls.name}.${name}: defineModel fields take field.<kind>() values, e.g. field.text() (got ${typeof value})`);
    declared.push({ name, ...spec, designType: undefined, via: "defineModel" });
  }
  Reflect.defineMetadata(FIELDS_KEY, [...own, ...declared], cls);
  Reflect.defineMetadata(MODEL_KEY, options, cls);
  buildModelMeta(cls);
  return cls;
}

type Text = string;

/** Field decorators: `@field.text({ index: true })`, …; `@field()` infers the kind from `design:type`. */
export const field = Object.assign((options: FieldOptions = {}): FieldDecorator => record(undefined, options), {
  /** The primary key: a generated uuid (default) or `{ auto: "increment" }`. */
  id: (options: IdOptions = {}): FieldDecorator => record("id", options),
  /** A string. `fullText` makes it searchable with `match()`; `index` enables `eq`/`in`/`startsWith`. */
  text: (options: FieldOptions<Text> = {}): FieldDecorator => record("text", options),
  /** A safe integer. */
  integer: (options: FieldOptions<number> = {}): FieldDecorator => record("integer", options),
  /** A finite double. */
  float: (options: FieldOptions<number> = {}): FieldDecorator => record("float", options),
  /** `true`/`false`. */
  boolean: (options: FieldOptions<boolean> = {}): FieldDecorator => record("boolean", options),
  /** A valid `Date` (stored as epoch ms). */
  date: (options: FieldOptions<Date> = {}): FieldDecorator => record("date", options),
  /** Any JSON value (not indexable). */
  json: (options: FieldOptions = {}): FieldDecorator => record("json", options),
  /** A uuid string. */
  uuid: (options: FieldOptions<string> = {}): FieldDecorator => record("uuid", options),
  /** Binary data (`Buffer`/`Uint8Array`, read back as `Buffer`; not indexable). */
  bytes: (options: FieldOptions<Buffer> = {}): FieldDecorator => record("bytes", options),
  /** One of a fixed set of strings. */
  enum: <const E extends string>(values: readonly E[], options: FieldOptions<E> = {}): FieldDecorator =>
    record("enum", { ...options, values }),
  /** An `RList` bound to the record (key under the model tag), deleted with it. */
  list: <V = string>(options: ContainerFieldOptions<V> = {}): FieldDecorator => record("list", options as ContainerFieldOptions),
  /** An `RSet` bound to the record, deleted with it. */
  set: <V = string>(options: ContainerFieldOptions<V> = {}): FieldDecorator => record("set", options as ContainerFieldOptions),
  /** An `RHash` bound to the record, deleted with it. */
  hash: <V = string>(options: ContainerFieldOptions<V> = {}): FieldDecorator => record("hash", options as ContainerFieldOptions),
  /** An `RZSet` bound to the record, deleted with it. */
  zset: <V = string>(options: ContainerFieldOptions<V> = {}): FieldDecorator => record("zset", options as ContainerFieldOptions),
});
