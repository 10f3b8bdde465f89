/**
 * `@model()` and `@field.<kind>()`: they only RECORD what was declared (reflect-metadata on
 * the class); {@link buildModelMeta} in metadata.ts interprets, validates and freezes it.
 * `@model()` triggers that build so a wrong declaration fails when the class is defined.
 */
import "reflect-metadata";
import type { Codec } from "../codec";
import { FIELDS_KEY, MODEL_KEY, buildModelMeta } from "./metadata";
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
  /** `design:type` emitted by the compiler, if any. */
  readonly designType: unknown;
}

function record(kind: FieldKind | undefined, options: FieldDeclaration["options"]): PropertyDecorator {
  return (target, property) => {
    const ctor = (target as { constructor: object }).constructor;
    if (typeof property !== "string") throw new TypeError("narwhal fields must have string names");
    const own: FieldDeclaration[] = Reflect.hasOwnMetadata(FIELDS_KEY, ctor) ? (Reflect.getOwnMetadata(FIELDS_KEY, ctor) as FieldDeclaration[]) : [];
    const designType = Reflect.getMetadata("design:type", target, property) as unknown;
    Reflect.defineMetadata(FIELDS_KEY, [...own, { name: property, kind, options: options ?? {}, designType }], ctor);
  };
}

/** Marks a class as a model (records its options) and builds its metadata at once, so declaration errors surface at definition time. */
export function model(options: ModelOptions = {}): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(MODEL_KEY, options, target);
    buildModelMeta(target as unknown as abstract new () => object);
  };
}

type Text = string;

/** Field decorators: `@field.text({ index: true })`, …; `@field()` infers the kind from `design:type`. */
export const field = Object.assign((options: FieldOptions = {}): PropertyDecorator => record(undefined, options), {
  /** The primary key: a generated uuid (default) or `{ auto: "increment" }`. */
  id: (options: IdOptions = {}): PropertyDecorator => record("id", options),
  /** A string. `fullText` makes it searchable with `match()`; `index` enables `eq`/`in`/`startsWith`. */
  text: (options: FieldOptions<Text> = {}): PropertyDecorator => record("text", options),
  /** A safe integer. */
  integer: (options: FieldOptions<number> = {}): PropertyDecorator => record("integer", options),
  /** A finite double. */
  float: (options: FieldOptions<number> = {}): PropertyDecorator => record("float", options),
  /** `true`/`false`. */
  boolean: (options: FieldOptions<boolean> = {}): PropertyDecorator => record("boolean", options),
  /** A valid `Date` (stored as epoch ms). */
  date: (options: FieldOptions<Date> = {}): PropertyDecorator => record("date", options),
  /** Any JSON value (not indexable). */
  json: (options: FieldOptions = {}): PropertyDecorator => record("json", options),
  /** A uuid string. */
  uuid: (options: FieldOptions<string> = {}): PropertyDecorator => record("uuid", options),
  /** Binary data (`Buffer`/`Uint8Array`, read back as `Buffer`; not indexable). */
  bytes: (options: FieldOptions<Buffer> = {}): PropertyDecorator => record("bytes", options),
  /** One of a fixed set of strings. */
  enum: <const E extends string>(values: readonly E[], options: FieldOptions<E> = {}): PropertyDecorator =>
    record("enum", { ...options, values }),
  /** An `RList` bound to the record (key under the model tag), deleted with it. */
  list: <V = string>(options: ContainerFieldOptions<V> = {}): PropertyDecorator => record("list", options as ContainerFieldOptions),
  /** An `RSet` bound to the record, deleted with it. */
  set: <V = string>(options: ContainerFieldOptions<V> = {}): PropertyDecorator => record("set", options as ContainerFieldOptions),
  /** An `RHash` bound to the record, deleted with it. */
  hash: <V = string>(options: ContainerFieldOptions<V> = {}): PropertyDecorator => record("hash", options as ContainerFieldOptions),
  /** An `RZSet` bound to the record, deleted with it. */
  zset: <V = string>(options: ContainerFieldOptions<V> = {}): PropertyDecorator => record("zset", options as ContainerFieldOptions),
});
