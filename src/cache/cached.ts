/**
 * `@cached(options)`: memoizes a class method in a {@link Cache}. Works as a legacy decorator
 * (`experimentalDecorators`) and as a standard (TC39) one, with the same import.
 *
 * The decorator only records the options and installs a thin method; the memoized function
 * (`cache.wrap`) is built on the first call, when `cache` (a Cache or a function returning
 * one) is resolved, so a class can be declared before its Database exists.
 *
 * The default name is `Class.method` (`Class.static.method` for static methods), so two
 * classes with a method of the same name never share keys; two different classes that share
 * a class name in one namespace are refused on first call (ValidationError).
 *
 * **`this` is not part of the key.** Calls on two instances with the same arguments share one
 * entry (and one in-flight computation). When the result depends on the instance (tenant,
 * user, connection), say so with `key`: `key(id) { return [this.tenantId, id]; }`.
 */
import { isStandardContext } from "../decorator-context";
import type { StandardContext } from "../decorator-context";
import { ValidationError } from "../errors";
import type { Cache } from "./cache";
import type { Wrapped, WrapOptions } from "./options";
import { wrapFunction } from "./wrap";

/** Options of `@cached()`: those of `cache.wrap()` plus the cache to use. */
export interface CachedOptions<This = unknown, A extends unknown[] = unknown[], R = unknown> extends WrapOptions<This, A, R> {
  /** The Cache, or a function returning it (called once, on the first call). */
  readonly cache: Cache<unknown> | (() => Cache<unknown>);
}

/** A method decorated with `@cached`: also carries `invalidate`, `key`, `peek`, `entry` and `invalidateAll` (resolved lazily). */
export type CachedMethod<A extends unknown[], R> = ((...args: A) => Promise<R>) &
  Pick<Wrapped<unknown, A, R>, "invalidate" | "key" | "peek" | "entry" | "invalidateAll">;

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

function isCache(value: unknown): value is Cache<unknown> {
  return typeof value === "object" && value !== null && typeof (value as Cache<unknown>).wrap === "function";
}

/**
 * What `@cached()` returns: a method decorator for both flavours, legacy
 * `(prototype, name, descriptor)` and standard `(method, context)`.
 */
export interface CachedDecorator {
  <T>(target: object, propertyKey: string | symbol, descriptor: TypedPropertyDescriptor<T>): TypedPropertyDescriptor<T> | void;
  <M>(method: M, context: ClassMethodDecoratorContext): M | void;
}

/** The class that declares `method` (the first object on `self`'s chain holding it as `property`). */
function declaringClassName(self: unknown, property: string | symbol, method: unknown): string | undefined {
  for (let o: unknown = self; o !== null && (typeof o === "object" || typeof o === "function"); o = Object.getPrototypeOf(o)) {
    const own = Object.getOwnPropertyDescriptor(o, property);
    if (own && own.value === method) return typeof o === "function" ? (o as { name: string }).name : (o as { constructor?: { name?: string } }).constructor?.name;
  }
  return undefined;
}

/**
 * Memoizes the decorated method; see the module comment (and read the line on `this`).
 * The method keeps its parameters and returns a promise.
 */
export function cached<This = unknown, A extends unknown[] = unknown[], R = unknown>(options: CachedOptions<This, A, R>): CachedDecorator {
  if (typeof options !== "object" || options === null || (typeof options.cache !== "function" && !isCache(options.cache))) {
    throw new ValidationError({ path: "cache", message: "@cached needs { cache } (a Cache or a function returning one)" });
  }
  const decorator = (target: unknown, property: unknown, descriptor?: PropertyDescriptor): unknown => {
    if (isStandardContext(property)) return decorateStandard(options as CachedOptions, target, property);
    const original = descriptor?.value as AnyMethod;
    const key = property as string | symbol;
    if (typeof original !== "function") throw new ValidationError({ path: String(key), message: "@cached applies to methods only" });
    const isStatic = typeof target === "function";
    const className = isStatic ? (target as { name: string }).name : (target as { constructor: { name: string } }).constructor.name;
    const method = typeof key === "symbol" ? key.description ?? "" : key;
    const name = options.name ?? (className && method ? `${className}.${isStatic ? "static." : ""}${method}` : "");
    if (name === "") throw new ValidationError({ path: "name", message: `@cached on ${className || "an anonymous class"}.${method || "a symbol method"} needs a \`name\` option` });
    return { ...descriptor, value: memoized(options as CachedOptions, original, () => name) };
  };
  return decorator as CachedDecorator;
}

