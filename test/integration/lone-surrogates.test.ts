/**
 * Issue 9, defect 11: strings with lone UTF-16 surrogates. UTF-8 cannot carry them, so a
 * client would send U+FFFD and `"a\uD800"`, `"a\uDC00"` and `"a\uFFFD"` would name the same
 * key, hash field, member, model id, unique value, autocomplete item or cache entry. Every
 * boundary that turns a string into something Redis stores or looks up refuses them with a
 * ValidationError naming the argument, before anything is sent (and, in a transaction,
 * aborting it). Generated: every probe is run with many such strings, and the suite's
 * key space must stay empty.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import type { ClientLike } from "../../src/client";
import { Database } from "../../src/database";
import { codecs } from "../../src/codec";
import { UniqueConstraintError, ValidationError } from "../../src/errors";
import { describeBackends } from "../support/backends";
import type { Env } from "../support/lone-surrogate-probes";
import { LoneUser, lone, PROBES } from "../support/lone-surrogate-probes";

/** Every key under the Database's prefix, on every master of a cluster. */
async function keysUnder(raw: ClientLike, prefix: string): Promise<string[]> {
  const nodes = (raw as unknown as { nodes?: (role: string) => ClientLike[] }).nodes?.("master") ?? [raw];
  const found: string[] = [];
  for (const node of nodes) {
    for (const pattern of [`${prefix}:*`, `{${prefix}:*`]) {
      let cursor = "0";
      do {
        const [next, keys] = (await node.call("scan", cursor, "MATCH", pattern, "COUNT", 1000)) as [string, string[]];
        cursor = next;
        found.push(...keys);
      } while (cursor !== "0");
    }
  }
  return found;
}

async function rejection(promise: () => Promise<unknown>): Promise<unknown> {
  try {
    await promise();
  } catch (error) {
    return error;
  }
  return undefined;
}

