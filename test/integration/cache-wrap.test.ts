import { expect, it } from "vitest";
import { cached } from "../../src/cache/cached";
import type { Cache } from "../../src/cache/cache";
import { CodecError, ValidationError } from "../../src/errors";
import { describeBackends } from "../support/backends";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeBackends("Cache.wrap and @cached", (ctx) => {
  it("concurrent misses run fn once (single flight), then hits never call it", async () => {
    const { db } = ctx();
    const cache = db.cache({ namespace: "w1" });
    let calls = 0;
    const load = cache.wrap(
      async (id: string) => {
        calls++;
        await sleep(30);
        return { id, at: calls };
      },
      { name: "load", ttl: 60 },
    );
    const results = await Promise.all(Array.from({ length: 200 }, () => load("a")));
    expect(calls).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(await load("a")).toEqual({ id: "a", at: 1 });
    await load("b");
    expect(calls).toBe(2);
    expect(cache.stats()).toMatchObject({ misses: 2, hits: 1 });
  });

  it("undefined and null results are cached and distinct from a miss; errors are not cached", async () => {
    const { db, raw } = ctx();
    const cache = db.cache({ namespace: "w2" });
    let calls = 0;
    const maybe = cache.wrap(
      async (kind: string) => {
        calls++;
        if (kind === "throw" && calls < 10) throw new Error("boom");
        return kind === "null" ? null : undefined;
      },
      { name: "maybe" },
    );
    expect(await maybe("undef")).toBeUndefined();
    expect(await maybe("undef")).toBeUndefined();
    expect(await maybe("null")).toBeNull();
    expect(await maybe("null")).toBeNull();
    expect(calls).toBe(2);
    expect(await maybe.peek("undef")).toEqual({ value: undefined, stale: false });
    expect(await maybe.peek("never")).toBeUndefined();
    expect(await raw.call("exists", maybe.key("undef"))).toBe(1);
    await expect(maybe("throw")).rejects.toThrow("boom");
    await expect(maybe("throw")).rejects.toThrow("boom");
    expect(calls).toBe(4);
    expect(await raw.call("exists", maybe.key("throw"))).toBe(0);
  });

  it("keys are <prefix>:<namespace>:<name>:<digest>, stable and independent of object key order", async () => {
    const { db, prefix } = ctx();
    const cache = db.cache({ namespace: "w3" });
    const f = cache.wrap(async (..._args: unknown[]) => 1, { name: "f" });
    expect(f.key("1")).toBe(`${prefix}:w3:f:5fn6yLOZpY-XPp_Bzlwtlg`); // fixed vector (unit test)
    expect(f.key({ a: 1, b: [new Date(5)] })).toBe(f.key({ b: [new Date(5)], a: 1 }));
    expect(f.key(1)).not.toBe(f.key("1"));
    expect(f.key(undefined)).not.toBe(f.key());
    expect(f.key(-0)).not.toBe(f.key(0));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(f(cyclic)).rejects.toBeInstanceOf(ValidationError);
    const byId = cache.wrap(async (user: { id: number; name: string }) => user.name, { name: "byId", key: (user) => user.id });
    await byId({ id: 1, name: "ann" });
    expect(await byId({ id: 1, name: "other" })).toBe("ann");
  });

  it("invalidation by arguments", async () => {
    const { db, raw } = ctx();
    const cache = db.cache({ namespace: "w4" });
    let version = 0;
    const get = cache.wrap(async (id: number) => `${id}@${++version}`, { name: "get" });
    expect(await get(1)).toBe("1@1");
    expect(await get(2)).toBe("2@2");
    expect(await get.invalidate(1)).toBe(true);
    expect(await raw.call("exists", get.key(1))).toBe(0);
    expect(await get.invalidate(1)).toBe(false);
    expect(await get(1)).toBe("1@3");
    expect(await get(2)).toBe("2@2");
    expect(await get.invalidateAll()).toBe(2);
    expect(await get(2)).toBe("2@4");
  });

  it("invalidation by tag, across slots, with the tag sets in Redis", async () => {
    const { db, raw, prefix } = ctx();
    const cache = db.cache({ namespace: "w5", ttl: 60 });
    let version = 0;
    const post = cache.wrap(async (userId: number, postId: number) => `${userId}/${postId}@${++version}`, {
      name: "post",
      tags: (userId, postId) => [`user:${userId}`, `post:${postId}`, "posts"],
    });
    for (let u = 1; u <= 3; u++) for (let p = 1; p <= 10; p++) await post(u, p);
    expect(version).toBe(30);
    const tagKey = `${prefix}:w5:#tag:user:1`;
    const members = (await raw.call("smembers", tagKey)) as string[];
    expect(members.sort()).toEqual(Array.from({ length: 10 }, (_, i) => post.key(1, i + 1)).sort());
    const tagTtl = Number(await raw.call("pttl", tagKey));
    expect(tagTtl).toBeGreaterThan(55_000);
    expect(tagTtl).toBeLessThanOrEqual(60_000);

    expect(await cache.invalidateTags("user:1")).toBe(10);
    expect(await raw.call("exists", tagKey)).toBe(0);
    expect(await raw.call("exists", post.key(1, 5))).toBe(0);
    expect(await post(2, 5)).toBe("2/5@15"); // untouched
    expect(await post(1, 5)).toBe("1/5@31"); // recomputed
    expect(await cache.invalidateTags("post:5", "nothing-here")).toBe(3);
    expect(await cache.invalidateTags("posts")).toBe(18); // 30 - 10 (user:1) + 1 (recomputed) - 3 (post:5)
    expect(await cache.invalidateTags()).toBe(0);
    await expect(cache.invalidateTags("")).rejects.toBeInstanceOf(ValidationError);
  });

  it("@cached: lazy cache, Class.method names, two classes with the same method name do not collide", async () => {
    const { db, prefix } = ctx();
    let cache: Cache | undefined; // the classes are declared before the cache exists
    const calls: string[] = [];
    class Users {
      constructor(readonly tenant = "t1") {}
      @cached({ cache: () => cache!, ttl: 60 })
      async find(id: number) {
        calls.push(`Users.find(${id})`);
        return { kind: "user", id };
      }
      @cached({ cache: () => cache!, key(this: Users, id: number) { return [this.tenant, id]; } })
      async scoped(id: number) {
        calls.push(`Users.scoped(${this.tenant},${id})`);
        return `${this.tenant}:${id}`;
      }
      @cached({ cache: () => cache! })
      static async count() {
        calls.push("Users.count");
        return 42;
      }
    }
    class Orders {
      @cached({ cache: () => cache!, ttl: 60 })
      async find(id: number) {
        calls.push(`Orders.find(${id})`);
        return { kind: "order", id };
      }
    }
    cache = db.cache({ namespace: "w6" });
    const users = new Users();
    const orders = new Orders();
    expect(await users.find(1)).toEqual({ kind: "user", id: 1 });
    expect(await orders.find(1)).toEqual({ kind: "order", id: 1 });
    expect(await users.find(1)).toEqual({ kind: "user", id: 1 });
    expect(await new Users("t2").find(1)).toEqual({ kind: "user", id: 1 }); // `this` is not part of the key
    expect(await Users.count()).toBe(42);
    expect(await Users.count()).toBe(42);
    expect(calls).toEqual(["Users.find(1)", "Orders.find(1)", "Users.count"]);
    const find = Users.prototype.find as unknown as { key(id: number): string; invalidate(id: number): Promise<boolean> };
    expect(find.key(1)).toBe(`${prefix}:w6:Users.find:${"Vvtu3tx5yVrkCTEeQBE_4w"}`);
    expect((Orders.prototype.find as unknown as { key(id: number): string }).key(1)).toBe(`${prefix}:w6:Orders.find:Vvtu3tx5yVrkCTEeQBE_4w`);
    expect(await find.invalidate(1)).toBe(true);
    await users.find(1);
    expect(calls.filter((c) => c === "Users.find(1)")).toHaveLength(2);

    // `key` may include `this`
    expect(await new Users("a").scoped(1)).toBe("a:1");
    expect(await new Users("b").scoped(1)).toBe("b:1");
    expect(await new Users("a").scoped(1)).toBe("a:1");
    expect(calls.filter((c) => c.startsWith("Users.scoped"))).toHaveLength(2);
  });

  it("names and options are validated: anonymous functions need a name; two functions may not share one", () => {
    const { db } = ctx();
    const cache = db.cache({ namespace: "w8" });
    expect(() => cache.wrap([(x: number) => x][0]!)).toThrow(/anonymous/);
    const a = async (x: number) => x;
    const f1 = cache.wrap(a, { name: "same" });
    expect(cache.wrap(a, { name: "same" }).cacheName).toBe(f1.cacheName); // same function again: fine
    expect(() => cache.wrap(async (x: number) => x + 1, { name: "same" })).toThrow(/already names another function/);
    expect(() => cache.wrap(a, { name: "x", ttl: -1 })).toThrow(ValidationError);
    expect(() => cache.wrap(a, { name: "y", staleTtl: 5 })).toThrow(/fixed ttl/);
    expect(() => cache.wrap(a, { name: "z", timeoutMs: 0 })).toThrow(/timeoutMs: must be a positive number of milliseconds/);
    expect(() => cache.wrap(a, { name: "z2", timeout: 0 })).toThrow(/timeout: must be a positive number of milliseconds/); // deprecated alias
    expect(() => db.cache({ namespace: "w8b", timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => cache.wrap(a, { name: "a:b" })).toThrow(ValidationError);
  });

  it("ttl may depend on the result", async () => {
    const { db, raw } = ctx();
    const cache = db.cache({ namespace: "w9" });
    const f = cache.wrap(async (n: number) => n, { name: "f", ttl: (n) => n });
    await f(30);
    await f(0);
    expect(Number(await raw.call("pttl", f.key(30)))).toBeGreaterThan(25_000);
    expect(Number(await raw.call("pttl", f.key(0)))).toBe(-1);
  });

  it("failOpen: undecodable data is recomputed, overwritten and reported; failOpen false rejects", async () => {
    const { db, raw } = ctx();
    const errors: string[] = [];
    const cache = db.cache({ namespace: "w13", onError: (e, info) => errors.push(`${info.operation}:${e.name}:${info.name}`) });
    let calls = 0;
    const open = cache.wrap(async () => ++calls, { name: "open" });
    const closed = cache.wrap(async () => ++calls, { name: "closed", failOpen: false });
    await raw.call("set", open.key(), "garbage");
    await raw.call("set", closed.key(), "garbage");
    expect(await open()).toBe(1);
    expect(errors).toEqual(["decode:CodecError:open"]);
    expect(await open()).toBe(1); // overwritten with a good entry
    await expect(closed()).rejects.toBeInstanceOf(CodecError);
    expect(cache.stats().errors).toBe(2);
  });

  it("failOpen: a result the codec cannot store is returned and reported", async () => {
    const { db } = ctx();
    const errors: string[] = [];
    const cache = db.cache({ namespace: "w14", onError: (e, info) => errors.push(`${info.operation}:${e.name}`) });
    class Thing {
      x = 1;
    }
    const f = cache.wrap(async () => new Thing(), { name: "f" });
    expect(await f()).toBeInstanceOf(Thing);
    expect(errors).toEqual(["encode:CodecError"]);
  });
});
