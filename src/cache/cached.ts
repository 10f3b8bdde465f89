/**
 * `@cached(options)`: memoizes a class method in a {@link Cache} (legacy decorators,
 * `experimentalDecorators`).
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
import { ValidationError } from "../errors";
import type { Cache } from "./cache";
import type { Wrapped, WrapOptions } from "./options";
import { wrapFunction } from "./wrap";

/** Options of `@cached()`: those of `cache.wrap()` plus the cache to use. */
export interface CachedOptions<This = unknown, A extends unknown[] = unknown[], R = unknown> extends WrapOptions<This, A, R> {
  /** The Cache, or a function returning it (called once, on the first call). */
  readonly cache: Cache<unknown> | (() => Cache<unknown>);
}

/** A method decorated with `@cached`: also carries `invalidate`, `key`, `peek` and `invalidateAll` (resolved lazily). */
export type CachedMethod<A extends unknown[], R> = ((...args: A) => Promise<R>) &
  Pick<Wrapped<unknown, A, R>, "invalidate" | "key" | "peek" | "invalidateAll">;

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

function isCache(value: unknown): value is Cache<unknown> {
  return typeof value === "object" && value !== null && typeof (value as Cache<unknown>).wrap === "function";
}

/**
 * Memoizes the decorated method; see the module comment (and read the line on `this`).
 * The method keeps its parameters and returns a promise.
 */
export function cached<This = unknown, A extends unknown[] = unknown[], R = unknown>(options: CachedOptions<This, A, R>): MethodDecorator {
  if (typeof options !== "object" || options === null || (typeof options.cache !== "function" && !isCache(options.cache))) {
    throw new ValidationError({ path: "cache", message: "@cached needs { cache } (a Cache or a function returning one)" });
  }
  return (target: object, property: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor => {
    const original = descriptor.value as AnyMethod;
    if (typeof original !== "function") throw new ValidationError({ path: String(property), message: "@cached applies to methods only" });
    const isStatic = typeof target === "function";
    const className = isStatic ? (target as { name: string }).name : (target as { constructor: { name: string } }).constructor.name;
    const method = typeof property === "symbol" ? property.description ?? "" : property;
    const name = options.name ?? (className && method ? `${className}.${isStatic ? "static." : ""}${method}` : "");
    if (name === "") throw new ValidationError({ path: "name", message: `@cached on ${className || "an anonymous class"}.${method || "a symbol method"} needs a \`name\` option` });

    let memo: Wrapped<unknown, unknown[], unknown> | undefined;
    const resolve = (): Wrapped<unknown, unknown[], unknown> => {
      if (memo) return memo;
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
      invalidateAll: { value: () => resolve().invalidateAll() },
    });
    return { ...descriptor, value: replacement };
  };
}