describeBackends("lone surrogates are refused at every boundary", (ctx) => {
  let shared: (Env & { prefix: string }) | undefined;
  /** The suite's Database (nothing may ever be written under its prefix by the probes). */
  const env = (): Env & { prefix: string } => {
    const { db, prefix } = ctx();
    if (shared?.db !== db) shared = { db, cache: db.cache({ namespace: "c" }), prefix };
    LoneUser.use(db);
    return shared;
  };
  /** A Database of its own for the tests that do write. */
  const writer = (name: string): Env => {
    const db = new Database(ctx().db.client, { prefix: `${ctx().prefix}:${name}` }); // after the probes: cleaned up with the suite
    LoneUser.use(db);
    return { db, cache: db.cache({ namespace: "c" }) };
  };
  /** Asserts that nothing was written under the suite's prefix (and removes whatever was, so one failure does not cascade). */
  const nothingWritten = async (): Promise<void> => {
    const found = await keysUnder(ctx().raw, ctx().prefix);
    for (const key of found) await ctx().raw.call("unlink", key);
    expect(found).toEqual([]);
  };

  for (const probe of PROBES) {
    it(`${probe.name}: ValidationError naming the argument, nothing written`, async () => {
      const e = env();
      await fc.assert(
        fc.asyncProperty(lone, async (s) => {
          const error = await rejection(() => probe.run(e, s));
          expect(error, `${probe.name} with ${JSON.stringify(s)}`).toBeInstanceOf(ValidationError);
          const path = typeof probe.path === "string" ? probe.path : probe.path(s);
          expect((error as ValidationError).issues[0]?.path).toBe(path);
        }),
        { numRuns: 12 },
      );
      await nothingWritten();
    });
  }

  it("inside a transaction or pipeline, a bad string aborts it: nothing is half-written", async () => {
    const { db } = env();
    await fc.assert(
      fc.asyncProperty(lone, fc.constantFrom("transaction", "pipeline") as fc.Arbitrary<"transaction" | "pipeline">, async (s, kind) => {
        const batches: Array<(tx: Parameters<Parameters<Database["transaction"]>[0]>[0]) => unknown> = [
          (tx) => [tx.hash("{t}h").set("ok", "1"), tx.hash("{t}h").set(s, "2")],
          (tx) => [tx.hash("{t}h").set("ok", "1"), tx.set("{t}s").add(s)],
          (tx) => [tx.hash("{t}h").set("ok", "1"), tx.zset("{t}z").incr(s)],
          (tx) => [tx.hash("{t}h").set("ok", "1"), tx.set("{t}s").move("m", s)],
          (tx) => [tx.hash("{t}h").set("ok", "1"), tx.zset("{t}z").rangeByLex(s)],
          (tx) => [LoneUser.in(tx).create({ name: "ok" }), LoneUser.in(tx).create({ email: s })],
          (tx) => [LoneUser.in(tx).create({ name: "ok" }), LoneUser.in(tx).find(s)],
          (tx) => [LoneUser.in(tx).create({ name: "ok" }), LoneUser.in(tx).delete(Object.assign(new LoneUser(), { id: s }))],
          (tx) => [LoneUser.in(tx).create({ name: "ok" }), LoneUser.in(tx).count((q) => q.name.eq(s))],
          (tx) => [LoneUser.in(tx).create({ name: "ok" }), LoneUser.in(tx).query((q) => q.email.eq(s)).toArray()],
          (tx) => [LoneUser.in(tx).create({ name: "ok" }), LoneUser.in(tx).incr(Object.assign(new LoneUser(), { id: s }), "age")],
        ];
        for (const body of batches) {
          const error = await rejection(() => db[kind](body));
          expect(error, `${kind} with ${JSON.stringify(s)}`).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 8 },
    );
    await nothingWritten();
  });

  it("two names that differ only in a lone surrogate never alias: both are refused, the U+FFFD name is untouched", async () => {
    const { db, cache } = writer("alias");
    const [high, low, replacement] = ["a\uD800", "a\uDC00", "a\uFFFD"];
    // The well-formed spelling works everywhere…
    await db.hash(replacement).set(replacement, "kept");
    await db.set("s").add(replacement);
    await db.zset("z").add(replacement, 1);
    await cache.set(replacement, "kept");
    const ac = db.autocomplete(replacement);
    await ac.add({ id: replacement, title: "kept", type: replacement });
    const u = await LoneUser.create({ id: replacement, name: replacement, email: replacement, note: replacement });
    // …and neither lone spelling reaches it.
    for (const bad of [high, low]) {
      expect(() => db.hash(bad)).toThrow(ValidationError);
      await expect(db.hash(replacement).set(bad, "clobbered")).rejects.toBeInstanceOf(ValidationError);
      await expect(db.hash(replacement).get(bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(db.set("s").has(bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(db.zset("z").delete(bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(cache.set(bad, "clobbered")).rejects.toBeInstanceOf(ValidationError);
      await expect(cache.get(bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(ac.remove(replacement, bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(ac.add({ id: bad, title: "clobbered", type: replacement })).rejects.toBeInstanceOf(ValidationError);
      await expect(LoneUser.find(bad)).rejects.toBeInstanceOf(ValidationError);
      // Two distinct unique values used to collide (a false UniqueConstraintError): now refused as input.
      const error = await rejection(() => LoneUser.create({ email: bad }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).not.toBeInstanceOf(UniqueConstraintError);
      // A query with one used to fail server-side (ScriptError); now it is refused before sending.
      await expect(LoneUser.query((q) => q.name.eq(bad)).toArray()).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await db.hash(replacement).toObject()).toEqual({ [replacement]: "kept" });
    expect(await db.set("s").members()).toEqual(new Set([replacement]));
    expect(await db.zset("z").size()).toBe(1);
    expect(await cache.get(replacement)).toBe("kept");
    expect((await ac.get(replacement, replacement))?.title).toBe("kept");
    expect((await LoneUser.get(replacement)).toJSON()).toEqual(u.toJSON());
    expect(await LoneUser.count((q) => q.name.eq(replacement))).toBe(1);
  });

  it("what is accepted on purpose: memoized arguments, values of codecs that carry them, search phrases", async () => {
    const { db, cache } = writer("accepted");
    // Memoized arguments are digested from a canonical encoding that keeps lone surrogates apart.
    let calls = 0;
    const f = cache.wrap(async (x: string) => ({ x, n: ++calls }), { name: "f" });
    const results = await Promise.all(["a\uD800", "a\uDC00", "a\uFFFD"].map((x) => f(x)));
    expect(results.map((r) => r.n).sort()).toEqual([1, 2, 3]);
    expect(new Set(["a\uD800", "a\uDC00", "a\uFFFD"].map((x) => f.key(x))).size).toBe(3);
    expect((await f("a\uD800")).x).toBe("a\uD800");
    // The typed codec (the cache's default) carries any string exactly.
    await cache.set("v", "a\uD800");
    expect(await cache.get("v")).toBe("a\uD800");
    // A search phrase may hold anything: a lone surrogate separates words like punctuation.
    const ac = db.autocomplete("phrases");
    await ac.add({ id: "1", title: "Pizza 🍕 Place" });
    expect((await ac.search("pizza \uD83C")).map((r) => r.id)).toEqual(["1"]);
    expect(await ac.search("\uDC00")).toEqual([]);
  });
});
