/**
 * The one builder of model metadata: reads what the decorators recorded, merges inheritance
 * (a subclass adds or redeclares fields), infers kinds from `design:type`, validates the
 * whole declaration and freezes the result. Every other part of the model layer reads only
 * the frozen {@link ModelMeta}.
 */
import "reflect-metadata";
import { RHash } from "../containers/hash";
import { RSet } from "../containers/set";
import { RList } from "../containers/list";
import { RZSet } from "../containers/zset";
import { ModelDefinitionError } from "../errors";
import type { FieldDeclaration, ModelOptions } from "./decorators";
import type { FieldKind } from "./fields";
import { CONTAINER_KINDS, EQUALITY_KINDS, RANGE_KINDS, kindFromDesignType } from "./fields";
import { Tokenizer } from "./fulltext";
import { isWellFormed } from "../validate";
import { ownStandardMetadata } from "../decorator-context";
import type { Codec } from "../codec";

/** Metadata key of the field declarations recorded on a class (own, not inherited). */
export const FIELDS_KEY = Symbol.for("narwhal:model:fields");
/** Metadata key of the `@model()` options recorded on a class. */
export const MODEL_KEY = Symbol.for("narwhal:model:options");

/** Everything the model layer knows about one field. Frozen. */
export interface FieldMeta {
  readonly name: string;
  readonly kind: FieldKind;
  readonly required: boolean;
  readonly default: unknown;
  /** Equality index set `{…}:i:<field>:<value>`. */
  readonly eqIndex: boolean;
  /** Range index zset `{…}:z:<field>` (range kinds). */
  readonly rangeIndex: boolean;
  /** Lex index zset `{…}:x:<field>` (text with `index` or `sortable`). */
  readonly lexIndex: boolean;
  readonly unique: boolean;
  /** Tokenizer of a full-text field. */
  readonly fullText: Tokenizer | undefined;
  /** Usable in `orderBy()`. */
  readonly sortable: boolean;
  readonly values: readonly string[] | undefined;
  readonly auto: "uuid" | "increment" | undefined;
  /** Codec of a container field. */
  readonly codec: Codec<unknown> | undefined;
}

/** Everything the model layer knows about one model class. Frozen. */
export interface ModelMeta {
  /** The model's name in keys. */
  readonly name: string;
  readonly cls: abstract new () => object;
  readonly pk: FieldMeta;
  /** Every stored (non-container) field, pk included. */
  readonly scalars: readonly FieldMeta[];
  readonly containers: readonly FieldMeta[];
  readonly fields: ReadonlyMap<string, FieldMeta>;
  /** Default record TTL in seconds. */
  readonly ttl: number | undefined;
  /** The schema the Lua scripts read (JSON, built once). */
  readonly schema: string;
}

/** Property names a field may not use (they are Model methods or prototype plumbing). */
export const RESERVED = new Set([
  "__proto__", "constructor", "prototype", "save", "delete", "reload", "incr", "expire", "ttl", "toJSON", "isPersisted",
  "hasOwnProperty", "toString", "valueOf",
]);
const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MODEL_NAME = /^[A-Za-z0-9_.-]+$/;

const built = new WeakMap<object, ModelMeta>();

/** The field declarations recorded on `c` itself: by legacy decorators or defineModel (reflect-metadata), then by standard decorators (`Symbol.metadata`). */
function ownDeclarations(c: object): FieldDeclaration[] {
  const legacy = (Reflect.getOwnMetadata(FIELDS_KEY, c) as FieldDeclaration[] | undefined) ?? [];
  const metadata = ownStandardMetadata(c);
  const standard = metadata && Object.prototype.hasOwnProperty.call(metadata, FIELDS_KEY) ? (metadata[FIELDS_KEY] as FieldDeclaration[]) : [];
  return [...legacy, ...standard];
}

/** The `@model()`/`defineModel()` options recorded on `c` itself, if any. */
function ownOptions(c: object): ModelOptions | undefined {
  const legacy = Reflect.getOwnMetadata(MODEL_KEY, c) as ModelOptions | undefined;
  if (legacy) return legacy;
  const metadata = ownStandardMetadata(c);
  return metadata && Object.prototype.hasOwnProperty.call(metadata, MODEL_KEY) ? (metadata[MODEL_KEY] as ModelOptions) : undefined;
}

