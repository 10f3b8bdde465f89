/**
 * Moving records between instances and the wire: validation of every field, encoding into
 * the save script's arguments (only changed fields for an update), decoding rows into
 * instances, binding container fields, and the per-instance snapshot that makes diffs cheap.
 */
import { randomUUID } from "node:crypto";
import { CodecError, ValidationError } from "../errors";
import type { ValidationIssue } from "../errors";
import { BoundKeySpace } from "../keys";
import type { Context } from "../containers/container";
import { RHash } from "../containers/hash";
import { RSet } from "../containers/set";
import { RList } from "../containers/list";
import { RZSet } from "../containers/zset";
import { codecs } from "../codec";
import type { Codec } from "../codec";
import { checkValue, decodeValue, encodeValue } from "./fields";
import type { FieldMeta } from "./metadata";
import type { ModelContext } from "./binding";

/** Per-instance state kept off the instance (so its own properties are only field values). */
export interface RecordState {
  persisted: boolean;
  /** Encoded value of every scalar field as last read or written (null = absent). */
  snapshot: Map<string, string | null>;
}

const states = new WeakMap<object, RecordState>();

export function stateOf(instance: object): RecordState | undefined {
  return states.get(instance);
}

export function setState(instance: object, state: RecordState): void {
  states.set(instance, state);
}

type Bag = Record<string, unknown>;

type ContainerClass = new (ctx: Context, name: string, codec: Codec<unknown>) => unknown;

/** Container classes by field kind. */
export const containerClasses: Partial<Record<string, ContainerClass>> = {
  hash: RHash as unknown as ContainerClass,
  set: RSet as unknown as ContainerClass,
  list: RList as unknown as ContainerClass,
  zset: RZSet as unknown as ContainerClass,
};

/** Binds every container field of `instance` to its key under the model tag. */
export function bindContainers(ctx: ModelContext, instance: object, pk: string): void {
  if (ctx.meta.containers.length === 0) return;
  const context: Context = {
    executor: ctx.home.executor,
    keys: new BoundKeySpace(ctx.home.keys.prefix),
    withDedicatedConnection: (fn, blockSeconds) => ctx.home.withDedicatedConnection(fn, blockSeconds),
  };
  for (const f of ctx.meta.containers) {
    const Class = containerClasses[f.kind];
    if (!Class) throw new ValidationError({ path: f.name, message: `container kind ${f.kind} is not available in this build` });
    const value = new Class(context, ctx.keys.container(f.name, pk), (f.codec ?? codecs.string) as Codec<unknown>);
    Object.defineProperty(instance, f.name, { value, enumerable: false, writable: true, configurable: true });
  }
}

/** Applies `default` options to fields the data and the class initialisers left undefined. */
export function applyDefaults(fields: readonly FieldMeta[], instance: Bag): void {
  for (const f of fields) {
    if (instance[f.name] !== undefined || f.default === undefined) continue;
    instance[f.name] = typeof f.default === "function" ? (f.default as () => unknown)() : f.default;
  }
}

/** Validates every scalar field of `instance`; returns the issues (empty when valid). */
export function validate(ctx: ModelContext, instance: Bag): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const f of ctx.meta.scalars) {
    const v = instance[f.name];
    if (v === undefined || v === null) {
      const generated = f.kind === "id" && !stateOf(instance)?.persisted;
      if (f.required && !generated) issues.push({ path: f.name, message: "is required" });
      continue;
    }
    const issue = checkValue(f, v);
    if (issue) issues.push(issue);
  }
  return issues;
}

/** Encoded values of every scalar field (null for null/undefined). */
export function encodeAll(ctx: ModelContext, instance: Bag): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const f of ctx.meta.scalars) {
    const v = instance[f.name];
    out.set(f.name, v === undefined || v === null ? null : encodeValue(f.kind, v));
  }
  return out;
}

/** ARGV tail of model-save: value pairs (changed fields only when `previous` is given), then full-text entries. */
export function saveArgs(ctx: ModelContext, instance: Bag, encoded: Map<string, string | null>, previous: Map<string, string | null> | undefined): string[] {
  const pairs: string[] = [];
  const tokens: string[] = [];
  for (const f of ctx.meta.scalars) {
    if (f.kind === "id") continue;
    const enc = encoded.get(f.name) ?? null;
    if (previous && previous.get(f.name) === enc) continue;
    pairs.push(f.name, enc === null ? "n" : `v${enc}`);
    if (f.fullText) tokens.push(f.name, enc === null ? "" : f.fullText.entry(instance[f.name] as string));
  }
  return [String(pairs.length / 2), ...pairs, ...tokens];
}

/** A new pk for a uuid model (auto-increment pks are assigned by the save script). */
export function generatePk(field: FieldMeta): string | undefined {
  return field.auto === "increment" ? undefined : randomUUID();
}

/** Reads a HGETALL reply (flat array, pairs or object) into a null-prototype object. */
export function rowObject(reply: unknown): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  } else if (reply && typeof reply === "object") {
    for (const [k, v] of Object.entries(reply as Record<string, unknown>)) out[k] = String(v);
  }
  return out;
}

/**
 * Builds an instance from a stored row: class initialisers run, then every field is
 * overwritten. An absent field reads back as `undefined` (what an optional `maybe?: string`
 * declares), or `null` when the class initialises it to `null` (`note: string | null = null`).
 */
export function hydrate<T extends object>(ctx: ModelContext, cls: new () => T, row: Record<string, string>): T {
  const instance = new cls();
  const bag = instance as unknown as Bag;
  const snapshot = new Map<string, string | null>();
  for (const f of ctx.meta.scalars) {
    const raw = row[f.name];
    snapshot.set(f.name, raw ?? null);
    try {
      bag[f.name] = raw === undefined ? (bag[f.name] === null ? null : undefined) : decodeValue(f, raw);
    } catch (error) {
      throw new CodecError(`${ctx.meta.name}.${f.name}`, `cannot decode stored value ${JSON.stringify((raw ?? "").slice(0, 40))}`, { cause: error });
    }
  }
  setState(instance, { persisted: true, snapshot });
  bindContainers(ctx, instance, String(bag[ctx.meta.pk.name]));
  return instance;
}
