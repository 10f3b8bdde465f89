/**
 * The attribute-style view of a synced namespace (`mem.values.theme`, `mem.values.theme = "x"`,
 * `delete mem.values.theme`, `Object.keys`, spread, JSON.stringify): a Proxy over the mirror.
 * Reads are the mirror's; writes go through `write` (undefined deletes), which throws at once
 * for a bad value or a full journal, so the assignment throws.
 */
export function valuesProxy<T extends object>(visible: ReadonlyMap<string, unknown>, write: (key: string, value: unknown) => void): T {
  return new Proxy({} as T, {
    get: (_t, key) => (typeof key === "string" ? visible.get(key) : undefined),
    set: (_t, key, value) => {
      if (typeof key !== "string") return false;
      write(key, value);
      return true;
    },
    deleteProperty: (_t, key) => {
      if (typeof key !== "string") return false;
      if (visible.has(key)) write(key, undefined);
      return true;
    },
    has: (_t, key) => typeof key === "string" && visible.has(key),
    ownKeys: () => [...visible.keys()],
    getOwnPropertyDescriptor: (_t, key) => (typeof key === "string" && visible.has(key) ? { value: visible.get(key), writable: true, enumerable: true, configurable: true } : undefined),
  });
}