/** Classes from the root down to `cls`. */
function classChain(cls: object): object[] {
  const chain: object[] = [];
  for (let c: object | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c) as object | null) chain.unshift(c);
  return chain;
}

function declarations(cls: object): FieldDeclaration[] {
  const merged = new Map<string, FieldDeclaration>();
  for (const c of classChain(cls)) {
    for (const d of ownDeclarations(c)) merged.set(d.name, d);
  }
  return [...merged.values()];
}

/**
 * tsc emits `design:type` Object both for object types (interfaces, Record) and for fields
 * WITHOUT a type annotation (`@field() name = ""`); for the latter the initialiser's value
 * tells the kind, so the builder looks at a sample instance (models have no-arg constructors).
 */
function kindFromInitialiser(sample: () => Record<string, unknown> | undefined, name: string): FieldKind | undefined {
  const value = sample()?.[name];
  if (typeof value === "string") return "text";
  if (typeof value === "number") return "float";
  if (typeof value === "boolean") return "boolean";
  if (value instanceof Date) return "date";
  if (value instanceof Uint8Array) return "bytes";
  return undefined;
}

function inferKind(className: string, d: FieldDeclaration, sample: () => Record<string, unknown> | undefined): FieldKind {
  if (d.kind !== undefined) return d.kind;
  if (d.designType === RHash) return "hash";
  if (d.designType === RSet) return "set";
  if (d.designType === RList) return "list";
  if (d.designType === RZSet) return "zset";
  if (d.designType === Object) {
    const fromValue = kindFromInitialiser(sample, d.name);
    if (fromValue) return fromValue;
  }
  const inferred = kindFromDesignType(d.designType);
  if (inferred) return inferred;
  if (d.designType === undefined) {
    const why =
      d.via === "standard"
        ? "standard (TC39) decorators carry no type information"
        : d.via === "defineModel"
          ? "defineModel() has no type information"
          : "the compiler emitted no design:type metadata (esbuild, tsx and vite do not)";
    throw new ModelDefinitionError(
      `${className}.${d.name}: @field() cannot infer the field kind because ${why}. ` +
        `Fix: name the kind, e.g. @field.text() / @field.integer() / @field.date() / @field.json(), ` +
        `or compile with tsc/swc, "experimentalDecorators": true and "emitDecoratorMetadata": true.`,
    );
  }
  const typeName = typeof d.designType === "function" ? (d.designType as { name: string }).name : String(d.designType);
  throw new ModelDefinitionError(`${className}.${d.name}: @field() cannot store a ${typeName}. Fix: name the kind, e.g. @field.json().`);
}

