/**
 * Issue 9, defect 5: raw cache keys and memoized entries have disjoint key spaces.
 * Raw keys live at `<prefix>:<namespace>::<key>`, memoized calls at
 * `<prefix>:<namespace>:<name>:<digest>` (tags `…:#tag:<tag>`, locks `…:#lock:<name>:<digest>`).
 * Whatever a raw key looks like (a memoized key's tail, a tag or lock key's tail, `:` and `#`
 * anywhere), it never shadows, overwrites or is removed by a memoized entry, and no raw
 * operation reads, overwrites or removes a memoized entry. `clear()` is the namespace-wide wipe.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import { describeBackends } from "../support/backends";

const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Raw keys full of the characters the layout uses. */
const rawKey = fc
  .string({ unit: fc.constantFrom("f", "g", "t", ":", "#", "*", "tag", "lock", "{", "}", " ", "é"), minLength: 1, maxLength: 10 })
  .filter(wellFormed);

describeBackends("Cache: raw keys and memoized entries never share a key", (ctx) => {
  let serial = 0;

  it("a raw key never collides with, shadows or is removed by a memoized entry, and vice versa (generated)", async () => {
    const { db, raw, prefix } = ctx();
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(rawKey, { maxLength: 6 }), fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 3 }), async (generated, args) => {
        const namespace = `ks${++serial}`;
        const cache = db.cache({ namespace });
        const f = cache.wrap(async (x: number) => ({ f: x }), { name: "f", tags: (x) => [`t:${x}`, "all"] });
        const g = cache.wrap(async (x: number) => ({ g: x }), { name: "g", lock: true });
        for (const a of args) {
          await f(a);
          await g(a);
        }
        // Raw keys that spell exactly what the memoized entries, tag sets and locks use after the namespace.
        const tail = (key: string) => key.slice(`${prefix}:${namespace}:`.length);
        const lookalikes = args.flatMap((a) => [tail(f.key(a)), tail(g.key(a)), `#tag:t:${a}`, "#tag:all", `#lock:${tail(g.key(a))}`]);
        const keys = [...new Set([...generated, ...lookalikes, "f", "f:", "#tag", "#lock"])];
        // A raw read never sees a memoized entry (keys starting with "#", which spell tag sets and locks, come later).
        const plain = keys.filter((k) => !k.startsWith("#"));
        expect(await cache.getMany(plain)).toEqual(plain.map(() => undefined));
        // Raw writes never overwrite or shadow a memoized entry.
        await cache.setMany(plain.map((k) => [k, `raw ${k}`] as [string, string]));
        for (const a of args) {
          expect((await f.peek(a))?.value).toEqual({ f: a });
          expect((await g.peek(a))?.value).toEqual({ g: a });
          expect(await f(a)).toEqual({ f: a });
        }
        // Raw keys may spell a tag set or a lock too (a leading "#" is an ordinary character of a raw key).
        await cache.setMany(keys.filter((k) => k.startsWith("#")).map((k) => [k, `raw ${k}`] as [string, string]));
        for (const a of args) expect(await raw.call("exists", f.key(a))).toBe(1);
        expect(await cache.getMany(keys)).toEqual(keys.map((k) => `raw ${k}`));
        const listed: string[] = [];
        for await (const k of cache.keys()) listed.push(k);
        expect(listed.sort()).toEqual([...keys].sort());

        // Memoized invalidation never touches a raw key.
        await f.invalidate(args[0]!);
        expect(await cache.invalidateTags("all", ...args.map((a) => `t:${a}`))).toBe(args.length - 1);
        expect(await g.invalidateAll()).toBe(args.length);
        expect(await f.invalidateAll()).toBe(0);
        expect(await cache.getMany(keys)).toEqual(keys.map((k) => `raw ${k}`));

        // Raw deletes and overwrites never touch a memoized entry.
        for (const a of args) await f(a);
        await cache.setMany(keys.map((k) => [k, "again"] as [string, string]));
        expect(await cache.deleteMany(keys)).toBe(keys.length);
        for (const k of keys) expect(await cache.delete(k)).toBe(false);
        for (const a of args) expect((await f.peek(a))?.value).toEqual({ f: a });

        // clear() wipes the whole namespace: raw keys, memoized entries, tag sets, locks.
        await cache.set(keys[0]!, 1);
        expect(await cache.clear()).toBeGreaterThanOrEqual(args.length + 1);
        for (const a of args) expect(await f.peek(a)).toBeUndefined();
        expect(await cache.get(keys[0]!)).toBeUndefined();
      }),
      { numRuns: 15 },
    );
  });

  it("the issue's case: cache.set('getUser:<digest>') survives getUser.invalidateAll() and never reads as getUser's entry", async () => {
    const { db, raw, prefix } = ctx();
    const cache = db.cache({ namespace: "issue" });
    const getUser = cache.wrap(async (id: string) => ({ id, from: "fn" }), { name: "getUser" });
    await getUser("1");
    const digest = getUser.key("1").split(":").pop()!;
    expect(await cache.get(`getUser:${digest}`)).toBeUndefined(); // not the memoized value
    await cache.set(`getUser:${digest}`, { id: "1", from: "raw" });
    expect(await getUser("1")).toEqual({ id: "1", from: "fn" }); // not shadowed
    expect(await getUser.invalidateAll()).toBe(1);
    expect(await cache.get(`getUser:${digest}`)).toEqual({ id: "1", from: "raw" }); // not removed
    // The layout (README, keys.ts): memoized entries keep theirs, raw keys have an empty name segment.
    expect(getUser.key("1")).toBe(`${prefix}:issue:getUser:${digest}`);
    expect(cache.redisKey(`getUser:${digest}`)).toBe(`${prefix}:issue::getUser:${digest}`);
    expect(await raw.call("exists", `${prefix}:issue::getUser:${digest}`)).toBe(1);
    // Raw keys may start with "#" now: they cannot reach a tag set or a lock.
    await cache.set("#tag:x", 1);
    expect(await raw.call("exists", `${prefix}:issue:#tag:x`)).toBe(0);
    expect(await cache.get("#tag:x")).toBe(1);
  });
});
