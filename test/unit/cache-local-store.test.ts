/** The local tier's store and its coherence rules, without a server. */
import { describe, expect, it } from "vitest";
import { Coherence } from "../../src/cache/coherence";
import { LocalStore, localOptions } from "../../src/cache/local-store";
import { ValidationError } from "../../src/errors";

/** A Coherence forced "up" without connections (the rules only). */
function upCoherence(): Coherence {
  const c = new Coherence({ client: { on: () => undefined, status: "ready" } as never, isCluster: false }, "p:ns:", () => undefined);
  c.state = "up";
  return c;
}

describe("LocalStore", () => {
  it("keeps at most maxEntries, giving recently read entries a second chance", () => {
    const store = new LocalStore<number>(3, 60_000);
    for (const k of ["a", "b", "c"]) store.set(k, { value: 1 }, undefined);
    store.get("a"); // read: survives the next eviction
    store.set("d", { value: 4 }, undefined);
    expect(store.size).toBe(3);
    expect(store.get("a")).toBeDefined();
    expect(store.get("b")).toBeUndefined();
  });

  it("never keeps a copy past its Redis expiry nor past the tier's ttl", async () => {
    const store = new LocalStore<number>(10, 30);
    store.set("past", { value: 1 }, Date.now() - 1);
    expect(store.get("past")).toBeUndefined();
    store.set("soon", { value: 1 }, Date.now() + 10);
    store.set("ttl", { value: 1 }, undefined);
    await new Promise((r) => setTimeout(r, 40));
    expect(store.get("soon")).toBeUndefined();
    expect(store.get("ttl")).toBeUndefined();
  });

  it("checks its options", () => {
    expect(localOptions("local", undefined)).toBeUndefined();
    expect(localOptions("local", { maxEntries: 5 })).toEqual({ maxEntries: 5, ttlMs: 60_000 });
    for (const bad of [{}, { maxEntries: 0 }, { maxEntries: 1.5 }, { maxEntries: 5, ttl: -1 }]) expect(() => localOptions("local", bad)).toThrow(ValidationError);
  });
});

describe("Coherence rules", () => {
  it("a read whose key is invalidated while in flight is not kept; others are", () => {
    const c = upCoherence();
    const spoiled = c.begin("k")!;
    const clean = c.begin("other")!;
    c.invalidate([Buffer.from("k")]);
    expect(c.finish(spoiled)).toBe(false);
    expect(c.finish(clean)).toBe(true);
  });

  it("a flush (null invalidation) or a lost connection spoils every read in flight and empties the stores", () => {
    const c = upCoherence();
    const store = new LocalStore<number>(10, 60_000);
    c.stores.add(store as LocalStore<unknown>);
    store.set("x", { value: 1 }, undefined);
    const read = c.begin("y")!;
    c.invalidate(null);
    expect(store.size).toBe(0);
    expect(c.finish(read)).toBe(false);
    expect(c.begin("z")).toBeDefined();
    c.state = "down";
    expect(c.begin("z")).toBeUndefined(); // nothing is kept while not up
  });

  it("this process's writes drop the copies and spoil reads in flight, before and after the write", async () => {
    const c = upCoherence();
    const store = new LocalStore<number>(10, 60_000);
    c.stores.add(store as LocalStore<unknown>);
    store.set("k", { value: 1 }, undefined);
    let during: ReturnType<Coherence["begin"]>;
    await c.evicting("k", async () => {
      expect(store.get("k")).toBeUndefined();
      during = c.begin("k");
      store.set("k", { value: 2 }, undefined); // a read that slipped in
    });
    expect(store.get("k")).toBeUndefined();
    expect(c.finish(during!)).toBe(false);
  });

  it("waiters wake on their key's invalidation", async () => {
    const c = upCoherence();
    const watch = c.waitFor(["entry", "lock"]);
    let woke = false;
    void watch.wait(10_000).then(() => (woke = true));
    c.invalidate([Buffer.from("other")]);
    await Promise.resolve();
    expect(woke).toBe(false);
    c.invalidate([Buffer.from("lock")]);
    await new Promise((r) => setTimeout(r, 0));
    expect(woke).toBe(true);
  });
});
