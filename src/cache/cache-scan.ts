/**
 * The namespace-wide operations of a {@link Cache}: listing its raw keys and removing keys by
 * pattern, by SCAN on the server or on every cluster master (wire.ts), never KEYS.
 */
import type { Cache } from "./cache";

/** Every raw key of the namespace, as passed to `set()`: SCAN of `<prefix>:<namespace>::*`. */
export async function* rawKeysOf<V>(cache: Cache<V>): AsyncGenerator<string> {
  const start = cache.keySpace.cacheKey(cache.namespace, "x").length - 1;
  for await (const page of cache.wire.scan(cache.keySpace.cacheKeyPattern(cache.namespace))) {
    for (const key of page) yield key.slice(start);
  }
}

/** SCAN `pattern` + UNLINK page by page (local copies evicted around each page); resolves how many keys were removed. */
export async function clearPattern<V>(cache: Cache<V>, pattern: string): Promise<number> {
  let removed = 0;
  for await (const page of cache.wire.scan(pattern)) removed += await cache.evicting(page, () => cache.wire.unlink(page));
  return removed;
}