/**
 * Standard (TC39) decorators: the decorator sees the method and its context but not the class,
 * so the default name `Class.method` is settled once the class is known: at once for a static
 * method (a class initializer), at the first instance (an instance initializer) or the first
 * call (the class declaring the method on `this`'s prototype chain) for an instance method.
 */
function decorateStandard(options: CachedOptions, value: unknown, context: StandardContext): AnyMethod {
  const property = context.name ?? "";
  const method = typeof property === "symbol" ? (property.description ?? "") : property;
  if (context.kind !== "method" || typeof value !== "function") {
    throw new ValidationError({ path: method, message: `@cached applies to methods only, not to a ${context.kind}` });
  }
  if (options.name === undefined && (context.private || method === "")) {
    throw new ValidationError({ path: "name", message: `@cached on ${method || "a symbol method"} needs a \`name\` option (a private or unnamed method has no Class.method name)` });
  }
  let className: string | undefined;
  const settle = (self: unknown): void => {
    if (className === undefined) className = declaringClassName(self, property, replacement);
  };
  const nameOf = (): string => {
    if (options.name !== undefined) return options.name;
    if (!className) {
      throw new ValidationError({
        path: "name",
        message: `@cached ${method}: its class is not known yet (standard decorators learn it from the first instance or call); pass a \`name\` option to use key()/invalidate()/peek() before that`,
      });
    }
    return `${className}.${context.static ? "static." : ""}${method}`;
  };
  const replacement = memoized(options, value as AnyMethod, nameOf, settle);
  context.addInitializer(function (this: unknown) {
    settle(this);
  });
  return replacement;
}

/**
 * The thin method installed in place of `original`: builds the memoized function (`cache.wrap`)
 * on first use, when `options.cache` is resolved; `settle` learns the class from `this`.
 */
function memoized(options: CachedOptions, original: AnyMethod, nameOf: () => string, settle?: (self: unknown) => void): AnyMethod {
  let memo: Wrapped<unknown, unknown[], unknown> | undefined;
  const resolve = (): Wrapped<unknown, unknown[], unknown> => {
    if (memo) return memo;
    const name = nameOf();
    const cache = isCache(options.cache) ? options.cache : (options.cache as () => Cache<unknown>)();
    if (!isCache(cache)) throw new ValidationError({ path: "cache", message: `@cached ${name}: the cache function did not return a Cache` });
    const { cache: _ignored, ...wrapOptions } = options;
    const opts = wrapOptions as unknown as WrapOptions<unknown, unknown[], unknown>;
    memo = wrapFunction(cache, original, { ...opts, name, identity: `${name}\n${original.toString()}` });
    return memo;
  };
  const replacement = function (this: unknown, ...args: unknown[]): Promise<unknown> {
    let fn: Wrapped<unknown, unknown[], unknown>;
    try {
      settle?.(this);
      fn = resolve();
    } catch (error) {
      return Promise.reject(error);
    }
    return fn.apply(this, args);
  };
  Object.defineProperties(replacement, {
    name: { value: original.name },
    invalidate: { value: (...args: unknown[]) => resolve().invalidate(...args) },
    key: { value: (...args: unknown[]) => resolve().key(...args) },
    peek: { value: (...args: unknown[]) => resolve().peek(...args) },
    entry: { value: (...args: unknown[]) => resolve().entry(...args) },
    invalidateAll: { value: () => resolve().invalidateAll() },
  });
  return replacement;
}