/** Builds (once), validates and freezes the metadata of a model class. Throws ModelDefinitionError. */
export function buildModelMeta(cls: abstract new () => object): ModelMeta {
  const cached = built.get(cls);
  if (cached) return cached;
  const className = cls.name || "(anonymous model)";
  const options = ownOptions(cls) ?? {};
  // A subclass's @model({ name }) keeps the nearest ancestor's ttl unless it sets its own.
  const inheritedTtl = classChain(cls).reverse().map((c) => ownOptions(c)?.ttl).find((t) => t !== undefined);
  const name = options.name ?? cls.name;
  const problems: string[] = [];
  if (!name || !MODEL_NAME.test(name)) problems.push(`model name ${JSON.stringify(name)} must be letters, digits, "_", "-" or "." (set @model({ name }))`);
  const ttl = options.ttl ?? inheritedTtl;
  if (ttl !== undefined && !(typeof ttl === "number" && Number.isFinite(ttl) && ttl > 0)) problems.push("ttl must be a positive number of seconds");

  const fields: FieldMeta[] = [];
  let instance: Record<string, unknown> | undefined | null = null;
  const sample = () => {
    if (instance === null) {
      try {
        instance = new (cls as unknown as new () => Record<string, unknown>)();
      } catch {
        instance = undefined;
      }
    }
    return instance;
  };
  for (const d of declarations(cls)) {
    const where = `${className}.${d.name}`;
    if (d.misplaced) {
      problems.push(`${where}: @field decorates public instance fields, not ${/^[aeiou]/.test(d.misplaced) ? "an" : "a"} ${d.misplaced}; declare it as a plain field (\`${d.name.replace(/^#/, "")}!: T\`)`);
      continue;
    }
    if (!NAME.test(d.name) || RESERVED.has(d.name)) {
      problems.push(`${where}: the name is reserved or not an identifier; rename the property`);
      continue;
    }
    const kind = inferKind(className, d, sample);
    const o = d.options;
    const isContainer = CONTAINER_KINDS.has(kind);
    const range = RANGE_KINDS.has(kind);
    if (isContainer && (o.index || o.unique || o.fullText || o.sortable || o.required || o.default !== undefined)) {
      problems.push(`${where}: a ${kind} container field takes no index/unique/fullText/sortable/required/default option`);
    }
    if ((kind === "json" || kind === "bytes") && (o.index || o.unique || o.sortable)) {
      problems.push(`${where}: a ${kind} field cannot be indexed, unique or sortable; use a text/integer/… field for what you query`);
    }
    if (o.fullText && kind !== "text") problems.push(`${where}: fullText needs a text field (got ${kind})`);
    if (o.sortable && !range && kind !== "text") problems.push(`${where}: sortable needs an integer, float, date or text field (got ${kind})`);
    if (kind === "enum" && (!Array.isArray(o.values) || o.values.length === 0 || o.values.some((v) => typeof v !== "string" || !isWellFormed(v)))) {
      problems.push(`${where}: @field.enum() needs a non-empty list of strings (well-formed: no lone UTF-16 surrogate)`);
    }
    if (kind === "id" && o.auto !== undefined && o.auto !== "uuid" && o.auto !== "increment") problems.push(`${where}: auto must be "uuid" or "increment"`);
    let fullText: Tokenizer | undefined;
    if (o.fullText) {
      try {
        fullText = new Tokenizer(o.fullText === true ? {} : o.fullText);
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
      }
    }
    fields.push(
      Object.freeze({
        name: d.name,
        kind,
        required: kind === "id" || o.required === true,
        default: o.default,
        eqIndex: o.index === true && EQUALITY_KINDS.has(kind),
        rangeIndex: range && (o.index === true || o.sortable === true),
        lexIndex: kind === "text" && (o.index === true || o.sortable === true),
        unique: o.unique === true || kind === "id",
        fullText,
        sortable: kind === "id" || (o.sortable === true || o.index === true) && (range || kind === "text"),
        values: o.values ? Object.freeze([...o.values]) : undefined,
        auto: kind === "id" ? (o.auto ?? "uuid") : undefined,
        codec: o.codec as Codec<unknown> | undefined,
      }),
    );
  }
  const pks = fields.filter((f) => f.kind === "id");
  if (pks.length === 0) problems.push(`${className} has no primary key: add one field with @field.id() (e.g. \`@field.id() id!: string\`)`);
  if (pks.length > 1) problems.push(`${className} has ${pks.length} primary keys (${pks.map((f) => f.name).join(", ")}); keep one @field.id()`);
  if (problems.length > 0) throw new ModelDefinitionError(`${className}: ${problems.join("; ")}`);

  const pk = pks[0]!;
  const scalars = fields.filter((f) => !CONTAINER_KINDS.has(f.kind));
  const containers = fields.filter((f) => CONTAINER_KINDS.has(f.kind));
  const schema = JSON.stringify({
    pk: pk.name,
    inc: pk.auto === "increment" ? 1 : 0,
    f: scalars
      .filter((f) => f !== pk)
      .map((f) => ({ n: f.name, e: f.eqIndex ? 1 : 0, r: f.rangeIndex ? 1 : 0, x: f.lexIndex ? 1 : 0, u: f.unique ? 1 : 0, t: f.fullText ? 1 : 0 })),
    c: containers.map((f) => f.name),
  });
  const meta: ModelMeta = Object.freeze({
    name,
    cls,
    pk,
    scalars: Object.freeze(scalars),
    containers: Object.freeze(containers),
    fields: new Map(fields.map((f) => [f.name, f])),
    ttl,
    schema,
  });
  built.set(cls, meta);
  return meta;
}
