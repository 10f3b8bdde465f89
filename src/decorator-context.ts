/**
 * The two decorator flavours narwhal's decorators (`@model`, `@field…`, `@cached`) accept with
 * the same imports:
 *
 * - legacy decorators (`"experimentalDecorators": true`): called as `(prototype, name)` for a
 *   field and `(prototype, name, descriptor)` for a method; tsc/swc may add `design:type`
 *   metadata (`emitDecoratorMetadata`) through reflect-metadata;
 * - TC39 standard decorators (TypeScript 5+ without `experimentalDecorators`, and what
 *   esbuild, tsx and vite do without a tsconfig): called as `(value, context)`, where
 *   `context.kind` says what is decorated and `context.metadata` is an object shared by every
 *   decorator of one class (then stored on the class under `Symbol.metadata`).
 *
 * tsc creates `context.metadata` only when `Symbol.metadata` exists, and Node 20 has none
 * (esbuild falls back to `Symbol.for("Symbol.metadata")`). Importing narwhal therefore
 * installs `Symbol.metadata` when it is missing, as TypeScript's release notes advise, with
 * the very symbol esbuild falls back to, so classes compiled by either agree.
 */

type SymbolWithMetadata = { metadata?: symbol };

const FALLBACK = Symbol.for("Symbol.metadata");

if (typeof (Symbol as unknown as SymbolWithMetadata).metadata !== "symbol") {
  try {
    Object.defineProperty(Symbol, "metadata", { value: FALLBACK, writable: false, enumerable: false, configurable: true });
  } catch {
    // A frozen realm: standard decorators then find no context.metadata (see standardMetadata).
  }
}

/** The metadata keys a class may carry: the current `Symbol.metadata` and esbuild's fallback. */
function metadataKeys(): symbol[] {
  const current = (Symbol as unknown as SymbolWithMetadata).metadata;
  return typeof current === "symbol" && current !== FALLBACK ? [current, FALLBACK] : [FALLBACK];
}

/** The context of a standard decorator (TC39), told apart from a legacy decorator's arguments. */
export interface StandardContext {
  readonly kind: "class" | "method" | "getter" | "setter" | "field" | "accessor";
  readonly name: string | symbol | undefined;
  readonly static?: boolean;
  readonly private?: boolean;
  readonly metadata?: Record<PropertyKey, unknown>;
  addInitializer(initializer: (this: unknown) => void): void;
}

/** True when a decorator was called the standard way: its second argument is a context object. */
export function isStandardContext(value: unknown): value is StandardContext {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === "string" &&
    typeof (value as { addInitializer?: unknown }).addInitializer === "function"
  );
}

/** The metadata object standard decorators wrote on `cls` itself (not inherited), if any. */
export function ownStandardMetadata(cls: object): Record<PropertyKey, unknown> | undefined {
  for (const key of metadataKeys()) {
    if (Object.prototype.hasOwnProperty.call(cls, key)) {
      const value = (cls as Record<symbol, unknown>)[key];
      if (typeof value === "object" && value !== null) return value as Record<PropertyKey, unknown>;
    }
  }
  return undefined;
}
